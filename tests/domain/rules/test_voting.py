"""Vote outcomes and their denominators (domain.md §3.3, §3.4, §9.2; domain/rules/voting.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.enums import AttendanceStatus, MeetingFormat, MeetingType, VoteKind, VoteMethod
from domain.records import Resolution
from domain.rules.quorum import meeting_validity
from domain.rules.voters import voting_roll
from domain.rules.voting import (
    ENTITLED_LABEL,
    PRESENT_LABEL,
    check_votes,
    meeting_vote_outcomes,
    vote_outcome,
    votes_needed,
)
from domain.validation import validate_record
from domain.violations import Severity


def outcome(build, vote, meeting=None, ctx=None):
    meeting = meeting or build.full_congress(absent=("f5", "f6", "f7"))  # 7 of 10 voters present
    ctx = ctx or build.ctx()
    return vote_outcome(vote, voting_roll(meeting, ctx, vote.kind), ctx)


def test_votes_needed_is_more_than_half():
    assert votes_needed(11) == 6
    assert votes_needed(10) == 6
    assert votes_needed(0) == 1


@given(st.integers(min_value=0, max_value=10_000))
def test_votes_needed_boundary(n):
    need = votes_needed(n)
    assert 2 * need > n >= 2 * (need - 1)


def test_ordinary_vote_is_counted_against_entitled_not_present(build):
    # 10 entitled, 7 present: 5 yes is a majority of those present but not of those entitled.
    result = outcome(build, build.vote(yes=5, no=2))
    assert result.denominator == 10 and result.denominator_label == ENTITLED_LABEL
    assert result.needed == 6 and result.quorum_met
    assert not result.passed
    assert "未通过" in result.message_zh
    assert outcome(build, build.vote(yes=6, no=1)).passed


def test_admission_and_full_membership_use_entitled(build):
    for kind in (VoteKind.ADMISSION, VoteKind.FULL_MEMBERSHIP):
        result = outcome(build, build.vote(kind, yes=5, no=1, abstain=1))
        assert result.denominator == 10 and not result.passed
        assert outcome(build, build.vote(kind, yes=6, no=1)).passed


def test_election_counts_against_present(build):
    meeting = build.full_congress(absent=("f7",))  # 9 of 10 present: more than 4/5
    result = outcome(
        build, build.vote(VoteKind.ELECTION, yes=5, no=4, ballots_issued=9, ballots_returned=9), meeting
    )
    assert result.denominator == 9 and result.denominator_label == PRESENT_LABEL
    assert result.needed == 5 and result.passed
    assert "当选" in result.message_zh


def test_election_without_four_fifths_present_fails(build):
    result = outcome(build, build.vote(VoteKind.ELECTION, yes=7, ballots_issued=7, ballots_returned=7))
    assert not result.quorum_met and not result.passed
    assert "vote.no_quorum" in {v.code for v in result.violations}


def test_election_void_when_more_ballots_returned_than_issued(build):
    meeting = build.full_congress()
    vote = build.vote(VoteKind.ELECTION, yes=9, ballots_issued=10, ballots_returned=11)
    result = outcome(build, vote, meeting)
    assert result.void and not result.passed
    [void] = [v for v in result.violations if v.code == "vote.ballots_exceed_issued"]
    assert void.field == "votes.0.ballots_returned" and void.severity is Severity.ERROR
    assert "选举无效" in result.message_zh


def test_election_ballot_bookkeeping(build):
    meeting = build.full_congress()
    missing = outcome(build, build.vote(VoteKind.ELECTION, yes=9), meeting)
    assert "vote.ballots_missing" in {v.code for v in missing.violations} and missing.passed
    too_many_issued = outcome(build, build.vote(VoteKind.ELECTION, yes=9, ballots_issued=12), meeting)
    assert "vote.ballots_exceed_present" in {v.code for v in too_many_issued.violations}
    over = outcome(
        build, build.vote(VoteKind.ELECTION, yes=9, no=1, ballots_issued=9, ballots_returned=9), meeting
    )
    assert "vote.votes_exceed_ballots" in {v.code for v in over.violations} and not over.passed


def test_written_opinions_are_counted_in_the_vote(build):
    attendance = [build.att(m, AttendanceStatus.LEAVE, written_opinion=True) for m in ("f6", "f7")]
    meeting = build.meeting(present=("s", "d", "o", "f1", "f2", "f3", "f4", "f5"), attendance=attendance)
    # 8 present + 2 written opinions = 10 votes may be cast
    vote = build.vote(VoteKind.ADMISSION, yes=9, no=1, written_opinions=2)
    result = outcome(build, vote, meeting)
    assert result.written_opinions == 2 and result.passed and not result.violations
    assert "书面意见2份" in result.message_zh
    too_many = outcome(build, build.vote(VoteKind.ADMISSION, yes=10, no=1, written_opinions=2), meeting)
    assert "vote.too_many_votes" in {v.code for v in too_many.violations} and not too_many.passed


def test_written_opinions_cannot_exceed_absent_voters(build):
    result = outcome(build, build.vote(VoteKind.ADMISSION, yes=6, written_opinions=4))  # only 3 absent
    assert "vote.written_exceeds_absent" in {v.code for v in result.violations}


def test_written_opinions_not_recorded_in_attendance_warn(build):
    result = outcome(build, build.vote(VoteKind.ADMISSION, yes=6, written_opinions=2))
    [warning] = [v for v in result.violations if v.code == "vote.written_unrecorded"]
    assert warning.severity is Severity.WARNING and result.passed


def test_elections_take_no_written_opinions(build):
    meeting = build.full_congress()
    result = outcome(
        build,
        build.vote(VoteKind.ELECTION, yes=9, ballots_issued=10, ballots_returned=10, written_opinions=1),
        meeting,
    )
    assert "vote.written_in_election" in {v.code for v in result.violations}
    assert result.written_opinions == 0


def test_more_votes_than_present_is_an_error(build):
    result = outcome(build, build.vote(yes=6, no=1, abstain=1))  # 8 votes, 7 present
    [error] = [v for v in result.violations if v.code == "vote.too_many_votes"]
    assert error.field == "votes.0.yes" and error.severity is Severity.ERROR
    assert not result.passed


def test_the_roll_wins_over_typed_counts(build):
    # 10 entitled, 7 present on the list; the clerk typed 11 entitled.
    result = outcome(build, build.vote(entitled=11, present=7, yes=6))
    assert result.entitled == 10 and result.denominator == 10
    [mismatch] = [v for v in result.violations if v.code == "vote.count_mismatch"]
    assert mismatch.field == "votes.0.entitled" and mismatch.severity is Severity.ERROR
    assert "填写为11人，按出席情况计算为10人" in mismatch.message
    # An unreconciled count has no result at all: neither 通过 nor 未通过.
    assert not result.passed and not result.determined
    assert "通过" not in result.message_zh.rsplit("；", 1)[-1]


def test_typed_majority_of_present_does_not_pass_against_the_roll(build):
    # domain.md §3.4: 13 entitled, 7 present on the list. Typing 应到 = 实到 = 7 must not turn 6
    # yes votes (a majority of those present, not of those entitled) into 通过.
    roster = build.roster()
    roster |= {f"n{i}": build.member(f"新{i}") for i in range(3)}  # 13 voters in all
    ctx = build.ctx(members=roster)
    meeting = build.meeting(present=("s", "d", "o", "f1", "f2", "f3", "f4"))
    vote = build.vote(entitled=7, present=7, yes=6, no=1)
    [result] = meeting_vote_outcomes(meeting.model_copy(update={"votes": [vote]}), ctx)
    assert result.entitled == 13 and result.present == 7
    assert not result.passed
    assert {v.code for v in result.violations} >= {"vote.count_mismatch"}


def test_no_record_is_invalid_and_passed_at_once(build):
    # 6 of the 13 voters present on the list, 7 typed as present: the meeting is not valid, so
    # the vote cannot pass, whatever was typed.
    roster = build.roster()
    roster |= {f"n{i}": build.member(f"新{i}") for i in range(3)}
    ctx = build.ctx(members=roster)
    vote = build.vote(entitled=13, present=7, yes=7)
    meeting = build.meeting(present=("s", "d", "o", "f1", "f2", "f3"), votes=[vote])
    assert not meeting_validity(meeting, ctx).valid
    [result] = meeting_vote_outcomes(meeting, ctx)
    assert not result.passed and not result.quorum.valid
    assert "表决无效" in result.message_zh and "；通过" not in result.message_zh


def test_an_ordinary_vote_of_an_invalid_meeting_is_void(build):
    # The election on the agenda needs 4/5 present; with 7 of 10 the meeting is not valid for it,
    # so the ordinary vote taken at the same meeting is void too (never 会议无效 beside 通过).
    election = build.vote(VoteKind.ELECTION, yes=7, ballots_issued=7, ballots_returned=7)
    ordinary = build.vote(yes=7)
    meeting = build.full_congress(absent=("f5", "f6", "f7")).model_copy(update={"votes": [election, ordinary]})
    ctx = build.ctx()
    assert not meeting_validity(meeting, ctx).valid
    outcomes = meeting_vote_outcomes(meeting, ctx)
    assert [o.passed for o in outcomes] == [False, False]
    assert all(not o.quorum.valid for o in outcomes)


def test_count_mismatch_blocks_finalizing_but_not_a_draft(build):
    meeting = build.full_congress(absent=("f5",)).model_copy(
        update={"votes": [build.vote(entitled=9, yes=9)], "recorder_member_id": "o"}
    )
    ctx = build.ctx()
    _, draft = validate_record("meeting", meeting, ctx)
    _, final = validate_record("meeting", meeting, ctx, finalizing=True)
    [d] = [v for v in draft if v.code == "vote.count_mismatch"]
    [f] = [v for v in final if v.code == "vote.count_mismatch"]
    assert d.severity is Severity.WARNING and f.severity is Severity.ERROR


def test_written_opinion_of_a_member_without_a_vote_is_an_error(build):
    # The 预备党员's "written opinion" would otherwise print as 已提交书面意见 and count.
    attendance = [build.att("p1", AttendanceStatus.LEAVE, written_opinion=True)]
    meeting = build.meeting(present=("s", "d", "o", "f1", "f2", "f3", "f4", "f5", "f6", "f7"), attendance=attendance)
    roll = voting_roll(meeting, build.ctx())
    [err] = [v for v in roll.violations if v.code == "attendance.written_opinion_without_vote"]
    assert err.field == "attendance.0.written_opinion" and err.severity is Severity.ERROR
    assert "预备党员" in err.message
    _, found = validate_record("meeting", meeting, build.ctx(), finalizing=False)
    assert "attendance.written_opinion_without_vote" in {v.code for v in found if v.severity is Severity.ERROR}


def test_typed_counts_without_attendance_are_not_cross_checked(build):
    ctx = build.ctx(members={})
    result = vote_outcome(build.vote(entitled=11, present=9, yes=6), voting_roll(build.meeting(), ctx), ctx)
    assert result.passed and not result.violations
    assert result.quorum.entitled == 11 and result.quorum.present == 9


def test_typed_counts_on_a_congress_without_attendance_list_are_trusted(build):
    meeting = build.meeting()  # nobody listed; the roster alone would give 10 entitled, 0 present
    result = outcome(build, build.vote(entitled=11, present=8, yes=6), meeting)
    assert result.passed and result.quorum.present == 8
    assert "vote.count_mismatch" not in {v.code for v in result.violations}


def test_present_cannot_exceed_entitled(build):
    # Only typed counts (no attendance list to count from) can be impossible this way.
    result = outcome(build, build.vote(entitled=5, present=7, yes=6), build.meeting())
    assert "vote.present_exceeds_entitled" in {v.code for v in result.violations}
    assert not result.passed and not result.determined


def test_secret_ballot_expected_for_admission_and_elections(build):
    vote = build.vote(VoteKind.ADMISSION, yes=6, method=VoteMethod.SHOW_OF_HANDS)
    result = outcome(build, vote)
    [warning] = [v for v in result.violations if v.code == "vote.not_secret"]
    assert warning.field == "votes.0.method" and warning.severity is Severity.WARNING
    assert result.passed
    assert "vote.not_secret" not in {v.code for v in outcome(build, build.vote(yes=6)).violations}


def test_committee_votes_count_committee_members(build):
    meeting = build.meeting(MeetingType.COMMITTEE, present=("s", "o"), leave=("d",))
    result = outcome(build, build.vote(yes=2), meeting)
    assert result.denominator == 3 and result.needed == 2 and result.passed
    assert result.denominator_label == "应到会的支部委员"


@given(st.integers(0, 10), st.integers(0, 10), st.sampled_from(list(VoteKind)))
def test_passing_is_monotone_in_yes(build, yes, no, kind):
    meeting = build.full_congress()
    extra = {"ballots_issued": 10, "ballots_returned": 10} if kind is VoteKind.ELECTION else {}
    low = outcome(build, build.vote(kind, yes=yes, no=min(no, 10 - yes), **extra), meeting)
    more = min(yes + 1, 10)
    high = outcome(build, build.vote(kind, yes=more, no=min(no, 10 - more), **extra), meeting)
    assert high.passed or not low.passed


@given(st.integers(1, 60), st.data())
def test_election_never_needs_more_votes_than_an_ordinary_vote(entitled, data):
    present = data.draw(st.integers(0, entitled))
    assert votes_needed(present) <= votes_needed(entitled)


# ---------------------------------------------------------------- meeting-level vote checks


def test_check_votes_names_each_vote_field(build):
    meeting = build.full_congress().model_copy(update={"votes": [build.vote(yes=6), build.vote(yes=9, no=5)]})
    [error] = [v for v in check_votes(meeting, build.ctx()) if v.severity is Severity.ERROR]
    assert error.field == "votes.1.yes"
    assert error.message.startswith("表决情况第2项·赞成票")


def test_online_election_or_admission_warns(build):
    votes = [
        build.vote(VoteKind.ELECTION, yes=10, ballots_issued=10, ballots_returned=10),
        build.vote(VoteKind.ADMISSION, yes=8),
    ]
    meeting = build.full_congress().model_copy(update={"votes": votes, "format": MeetingFormat.ONLINE})
    [warning] = [v for v in check_votes(meeting, build.ctx()) if v.code == "vote.not_in_person"]
    assert warning.field == "format" and warning.severity is Severity.WARNING
    assert "接收预备党员、选举" in warning.message and "线上" in warning.message
    hybrid = meeting.model_copy(update={"format": MeetingFormat.HYBRID, "votes": [build.vote(yes=8)]})
    assert "vote.not_in_person" not in {v.code for v in check_votes(hybrid, build.ctx())}


def test_admission_vote_outside_a_congress_warns(build):
    meeting = build.meeting(
        MeetingType.GROUP,
        party_group="第一党小组",
        present=("f1",),
        votes=[build.vote(VoteKind.ADMISSION, yes=1)],
    )
    assert "vote.wrong_meeting_type" in {v.code for v in check_votes(meeting, build.ctx())}
    committee = build.meeting(
        MeetingType.COMMITTEE,
        present=("s", "d", "o"),
        votes=[build.vote(VoteKind.ELECTION, yes=3, ballots_issued=3, ballots_returned=3)],
    )
    assert "vote.wrong_meeting_type" not in {v.code for v in check_votes(committee, build.ctx())}


def test_full_membership_candidate_must_be_probationary_and_have_served_a_year(build):
    meeting = build.full_congress()
    not_probationary = meeting.model_copy(
        update={"votes": [build.vote(VoteKind.FULL_MEMBERSHIP, yes=8, candidate_member_id="f1")]}
    )
    assert "vote.candidate_not_probationary" in {v.code for v in check_votes(not_probationary, build.ctx())}
    early = meeting.model_copy(
        update={"votes": [build.vote(VoteKind.FULL_MEMBERSHIP, yes=8, candidate_member_id="p1")]}
    )
    assert "vote.probation_not_served" in {v.code for v in check_votes(early, build.ctx())}
    unknown = meeting.model_copy(
        update={"votes": [build.vote(VoteKind.FULL_MEMBERSHIP, yes=8, candidate_member_id="zz")]}
    )
    assert "vote.unknown_candidate" in {v.code for v in check_votes(unknown, build.ctx())}


def test_admission_candidate_may_be_off_roster_but_join_date_must_match(build):
    meeting = build.full_congress()
    off_roster = meeting.model_copy(
        update={"votes": [build.vote(VoteKind.ADMISSION, yes=8, candidate_member_id="new")]}
    )
    assert not check_votes(off_roster, build.ctx())
    members = build.roster()
    members["new"] = build.member("新党员", status=members["p1"].status, join=build.day.date().replace(day=7))
    mismatch = meeting.model_copy(
        update={"votes": [build.vote(VoteKind.ADMISSION, yes=8, candidate_member_id="new")]}
    )
    assert "vote.join_date_mismatch" in {v.code for v in check_votes(mismatch, build.ctx(members))}


def test_election_candidate_needs_the_right_to_stand(build):
    meeting = build.full_congress().model_copy(
        update={
            "votes": [
                build.vote(
                    VoteKind.ELECTION,
                    yes=10,
                    ballots_issued=10,
                    ballots_returned=10,
                    candidate_member_id="p1",
                )
            ]
        }
    )
    [warning] = [v for v in check_votes(meeting, build.ctx()) if v.code == "vote.candidate_not_eligible"]
    assert "预备党员" in warning.message


def test_resolution_must_point_at_an_existing_vote(build):
    meeting = build.full_congress().model_copy(
        update={"votes": [build.vote(yes=8)], "resolutions": [Resolution(text="同意", vote_index=1)]}
    )
    [error] = check_votes(meeting, build.ctx())
    assert error.field == "resolutions.0.vote_index" and error.code == "resolution.no_such_vote"
