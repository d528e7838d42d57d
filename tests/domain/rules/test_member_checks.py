"""Roster entry checks (domain.md §2, §3.3, §3.5; domain/rules/members.py)."""

from __future__ import annotations

import datetime as dt

from domain.enums import BranchPost, MembershipState, MemberStatus, RightsSuspension
from domain.rules.members import check_member
from domain.violations import Severity


def found(build, member, ctx=None):
    return {v.code: v for v in check_member(member, ctx or build.ctx())}


def test_a_plain_full_member_passes(build):
    assert not check_member(build.roster()["f3"], build.ctx())


def test_full_member_date_must_follow_join_date(build):
    member = build.member("甲", join=dt.date(2024, 5, 1), full=dt.date(2024, 4, 1))
    error = found(build, member)["member.full_before_join"]
    assert error.field == "full_member_date" and error.severity is Severity.ERROR


def test_probation_shorter_than_a_year_warns(build):
    member = build.member("乙", join=dt.date(2024, 5, 1), full=dt.date(2025, 4, 30))
    assert found(build, member)["member.short_probation"].severity is Severity.WARNING
    assert not check_member(
        build.member("乙", join=dt.date(2024, 5, 1), full=dt.date(2025, 5, 1)), build.ctx()
    )
    leap = build.member("闰", join=dt.date(2024, 2, 29), full=dt.date(2025, 2, 28))
    assert not check_member(leap, build.ctx())


def test_probationary_member_has_no_full_member_date(build):
    member = build.member(
        "丙", status=MemberStatus.PROBATIONARY, join=dt.date(2025, 9, 1), full=dt.date(2026, 9, 1)
    )
    assert found(build, member)["member.probationary_with_full_date"].field == "full_member_date"


def test_join_date_after_birth(build):
    member = build.member("丁", join=dt.date(1990, 1, 1)).model_copy(
        update={"birth_date": dt.date(1995, 1, 1)}
    )
    assert found(build, member)["member.join_before_birth"].field == "join_date"


def test_suspension_until_needs_a_suspension(build):
    member = build.member("戊", until=dt.date(2027, 1, 1))
    assert found(build, member)["member.until_without_suspension"].field == "suspension_until"
    suspended = build.member("戊", suspension=RightsSuspension.DETAINED, until=dt.date(2027, 1, 1))
    assert not check_member(suspended, build.ctx())


def test_probationary_member_in_committee_or_as_group_leader_warns(build):
    member = build.member(
        "己",
        status=MemberStatus.PROBATIONARY,
        posts=(BranchPost.ORGANIZATION, BranchPost.GROUP_LEADER),
        group="第一党小组",
    )
    assert set(found(build, member)) == {"member.probationary_committee", "member.probationary_group_leader"}


def test_group_must_exist_and_leaders_need_one(build):
    assert (
        found(build, build.member("庚", group="第五党小组"))["member.unknown_group"].severity
        is Severity.ERROR
    )
    assert "member.leader_without_group" in found(build, build.member("辛", posts=(BranchPost.GROUP_LEADER,)))


def test_departure_needs_a_date(build):
    assert "member.state_date_missing" in found(build, build.member("壬", state=MembershipState.DECEASED))
