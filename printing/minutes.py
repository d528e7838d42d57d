"""会议记录 (minutes) for every kind of meeting, laid out as domain.md §8.2.

Order on the page: title; for an amendment, which record it corrects and why; the organisational
details written before the meeting (名称, 类型, 时间, 地点, 形式, 主持人, 记录人, 应到/实到/缺席 with
each absentee's reason, whether the meeting is valid, 列席, 议题); kind-specific details; the
content by speaker; 表决情况; 决议; "（散会）"; the signature lines of 主持人 and 记录人.

The attendance figures come from :func:`domain.rules.voting_roll` and the validity statement from
:func:`domain.rules.meeting_validity`, the same functions that validate the record.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Table, TableStyle

from domain.context import RuleContext
from domain.enums import MeetingType, RecordStatus
from domain.late_entry import LABEL as LATE_ENTRY
from domain.records import Meeting
from domain.rules import VotingRoll, meeting_validity, meeting_vote_outcomes, voting_roll
from printing.attachments import PdfEmbedder, attachments_story
from printing.blocks import Kit, compact
from printing.document import DRAFT_WATERMARK, PageMark, PrintResult, build_pdf
from printing.fonts import FontSet, default_fonts
from printing.formatting import (
    date_zh,
    datetime_zh,
    person_zh,
    time_range_zh,
)
from printing.inputs import MinutesInput
from printing.linebreak import CJKParagraph
from printing.minutes_sections import (
    appraisal_section,
    lecture_section,
    rectification_section,
    resolutions_section,
    theme_day_follow_up,
    theme_day_section,
    votes_section,
)
from printing.styles import TEXT_WIDTH, body_size_for
from printing.wording import absentees_zh, excluded_zh

# What the document is called, after the branch name (domain.md §4.2–§4.6, §8.2).
_DOC_TITLES: dict[MeetingType, str] = {
    MeetingType.PARTY_CONGRESS: "支部党员大会会议记录",
    MeetingType.COMMITTEE: "支部委员会会议记录",
    MeetingType.GROUP: "党小组会会议记录",
    MeetingType.LECTURE: "党课记录",
    MeetingType.THEME_DAY: "主题党日活动记录",
    MeetingType.ORG_LIFE: "组织生活会会议记录",
    MeetingType.APPRAISAL: "民主评议党员会议记录",
    MeetingType.TALK: "谈心谈话记录",
    MeetingType.OTHER: "会议记录",
}
# Meetings where "其中有表决权 N 人" means something: those that decide by vote.
_VOTING_TYPES = frozenset({MeetingType.PARTY_CONGRESS, MeetingType.COMMITTEE})


def document_title(meeting: Meeting) -> str:
    """'第一党小组党小组会会议记录', '党课记录' … (without the branch name)."""
    title = _DOC_TITLES[meeting.meeting_type]
    if meeting.meeting_type is MeetingType.GROUP and meeting.party_group:
        group = meeting.party_group
        title = f"{group}党小组会会议记录" if not group.endswith("党小组") else f"{group}会议记录"
    return title


def entered_text_length(meeting: Meeting) -> int:
    """Characters of free text in the record: decides 3号 or 4号 body (styles.body_size_for)."""
    parts = [meeting.discussion, meeting.open_issues, meeting.amendment_reason]
    parts += [s.content for s in meeting.speeches]
    parts += [r.text for r in meeting.resolutions]
    if meeting.theme_day is not None:
        parts += [meeting.theme_day.optional_actions, meeting.theme_day.follow_up]
    return sum(len(p) for p in parts)


def record_note(data: MinutesInput) -> str:
    """The small identity line under the page number: which record and revision this paper is."""
    parts = []
    if data.record_id:
        parts.append(f"记录编号 {data.record_id}")
    if data.rev:
        parts.append(f"版本 {data.rev}")
    if data.recorded_at is not None:
        parts.append(f"录入 {datetime_zh(data.recorded_at)}")
    parts.append(data.status.label)
    if data.entered_later:
        parts.append(LATE_ENTRY)
    return " · ".join(parts)


def minutes_story(data: MinutesInput, kit: Kit, warnings: list[str],
                  embedder: PdfEmbedder | None = None) -> list[Flowable]:
    """The flowables of one record (used alone, and one after another in a 台账); with an
    ``embedder``, the record's attachments follow on their own pages."""
    meeting = data.meeting
    ctx = RuleContext(members=data.members, branch=data.branch, settings=data.settings)
    roll = voting_roll(meeting, ctx)
    outcomes = meeting_vote_outcomes(meeting, ctx)
    watermark = DRAFT_WATERMARK if data.status is RecordStatus.DRAFT else None
    story: list[Flowable] = [PageMark(watermark, record_note(data))]
    story += _title(kit, data)
    story += _amendment(kit, data)
    story += _late_entry(kit, data)
    story += _header(kit, data, ctx, roll)
    story += lecture_section(kit, meeting, data.members)
    story += theme_day_section(kit, meeting, data.linked_titles)
    story += _agenda(kit, meeting)
    story += _content(kit, data)
    story += appraisal_section(kit, meeting, data.members)
    story += votes_section(kit, meeting, outcomes, warnings)
    story += resolutions_section(kit, meeting, outcomes)
    story += theme_day_follow_up(kit, meeting)
    story += rectification_section(kit, meeting)
    if meeting.open_issues.strip():
        story += [*kit.section("遗留问题：", 3), *kit.paras(meeting.open_issues)]
    story += _closing(kit, meeting)
    if embedder is not None:
        story += attachments_story(data.attachments, kit, embedder, warnings)
    return story


def render_minutes(
    data: MinutesInput, out: Path | str | BinaryIO | None = None, *, fonts: FontSet | None = None
) -> PrintResult:
    """Print one meeting record as a PDF to ``out`` (a path, a binary stream, or None for bytes).

    Drafts carry a 草稿 watermark on every page. The result lists characters no font could draw.
    """
    fonts = fonts or default_fonts()
    kit = Kit.build(fonts, body_size_for(entered_text_length(data.meeting)))
    warnings: list[str] = []
    embedder = PdfEmbedder()
    story = minutes_story(data, kit, warnings, embedder)
    title = f"{data.branch.name}{document_title(data.meeting)}"
    return build_pdf(
        story,
        out,
        fonts=fonts,
        setter=kit.setter,
        title=title,
        author=data.branch.name,
        subject=data.meeting.title,
        warnings=warnings,
        embedder=embedder,
    )


# ---------------------------------------------------------------- sections


def _title(kit: Kit, data: MinutesInput) -> list[Flowable]:
    doc = document_title(data.meeting)
    if data.meeting.amends_record_id:
        doc += "（更正）"
    return kit.title(data.branch.name, doc)


def _amendment(kit: Kit, data: MinutesInput) -> list[Flowable]:
    meeting = data.meeting
    if not meeting.amends_record_id:
        return []
    original = "原记录"
    if data.original_title:
        original = f"《{data.original_title}》"
    if data.original_date is not None:
        original = f"{date_zh(data.original_date)}{original}"
    reference = f"记录编号 {meeting.amends_record_id}"
    if meeting.amends_rev:
        reference += f"，版本 {meeting.amends_rev}"
    text = f"本记录是对{original}（{reference}）的更正记录，原记录保持不变。"
    cells: list[Flowable] = [CJKParagraph(kit.label("更正记录：") + kit.text(text), kit.styles.field)]
    reason = meeting.amendment_reason.strip()
    if reason:
        cells.append(CJKParagraph(kit.label("更正原因：") + kit.text(reason), kit.styles.field))
    box = Table([[cells]], colWidths=[TEXT_WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, "black"),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return [box, kit.gap(0.4)]


def late_entry_text(data: MinutesInput) -> str:
    """The 补录 note: when the meeting was, when the ledger here began, when it was entered."""
    since = data.branch.records_since
    assert since is not None
    text = (f"本次会议于{date_zh(data.meeting.starts_at.date())}召开，早于本支部台账起始日期"
            f"（{date_zh(since)}），")
    entered = data.entered_at or data.recorded_at
    if entered is not None:
        text += f"系{date_zh(entered.date())}根据原始记录补录入台账。"
    else:
        text += "系事后根据原始记录补录入台账。"
    return text


def _late_entry(kit: Kit, data: MinutesInput) -> list[Flowable]:
    if not data.entered_later:
        return []
    cell = CJKParagraph(kit.label(f"{LATE_ENTRY}记录：") + kit.text(late_entry_text(data)), kit.styles.field)
    box = Table([[[cell]]], colWidths=[TEXT_WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, "black"),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return [box, kit.gap(0.4)]


def _header(kit: Kit, data: MinutesInput, ctx: RuleContext, roll: VotingRoll) -> list[Flowable]:
    meeting = data.meeting
    members = data.members
    kind = meeting.meeting_type.label
    if meeting.meeting_type is MeetingType.GROUP and meeting.party_group:
        kind += f"（{meeting.party_group}）"
    chair = person_zh(members, meeting.chair_member_id, meeting.chair_name)
    if chair and meeting.chair_entrusted:
        chair += "，受支部书记委托主持"
    recorder = person_zh(members, meeting.recorder_member_id, meeting.recorder_name)
    flow = compact(
        [
            kit.field("会议名称", meeting.title),
            kit.field_pair(("会议类型", kind), ("形式", meeting.format.label)),
            kit.field("时间", time_range_zh(meeting.starts_at, meeting.ends_at)),
            kit.field("地点", meeting.place),
            kit.field_pair(("主持人", chair), ("记录人", recorder)),
        ]
    )
    flow += _attendance(kit, data, ctx, roll)
    guests = "、".join(f"{g.name}（{g.role}）" if g.role.strip() else g.name for g in meeting.guests)
    flow += compact([kit.field("列席人员", guests)])
    return flow


def _attendance(kit: Kit, data: MinutesInput, ctx: RuleContext, roll: VotingRoll) -> list[Flowable]:
    meeting = data.meeting
    if roll.expected_total == 0 and not roll.excluded_ids:
        return []
    expected = f"{roll.expected_total}人"
    if meeting.meeting_type in _VOTING_TYPES or meeting.votes:
        expected += f"（其中有表决权{roll.entitled}人）"
    counts = CJKParagraph(
        kit.text("　").join(
            kit.label(f"{label}：") + kit.text(value)
            for label, value in (
                ("应到", expected),
                ("实到", f"{roll.present_total}人"),
                ("缺席", f"{roll.absent_total}人"),
            )
        ),
        kit.styles.field,
    )
    absentees = absentees_zh(meeting, data.members, roll)
    excluded = excluded_zh(meeting, data.members, roll)
    validity = meeting_validity(meeting, ctx, roll=None)
    return compact(
        [
            counts,
            kit.field("缺席人员及原因", "、".join(absentees)),
            kit.field("不计入应到人员", "、".join(excluded)),
            kit.field("会议有效性", validity.message_zh) if validity.applies else None,
        ]
    )


def _agenda(kit: Kit, meeting: Meeting) -> list[Flowable]:
    items = [item.title for item in meeting.agenda if item.title.strip()]
    if not items:
        return []
    return [*kit.section("会议议题：", 3), *kit.numbered(items)]


def _content(kit: Kit, data: MinutesInput) -> list[Flowable]:
    """会议内容 by speaker, in the order entered, with the 议题 they spoke to (domain.md §4.3)."""
    meeting = data.meeting
    speeches = [s for s in meeting.speeches if s.content.strip() or s.speaker.strip()]
    discussion = meeting.discussion.strip()
    if not speeches and not discussion:
        return []
    title = "主要内容：" if meeting.meeting_type is MeetingType.LECTURE else "会议内容："
    flow: list[Flowable] = kit.section(title, 3)
    if discussion:
        flow += kit.paras(discussion)
    current_agenda: int | None = None
    for speech in speeches:
        index = speech.agenda_index
        if index is not None and index != current_agenda and index < len(meeting.agenda):
            current_agenda = index
            flow.append(CondPageBreak(kit.styles.body.leading * 2.5))
            flow.append(kit.para(f"议题{index + 1}：{meeting.agenda[index].title}", kit.styles.field))
        speaker = person_zh(data.members, speech.member_id, speech.speaker)
        lines = [line.strip() for line in speech.content.splitlines() if line.strip()]
        first = lines[0] if lines else ""
        flow.append(CJKParagraph(kit.label(f"{speaker}：") + kit.text(first), kit.styles.body))
        flow += [kit.para(line) for line in lines[1:]]
    return flow


def _closing(kit: Kit, meeting: Meeting) -> list[Flowable]:
    closing: list[Flowable] = [kit.gap(0.3), kit.para("（散会）", kit.styles.center)]
    closing.append(kit.signatures(["主持人", "记录人"]))
    note = meeting.attachments_note.strip()
    if note:
        closing += [kit.gap(0.3), kit.para(f"附：{note}", kit.styles.field)]
    return [KeepTogether(closing)]
