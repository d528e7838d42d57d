"""签到表: the sign-in sheet printed before a meeting, pre-filled with the roll (domain.md §8.3).

Everybody expected is listed, so an absence is visible on paper; 预备党员 are marked because they
do not count for votes. The 签名 column stays blank for a real handwritten signature — a sheet
with proxy or pre-printed signatures may be rejected — and so do the 应到/实到 counts, which the
person responsible fills in and signs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from domain.enums import MeetingType
from domain.records import Member
from domain.rules.standing import is_committee_member, is_member_on, is_probationary_on, rights_suspended_on
from printing.attachments import PdfEmbedder, sign_in_scan_story
from printing.blocks import Kit, compact
from printing.document import PageMark, PrintResult, build_pdf
from printing.fonts import FontSet, default_fonts
from printing.formatting import post_rank, posts_zh, time_range_zh
from printing.inputs import SignInInput
from printing.linebreak import CJKParagraph
from printing.styles import COMPACT_BODY_PT

ROW_HEIGHT = 10 * mm  # room for a handwritten signature
KEEP_WITH_FOOTER = 3  # roll rows that always share the page of the counts and the signature line
COLUMNS = ("序号", "姓名", "党小组/职务", "签名", "签到时间", "备注")
WIDTHS = (0.07, 0.14, 0.33, 0.19, 0.14, 0.13)


def roster_for(data: SignInInput) -> list[tuple[str, Member]]:
    """Who is expected, in paper order: by 党小组 (the branch's order), then post, then roster order."""
    day = data.starts_at.date() if data.starts_at is not None else dt.date.today()
    chosen = [(mid, m) for mid, m in data.members.items() if is_member_on(m, day)]
    if data.meeting_type is MeetingType.COMMITTEE:
        chosen = [(mid, m) for mid, m in chosen if is_committee_member(m)]
    elif data.party_group:
        chosen = [(mid, m) for mid, m in chosen if m.party_group == data.party_group]
    groups = list(data.branch.party_groups)
    order = {mid: index for index, mid in enumerate(data.members)}

    def key(item: tuple[str, Member]) -> tuple[int, int, int]:
        mid, member = item
        group = groups.index(member.party_group) if member.party_group in groups else len(groups)
        return group, post_rank(member), order[mid]

    return sorted(chosen, key=key)


def _remark(member: Member, day: dt.date) -> str:
    if is_probationary_on(member, day):
        return "预备党员"
    if rights_suspended_on(member, day):
        return "无表决权"
    return ""


def _group_and_post(member: Member) -> str:
    parts = [p for p in (member.party_group, posts_zh(member)) if p]
    if not parts and member.unit:
        parts.append(member.unit)
    return "/".join(parts)


def signin_story(data: SignInInput, kit: Kit) -> list[Flowable]:
    day = data.starts_at.date() if data.starts_at is not None else dt.date.today()
    kind = data.meeting_type.label if data.meeting_type is not None else "会议"
    branch = data.branch.name.strip()
    story: list[Flowable] = [PageMark(None, f"{branch} · {data.title}")]
    story += kit.title(branch, f"{kind}签到表")
    when = time_range_zh(data.starts_at, data.ends_at) if data.starts_at is not None else ""
    story += compact(
        [
            kit.field("会议名称", data.title),
            kit.field("时间", when),
            kit.field("地点", data.place),
            kit.field("组织单位", data.organizer or branch),
        ]
    )
    story.append(kit.gap(0.3))
    rows: list[list[str]] = []
    for number, (_mid, member) in enumerate(roster_for(data), start=1):
        rows.append([str(number), member.name, _group_and_post(member), "", "", _remark(member, day)])
    for guest in data.guests:
        rows.append([str(len(rows) + 1), guest.name, guest.role, "", "", "列席"])
    rows += [[str(len(rows) + n), "", "", "", "", ""] for n in range(1, data.extra_rows + 1)]
    blank = "＿＿＿"
    counts = kit.text("　　").join(
        kit.label(f"{label}：") + kit.text(f"{blank}人") for label in ("应到", "实到", "缺席")
    )
    footer: list[Flowable] = [
        kit.gap(0.5),
        CJKParagraph(counts, kit.styles.field),
        kit.signatures(["负责人"], date_line=True),
    ]
    # The counts and the 负责人 line must never stand alone on a page: the last rows of the roll
    # go with them (a second table with the same columns and header, kept together).
    tail = rows[-KEEP_WITH_FOOTER:] if len(rows) > KEEP_WITH_FOOTER else []
    head_rows = rows[: len(rows) - len(tail)]
    story.append(kit.table(COLUMNS, head_rows, WIDTHS, centered=(0, 4), min_row_height=ROW_HEIGHT))
    if tail:
        story.append(KeepTogether([_continued(kit, tail), *footer]))
    else:
        story += footer
    return story


def _continued(kit: Kit, rows: list[list[str]]) -> Flowable:
    """The last rows of the roll as a table joined to the one above (same columns, no header)."""
    return kit.table(COLUMNS, rows, WIDTHS, centered=(0, 4), min_row_height=ROW_HEIGHT, header=False)


def render_signin_sheet(
    data: SignInInput, out: Path | str | BinaryIO | None = None, *, fonts: FontSet | None = None
) -> PrintResult:
    """Print a blank 签到表 for ``data`` (4号 text, rows tall enough to sign in) — or, when
    ``data.scans`` holds the signed sheet's scan, that scan in its place."""
    fonts = fonts or default_fonts()
    kit = Kit.build(fonts, COMPACT_BODY_PT)
    embedder = PdfEmbedder()
    warnings: list[str] = []
    title = kit.title(data.branch.name.strip(), "签到表（签到后扫描件）")
    scanned = sign_in_scan_story(data.scans, kit, embedder, warnings, title)
    if scanned:
        note = f"{data.branch.name.strip()} · {data.title} · 签到表扫描件"
        story = [PageMark(None, note), *scanned]
        warnings.append("已打印签到后的扫描件，代替空白签到表")
    else:
        story = signin_story(data, kit)
    return build_pdf(
        story,
        out,
        fonts=fonts,
        setter=kit.setter,
        title=f"{data.branch.name}{data.title}签到表",
        author=data.branch.name,
        subject=data.title,
        warnings=warnings,
        embedder=embedder,
    )
