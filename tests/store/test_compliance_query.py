from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from desktop_app.compliance_query import (
    compliance_report,
    meeting_facts,
    meeting_states,
    meetings_lacking_evidence,
    member_lapse_warnings,
)
from desktop_app.store import KdfParams, Store
from domain.compliance.counting import CountState
from tests.store.conftest import PASSPHRASE


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


# ---------------------------------------------------------------- one rule for every caller


def _final_meeting(store: Store, roster: dict[str, str], kind: str, day: str, present: list[str],
                   **extra: object) -> str:
    body = _meeting(kind, day, [], chair_member_id=roster["王书记"], recorder_member_id=roster["李组织"], **extra)
    body["attendance"] = [{"member_id": mid, **({} if mid in present else {"status": "leave", "reason": "护林值班"})}
                          for mid in roster.values()]
    env = store.records.create("meeting", body, author="t")
    store.records.finalize(env.record_id, author="t")
    return env.record_id


def _ledger(store: Store, roster: dict[str, str]) -> dict[str, str]:
    """A year of a branch: a finalized congress, a group meeting (赵宣传 on leave) corrected by an
    amendment (更正) that marks 钱党员 absent, an invalid congress (会议无效) and a draft."""
    everyone = list(roster.values())
    store.records.create("branch_profile", {"name": "测试支部", "records_since": "2026-01-01"}, author="t")
    ids = {"congress": _final_meeting(store, roster, "party_congress", "2026-01-10", everyone)}
    ids["group"] = _final_meeting(store, roster, "group", "2026-06-10",
                                  [m for m in everyone if m != roster["赵宣传"]], party_group="第一党小组")
    corrected = store.records.get(ids["group"]).body.model_dump(mode="json")
    corrected["attendance"] = [a if a["member_id"] != roster["钱党员"] else {**a, "status": "leave", "reason": "外出"}
                               for a in corrected["attendance"]]
    ids["amendment"] = store.records.amend(ids["group"], corrected, reason="钱党员当天请假", author="t").record_id
    ids["invalid"] = _final_meeting(store, roster, "party_congress", "2026-07-10", [roster["王书记"], roster["赵宣传"]])
    ids["draft"] = store.records.create("meeting", _meeting("group", "2026-10-10", [roster["李组织"]]),
                                        author="t").record_id
    return ids


def test_an_amendment_that_marks_a_member_absent_counts_for_lapse_warnings(store: Store,
                                                                           roster: dict[str, str]) -> None:
    """The defect: the original's attendance counted after a 更正 marked 钱党员 absent, so a member
    absent since January got no warning (4 months after the original's June date, below 5)."""
    ids = _ledger(store, roster)
    states = meeting_states(store)
    assert states[ids["group"]] is CountState.SUPERSEDED
    assert states[ids["invalid"]] is CountState.INVALID
    assert states[ids["draft"]] is CountState.COUNTED and states[ids["amendment"]] is CountState.COUNTED
    warned = {w.member_id: w for w in member_lapse_warnings(store, dt.date(2026, 11, 20))}
    assert warned[roster["钱党员"]].last_attended == dt.date(2026, 1, 10)
    assert warned[roster["钱党员"]].code == "attendance.lapse"
    # An invalid meeting's attendance does not count either (the rule head office counts with):
    # 赵宣传 was at July's invalid congress only.
    assert warned[roster["赵宣传"]].last_attended == dt.date(2026, 1, 10)
    assert roster["李组织"] not in warned  # the draft of October counts on the branch's own ledger
    assert sorted(f.date for f in meeting_facts(store)) == [dt.date(2026, 1, 10), dt.date(2026, 6, 10),
                                                            dt.date(2026, 10, 10)]


def test_the_overview_and_the_command_line_agree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_app.cli import main
    from desktop_app.operations import Ledger
    from desktop_app.operations.overview import gather_overview

    data_dir = tmp_path / "ledger"
    store, _ = Store.create(data_dir, PASSPHRASE, kdf=KdfParams.fast_for_tests())
    roster = {name: store.records.create("member", {"name": name, "status": status, "posts": posts},
                                         author="t").record_id
              for name, status, posts in [("王书记", "full", ["secretary"]), ("李组织", "full", ["organization"]),
                                          ("赵宣传", "full", []), ("钱党员", "full", []),
                                          ("孙预备", "probationary", [])]}
    _ledger(store, roster)
    today = dt.date(2026, 11, 20)
    overview = gather_overview(Ledger(store), today)  # what the 概览 page runs
    store.close()
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    common = ["--data-dir", str(data_dir), "--passphrase-file", str(secret)]

    def cli(*args: str) -> object:
        capsys.readouterr()
        assert main([*common, *args]) == 0
        return json.loads(capsys.readouterr().out)

    lapses = cli("lapses", "--today", today.isoformat(), "--json")
    assert lapses == [w.to_json(shown=True) for w in overview.lapses]
    assert {w["member_name"] for w in lapses} >= {"钱党员", "赵宣传"}  # type: ignore[index]
    assert overview.year is not None and overview.month is not None
    # The command line shows the shown language's labels and sources, as the overview does.
    year, month = overview.year.to_json(shown=True), overview.month.to_json(shown=True)
    assert cli("compliance", "--period", "2026", "--today", today.isoformat(), "--json") == year
    assert cli("compliance", "--period", "2026-11", "--today", today.isoformat(), "--json") == month
    # And in words: every warning the overview lists is printed by ``branch-ledger lapses``.
    assert main([*common, "lapses", "--today", today.isoformat()]) == 0
    printed = capsys.readouterr().out
    assert all(w.message_zh in printed for w in overview.lapses)


def test_version_5_judges_the_finalized_meetings_already_stored(store_dir: Path) -> None:
    store, _ = Store.create(store_dir, PASSPHRASE, kdf=KdfParams.fast_for_tests())
    roster = {name: store.records.create("member", {"name": name, "posts": posts}, author="t").record_id
              for name, posts in [("王书记", ["secretary"]), ("李组织", ["organization"]), ("赵宣传", []),
                                  ("钱党员", [])]}
    valid = _final_meeting(store, roster, "party_congress", "2026-01-10", list(roster.values()))
    invalid = _final_meeting(store, roster, "party_congress", "2026-02-10", [roster["王书记"]])
    draft = store.records.create("meeting", _meeting("group", "2026-03-10", []), author="t").record_id
    store.conn.execute("ALTER TABLE meeting_facts DROP COLUMN valid")  # what version 4 had
    store.conn.execute("DROP TABLE blobs")  # (version 6)
    store.conn.execute("PRAGMA user_version = 4")
    store.close(backup=False)
    with Store.open(store_dir, PASSPHRASE) as reopened:
        got = dict(reopened.conn.execute("SELECT record_id, valid FROM meeting_facts").fetchall())
        assert got == {valid: 1, invalid: 0, draft: None}
        assert meeting_states(reopened)[invalid] is CountState.INVALID


# ---------------------------------------------------------------- head office's evidence setting (issue 14)


def _evidence_ledger(store: Store, roster: dict[str, str]) -> dict[str, str]:
    """Q4 of a branch whose head office requires a photo and the 签到表 for a 主题党日: one 主题党日 with
    both, one with the photo only, a draft 主题党日 without anything, and a 党课 (nothing required)."""
    store.records.create("branch_profile", {"name": "测试支部", "records_since": "2026-01-01"}, author="t")
    photo = {"sha256": "a" * 64, "size": 10, "mime": "image/jpeg", "name": "植树.jpg", "role": "photo"}
    scan = {"sha256": "b" * 64, "size": 10, "mime": "application/pdf", "name": "签到表.pdf", "role": "sign_in_sheet"}
    everyone = list(roster.values())
    return {
        "complete": _final_meeting(store, roster, "theme_day", "2026-10-12", everyone, attachments=[photo, scan]),
        "photo_only": _final_meeting(store, roster, "theme_day", "2026-11-12", everyone, attachments=[photo]),
        "lecture": _final_meeting(store, roster, "lecture", "2026-11-20", everyone,
                                  lecture={"lecturer": "王书记", "topic": "森林防火与党员责任"}),
        "draft": store.records.create("meeting", _meeting("theme_day", "2026-12-01", everyone),
                                      author="t").record_id,
    }


def test_the_evidence_head_office_requires_decides_what_counts_on_the_laptop(store: Store,
                                                                            roster: dict[str, str]) -> None:
    ids = _evidence_ledger(store, roster)
    assert all(state is CountState.COUNTED for state in meeting_states(store).values())  # nothing required yet
    store.meta.set("evidence_policy", {"theme_day": ["photo", "sign_in_sheet"]})  # as a sync run keeps it
    states = meeting_states(store)
    assert states[ids["complete"]] is CountState.COUNTED and states[ids["lecture"]] is CountState.COUNTED
    assert states[ids["photo_only"]] is CountState.NO_EVIDENCE
    assert states[ids["draft"]] is CountState.NO_EVIDENCE  # told while the files can still be added
    assert sorted(f.date for f in meeting_facts(store)) == [dt.date(2026, 10, 12), dt.date(2026, 11, 20)]
    lacking = meetings_lacking_evidence(store)
    assert [(s.record_id, [r.value for r in s.missing]) for s in lacking] == [
        (ids["photo_only"], ["sign_in_sheet"]), (ids["draft"], ["photo", "sign_in_sheet"])]
    assert "缺少签到表，缺少佐证材料（不计入）" in lacking[0].message_zh
    assert meetings_lacking_evidence(store, dt.date(2026, 12, 1), dt.date(2026, 12, 31)) == lacking[1:]
    store.meta.set("evidence_policy", {"theme_day": ["future_role"]})  # a newer head office: require nothing unknown
    assert meetings_lacking_evidence(store) == []


def test_the_overview_and_the_command_line_agree_on_missing_evidence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop_app.cli import main
    from desktop_app.operations import Ledger
    from desktop_app.operations.overview import gather_overview

    data_dir = tmp_path / "ledger"
    store, _ = Store.create(data_dir, PASSPHRASE, kdf=KdfParams.fast_for_tests())
    roster = {name: store.records.create("member", {"name": name, "posts": posts}, author="t").record_id
              for name, posts in [("王书记", ["secretary"]), ("李组织", ["organization"]), ("赵宣传", [])]}
    ids = _evidence_ledger(store, roster)
    store.meta.set("evidence_policy", {"theme_day": ["photo", "sign_in_sheet"]})
    today = dt.date(2026, 12, 2)
    overview = gather_overview(Ledger(store), today)
    store.close()
    assert [s.record_id for s in overview.lacking_evidence] == [ids["photo_only"], ids["draft"]]
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    common = ["--data-dir", str(data_dir), "--passphrase-file", str(secret)]
    capsys.readouterr()
    assert main([*common, "compliance", "--period", "2026-Q4", "--today", today.isoformat(), "--json"]) == 0
    quarter = json.loads(capsys.readouterr().out)
    assert overview.quarter is not None and quarter == overview.quarter.to_json(shown=True)
    theme = next(r for r in quarter["requirements"] if "主题党日" in json.dumps(r, ensure_ascii=False))
    # One 主题党日 a month: October's counts, November's lacks its 签到表, December's is a bare draft.
    assert [w["done"] for w in theme["windows"]] == [1, 0, 0]
    assert main([*common, "compliance", "--period", "2026-Q4", "--today", today.isoformat()]) == 0
    printed = capsys.readouterr().out
    assert "缺少佐证材料（不计入）" in printed
    assert all(s.message_zh in printed for s in overview.lacking_evidence)
