"""What a branch must hold, how often (domain.md §3.1, §9.1).

Central minimum by default, local frequencies through :class:`~domain.settings.RuleSettings`:

=====================  ====================================  ===================================
requirement            rule                                  source
=====================  ====================================  ===================================
支部党员大会            ≥1 per quarter                        条例 第十一条
支部委员会会议          ≥1 per month, only with a committee   条例 第十二条; §2 (≥7 正式党员)
党小组会                ≥1 per month per 党小组               条例 第十三条
主题党日                1 per month                           条例 第十六条
党课                    ``lectures_per_quarter`` per quarter  local rules (default 1), §3.1
组织生活会              ≥1 per year, reminded in Q4           条例 第十七条
民主评议党员            1 per year                            条例 (§3.1 table)
书记讲党课              ``secretary_lectures_per_year``       条例 第十六条 / local rules
=====================  ====================================  ===================================

谈心谈话 (≥1 per year per pair type) is not checked: which pairs talked is not in the meeting
index, and counting talk records would suggest a check that is not really made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domain.compliance.facts import MeetingFact
from domain.compliance.period import PeriodKind
from domain.enums import MeetingType
from domain.i18n import CHINESE, N_, t
from domain.records import BranchProfile
from domain.settings import RuleSettings

# domain.md §2: a branch with ≥7 正式党员 must have a committee.
COMMITTEE_REQUIRED_FULL_MEMBERS = 7


@dataclass(frozen=True)
class Requirement:
    key: str  # stable code: "congress", "committee", "group:第一党小组", ...
    label_zh: str  # "支部党员大会（每季度至少1次）"
    cadence: PeriodKind
    count: int  # required per cadence period
    matches: Callable[[MeetingFact], bool]
    source: str  # where the rule comes from (Chinese, marked for the catalog: shown with t(source))
    applicable: bool = True
    note_zh: str = ""  # why it does not apply, or how it is counted
    remind_from_month: int = 1  # within a year: before this month a missing one is not yet due
    label: str = ""  # label_zh in the shown language (the window, the CLI); printing uses label_zh
    note: str = ""  # note_zh in the shown language


def _words(template: str, **params: Any) -> tuple[str, str]:
    """(Chinese, shown language) of a catalog template (marked with ``N_`` where it is written)."""
    return t(template, CHINESE, **params), t(template, **params)


def _requirement(
    key: str,
    label: tuple[str, str],
    cadence: PeriodKind,
    count: int,
    matches: Callable[[MeetingFact], bool],
    source: str,
    *,
    applicable: bool = True,
    note: tuple[str, str] = ("", ""),
    remind_from_month: int = 1,
) -> Requirement:
    return Requirement(key, label[0], cadence, count, matches, source, applicable=applicable, note_zh=note[0],
                       remind_from_month=remind_from_month, label=label[1], note=note[1])


def _of_type(meeting_type: MeetingType) -> Callable[[MeetingFact], bool]:
    return lambda fact: fact.meeting_type is meeting_type


def _of_group(group: str) -> Callable[[MeetingFact], bool]:
    return lambda fact: fact.meeting_type is MeetingType.GROUP and fact.party_group == group


def _is_appraisal(fact: MeetingFact) -> bool:
    return fact.meeting_type is MeetingType.APPRAISAL or fact.includes_appraisal


def _is_secretary_lecture(fact: MeetingFact) -> bool:
    return fact.meeting_type is MeetingType.LECTURE and fact.is_lecture_by_secretary


def requirements_for(
    branch: BranchProfile, settings: RuleSettings, full_members: int | None = None
) -> list[Requirement]:
    """The requirements that apply to ``branch`` (``full_members``: 正式党员 on the roll, if known)."""
    reqs = [
        _requirement(
            "congress",
            _words("支部党员大会（每季度至少1次）"),
            PeriodKind.QUARTER,
            1,
            _of_type(MeetingType.PARTY_CONGRESS),
            N_("条例 第十一条（domain.md §3.1）"),
        ),
        _committee(branch, full_members),
        *_groups(branch),
        _requirement(
            "theme_day",
            _words("主题党日（每月1次）"),
            PeriodKind.MONTH,
            1,
            _of_type(MeetingType.THEME_DAY),
            N_("条例 第十六条（domain.md §3.1）"),
        ),
        _requirement(
            "lecture",
            _words("党课（每季度至少{n}次）", n=settings.lectures_per_quarter),
            PeriodKind.QUARTER,
            settings.lectures_per_quarter,
            _of_type(MeetingType.LECTURE),
            N_("本单位规定，默认每季度1次（domain.md §3.1）"),
            applicable=settings.lectures_per_quarter > 0,
            note=("", "") if settings.lectures_per_quarter > 0 else _words("本单位未规定支部党课次数"),
        ),
        _requirement(
            "org_life",
            _words("组织生活会（每年至少1次，一般在第四季度）"),
            PeriodKind.YEAR,
            1,
            _of_type(MeetingType.ORG_LIFE),
            N_("条例 第十七条（domain.md §3.1）"),
            remind_from_month=settings.org_life_remind_from_month,
        ),
        _requirement(
            "appraisal",
            _words("民主评议党员（每年1次）"),
            PeriodKind.YEAR,
            1,
            _is_appraisal,
            N_("条例（domain.md §3.1、§3.6）"),
            note=_words("可与组织生活会一并进行"),
        ),
        _requirement(
            "secretary_lecture",
            _words("书记讲党课（每年至少{n}次）", n=settings.secretary_lectures_per_year),
            PeriodKind.YEAR,
            settings.secretary_lectures_per_year,
            _is_secretary_lecture,
            N_("条例 第十六条及本单位规定（domain.md §3.1、§9.1）"),
            applicable=settings.secretary_lectures_per_year > 0,
            note=("", "") if settings.secretary_lectures_per_year > 0 else _words("本单位未规定书记讲党课次数"),
        ),
    ]
    return reqs


def _committee(branch: BranchProfile, full_members: int | None) -> Requirement:
    required = branch.has_committee or (
        full_members is not None and full_members >= COMMITTEE_REQUIRED_FULL_MEMBERS
    )
    if required:
        note = ("", "") if branch.has_committee else _words("正式党员{n}人，应设支委会", n=full_members)
    elif full_members is None:
        note = _words("支部未设支委会")
    else:
        note = _words("支部未设支委会（正式党员{n}人，不足{required}人）", n=full_members,
                      required=COMMITTEE_REQUIRED_FULL_MEMBERS)
    return _requirement(
        "committee",
        _words("支部委员会会议（每月至少1次）"),
        PeriodKind.MONTH,
        1,
        _of_type(MeetingType.COMMITTEE),
        N_("条例 第十二条（domain.md §2、§3.1）"),
        applicable=required,
        note=note,
    )


def _groups(branch: BranchProfile) -> list[Requirement]:
    if not branch.party_groups:
        return [
            _requirement(
                "group",
                _words("党小组会（每月至少1次）"),
                PeriodKind.MONTH,
                1,
                _of_type(MeetingType.GROUP),
                N_("条例 第十三条（domain.md §3.1、§3.5）"),
                applicable=False,
                note=_words("支部未设党小组"),
            )
        ]
    return [
        _requirement(
            f"group:{group}",
            _words("党小组会·{group}（每月至少1次）", group=group),
            PeriodKind.MONTH,
            1,
            _of_group(group),
            N_("条例 第十三条（domain.md §3.1、§3.5）"),
        )
        for group in branch.party_groups
    ]
