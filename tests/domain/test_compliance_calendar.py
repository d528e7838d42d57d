"""The compliance calendar (domain.md §3.1, §9.1; domain/compliance/)."""

from __future__ import annotations

import datetime as dt
import json

from domain.compliance import ComplianceState, MeetingFact, Period, compliance_status, requirements_for
from domain.enums import BranchPost, MeetingType
from domain.records import LectureDetails, ThemeDayDetails
from domain.settings import RuleSettings

T = MeetingType
DONE, DUE, OVERDUE = ComplianceState.DONE, ComplianceState.DUE, ComplianceState.OVERDUE
UPCOMING, NA = ComplianceState.UPCOMING, ComplianceState.NOT_APPLICABLE


def fact(meeting_type, day, **kw):
    return MeetingFact(meeting_type, dt.date.fromisoformat(day), **kw)


def status(build, facts, period, today, **kw):
    branch = kw.pop("branch", None) or build.branch()
    return compliance_status(branch, facts, period, dt.date.fromisoformat(today), **kw)


def states(requirement):
    return [w.state for w in requirement.windows]


def test_central_requirements_and_labels(build):
    keys = [r.key for r in requirements_for(build.branch(), RuleSettings())]
    assert keys == [
        "congress",
        "committee",
        "group:第一党小组",
        "group:第二党小组",
        "theme_day",
        "lecture",
        "org_life",
        "appraisal",
        "secretary_lecture",
    ]
    labels = {
        r.key: r.label_zh for r in requirements_for(build.branch(), RuleSettings(lectures_per_quarter=2))
    }
    assert labels["congress"] == "支部党员大会（每季度至少1次）"
    assert labels["lecture"] == "党课（每季度至少2次）"
    assert labels["group:第二党小组"] == "党小组会·第二党小组（每月至少1次）"


def test_quarter_requirement_done_due_and_overdue(build):
    facts = [fact(T.PARTY_CONGRESS, "2026-02-10")]
    report = status(build, facts, "2026", "2026-08-15")
    congress = report.requirement("congress")
    assert states(congress) == [DONE, OVERDUE, DUE, UPCOMING]
    assert congress.state is OVERDUE
    assert congress.due_date == dt.date(2026, 6, 30)  # the first window not done
    assert (congress.required, congress.done) == (4, 1)


def test_overdue_only_after_the_window_has_ended(build):
    congress = status(build, [], "2026-Q2", "2026-06-30").requirement("congress")
    assert congress.state is DUE and congress.due_soon
    assert status(build, [], "2026-Q2", "2026-07-01").requirement("congress").state is OVERDUE


def test_due_soon_follows_the_setting(build):
    early = status(build, [], "2026-06", "2026-06-15").requirement("committee")
    assert early.state is DUE and not early.due_soon
    late = status(build, [], "2026-06", "2026-06-20").requirement("committee")
    assert late.due_soon  # 10 days left, default due_soon_days = 10
    wide = status(build, [], "2026-06", "2026-06-15", settings=RuleSettings(due_soon_days=20))
    assert wide.requirement("committee").due_soon


def test_committee_only_with_a_committee_or_seven_full_members(build):
    small = build.branch(has_committee=False)
    assert status(build, [], "2026-06", "2026-06-15", branch=small).requirement("committee").state is NA
    roster = build.roster()  # 11 full members on the roll (p1 probationary, t1 gone)
    grown = status(build, [], "2026-06", "2026-06-15", branch=small, members=roster).requirement("committee")
    assert grown.state is DUE and "应设支委会" in grown.note_zh
    few = {k: roster[k] for k in ("s", "d", "o", "f1", "f2", "f3", "p1")}  # 6 full
    tiny = status(build, [], "2026-06", "2026-06-15", branch=small, members=few.values()).requirement(
        "committee"
    )
    assert tiny.state is NA and "不足7人" in tiny.note_zh


def test_group_meetings_are_required_per_group(build):
    facts = [fact(T.GROUP, "2026-06-03", party_group="第一党小组")]
    report = status(build, facts, "2026-06", "2026-06-30")
    assert report.requirement("group:第一党小组").state is DONE
    assert report.requirement("group:第二党小组").state is DUE
    no_groups = status(build, facts, "2026-06", "2026-06-30", branch=build.branch(party_groups=[]))
    assert no_groups.requirement("group").state is NA


def test_org_life_is_reminded_in_q4_and_overdue_after_year_end(build):
    assert status(build, [], "2026", "2026-09-30").requirement("org_life").state is UPCOMING
    october = status(build, [], "2026", "2026-10-01").requirement("org_life")
    assert october.state is DUE and october.due_date == dt.date(2026, 12, 31)
    assert status(build, [], "2026", "2027-01-01").requirement("org_life").state is OVERDUE
    done = status(build, [fact(T.ORG_LIFE, "2026-12-20")], "2026", "2027-01-01").requirement("org_life")
    assert done.state is DONE
    custom = RuleSettings(org_life_remind_from_month=7)
    assert status(build, [], "2026", "2026-07-01", settings=custom).requirement("org_life").state is DUE


def test_month_view_shows_longer_requirements_for_their_own_window(build):
    report = status(build, [fact(T.PARTY_CONGRESS, "2026-10-09")], "2026-11", "2026-11-20")
    congress = report.requirement("congress")
    assert [w.period.code for w in congress.windows] == ["2026-Q4"] and congress.state is DONE
    assert [w.period.code for w in report.requirement("org_life").windows] == ["2026"]


def test_year_view_breaks_monthly_requirements_into_twelve_windows(build):
    facts = [fact(T.THEME_DAY, f"2026-{m:02d}-05") for m in range(1, 8)]
    theme = status(build, facts, "2026", "2026-08-10").requirement("theme_day")
    assert [w.period.code for w in theme.windows][::11] == ["2026-01", "2026-12"]
    assert states(theme) == [DONE] * 7 + [DUE] + [UPCOMING] * 4
    assert theme.state is DUE


def test_all_started_windows_done_leaves_the_rest_upcoming(build):
    facts = [fact(T.THEME_DAY, f"2026-{m:02d}-05") for m in range(1, 9)]
    assert status(build, facts, "2026", "2026-08-10").requirement("theme_day").state is UPCOMING


def test_lecture_frequency_is_configurable(build):
    facts = [fact(T.LECTURE, "2026-04-10")]
    assert status(build, facts, "2026-Q2", "2026-05-01").requirement("lecture").state is DONE
    twice = RuleSettings(lectures_per_quarter=2)
    assert status(build, facts, "2026-Q2", "2026-05-01", settings=twice).requirement("lecture").state is DUE
    none = RuleSettings(lectures_per_quarter=0)
    assert status(build, facts, "2026-Q2", "2026-05-01", settings=none).requirement("lecture").state is NA


def test_secretary_lecture_and_appraisal_with_org_life(build):
    facts = [
        fact(T.LECTURE, "2026-03-01"),
        fact(T.ORG_LIFE, "2026-12-10", includes_appraisal=True),
    ]
    report = status(build, facts, "2026", "2026-12-31")
    assert report.requirement("secretary_lecture").state is DUE
    assert report.requirement("appraisal").state is DONE
    facts.append(fact(T.LECTURE, "2026-05-01", is_lecture_by_secretary=True))
    assert status(build, facts, "2026", "2026-12-31").requirement("secretary_lecture").state is DONE


def test_meetings_after_today_do_not_count(build):
    report = status(build, [fact(T.PARTY_CONGRESS, "2026-06-20")], "2026-Q2", "2026-06-10")
    assert report.requirement("congress").state is DUE
    assert report.last_activity is None


def test_theme_day_moved_into_the_next_month_counts_for_its_own_month(build):
    moved = fact(T.THEME_DAY, "2026-10-03", counts_for_month="2026-09")
    report = status(build, [moved], "2026-Q3", "2026-10-05")
    assert states(report.requirement("theme_day")) == [OVERDUE, OVERDUE, DONE]


def test_last_activity_and_silent_days(build):
    report = status(build, [fact(T.GROUP, "2026-05-01", party_group="第一党小组")], "2026-06", "2026-06-10")
    assert report.last_activity == dt.date(2026, 5, 1)
    assert report.days_since_last_activity == 40


def test_to_json_is_serialisable_and_complete(build):
    report = status(build, [fact(T.PARTY_CONGRESS, "2026-10-09")], "2026-Q4", "2026-11-20")
    data = json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    assert data["period"] == "2026-Q4" and data["period_label"] == "2026年第四季度"
    congress = data["requirements"][0]
    assert (
        congress["key"] == "congress" and congress["state"] == "done" and congress["state_label"] == "已完成"
    )
    assert congress["windows"][0]["dates"] == ["2026-10-09"]
    committee = next(r for r in data["requirements"] if r["key"] == "committee")
    assert [w["state"] for w in committee["windows"]] == ["overdue", "due", "upcoming"]


def test_period_may_be_given_as_text_or_object(build):
    a = status(build, [], "2026-Q4", "2026-11-20")
    b = status(build, [], Period.parse("2026-Q4"), "2026-11-20")
    assert a == b


def test_fact_from_meeting(build):
    roster = build.roster()
    lecture = build.meeting(T.LECTURE, lecture=LectureDetails(lecturer_member_id="s", topic="党章"))
    assert MeetingFact.from_meeting(lecture, roster).is_lecture_by_secretary
    deputy = build.meeting(T.LECTURE, lecture=LectureDetails(lecturer_member_id="d", topic="党章"))
    assert not MeetingFact.from_meeting(deputy, roster).is_lecture_by_secretary
    guest = build.meeting(T.LECTURE, lecture=LectureDetails(lecturer="刘某", lecturer_role="林业局党委书记"))
    assert MeetingFact.from_meeting(guest).is_lecture_by_secretary
    guest_deputy = build.meeting(
        T.LECTURE, lecture=LectureDetails(lecturer="刘某", lecturer_role="党委副书记")
    )
    assert not MeetingFact.from_meeting(guest_deputy).is_lecture_by_secretary
    theme = build.meeting(T.THEME_DAY, theme_day=ThemeDayDetails(month="2026-05"))
    assert MeetingFact.from_meeting(theme).counted_on == dt.date(2026, 5, 1)
    group = build.meeting(T.GROUP, party_group="第一党小组")
    assert MeetingFact.from_meeting(group) == MeetingFact(T.GROUP, build.day.date(), party_group="第一党小组")
    assert roster["s"].posts == [BranchPost.SECRETARY]


def test_nothing_is_required_before_the_records_start(build):
    """台账起始日期: a window that ended before the branch kept its records here is not counted."""
    branch = build.branch(records_since="2026-05-20")
    report = status(build, [], "2026", "2026-11-20", branch=branch)
    committee = report.requirement("committee")
    # January–April ended before 20 May: not required. May (the month the records began) is.
    assert [w.period.code for w in committee.windows] == [f"2026-{m:02d}" for m in range(5, 13)]
    assert committee.required == 8 and committee.state is OVERDUE
    congress = report.requirement("congress")
    assert [w.period.code for w in congress.windows] == ["2026-Q2", "2026-Q3", "2026-Q4"]
    early = status(build, [], "2026-Q1", "2026-11-20", branch=branch)
    assert early.requirement("congress").state is NA and "台账起始日期" in early.requirement("congress").note_zh


def test_meetings_entered_later_for_earlier_months_still_count(build):
    """补录: a meeting dated before 台账起始日期 counts for its window."""
    branch = build.branch(records_since="2026-05-20")
    facts = [fact(T.PARTY_CONGRESS, "2026-03-10")]
    report = status(build, facts, "2026", "2026-11-20", branch=branch)
    congress = report.requirement("congress")
    assert [w.period.code for w in congress.windows] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert congress.windows[0].state is DONE and congress.done == 1
    # The explicit argument (the desktop's fallback for older profiles) wins over the profile.
    assert status(build, [], "2026-Q1", "2026-11-20", records_since=dt.date(2026, 1, 1)).requirement(
        "congress"
    ).state is OVERDUE
