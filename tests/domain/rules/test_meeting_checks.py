"""Meeting record checks (domain.md §3.3, §4, §9.3, §9.5; domain/rules/meeting.py)."""

from __future__ import annotations

import datetime as dt

from domain.enums import AttendanceStatus, ExclusionCategory, MeetingType, VoteKind
from domain.records import THEME_DAY_REQUIRED_ACTIONS, LectureDetails, ThemeDayDetails
from domain.rules.meeting import (
    check_amendment,
    check_attendance,
    check_lecture,
    check_party_group,
    check_theme_day,
    check_times,
)
from domain.violations import Severity

EVERYONE = ("s", "d", "o", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "p1", "x1")


def by_code(violations):
    return {v.code: v for v in violations}


def test_end_before_start_is_an_error(build):
    meeting = build.meeting(ends_at=build.day - dt.timedelta(minutes=1))
    [error] = check_times(meeting, build.ctx())
    assert error.field == "ends_at" and error.severity is Severity.ERROR
    assert error.message == "结束时间：不能早于开始时间"
    assert not check_times(build.meeting(), build.ctx())


def test_end_time_and_place_are_required_for_a_complete_record(build):
    found = check_times(build.meeting(ends_at=None, place=""), build.ctx())
    assert {(v.field, v.code, v.severity) for v in found} == {
        ("ends_at", "time.end_missing", Severity.ERROR),
        ("place", "place.missing", Severity.ERROR),
    }


def test_attendance_is_required_except_for_talks(build):
    [missing] = check_attendance(build.meeting(MeetingType.LECTURE), build.ctx())
    assert (missing.field, missing.code) == ("attendance", "attendance.missing")
    assert not check_attendance(build.meeting(MeetingType.TALK), build.ctx())


def test_implausibly_long_meeting_and_mixed_timezones(build):
    long = build.meeting(ends_at=build.day + dt.timedelta(hours=25))
    assert by_code(check_times(long, build.ctx()))["time.too_long"].severity is Severity.WARNING
    mixed = build.meeting(ends_at=(build.day + dt.timedelta(hours=1)).replace(tzinfo=dt.UTC))
    assert "time.mixed_timezone" in by_code(check_times(mixed, build.ctx()))


def test_leave_and_absence_need_a_reason(build):
    rows = [
        build.att("f1", AttendanceStatus.LEAVE, reason=""),
        build.att("f2", AttendanceStatus.ABSENT, reason=""),
        build.att("f3", AttendanceStatus.LEAVE, reason="病假"),
    ]
    meeting = build.meeting(present=EVERYONE[:3] + EVERYONE[6:], attendance=rows)
    errors = [v for v in check_attendance(meeting, build.ctx()) if v.code == "attendance.reason_missing"]
    assert [v.field for v in errors] == ["attendance.0.reason", "attendance.1.reason"]
    assert errors[0].message == "出席情况第1项·缺席原因：请假须写明原因"


def test_exclusion_needs_category_and_approval(build):
    rows = [
        build.excluded("f1", ExclusionCategory.ILLNESS, approval=""),
        build.att("f2", AttendanceStatus.EXCLUDED, exclusion_approval="文号"),
    ]
    meeting = build.meeting(present=EVERYONE[5:], attendance=rows, votes=[build.vote(VoteKind.ELECTION)])
    found = {(v.field, v.code) for v in check_attendance(meeting, build.ctx())}
    assert ("attendance.0.exclusion_approval", "attendance.exclusion_approval_missing") in found
    assert ("attendance.1.exclusion", "attendance.exclusion_missing") in found


def test_exclusion_at_a_meeting_without_election_or_admission_warns(build):
    rows = [build.excluded("f1", ExclusionCategory.ABROAD)]
    ordinary = build.meeting(present=EVERYONE[:3] + EVERYONE[4:], attendance=rows)
    warning = by_code(check_attendance(ordinary, build.ctx()))["attendance.exclusion_not_applicable"]
    assert warning.severity is Severity.WARNING and "按缺席计入应到" in warning.message
    admission = ordinary.model_copy(update={"votes": [build.vote(VoteKind.ADMISSION)]})
    assert "attendance.exclusion_not_applicable" not in by_code(check_attendance(admission, build.ctx()))
    hometown = admission.model_copy(
        update={"attendance": [build.excluded("f1", ExclusionCategory.RETIRED_HOMETOWN)]}
    )
    assert (
        "仅适用于选举，"
        in by_code(check_attendance(hometown, build.ctx()))["attendance.exclusion_not_applicable"].message
    )


def test_exclusion_category_without_excluded_status_is_ignored_with_warning(build):
    rows = [build.att("f1", exclusion=ExclusionCategory.ILLNESS)]
    meeting = build.meeting(present=EVERYONE[:3] + EVERYONE[4:], attendance=rows)
    assert (
        by_code(check_attendance(meeting, build.ctx()))["attendance.exclusion_ignored"].field
        == "attendance.0.exclusion"
    )


def test_attendance_roster_problems(build):
    rows = [build.att("s", written_opinion=True), build.att("t1"), build.att("ghost"), build.att("s")]
    found = by_code(check_attendance(build.meeting(attendance=rows), build.ctx()))
    assert found["attendance.written_while_present"].field == "attendance.0.written_opinion"
    assert found["attendance.not_member_on_date"].field == "attendance.1.member_id"
    assert found["attendance.unknown_member"].field == "attendance.2.member_id"
    assert found["attendance.duplicate"].field == "attendance.3.member_id"
    unlisted = found["attendance.unlisted_members"]
    assert unlisted.field == "attendance" and "王委员" in unlisted.message


def test_lecture_needs_lecturer_and_topic(build):
    missing = build.meeting(MeetingType.LECTURE)
    assert by_code(check_lecture(missing, build.ctx()))["lecture.missing"].severity is Severity.ERROR
    empty = build.meeting(MeetingType.LECTURE, lecture=LectureDetails())
    assert {v.field for v in check_lecture(empty, build.ctx())} == {"lecture.lecturer", "lecture.topic"}
    by_member = build.meeting(
        MeetingType.LECTURE, lecture=LectureDetails(lecturer_member_id="s", topic="党章学习")
    )
    assert not check_lecture(by_member, build.ctx())
    unknown = build.meeting(MeetingType.LECTURE, lecture=LectureDetails(lecturer_member_id="zz", topic="x"))
    assert "lecture.unknown_member" in by_code(check_lecture(unknown, build.ctx()))
    assert not check_lecture(build.meeting(MeetingType.GROUP), build.ctx())


def test_theme_day_required_actions(build):
    complete = ThemeDayDetails(
        theme="森林防火", required_actions=dict.fromkeys(THEME_DAY_REQUIRED_ACTIONS, True)
    )
    assert not check_theme_day(build.meeting(MeetingType.THEME_DAY, theme_day=complete), build.ctx())
    partial = complete.model_copy(
        update={"required_actions": {"交纳党费": True, "佩戴党徽": False, "唱歌": True}}
    )
    found = by_code(check_theme_day(build.meeting(MeetingType.THEME_DAY, theme_day=partial), build.ctx()))
    assert (
        found["theme_day.unknown_action"].severity is Severity.ERROR
        and "唱歌" in found["theme_day.unknown_action"].message
    )
    missing = found["theme_day.actions_missing"]
    assert missing.severity is Severity.WARNING
    assert (
        "诵读党章" in missing.message and "佩戴党徽" in missing.message and "交纳党费" not in missing.message
    )
    assert "theme_day.missing" in by_code(check_theme_day(build.meeting(MeetingType.THEME_DAY), build.ctx()))


def test_theme_day_may_move_a_week_into_the_next_month(build):
    details = ThemeDayDetails(theme="t", required_actions=dict.fromkeys(THEME_DAY_REQUIRED_ACTIONS, True))
    near = build.meeting(MeetingType.THEME_DAY, theme_day=details.model_copy(update={"month": "2026-05"}))
    assert not check_theme_day(near, build.ctx())  # 6 June for May: within a week
    far = build.meeting(MeetingType.THEME_DAY, theme_day=details.model_copy(update={"month": "2026-04"}))
    assert "theme_day.month_mismatch" in by_code(check_theme_day(far, build.ctx()))
    december = build.meeting(
        MeetingType.THEME_DAY,
        starts_at=dt.datetime(2027, 1, 5, 9),
        ends_at=None,
        theme_day=details.model_copy(update={"month": "2026-12"}),
    )
    assert not check_theme_day(december, build.ctx())


def test_group_meeting_names_one_of_the_branch_groups(build):
    [missing] = check_party_group(build.meeting(MeetingType.GROUP), build.ctx())
    assert missing.field == "party_group" and missing.severity is Severity.ERROR
    [unknown] = check_party_group(build.meeting(MeetingType.GROUP, party_group="第九党小组"), build.ctx())
    assert unknown.code == "group.unknown" and "第一党小组、第二党小组" in unknown.message
    assert not check_party_group(build.meeting(MeetingType.GROUP, party_group="第二党小组"), build.ctx())
    no_groups = build.ctx(branch=build.branch(party_groups=[]))
    [hint] = check_party_group(build.meeting(MeetingType.GROUP, party_group="第一党小组"), no_groups)
    assert hint.severity is Severity.WARNING
    no_branch = build.ctx().__class__(members=build.roster())
    assert not check_party_group(build.meeting(MeetingType.GROUP, party_group="任意"), no_branch)


def test_amendment_needs_original_and_reason(build):
    [no_reason] = check_amendment(build.meeting(amends_record_id="r1"), build.ctx())
    assert no_reason.field == "amendment_reason" and no_reason.severity is Severity.ERROR
    [no_target] = check_amendment(build.meeting(amendment_reason="记错人数"), build.ctx())
    assert no_target.field == "amends_record_id"
    assert not check_amendment(build.meeting(amends_record_id="r1", amendment_reason="记错人数"), build.ctx())
