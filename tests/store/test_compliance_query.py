from __future__ import annotations

import datetime as dt

from desktop_app.compliance_query import compliance_report, meeting_facts, member_lapse_warnings
from desktop_app.store import Store


def _meeting(kind: str, day: str, attendees: list[str], **extra: object) -> dict[str, object]:
    return {"meeting_type": kind, "title": f"{kind} {day}", "starts_at": f"{day}T09:00", "ends_at": f"{day}T10:00",
            "place": "活动室",
            "attendance": [{"member_id": m} for m in attendees], **extra}


def test_amendment_replaces_its_original_in_the_calendar(store: Store, roster: dict[str, str]) -> None:
    store.records.create("branch_profile", {"name": "测试支部"}, author="t")
    env = store.records.create("meeting", _meeting("party_congress", "2026-08-01", list(roster.values()),
                                                   chair_member_id=roster["王书记"],
                                                   recorder_member_id=roster["李组织"]), author="t")
    store.records.finalize(env.record_id, author="t")
    store.records.amend(env.record_id, _meeting("party_congress", "2026-08-02", list(roster.values()),
                                                chair_member_id=roster["王书记"], recorder_member_id=roster["李组织"]),
                        reason="日期记错", author="t")
    facts = meeting_facts(store)
    assert [f.date for f in facts] == [dt.date(2026, 8, 2)]
    report = compliance_report(store, "2026-Q3", dt.date(2026, 10, 1))
    congress = next(r for r in report.to_json()["requirements"] if "党员大会" in str(r))
    assert congress["done"] == 1


def test_lapse_warnings_from_the_attendance_index(store: Store, roster: dict[str, str]) -> None:
    everyone = list(roster.values())
    store.records.create("meeting", _meeting("group", "2026-01-10", everyone), author="t")
    store.records.create("meeting", _meeting("group", "2026-10-10", [roster["王书记"]]), author="t")
    warnings = member_lapse_warnings(store, dt.date(2026, 11, 20))
    warned = {w.member_id for w in warnings}
    assert roster["王书记"] not in warned
    assert roster["钱党员"] in warned
    worst = next(w for w in warnings if w.member_id == roster["钱党员"])
    assert worst.months >= 6


def test_a_planned_meeting_does_not_hide_a_lapse(store: Store, roster: dict[str, str]) -> None:
    """Only organisational life on or before today counts; a draft for next month is not attendance yet."""
    everyone = list(roster.values())
    store.records.create("meeting", _meeting("group", "2026-01-10", everyone), author="t")
    store.records.create("meeting", _meeting("group", "2026-12-05", [roster["钱党员"]]), author="t")
    store.records.create("meeting", _meeting("committee", "2026-11-01", [roster["钱党员"]]), author="t")
    warned = {w.member_id: w for w in member_lapse_warnings(store, dt.date(2026, 11, 20))}
    assert roster["钱党员"] not in warned  # the 支委会 on 11-01 counts
    assert warned[roster["赵宣传"]].months >= 6


def test_lapse_warnings_ignore_absences_and_other_kinds(store: Store, roster: dict[str, str]) -> None:
    everyone = list(roster.values())
    store.records.create("meeting", _meeting("group", "2026-01-10", everyone), author="t")
    absent = _meeting("group", "2026-11-01", [])
    absent["attendance"] = [{"member_id": roster["赵宣传"], "status": "leave", "reason": "病假"}]
    store.records.create("meeting", absent, author="t")
    warned = {w.member_id for w in member_lapse_warnings(store, dt.date(2026, 11, 20))}
    assert roster["赵宣传"] in warned


def test_a_fresh_store_reports_no_lapses_and_nothing_before_it_began(store: Store) -> None:
    """The defect: members who joined in 1995 'had missed organisational life for 373 months'
    on the day the ledger was created, before any meeting existed."""
    today = dt.date.today()
    store.records.create("branch_profile", {"name": "测试支部"}, author="t")  # no 台账起始日期 given
    for name in ("王书记", "李组织"):
        store.records.create("member", {"name": name, "join_date": "1995-07-01"}, author="t")
    assert member_lapse_warnings(store, today) == []
    assert member_lapse_warnings(store, today + dt.timedelta(days=40 * 31))  # 40 months on: yes
    last_year = compliance_report(store, str(today.year - 1), today)
    assert all(r.state.value == "not_applicable" for r in last_year.requirements)
