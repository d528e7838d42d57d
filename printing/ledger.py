"""台账: everything a branch files for a month, quarter or year, bound in one PDF (domain.md §6).

Inspectors check counts against the required minimum and then drill down to the records (§6.2),
so the ledger opens with the compliance summary of :func:`domain.compliance.compliance_status`,
then lists every activity of the period with its attendance (实到/应到 from
:func:`domain.rules.voting_roll`), then the 党员先锋岗. "一活动一入簿" (§6.1): with
``include_minutes`` each record's full 会议记录 follows on its own pages, draft records with
their watermark, and each 先锋岗 report after them. Pages are numbered through the whole volume.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import Flowable, PageBreak

from domain.compliance import (
    ComplianceReport,
    ComplianceState,
    MeetingFact,
    Period,
    PeriodKind,
    compliance_status,
)
from domain.context import RuleContext
from domain.enums import RecordStatus
from domain.late_entry import LABEL as LATE_ENTRY
from domain.rules import star_rating, voting_roll
from printing.attachments import PdfEmbedder
from printing.blocks import Kit, compact
from printing.document import PageMark, PrintResult, build_pdf
from printing.fonts import FontSet, default_fonts
from printing.formatting import date_iso, date_zh, name_of
from printing.inputs import LedgerInput, MinutesInput
from printing.minutes import entered_text_length, minutes_story
from printing.posts import post_story
from printing.styles import COMPACT_BODY_PT, body_size_for
from printing.text import TextSetter

_QUARTER_ZH = "一二三四"


def period_records(data: LedgerInput, period: Period) -> list[MinutesInput]:
    """Records dated inside ``period``, in date order (the order they are bound in)."""
    inside = [r for r in data.records if period.contains(r.meeting.starts_at.date())]
    return sorted(inside, key=lambda r: (r.meeting.starts_at, r.record_id))


def ledger_compliance(data: LedgerInput, period: Period, today: dt.date) -> ComplianceReport:
    """The caller's report, or one computed from the records handed in.

    An amendment replaces its original (domain.compliance.facts), so an original whose
    correction is among the records is not counted a second time.
    """
    if data.compliance is not None:
        return data.compliance
    superseded = {r.meeting.amends_record_id for r in data.records if r.meeting.amends_record_id}
    facts = [
        MeetingFact.from_meeting(r.meeting, r.members or data.members)
        for r in data.records
        if not (r.record_id and r.record_id in superseded)
    ]
    return compliance_status(data.branch, facts, period, today, data.settings, data.members or None)


def periods_zh(periods: list[Period]) -> str:
    """Missed windows in few characters: '2025年1、2、5月', '2025年第一、三季度', '2024年、2025年'."""
    out: list[str] = []
    by_year: dict[tuple[int, PeriodKind], list[int]] = {}
    for period in periods:
        if period.kind is PeriodKind.YEAR:
            out.append(period.label_zh)
        else:
            by_year.setdefault((period.year, period.kind), []).append(period.number)
    for (year, kind), numbers in by_year.items():
        if kind is PeriodKind.MONTH:
            out.append(f"{year}年" + "、".join(str(n) for n in numbers) + "月")
        else:
            out.append(f"{year}年第" + "、".join(_QUARTER_ZH[n - 1] for n in numbers) + "季度")
    return "；".join(out)


def _activity_summary(report: ComplianceReport, records: list[MinutesInput]) -> str:
    """The last activity as the bound period saw it.

    A ledger of a period that has ended names the period's own last activity, without "N天前":
    counted to the print date it would say how long ago the *printing* was, and a later meeting
    (outside the period) would show up as the period's last one.
    """
    if report.today <= report.period.end:
        if report.last_activity is None:
            return "本期无活动记录。"
        return f"最近一次活动：{date_zh(report.last_activity)}（{report.days_since_last_activity}天前）。"
    inside = [r.meeting.starts_at.date() for r in records]
    return f"本期最后一次活动：{date_zh(max(inside))}。" if inside else "本期无活动记录。"


def _compliance_section(kit: Kit, report: ComplianceReport, records: list[MinutesInput]) -> list[Flowable]:
    rows: list[list[str]] = []
    for number, req in enumerate(report.requirements, start=1):
        if req.state is ComplianceState.NOT_APPLICABLE:
            rows.append([str(number), req.label_zh, "—", "—", req.state.label, req.note_zh])
            continue
        state = req.state.label
        if req.due_soon and req.state is ComplianceState.DUE:
            state += "（即将到期）"
        remarks = []
        missed = [w.period for w in req.windows if w.state is ComplianceState.OVERDUE]
        if missed:
            remarks.append("未完成：" + periods_zh(missed))
        if req.state is ComplianceState.DUE and req.due_date is not None:
            remarks.append(f"截止{date_iso(req.due_date)}")
        rows.append([str(number), req.label_zh, str(req.required), str(req.done), state, "；".join(remarks)])
    table = kit.table(
        ["序号", "项目", "应开展", "已开展", "完成情况", "备注"],
        rows,
        [0.07, 0.3, 0.1, 0.1, 0.17, 0.26],
        centered=(0, 2, 3, 4),
    )
    summary = f"截至{date_zh(report.today)}：逾期未完成{len(report.overdue)}项，待完成{len(report.due)}项。"
    summary += _activity_summary(report, records)
    return [*kit.section("一、组织生活完成情况"), table, kit.gap(0.2), kit.para(summary)]


def _activity_section(kit: Kit, data: LedgerInput, records: list[MinutesInput]) -> list[Flowable]:
    flow: list[Flowable] = kit.section("二、活动登记")
    if not records:
        return [*flow, kit.para("本期无活动记录。")]
    rows: list[list[str]] = []
    for number, record in enumerate(records, start=1):
        meeting = record.meeting
        members = record.members or data.members
        roll = voting_roll(meeting, RuleContext(members=members, branch=data.branch, settings=record.settings))
        attendance = f"{roll.present_total}/{roll.expected_total}" if roll.expected_total else "—"
        subject = meeting.title
        if meeting.lecture is not None and meeting.lecture.topic.strip():
            subject += f"：{meeting.lecture.topic.strip()}"
        kind = meeting.meeting_type.label
        if meeting.party_group:
            kind += f"（{meeting.party_group}）"
        status = record.status.label + ("（更正）" if meeting.amends_record_id else "")
        if record.entered_later:
            status += f"\n（{LATE_ENTRY}）"  # its own line: a narrow column broke it inside the word
        rows.append([str(number), date_iso(meeting.starts_at.date()), kind, subject, attendance, status])
    note = f"本期共开展活动{len(records)}次。出席栏为实到/应到人数。"
    since = data.branch.records_since
    if since is not None and any(r.entered_later for r in records):
        note += f"状态栏标“{LATE_ENTRY}”的活动早于本支部台账起始日期（{date_zh(since)}），系事后补录。"
    flow.append(kit.para(note))
    flow.append(
        kit.table(
            ["序号", "日期", "类型", "名称/主题", "出席", "状态"],
            rows,
            [0.07, 0.16, 0.22, 0.33, 0.09, 0.13],
            centered=(0, 1, 4, 5),
        )
    )
    return flow


def _posts_section(kit: Kit, data: LedgerInput) -> list[Flowable]:
    if not data.posts:
        return []
    rows: list[list[str]] = []
    for number, item in enumerate(data.posts, start=1):
        post = item.post
        holders = "、".join(name_of(item.members or data.members, mid) for mid in post.holder_member_ids)
        last_day = max((e.evaluated_on for e in item.evaluations), default=None)
        latest = [e for e in item.evaluations if e.evaluated_on == last_day]
        score = "\n".join(
            f"{name_of(item.members or data.members, e.member_id) + ' ' if e.member_id else ''}"
            f"{e.score}分（{star_rating(e.score)}星）"
            for e in latest
        )
        rows.append([str(number), post.name, post.category.label, holders, str(len(item.log_entries)), score or "—"])
    table = kit.table(
        ["序号", "岗位名称", "类别", "责任人", "工作记录", "最近评价"],
        rows,
        [0.07, 0.27, 0.13, 0.16, 0.11, 0.26],
        centered=(0, 2, 4, 5),
    )
    return [*kit.section("三、党员先锋岗"), table]


def ledger_story(data: LedgerInput, fonts: FontSet, setter: TextSetter, warnings: list[str],
                 embedder: PdfEmbedder | None = None) -> list[Flowable]:
    period = Period.parse(data.period)
    today = data.today or dt.date.today()
    kit = Kit.build(fonts, COMPACT_BODY_PT, setter)
    records = period_records(data, period)
    report = ledger_compliance(data, period, today)
    story: list[Flowable] = [PageMark(None, f"{data.branch.name} · {period.label_zh}台账")]
    story += kit.title(data.branch.name, "党建工作台账")
    story.append(kit.para(f"（{period.label_zh}）", kit.styles.subtitle))
    story += compact(
        [
            kit.field("党组织", data.branch.name),
            kit.field("上级党组织", data.branch.parent_org),
            kit.field("台账期间", f"{date_zh(period.start)} 至 {date_zh(period.end)}"),
        ]
    )
    story += _compliance_section(kit, report, records)
    story += _activity_section(kit, data, records)
    story += _posts_section(kit, data)
    if data.include_minutes:
        for record in records:
            size = body_size_for(entered_text_length(record.meeting))
            record_kit = Kit.build(fonts, size, setter)
            story.append(PageBreak())
            story += minutes_story(record, record_kit, warnings, embedder)
    for item in data.posts:
        story.append(PageBreak())
        story += post_story(item, kit, embedder, warnings)
    return story


def render_ledger(
    data: LedgerInput, out: Path | str | BinaryIO | None = None, *, fonts: FontSet | None = None
) -> PrintResult:
    """Print the 台账 of ``data.period`` (see :class:`printing.inputs.LedgerInput`)."""
    fonts = fonts or default_fonts()
    setter = TextSetter(fonts)
    warnings: list[str] = []
    embedder = PdfEmbedder()
    story = ledger_story(data, fonts, setter, warnings, embedder)
    drafts = sum(1 for r in data.records if r.status is RecordStatus.DRAFT)
    if drafts:
        warnings.append(f"台账中有{drafts}份草稿记录（已加“草稿”水印）")
    period = Period.parse(data.period)
    return build_pdf(
        story,
        out,
        fonts=fonts,
        setter=setter,
        title=f"{data.branch.name}党建工作台账（{period.label_zh}）",
        author=data.branch.name,
        subject=f"{period.label_zh}台账",
        warnings=warnings,
        embedder=embedder,
    )
