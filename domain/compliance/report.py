"""The compliance calendar: which required activities a branch has done, has due, or let lapse.

States of one requirement in one window (a month, quarter or year, whichever its cadence is):

* ``done`` — enough records in the window;
* ``overdue`` — the window has ended (``today`` is after its last day) without enough records;
* ``due`` — the window is running and not yet satisfied; ``due_soon`` when at most
  ``settings.due_soon_days`` days are left (the early warning of domain.md §9.1);
* ``upcoming`` — the window has not started, or (组织生活会) the reminder month has not come yet;
* ``not_applicable`` — the branch has no committee, no 党小组, or the setting is 0.

A requirement shown for a period shorter than its cadence is shown for the window containing it:
asked about November, the 党员大会 row covers the fourth quarter and the 组织生活会 row the year.
A period longer than the cadence is broken down: asked about a year, the 支委会 row has 12 windows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from domain.compliance.facts import MeetingFact
from domain.compliance.period import Period
from domain.compliance.requirements import Requirement, requirements_for
from domain.enums import MemberStatus
from domain.i18n import CHINESE, N_, t
from domain.records import BranchProfile, Member
from domain.rules.standing import is_member_on, is_probationary_on
from domain.settings import RuleSettings


class ComplianceState(StrEnum):
    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


# Chinese sources (shown in the clerk's language with ``t(state.label)``, domain.i18n).
_STATE_LABELS: dict[ComplianceState, str] = {
    ComplianceState.DONE: N_("已完成"),
    ComplianceState.DUE: N_("待完成"),
    ComplianceState.OVERDUE: N_("逾期未完成"),
    ComplianceState.UPCOMING: N_("未到期"),
    ComplianceState.NOT_APPLICABLE: N_("不适用"),
}


@dataclass(frozen=True)
class WindowStatus:
    """One requirement in one month, quarter or year."""

    period: Period
    required: int
    done: int
    state: ComplianceState
    due_date: dt.date  # the window's last day
    due_soon: bool
    dates: tuple[dt.date, ...]  # dates of the meetings counted

    def to_json(self, shown: bool = False) -> dict[str, Any]:
        """Labels in Chinese (head office, printing), or with ``shown`` in the shown language (the CLI)."""
        return {
            "period": self.period.code,
            "label": self.period.label if shown else self.period.label_zh,
            "required": self.required,
            "done": self.done,
            "state": self.state.value,
            "state_label": t(self.state.label) if shown else self.state.label,
            "due_date": self.due_date.isoformat(),
            "due_soon": self.due_soon,
            "dates": [d.isoformat() for d in self.dates],
        }


@dataclass(frozen=True)
class RequirementStatus:
    key: str
    label_zh: str
    cadence: str  # "month" / "quarter" / "year"
    required: int  # over all windows
    done: int  # meetings counted over all windows
    state: ComplianceState
    due_date: dt.date | None  # end of the first window still open or missed; None if not applicable
    due_soon: bool
    windows: tuple[WindowStatus, ...]
    note_zh: str
    source: str
    label: str = ""  # label_zh in the shown language (the window, the CLI)
    note: str = ""  # note_zh in the shown language

    def to_json(self, shown: bool = False) -> dict[str, Any]:
        """Labels in Chinese (head office, printing), or with ``shown`` in the shown language (the CLI)."""
        return {
            "key": self.key,
            "label": (self.label or self.label_zh) if shown else self.label_zh,
            "cadence": self.cadence,
            "required": self.required,
            "done": self.done,
            "state": self.state.value,
            "state_label": t(self.state.label) if shown else self.state.label,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "due_soon": self.due_soon,
            "note": (self.note or self.note_zh) if shown else self.note_zh,
            "source": t(self.source) if shown else self.source,
            "windows": [w.to_json(shown) for w in self.windows],
        }


@dataclass(frozen=True)
class ComplianceReport:
    branch_name: str
    period: Period
    today: dt.date
    requirements: tuple[RequirementStatus, ...]
    last_activity: dt.date | None  # latest meeting of any type on or before ``today``

    @property
    def overdue(self) -> tuple[RequirementStatus, ...]:
        return tuple(r for r in self.requirements if r.state is ComplianceState.OVERDUE)

    @property
    def due(self) -> tuple[RequirementStatus, ...]:
        return tuple(r for r in self.requirements if r.state is ComplianceState.DUE)

    @property
    def days_since_last_activity(self) -> int | None:
        """For a 彭山-style "silent branch" hint (domain.md §7, §9.1)."""
        return None if self.last_activity is None else (self.today - self.last_activity).days

    def requirement(self, key: str) -> RequirementStatus:
        for req in self.requirements:
            if req.key == key:
                return req
        raise KeyError(key)

    def to_json(self, shown: bool = False) -> dict[str, Any]:
        """Labels in Chinese (what head office receives and prints), or with ``shown`` in the shown
        language (``branch-ledger compliance --json``); keys and codes are the same."""
        return {
            "branch": self.branch_name,
            "period": self.period.code,
            "period_label": self.period.label if shown else self.period.label_zh,
            "today": self.today.isoformat(),
            "last_activity": self.last_activity.isoformat() if self.last_activity else None,
            "requirements": [r.to_json(shown) for r in self.requirements],
        }


def compliance_status(
    branch: BranchProfile,
    meetings: Iterable[MeetingFact],
    period: Period | str,
    today: dt.date,
    settings: RuleSettings | None = None,
    members: Mapping[str, Member] | Iterable[Member] | None = None,
    records_since: dt.date | None = None,
    full_members: int | None = None,
) -> ComplianceReport:
    """Report every requirement of domain.md §9.1 for ``branch`` over ``period``, as of ``today``.

    Meetings dated after ``today`` are ignored (they are plans, not records of what happened).

    History starts where the records start: a window (month, quarter, year) that ended before
    the branch's 台账起始日期 (``records_since``, else ``branch.records_since``) is not required —
    a missing record from before the branch kept its records here proves nothing. Meetings
    entered for such a window (补录) still count: the window then shows as done. A requirement
    whose windows all lie before that day is reported as not applicable, with a note saying why.

    ``members`` (the roster) is only used to tell whether a branch without a committee should
    have one (≥7 正式党员); without it, ``branch.has_committee`` alone decides. A caller that keeps
    that count itself (head office, over thousands of branches) passes ``full_members`` instead.
    """
    settings = settings or RuleSettings()
    when = Period.parse(period) if isinstance(period, str) else period
    # A meeting dated after today is a plan, not something done.
    facts = [fact for fact in meetings if fact.date <= today]
    full = full_members_on(members, today) if members is not None else full_members
    since = records_since or branch.records_since
    statuses = tuple(
        _requirement_status(req, when, facts, today, settings, since)
        for req in requirements_for(branch, settings, full)
    )
    return ComplianceReport(
        branch_name=branch.name,
        period=when,
        today=today,
        requirements=statuses,
        last_activity=max((fact.date for fact in facts), default=None),
    )


def full_members_on(members: Mapping[str, Member] | Iterable[Member], today: dt.date) -> int:
    """正式党员 on the roll on ``today`` (the count that decides whether a 支委会 is required)."""
    roster = members.values() if isinstance(members, Mapping) else members
    return sum(
        1
        for m in roster
        if m.status is MemberStatus.FULL and is_member_on(m, today) and not is_probationary_on(m, today)
    )


def _not_applicable(req: Requirement, *, note_zh: str, note: str) -> RequirementStatus:
    """A requirement that is not checked for this branch or period, with the reason shown."""
    return RequirementStatus(
        key=req.key,
        label_zh=req.label_zh,
        cadence=req.cadence.value,
        required=0,
        done=0,
        state=ComplianceState.NOT_APPLICABLE,
        due_date=None,
        due_soon=False,
        windows=(),
        note_zh=note_zh,
        source=req.source,
        label=req.label,
        note=note,
    )


def _requirement_status(
    req: Requirement,
    period: Period,
    facts: list[MeetingFact],
    today: dt.date,
    settings: RuleSettings,
    since: dt.date | None = None,
) -> RequirementStatus:
    windows = period.subperiods(req.cadence)
    if req.applicable and since is not None:
        matching_all = sorted(fact.counted_on for fact in facts if req.matches(fact))
        kept = [w for w in windows if w.end >= since or any(w.contains(d) for d in matching_all)]
        if not kept:
            return _not_applicable(
                req,
                note_zh=t("台账起始日期（{since}）之前的期间不作检查", CHINESE, since=since.isoformat()),
                note=t("台账起始日期（{since}）之前的期间不作检查", since=since.isoformat()),
            )
        windows = tuple(kept)
    if not req.applicable:
        return _not_applicable(req, note_zh=req.note_zh, note=req.note)
    matching = sorted(fact.counted_on for fact in facts if req.matches(fact))
    results = tuple(_window_status(req, window, matching, today, settings) for window in windows)
    open_windows = [w for w in results if w.state is not ComplianceState.DONE]
    return RequirementStatus(
        key=req.key,
        label_zh=req.label_zh,
        cadence=req.cadence.value,
        required=sum(w.required for w in results),
        done=sum(w.done for w in results),
        state=_overall(results),
        due_date=(open_windows[0] if open_windows else results[-1]).due_date,
        due_soon=any(w.due_soon for w in results),
        windows=results,
        note_zh=req.note_zh,
        source=req.source,
        label=req.label,
        note=req.note,
    )


def _window_status(
    req: Requirement, window: Period, dates: list[dt.date], today: dt.date, settings: RuleSettings
) -> WindowStatus:
    counted = tuple(d for d in dates if window.contains(d))
    remind_from = max(window.start, dt.date(window.end.year, req.remind_from_month, 1))
    due_soon = False
    if len(counted) >= req.count:
        state = ComplianceState.DONE
    elif today > window.end:
        state = ComplianceState.OVERDUE
    elif today < remind_from:
        state = ComplianceState.UPCOMING
    else:
        state = ComplianceState.DUE
        due_soon = (window.end - today).days <= settings.due_soon_days
    return WindowStatus(
        period=window,
        required=req.count,
        done=len(counted),
        state=state,
        due_date=window.end,
        due_soon=due_soon,
        dates=counted,
    )


def _overall(windows: tuple[WindowStatus, ...]) -> ComplianceState:
    """Worst first: anything overdue, else anything due, else all done, else not yet due."""
    states = {w.state for w in windows}
    for state in (ComplianceState.OVERDUE, ComplianceState.DUE):
        if state in states:
            return state
    if states == {ComplianceState.DONE}:
        return ComplianceState.DONE
    return ComplianceState.UPCOMING
