"""Who may chair and record (domain.md §3.2, §9.4; domain/rules/chair.py)."""

from __future__ import annotations

from domain.enums import AttendanceStatus, MeetingType
from domain.rules.chair import check_chair, may_chair
from domain.violations import Severity


def chair_codes(build, meeting, ctx=None):
    return {v.code for v in check_chair(meeting, ctx or build.ctx())}


def test_secretary_chairs_congress_and_committee(build):
    for meeting_type in (MeetingType.PARTY_CONGRESS, MeetingType.COMMITTEE):
        assert not check_chair(build.meeting(meeting_type, present=("s", "o")), build.ctx())


def test_deputy_or_committee_member_needs_entrustment(build):
    for chair in ("d", "o"):
        meeting = build.meeting(present=(chair,), chair_member_id=chair)
        [warning] = check_chair(meeting, build.ctx())
        assert warning.code == "chair.not_entrusted" and warning.field == "chair_entrusted"
        assert warning.severity is Severity.WARNING
        entrusted = meeting.model_copy(update={"chair_entrusted": True})
        assert not check_chair(entrusted, build.ctx())


def test_ordinary_member_may_not_chair_a_congress_even_if_entrusted(build):
    meeting = build.meeting(present=("f3",), chair_member_id="f3", chair_entrusted=True)
    [warning] = check_chair(meeting, build.ctx())
    assert warning.code == "chair.not_eligible" and "支部书记" in warning.message


def test_group_meeting_is_chaired_by_that_groups_leader(build):
    own = build.meeting(MeetingType.GROUP, party_group="第一党小组", chair_member_id="f1", present=("f1",))
    assert not check_chair(own, build.ctx())
    other = own.model_copy(update={"chair_member_id": "f2"})
    assert chair_codes(build, other) == {"chair.not_group_leader"}
    secretary = own.model_copy(update={"chair_member_id": "s"})
    assert chair_codes(build, secretary) == {"chair.not_group_leader"}


def test_anyone_may_chair_a_lecture_or_theme_day(build):
    for meeting_type in (MeetingType.LECTURE, MeetingType.THEME_DAY):
        assert not check_chair(build.meeting(meeting_type, chair_member_id="f7"), build.ctx())


def test_may_chair_helper(build):
    roster = build.roster()
    congress = build.meeting()
    assert may_chair(roster["s"], congress)
    assert not may_chair(roster["d"], congress)
    assert may_chair(roster["d"], congress.model_copy(update={"chair_entrusted": True}))


def test_unknown_chair_or_recorder_id_is_an_error(build):
    meeting = build.meeting(chair_member_id="ghost", recorder_member_id="ghost2")
    violations = check_chair(meeting, build.ctx())
    assert {(v.field, v.severity) for v in violations} == {
        ("chair_member_id", Severity.ERROR),
        ("recorder_member_id", Severity.ERROR),
    }


def test_missing_chair_and_recorder_warn(build):
    meeting = build.meeting(chair_member_id="", recorder_member_id="")
    assert chair_codes(build, meeting) == {"chair.missing", "recorder.missing"}


def test_chair_off_roster_cannot_be_verified(build):
    meeting = build.meeting(chair_member_id="", chair_name="上级党委刘某")
    assert chair_codes(build, meeting) == {"chair.not_on_roster"}
    assert not check_chair(
        build.meeting(MeetingType.LECTURE, chair_member_id="", chair_name="刘某"), build.ctx()
    )


def test_chair_marked_absent_warns(build):
    meeting = build.meeting(attendance=[build.att("s", AttendanceStatus.LEAVE)], present=("o",))
    [warning] = check_chair(meeting, build.ctx())
    assert warning.code == "chair.not_present" and "请假" in warning.message


def test_chair_who_had_left_the_branch_warns(build):
    meeting = build.meeting(MeetingType.LECTURE, chair_member_id="t1")
    assert chair_codes(build, meeting) == {"chair.not_member_on_date"}
