"""A member's standing is judged on the meeting date, not today (domain/rules/standing.py)."""

from __future__ import annotations

import datetime as dt

from domain.enums import MembershipState, MemberStatus, RightsSuspension
from domain.rules.standing import (
    has_voting_rights_on,
    is_member_on,
    is_probationary_on,
    no_vote_reason_zh,
    rights_suspended_on,
)


def test_full_member_was_probationary_before_full_member_date(build):
    member = build.member("甲", join=dt.date(2025, 3, 1), full=dt.date(2026, 3, 1))
    assert is_probationary_on(member, dt.date(2026, 2, 28))
    assert not has_voting_rights_on(member, dt.date(2026, 2, 28))
    assert not is_probationary_on(member, dt.date(2026, 3, 1))
    assert has_voting_rights_on(member, dt.date(2026, 3, 1))


def test_probationary_member_never_has_voting_rights(build):
    member = build.member("乙", status=MemberStatus.PROBATIONARY, join=dt.date(2026, 1, 1))
    assert is_member_on(member, dt.date(2026, 6, 1))
    assert not has_voting_rights_on(member, dt.date(2026, 6, 1))
    assert no_vote_reason_zh(member, dt.date(2026, 6, 1)) == "预备党员"


def test_suspension_lasts_through_its_last_day(build):
    member = build.member("丙", suspension=RightsSuspension.PROBATION_DISCIPLINE, until=dt.date(2026, 6, 6))
    assert rights_suspended_on(member, dt.date(2026, 6, 6))
    assert not rights_suspended_on(member, dt.date(2026, 6, 7))
    assert has_voting_rights_on(member, dt.date(2026, 6, 7))


def test_open_ended_suspension_and_reason(build):
    member = build.member("丁", suspension=RightsSuspension.DETAINED)
    assert rights_suspended_on(member, dt.date(2030, 1, 1))
    assert no_vote_reason_zh(member, dt.date(2030, 1, 1)) == "留置"


def test_transferred_member_belongs_until_the_transfer_date(build):
    member = build.member("戊", state=MembershipState.TRANSFERRED_OUT, state_date=dt.date(2026, 5, 1))
    assert is_member_on(member, dt.date(2026, 4, 30))
    assert not is_member_on(member, dt.date(2026, 5, 1))
    undated = build.member("己", state=MembershipState.REMOVED)
    assert not is_member_on(undated, dt.date(2000, 1, 1))


def test_not_a_member_before_joining(build):
    member = build.member("庚", join=dt.date(2026, 7, 1))
    assert not is_member_on(member, dt.date(2026, 6, 30))
    assert no_vote_reason_zh(member, dt.date(2026, 6, 30)) == "当日不在本支部党员名册"
