"""党员先锋岗 report: the post, its pledges, the work log and the evaluations (domain.md §5.2, §9.8).

This is the paper form of the 履岗工作台账 a post holder keeps: what the post is and who holds it,
the public pledges (承诺内容, 完成时限, 责任人), dated work entries, and the periodic 述职/评岗
scores with their star rating — taken from :func:`domain.rules.star_rating`, the same scale the
app shows (≥90 五星 … below 60 一星).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import Flowable

from domain.enums import RecordStatus
from domain.rules import star_rating
from printing.attachments import PdfEmbedder, attachments_story
from printing.blocks import Kit, compact
from printing.document import DRAFT_WATERMARK, PageMark, PrintResult, build_pdf
from printing.fonts import FontSet, default_fonts
from printing.formatting import date_iso, date_zh, decimal_zh, name_of, person_zh, stars_zh
from printing.inputs import PostReportInput
from printing.styles import COMPACT_BODY_PT

_QUARTERS = "一二三四"


def period_zh(code: str) -> str:
    """'2025-Q2' → 2025年第二季度, '2025-H1' → 2025年上半年, '2025-06' → 2025年6月, '2025' → 2025年."""
    year, _, rest = code.partition("-")
    if not rest:
        return f"{year}年"
    if rest.startswith("Q") and rest[1:].isdigit() and 1 <= int(rest[1:]) <= 4:
        return f"{year}年第{_QUARTERS[int(rest[1:]) - 1]}季度"
    if rest in ("H1", "H2"):
        return f"{year}年{'上' if rest == 'H1' else '下'}半年"
    if rest.isdigit():
        return f"{year}年{int(rest)}月"
    return code


def post_story(data: PostReportInput, kit: Kit, embedder: PdfEmbedder | None = None,
               warnings: list[str] | None = None) -> list[Flowable]:
    """The flowables of one post report (alone, or after the minutes in a 台账); with an
    ``embedder``, the attachments of the post and its entries follow on their own pages."""
    post = data.post
    members = data.members
    watermark = DRAFT_WATERMARK if data.status is RecordStatus.DRAFT else None
    note = f"先锋岗 {data.record_id} · {data.status.label}" if data.record_id else data.status.label
    story: list[Flowable] = [PageMark(watermark, note)]
    story += kit.title(data.branch.name, "党员先锋岗工作台账")
    subtitle = post.name + (f"（{data.period_label}）" if data.period_label else "")
    story.append(kit.para(subtitle, kit.styles.subtitle))

    holders = "、".join(person_zh(members, mid) for mid in post.holder_member_ids)
    period = ""
    if post.period_start is not None or post.period_end is not None:
        start = date_zh(post.period_start) if post.period_start else "…"
        end = date_zh(post.period_end) if post.period_end else "…"
        period = f"{start} 至 {end}"
    story += compact(
        [
            kit.field("岗位名称", post.name),
            kit.field_pair(("类别", post.category.label), ("岗位类型", post.post_type.label)),
            kit.field("挂牌状态", post.plaque.label),
            kit.field("责任人", holders),
            kit.field("责任范围", post.scope),
            kit.field("岗位周期", period),
        ]
    )
    duties = [d for d in post.duties if d.strip()]
    if duties:
        story += [*kit.section("岗位职责：", 3), *kit.numbered(duties)]
    tasks = [t for t in post.annual_tasks if t.strip()]
    if tasks:
        story += [*kit.section("年度任务：", 3), *kit.numbered(tasks)]
    story += _pledges(kit, data)
    story += _log(kit, data)
    story += _evaluations(kit, data)
    story.append(kit.gap(0.5))
    story.append(kit.signatures(["岗位责任人", "支部书记"], date_line=True))
    if embedder is not None:
        story += attachments_story(data.attachments, kit, embedder, warnings if warnings is not None else [])
    return story


def _pledges(kit: Kit, data: PostReportInput) -> list[Flowable]:
    pledges = data.post.pledges
    if not pledges:
        return []
    rows = [
        [
            str(n),
            p.content,
            date_iso(p.deadline) if p.deadline else "",
            name_of(data.members, p.owner_member_id) if p.owner_member_id else "",
            "已践诺" if p.fulfilled else "未完成",
            p.note,
        ]
        for n, p in enumerate(pledges, start=1)
    ]
    done = sum(p.fulfilled for p in pledges)
    table = kit.table(
        ["序号", "承诺内容", "完成时限", "责任人", "践诺情况", "备注"],
        rows,
        [0.07, 0.35, 0.15, 0.11, 0.14, 0.18],
        centered=(0, 3, 4),
    )
    return [*kit.section("承诺事项：", 3), kit.para(f"共{len(pledges)}项，已践诺{done}项。"), kit.gap(0.2), table]


def _log(kit: Kit, data: PostReportInput) -> list[Flowable]:
    entries = sorted(data.log_entries, key=lambda e: e.date)
    if not entries:
        return []
    rows = []
    for entry in entries:
        work = entry.description.strip()
        if entry.outcome.strip():
            work += f"\n成效：{entry.outcome.strip()}"
        rows.append(
            [
                date_iso(entry.date),
                name_of(data.members, entry.member_id) if entry.member_id else "",
                entry.category.label,
                entry.place,
                work,
                decimal_zh(entry.hours) if entry.hours else "",
            ]
        )
    hours = sum((e.hours for e in entries), Decimal(0))
    summary = f"共{len(entries)}条"
    if hours:
        summary += f"，累计{decimal_zh(hours)}小时"
    table = kit.table(
        ["日期", "责任人", "类别", "地点", "工作内容及成效", "时长（小时）"],
        rows,
        [0.16, 0.11, 0.13, 0.14, 0.34, 0.12],
        centered=(1, 2, 5),
    )
    return [*kit.section("履岗工作记录：", 3), kit.para(summary + "。"), kit.gap(0.2), table]


def _evaluations(kit: Kit, data: PostReportInput) -> list[Flowable]:
    evaluations = sorted(data.evaluations, key=lambda e: (e.evaluated_on, e.period))
    if not evaluations:
        return []
    rows = []
    for ev in evaluations:
        stars = star_rating(ev.score)
        rows.append(
            [
                period_zh(ev.period),
                date_iso(ev.evaluated_on),
                name_of(data.members, ev.member_id) if ev.member_id else data.post.name,
                str(ev.score),
                f"{stars_zh(stars)}\n{stars}星",
                ev.evaluators,
                ev.comment,
            ]
        )
    table = kit.table(
        ["评价周期", "评价日期", "评价对象", "得分", "星级", "评价人", "评语"],
        rows,
        [0.15, 0.17, 0.1, 0.07, 0.15, 0.14, 0.22],
        centered=(2, 3, 4),
    )
    return [*kit.section("评价情况：", 4), table]


def render_post_report(
    data: PostReportInput, out: Path | str | BinaryIO | None = None, *, fonts: FontSet | None = None
) -> PrintResult:
    """Print one 先锋岗 with its pledges, work log and evaluations (4号 text)."""
    fonts = fonts or default_fonts()
    kit = Kit.build(fonts, COMPACT_BODY_PT)
    embedder = PdfEmbedder()
    warnings: list[str] = []
    story = post_story(data, kit, embedder, warnings)
    return build_pdf(
        story,
        out,
        fonts=fonts,
        setter=kit.setter,
        title=f"{data.branch.name}党员先锋岗工作台账 {data.post.name}",
        author=data.branch.name,
        subject=data.post.name,
        warnings=warnings,
        embedder=embedder,
    )
