"""The parts of a 会议记录 that depend on rules or on the kind of meeting.

表决情况 is worded from :func:`domain.rules.meeting_vote_outcomes` and nothing else: the denominator
(应到会 for ordinary and admission votes, 实到会 for elections, domain.md §3.3), the votes needed
and the verdict are the rule engine's, so paper and screen can never disagree. The kind-specific
sections follow domain.md §4.5 (党课), §4.6 (主题党日) and §3.6 (民主评议, 组织生活会).
"""

from __future__ import annotations

from collections.abc import Mapping

from reportlab.platypus import Flowable, KeepTogether

from domain.enums import VoteKind
from domain.i18n import CHINESE
from domain.records import THEME_DAY_REQUIRED_ACTIONS, Meeting, Member
from domain.rules import VoteOutcome
from domain.violations import Severity
from printing.blocks import Kit, compact
from printing.formatting import decimal_zh, money_zh, month_zh, person_zh
from printing.wording import appraisal_rows, vote_lines

CHECKED = "☑"
UNCHECKED = "☐"


def verdict_zh(outcome: VoteOutcome) -> str:
    """The one-word result printed after 表决结果 (通过/未通过; 当选/未当选 for elections)."""
    if outcome.void:
        return "选举无效"
    if not outcome.quorum.valid:
        return "未通过（会议未达到法定人数，表决无效）"
    if not outcome.determined:
        return "待核对（人数或票数有误，未判定结果）"
    if outcome.kind is VoteKind.ELECTION:
        return "当选" if outcome.passed else "未当选"
    return "通过" if outcome.passed else "未通过"


def votes_section(kit: Kit, meeting: Meeting, outcomes: list[VoteOutcome], warnings: list[str]) -> list[Flowable]:
    if not meeting.votes:
        return []
    flow: list[Flowable] = []
    for number, (vote, outcome) in enumerate(zip(meeting.votes, outcomes, strict=True), start=1):
        head, counts = vote_lines(number, vote, outcome)
        block: list[Flowable] = [kit.heading("表决情况：")] if number == 1 else []
        block += [
            kit.para(head, kit.styles.field),
            kit.para(counts),
            kit.para(f"表决结果：{verdict_zh(outcome)}。"),
        ]
        errors = [v.message_in(CHINESE) for v in outcome.violations if v.severity is Severity.ERROR]
        if errors:
            note = "核对提示：" + "；".join(errors)
            block.append(kit.para(note, kit.styles.note))
            warnings.append(f"表决第{number}项：" + "；".join(errors))
        flow.append(KeepTogether(block))
    return flow


def resolutions_section(kit: Kit, meeting: Meeting, outcomes: list[VoteOutcome]) -> list[Flowable]:
    if not meeting.resolutions:
        return []
    items = []
    for resolution in meeting.resolutions:
        text = resolution.text.strip()
        index = resolution.vote_index
        if index is not None and index < len(outcomes):
            text += f"（见表决第{index + 1}项，{verdict_zh(outcomes[index])}）"
        items.append(text)
    return [*kit.section("决议：", 3), *kit.numbered(items)]


def lecture_section(kit: Kit, meeting: Meeting, members: Mapping[str, Member]) -> list[Flowable]:
    lecture = meeting.lecture
    if lecture is None:
        return []
    lecturer = person_zh(members, lecture.lecturer_member_id, lecture.lecturer, lecture.lecturer_role)
    hours = f"{decimal_zh(lecture.hours)}学时" if lecture.hours else ""
    kind = "廉政党课" if lecture.is_integrity_lecture else ""
    return compact(
        [
            kit.field("授课人", lecturer),
            kit.field("党课题目", lecture.topic),
            kit.field_pair(("学时", hours), ("授课形式", lecture.delivery)),
            kit.field("党课类别", kind),
        ]
    )


def theme_day_section(kit: Kit, meeting: Meeting, linked_titles: Mapping[str, str]) -> list[Flowable]:
    details = meeting.theme_day
    if details is None:
        return []
    actions = list(THEME_DAY_REQUIRED_ACTIONS) + [
        a for a in details.required_actions if a not in THEME_DAY_REQUIRED_ACTIONS
    ]
    checklist = "　".join(
        f"{CHECKED if details.required_actions.get(action) else UNCHECKED}{action}" for action in actions
    )
    dues = ""
    if details.dues_count is not None or details.dues_amount is not None:
        parts = []
        if details.dues_count is not None:
            parts.append(f"收缴{details.dues_count}人")
        if details.dues_amount is not None:
            parts.append(f"合计{money_zh(details.dues_amount)}")
        dues = "，".join(parts)
    linked = "、".join(linked_titles.get(rid, rid) for rid in details.linked_record_ids)
    return compact(
        [
            kit.field_pair(("活动月份", month_zh(details.month) if details.month else ""), ("党费", dues)),
            kit.field("活动主题", details.theme),
            kit.field("规定动作", checklist, always=True),
            kit.field("自选动作", details.optional_actions),
            kit.field("关联记录", linked),
        ]
    )


def theme_day_follow_up(kit: Kit, meeting: Meeting) -> list[Flowable]:
    details = meeting.theme_day
    if details is None or not details.follow_up.strip():
        return []
    return [*kit.section("议定事项落实情况：", 3), *kit.paras(details.follow_up)]


def appraisal_section(kit: Kit, meeting: Meeting, members: Mapping[str, Member]) -> list[Flowable]:
    """民主评议 grades: four grades; a 预备党员 takes part but is not graded (domain.md §3.3, §3.6)."""
    if not meeting.appraisal:
        return []
    rows, summary = appraisal_rows(meeting, members)
    table = kit.table(
        ["序号", "姓名", "党员类别", "评议等次", "备注"],
        rows,
        [0.09, 0.18, 0.18, 0.2, 0.35],
        centered=(0, 2, 3),
    )
    return [*kit.section("民主评议结果：", 3), kit.para(summary), kit.gap(0.3), table]


def rectification_section(kit: Kit, meeting: Meeting) -> list[Flowable]:
    """组织生活会 整改清单, with a blank column to cross items off on paper (对单销号, §3.6)."""
    items = [item.strip() for item in meeting.rectification if item.strip()]
    if not items:
        return []
    rows = [[str(n), item, ""] for n, item in enumerate(items, start=1)]
    table = kit.table(["序号", "整改事项", "销号情况"], rows, [0.1, 0.68, 0.22], centered=(0,))
    return [*kit.section("整改清单：", 4), table]
