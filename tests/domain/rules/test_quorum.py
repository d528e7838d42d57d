"""Meeting validity (domain.md §3.3, §3.4, §9.2; domain/rules/quorum.py)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from domain.enums import MeetingType, VoteKind
from domain.rules.quorum import Threshold, assess_quorum, meeting_validity, quorum_thresholds
from domain.settings import RuleSettings

CENTRAL = RuleSettings()
STRICT_CONGRESS = RuleSettings(congress_quorum_fraction=Fraction(4, 5))
AT_LEAST = RuleSettings(election_quorum_mode="at_least")


# ---------------------------------------------------------------- threshold arithmetic


def test_more_than_half_integer_boundaries():
    half = Threshold(Fraction(1, 2))
    assert half.minimum(10) == 6
    assert half.minimum(11) == 6
    assert half.minimum(1) == 1
    assert half.minimum(2) == 2


def test_four_fifths_more_than_vs_at_least():
    assert Threshold(Fraction(4, 5)).minimum(10) == 9
    assert Threshold(Fraction(4, 5), inclusive=True).minimum(10) == 8
    assert Threshold(Fraction(4, 5)).minimum(11) == 9
    assert Threshold(Fraction(4, 5), inclusive=True).minimum(11) == 9


def test_threshold_descriptions():
    assert Threshold(Fraction(1, 2)).describe_zh("应到") == "超过应到的半数"
    assert Threshold(Fraction(4, 5), True).describe_zh("应到") == "不少于应到的五分之四"
    assert Threshold(Fraction(3, 5)).describe_zh("应到") == "超过应到的3/5"


FRACTIONS = st.fractions(min_value=Fraction(1, 100), max_value=1)


@given(FRACTIONS, st.booleans(), st.integers(min_value=0, max_value=500))
def test_minimum_is_the_exact_integer_boundary(fraction, inclusive, total):
    t = Threshold(fraction, inclusive)
    need = t.minimum(total)
    if inclusive:
        assert need >= fraction * total > need - 1
    else:
        assert need > fraction * total >= need - 1
    assert t.is_met(need, total) and not t.is_met(need - 1, total)


@given(FRACTIONS, st.booleans(), st.integers(min_value=0, max_value=500))
def test_minimum_is_monotone_in_total(fraction, inclusive, total):
    t = Threshold(fraction, inclusive)
    assert t.minimum(total) <= t.minimum(total + 1)


@given(FRACTIONS, FRACTIONS, st.integers(min_value=0, max_value=500))
def test_minimum_is_monotone_in_fraction(a, b, total):
    low, high = sorted((a, b))
    assert Threshold(low).minimum(total) <= Threshold(high).minimum(total)
    assert Threshold(low, True).minimum(total) <= Threshold(low).minimum(total)


@given(
    st.sampled_from([MeetingType.PARTY_CONGRESS, MeetingType.ORG_LIFE]),
    st.sampled_from([None, *VoteKind]),
    st.integers(min_value=1, max_value=200),
    st.data(),
)
def test_stricter_local_setting_never_validates_an_invalid_meeting(meeting_type, kind, entitled, data):
    present = data.draw(st.integers(min_value=0, max_value=entitled))
    central = assess_quorum(meeting_type, kind, present, entitled, CENTRAL)
    strict = assess_quorum(meeting_type, kind, present, entitled, STRICT_CONGRESS)
    assert not (strict.valid and not central.valid)
    assert strict.required >= central.required


@given(st.sampled_from(list(MeetingType)), st.sampled_from([None, *VoteKind]), st.integers(0, 200), st.data())
def test_validity_is_monotone_in_present(meeting_type, kind, entitled, data):
    present = data.draw(st.integers(min_value=0, max_value=entitled))
    before = assess_quorum(meeting_type, kind, present, entitled, CENTRAL)
    after = assess_quorum(meeting_type, kind, present + 1, entitled, CENTRAL)
    assert after.valid or not before.valid


# ---------------------------------------------------------------- rules per meeting type


def test_congress_needs_more_than_half_of_entitled():
    assert not assess_quorum(MeetingType.PARTY_CONGRESS, None, 5, 10, CENTRAL).valid
    ok = assess_quorum(MeetingType.PARTY_CONGRESS, None, 6, 10, CENTRAL)
    assert ok.valid and ok.required == 6
    assert "会议有效" in ok.message_zh and "超过应到会有表决权人数的半数" in ok.message_zh


def test_four_fifths_applies_only_to_elections_by_default():
    # 10 entitled, 7 present: enough for an ordinary or admission vote, not for an election.
    assert assess_quorum(MeetingType.PARTY_CONGRESS, VoteKind.ORDINARY, 7, 10, CENTRAL).valid
    assert assess_quorum(MeetingType.PARTY_CONGRESS, VoteKind.ADMISSION, 7, 10, CENTRAL).valid
    assert assess_quorum(MeetingType.PARTY_CONGRESS, VoteKind.FULL_MEMBERSHIP, 7, 10, CENTRAL).valid
    election = assess_quorum(MeetingType.PARTY_CONGRESS, VoteKind.ELECTION, 7, 10, CENTRAL)
    assert not election.valid and election.required == 9


def test_optional_stricter_four_fifths_for_every_congress():
    assert not assess_quorum(MeetingType.PARTY_CONGRESS, None, 7, 10, STRICT_CONGRESS).valid
    assert not assess_quorum(MeetingType.PARTY_CONGRESS, VoteKind.ORDINARY, 8, 10, STRICT_CONGRESS).valid
    assert assess_quorum(MeetingType.PARTY_CONGRESS, VoteKind.ORDINARY, 9, 10, STRICT_CONGRESS).valid


def test_election_more_than_vs_at_least_four_fifths():
    assert not assess_quorum(MeetingType.PARTY_CONGRESS, VoteKind.ELECTION, 8, 10, CENTRAL).valid
    at_least = assess_quorum(MeetingType.PARTY_CONGRESS, VoteKind.ELECTION, 8, 10, AT_LEAST)
    assert at_least.valid and "不少于" in at_least.rule_zh


def test_local_strict_rule_outranks_at_least_mode_in_elections():
    settings = RuleSettings(congress_quorum_fraction=Fraction(4, 5), election_quorum_mode="at_least")
    result = assess_quorum(MeetingType.PARTY_CONGRESS, VoteKind.ELECTION, 8, 10, settings)
    assert not result.valid and result.required == 9
    assert len(quorum_thresholds(MeetingType.PARTY_CONGRESS, VoteKind.ELECTION, settings)) == 2


def test_no_entitled_voters_is_never_valid():
    result = assess_quorum(MeetingType.PARTY_CONGRESS, None, 0, 0, AT_LEAST)
    assert not result.valid and result.applies


def test_group_meeting_has_no_quorum_rule():
    result = assess_quorum(MeetingType.GROUP, None, 1, 9, CENTRAL)
    assert result.valid and not result.applies and result.threshold is None


def test_vote_at_a_non_congress_meeting_uses_the_congress_rule():
    assert not assess_quorum(MeetingType.ORG_LIFE, VoteKind.ORDINARY, 5, 10, CENTRAL).valid
    assert assess_quorum(MeetingType.ORG_LIFE, None, 5, 10, CENTRAL).valid


def test_half_of_members_with_voting_rights_not_of_all_members(build):
    # 14 on the roll would make 8 "half of the members"; but only voters count (§3.4).
    members = build.roster()
    for i in range(2, 5):
        members[f"p{i}"] = build.member(f"预备{i}", status=members["p1"].status, join=members["p1"].join_date)
    present = ("s", "d", "o", "f1", "f2", "p1", "p2", "p3", "p4", "x1")  # 10 of 15 present
    meeting = build.meeting(present=present)
    validity = meeting_validity(meeting, build.ctx(members))
    assert validity.entitled == 10 and validity.present == 5
    assert not validity.valid


def test_meeting_validity_counts_from_attendance(build):
    meeting = build.full_congress(absent=("f3", "f4", "f5", "f6"))
    validity = meeting_validity(meeting, build.ctx())
    assert (validity.present, validity.entitled, validity.valid) == (6, 10, True)
    assert not meeting_validity(meeting, build.ctx(), VoteKind.ELECTION).valid


def test_meeting_validity_defaults_to_the_strictest_recorded_vote(build):
    meeting = build.full_congress(absent=("f3", "f4")).model_copy(
        update={"votes": [build.vote(VoteKind.ELECTION)]}
    )
    validity = meeting_validity(meeting, build.ctx())
    assert validity.present == 8 and not validity.valid  # 8 of 10 is not more than 4/5


def test_committee_needs_more_than_half_of_committee_members(build):
    ctx = build.ctx()
    two_of_three = build.meeting(MeetingType.COMMITTEE, present=("s", "o"), leave=("d",))
    one_of_three = build.meeting(MeetingType.COMMITTEE, present=("s", "f1", "f2"), leave=("d", "o"))
    ok = meeting_validity(two_of_three, ctx)
    assert ok.valid and ok.entitled == 3 and ok.basis_zh == "支部委员总数"
    assert not meeting_validity(one_of_three, ctx).valid
