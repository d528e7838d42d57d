"""Who counts: attendance totals vs the voting roll (domain.md §3.3, domain/rules/voters.py)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from domain.enums import AttendanceStatus, ExclusionCategory, MeetingType, VoteKind
from domain.rules.voters import exclusion_applies, governing_vote_kind, voting_roll
from domain.settings import RuleSettings

EVERYONE = ("s", "d", "o", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "p1", "x1")


def test_probationary_and_suspended_members_count_for_print_but_never_vote(build):
    roll = voting_roll(build.full_congress(), build.ctx())
    assert roll.expected_total == 12  # 应到 on the record includes 预备党员
    assert roll.present_total == 12
    assert roll.entitled == 10  # 应到会有表决权: without p1 and x1
    assert roll.present_voters == 10
    assert set(roll.non_voter_ids) == {"p1", "x1"}
    assert "p1" not in roll.entitled_ids and "x1" not in roll.entitled_ids


def test_absent_voters_still_count_in_entitled(build):
    roll = voting_roll(build.full_congress(absent=("f6", "f7", "p1")), build.ctx())
    assert roll.entitled == 10
    assert roll.present_voters == 8
    assert set(roll.absent_voter_ids) == {"f6", "f7"}
    assert roll.absent_total == 3
    assert set(roll.leave_ids) == {"f6", "f7", "p1"}


def test_suspension_ended_before_meeting_restores_the_vote(build):
    members = build.roster()
    members["x1"] = build.member("褚察看", suspension=members["x1"].suspension, until=dt.date(2026, 6, 5))
    roll = voting_roll(build.full_congress(), build.ctx(members))
    assert "x1" in roll.entitled_ids


def test_member_made_full_after_the_meeting_had_no_vote_at_it(build):
    members = build.roster()
    members["f7"] = build.member("冯七", join=dt.date(2025, 7, 1), full=dt.date(2026, 7, 1))
    roll = voting_roll(build.full_congress(), build.ctx(members))
    assert "f7" in roll.non_voter_ids
    assert roll.entitled == 9


def test_retired_hometown_exclusion_applies_to_elections_only(build):
    attendance = [build.excluded("f7", ExclusionCategory.RETIRED_HOMETOWN)]
    meeting = build.meeting(present=(*EVERYONE[:-3], "p1", "x1"), attendance=attendance)
    election = voting_roll(meeting, build.ctx(), VoteKind.ELECTION)
    admission = voting_roll(meeting, build.ctx(), VoteKind.ADMISSION)
    assert election.entitled == 9 and election.excluded_ids == ("f7",)
    assert "f7" not in election.expected_ids
    assert admission.entitled == 10 and "f7" in admission.absent_voter_ids


def test_other_exclusions_apply_to_elections_and_admission_but_not_ordinary_votes(build):
    attendance = [build.excluded("f7", ExclusionCategory.ABROAD)]
    meeting = build.meeting(present=EVERYONE[:-3], attendance=attendance)
    ctx = build.ctx()
    assert voting_roll(meeting, ctx, VoteKind.ELECTION).entitled == 9
    assert voting_roll(meeting, ctx, VoteKind.ADMISSION).entitled == 9
    assert voting_roll(meeting, ctx, VoteKind.FULL_MEMBERSHIP).entitled == 9
    assert voting_roll(meeting, ctx, VoteKind.ORDINARY).entitled == 10
    local = build.ctx(settings=RuleSettings(exclusions_apply_to_ordinary_votes=True))
    assert voting_roll(meeting, local, VoteKind.ORDINARY).entitled == 9


def test_exclusion_without_approval_keeps_member_in_entitled(build):
    attendance = [build.excluded("f7", ExclusionCategory.ILLNESS, approval="")]
    meeting = build.meeting(present=EVERYONE[:-3], attendance=attendance)
    roll = voting_roll(meeting, build.ctx(), VoteKind.ELECTION)
    assert roll.entitled == 10
    assert "f7" in roll.absent_voter_ids


def test_unknown_member_is_a_violation_naming_the_field(build):
    meeting = build.meeting(present=("s", "nobody"))
    roll = voting_roll(meeting, build.ctx())
    [violation] = roll.violations
    assert violation.field == "attendance.1.member_id"
    assert violation.code == "attendance.unknown_member"
    assert "出席情况第2项" in violation.message
    assert roll.unknown_ids == ("nobody",)
    assert "nobody" not in roll.entitled_ids
    assert "nobody" in roll.present_ids


def test_without_a_roster_nothing_is_flagged_unknown(build):
    roll = voting_roll(build.meeting(present=("a", "b")), build.ctx(members={}))
    assert roll.violations == ()
    assert roll.present_total == 2
    assert roll.entitled == 0


def test_duplicate_attendance_counts_once(build):
    meeting = build.meeting(attendance=[build.att("s"), build.att("s", AttendanceStatus.LEAVE)])
    roll = voting_roll(meeting, build.ctx())
    assert roll.present_voter_ids.count("s") == 1
    assert "s" not in roll.absent_voter_ids
    assert [v.field for v in roll.violations] == ["attendance.1.member_id"]


def test_transferred_out_member_listed_is_not_counted(build):
    roll = voting_roll(build.meeting(present=(*EVERYONE, "t1")), build.ctx())
    assert roll.not_on_roll_ids == ("t1",)
    assert roll.expected_total == 12


def test_unlisted_congress_members_count_as_absent(build):
    roll = voting_roll(build.meeting(present=("s", "d", "o")), build.ctx())
    assert roll.entitled == 10
    assert roll.present_voters == 3
    assert set(roll.unlisted_ids) == {"f1", "f2", "f3", "f4", "f5", "f6", "f7", "p1", "x1"}
    assert "t1" not in roll.unlisted_ids  # left before the meeting


def test_committee_roll_counts_committee_members_only(build):
    meeting = build.meeting(MeetingType.COMMITTEE, present=("s", "o", "f1"))
    roll = voting_roll(meeting, build.ctx())
    assert set(roll.entitled_ids) == {"s", "d", "o"}
    assert roll.present_voters == 2
    assert roll.unlisted_ids == ("d",)
    assert "f1" in roll.non_voter_ids  # a 组长 attending as 列席


def test_group_roll_fills_in_members_of_that_group(build):
    meeting = build.meeting(MeetingType.GROUP, party_group="第一党小组", present=("f1", "s"))
    roll = voting_roll(meeting, build.ctx())
    assert set(roll.expected_ids) == {"s", "d", "f1", "f3", "f4", "p1"}


def test_lecture_roll_is_what_was_listed(build):
    roll = voting_roll(build.meeting(MeetingType.LECTURE, present=("s", "p1")), build.ctx())
    assert roll.expected_total == 2
    assert roll.unlisted_ids == ()


def test_written_opinions_come_from_absent_voters(build):
    attendance = [
        build.att("f7", AttendanceStatus.LEAVE, written_opinion=True),
        build.att("p1", AttendanceStatus.LEAVE, written_opinion=True),  # no vote, so no opinion counted
    ]
    roll = voting_roll(build.meeting(present=EVERYONE[:9], attendance=attendance), build.ctx())
    assert roll.written_opinion_ids == ("f7",)


def test_governing_vote_kind_is_the_strictest(build):
    assert governing_vote_kind(build.meeting()) is VoteKind.ORDINARY
    votes = [build.vote(VoteKind.ADMISSION), build.vote(VoteKind.ELECTION), build.vote()]
    assert governing_vote_kind(build.meeting(votes=votes)) is VoteKind.ELECTION


def test_exclusion_applies_table():
    s = RuleSettings()
    for category in ExclusionCategory:
        assert exclusion_applies(category, VoteKind.ELECTION, s)
        assert not exclusion_applies(category, VoteKind.ORDINARY, s)
        hometown = category is ExclusionCategory.RETIRED_HOMETOWN
        assert exclusion_applies(category, VoteKind.ADMISSION, s) is not hometown


STATUSES = st.sampled_from(list(AttendanceStatus))


@given(st.lists(st.tuples(st.sampled_from(EVERYONE), STATUSES), max_size=14), st.sampled_from(list(VoteKind)))
def test_roll_invariants(build, rows, kind):
    attendance = [
        build.excluded(mid, ExclusionCategory.ILLNESS)
        if status is AttendanceStatus.EXCLUDED
        else build.att(mid, status)
        for mid, status in rows
    ]
    roll = voting_roll(build.meeting(attendance=attendance), build.ctx(), kind)
    assert roll.present_voters + roll.absent_voters == roll.entitled
    assert set(roll.present_voter_ids) <= set(roll.present_ids)
    assert not {"p1", "x1", "t1"} & set(roll.entitled_ids)
    assert roll.expected_total == roll.present_total + roll.absent_total
    # every member on the roll that day is either expected or approved-excluded, exactly once
    assert sorted(roll.expected_ids + roll.excluded_ids) == sorted(EVERYONE)
    assert roll.entitled + len([m for m in roll.excluded_ids if m not in ("p1", "x1")]) == 10
