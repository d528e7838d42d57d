"""The 6-month no-organisational-life warning (党章 第九条; domain.md §3.1, §9.6; domain/attendance.py)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from domain.attendance import (
    ORGANISATIONAL_LIFE_TYPES,
    lapse_warnings,
    months_without,
    organisational_life_events,
)
from domain.enums import AttendanceStatus, MeetingType, MembershipState
from domain.settings import RuleSettings
from domain.violations import Severity

D = dt.date


def one(build, name="甲", join=D(2010, 7, 1), **kw):
    return {"m": build.member(name, join=join, **kw)}


def test_month_counting_definition():
    # Last attended 15 March: April–September must end before the six months are complete.
    assert months_without(D(2026, 3, 15), D(2026, 9, 30)) == 5
    assert months_without(D(2026, 3, 15), D(2026, 10, 1)) == 6
    assert months_without(D(2026, 3, 31), D(2026, 4, 1)) == 0
    assert months_without(D(2025, 11, 2), D(2026, 6, 1)) == 6  # across the year end
    assert months_without(D(2026, 6, 1), D(2026, 5, 1)) == 0  # never negative


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 1, 1)), st.integers(0, 400))
def test_months_without_is_monotone_in_today(last, days):
    today = last + dt.timedelta(days=days)
    assert months_without(last, today) <= months_without(last, today + dt.timedelta(days=1))
    assert months_without(last, today) <= days // 28


def test_six_months_is_an_error_five_an_early_warning(build):
    members = one(build)
    events = [("m", D(2026, 3, 15))]
    assert lapse_warnings(members, events, D(2026, 8, 31)) == []
    [early] = lapse_warnings(members, events, D(2026, 9, 1))
    assert (early.severity, early.code, early.months) == (Severity.WARNING, "attendance.lapse_early", 5)
    assert "连续5个月（2026年4月至2026年8月）" in early.message_zh and "连续6个月将构成" in early.message_zh
    [lapse] = lapse_warnings(members, events, D(2026, 10, 1))
    assert (lapse.severity, lapse.code, lapse.months) == (Severity.ERROR, "attendance.lapse", 6)
    assert "自行脱党风险" in lapse.message_zh and "最近一次参加：2026-03-15" in lapse.message_zh
    assert lapse.last_attended == D(2026, 3, 15) and lapse.counted_from == D(2026, 3, 15)


def test_counting_starts_at_join_date_when_later(build):
    members = one(build, join=D(2026, 5, 20))
    [warning] = lapse_warnings(members, [("m", D(2025, 1, 1))], D(2026, 11, 1))
    assert warning.months == 5 and warning.counted_from == D(2026, 5, 20)
    assert "无参加记录" not in warning.message_zh


def test_member_with_no_attendance_counts_from_joining(build):
    [warning] = lapse_warnings(one(build, join=D(2026, 1, 10)), [], D(2026, 8, 1))
    assert warning.months == 6 and warning.last_attended is None and "无参加记录" in warning.message_zh


def test_records_since_protects_a_fresh_install(build):
    members = one(build)
    assert lapse_warnings(members, [], D(2026, 3, 1), records_since=D(2026, 1, 5)) == []
    assert len(lapse_warnings(members, [], D(2026, 3, 1))) == 1


def test_member_without_any_date_is_left_out(build):
    assert lapse_warnings(one(build, join=None), [], D(2026, 3, 1)) == []


def test_only_members_on_the_roll_today(build):
    gone = one(build, state=MembershipState.TRANSFERRED_OUT, state_date=D(2026, 1, 1))
    assert lapse_warnings(gone, [], D(2026, 12, 1)) == []
    future = one(build, join=D(2027, 1, 1))
    assert lapse_warnings(future, [], D(2026, 12, 1)) == []


def test_events_after_today_and_of_other_members_are_ignored(build):
    members = one(build)
    events = [("m", D(2026, 1, 1)), ("m", D(2026, 12, 1)), ("other", D(2026, 6, 1))]
    [warning] = lapse_warnings(members, events, D(2026, 8, 1))
    assert warning.last_attended == D(2026, 1, 1) and warning.months == 6


def test_thresholds_follow_settings_and_zero_disables(build):
    members = one(build)
    events = [("m", D(2026, 1, 15))]
    strict = RuleSettings(lapse_months=3, lapse_early_warning_months=2)
    [w] = lapse_warnings(members, events, D(2026, 5, 1), strict)
    assert w.severity is Severity.ERROR and w.months == 3
    off = RuleSettings(lapse_months=0, lapse_early_warning_months=0)
    assert lapse_warnings(members, events, D(2027, 1, 1), off) == []
    early_only = RuleSettings(lapse_months=0, lapse_early_warning_months=5)
    [e] = lapse_warnings(members, events, D(2027, 1, 1), early_only)
    assert e.severity is Severity.WARNING and "将构成" not in e.message_zh


def test_worst_first(build):
    members = {"a": build.member("甲"), "b": build.member("乙"), "c": build.member("丙")}
    events = [("a", D(2026, 4, 1)), ("b", D(2026, 1, 1)), ("c", D(2026, 9, 1))]
    result = lapse_warnings(members, events, D(2026, 10, 1))
    assert [(w.member_id, w.months) for w in result] == [("b", 8), ("a", 5)]
    assert result[0].to_json()["severity"] == "error"


def test_organisational_life_events_count_presence_at_the_right_meetings(build):
    meetings = [
        build.meeting(MeetingType.GROUP, party_group="第一党小组", present=("f1",), leave=("f3",)),
        build.meeting(MeetingType.TALK, present=("f4",)),
        build.meeting(MeetingType.LECTURE, attendance=[build.att("f5", AttendanceStatus.ABSENT)]),
    ]
    assert list(organisational_life_events(meetings)) == [("f1", build.day.date())]
    assert (
        MeetingType.TALK not in ORGANISATIONAL_LIFE_TYPES
        and MeetingType.OTHER not in ORGANISATIONAL_LIFE_TYPES
    )
    assert len(ORGANISATIONAL_LIFE_TYPES) == 7
