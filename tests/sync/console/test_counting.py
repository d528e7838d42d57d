"""Compliance head office can trust (issue 13): what counts, what is shown as not counting, why.

Real encrypted stores push to a real head office; the figures are read back through the same
code the console and the CLI use.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from sqlalchemy import select

from sync.protocol.record_ids import branch_profile_id
from sync.protocol.revisions import compute_rev
from sync.server import reports
from sync.server.compliance import branch_compliance, parse_period
from sync.server.tables import heads, revisions
from tests.sync.console.conftest import Laptop
from tests.sync.hq import HeadOfficeFixture
from testsupport.memory_state import MemoryState, OutboxEntry, Record, Revision

TODAY = dt.date(2027, 1, 5)


def roster(laptop: Laptop, n: int = 6) -> list[str]:
    return [laptop.store.records.create("member", {"name": f"党员{i}", "join_date": "2010-07-01",
                                                   "posts": ["secretary"] if i == 0 else []},
                                        author="t").record_id for i in range(n)]


def congress(laptop: Laptop, ids: list[str], present: int, *, day: str = "2026-10-15", final: bool = True) -> str:
    attendance = [{"member_id": m} if i < present else {"member_id": m, "status": "absent", "reason": "巡护"}
                  for i, m in enumerate(ids)]
    rid = laptop.store.records.create("meeting", {
        "meeting_type": "party_congress", "title": f"支部党员大会{day}", "starts_at": f"{day}T09:00:00",
        "ends_at": f"{day}T10:00:00", "place": "活动室", "chair_member_id": ids[0], "recorder_member_id": ids[1],
        "attendance": attendance}, author="t").record_id
    if final:
        laptop.store.records.finalize(rid, author="t")
    return rid


def newer_client_record(state: MemoryState, kind: str, body: dict[str, Any]) -> str:
    """Queue a revision exactly as a newer client (schema_version 3) would send it."""
    record_id = uuid.uuid4().hex
    rev = compute_rev(kind=kind, body=body, parents=[], status="final", schema_version=3)
    now = dt.datetime.now(dt.UTC).isoformat()
    state.revisions[(record_id, rev)] = Revision(record_id, rev, [], kind, "final", False, body,
                                                 state.clock.now().encode(), state.device_id, state.author, now,
                                                 schema_version=3)
    state.records[record_id] = Record(record_id, kind, rev, "final", False, body)
    state._counter += 1
    state.outbox.append(OutboxEntry(state._counter, uuid.uuid4().hex, record_id, rev))
    return record_id


def report(hq: HeadOfficeFixture, branch: str = "b1") -> dict[str, Any]:
    return dict(hq.office.call(branch_compliance, branch, parse_period("2026-Q4"), TODAY))


def congress_state(data: dict[str, Any]) -> str:
    return next(r["state"] for r in data["report"]["requirements"] if r["key"] == "congress")


def test_only_final_valid_unreturned_records_count(console: HeadOfficeFixture, new_laptop: Any, user: Any) -> None:
    laptop = new_laptop(profile={"name": "第一支部"})
    ids = roster(laptop)
    draft = {"meeting_type": "lecture", "title": "党课", "starts_at": "2026-11-20T15:00:00"}
    laptop.store.records.create("meeting", draft, author="t")  # a draft 党课
    invalid = congress(laptop, ids, present=2)  # 2 of 6 voters: 会议无效
    laptop.sync()
    data = report(console)
    assert congress_state(data) == "overdue" and data["counts"] == {}
    assert data["not_counted"] == {"draft": 1, "invalid": 1}
    lecture = next(r for r in data["report"]["requirements"] if r["key"] == "lecture")
    assert lecture["done"] == 0, "a draft 党课 never counts"
    page = user("shen").get(f"/console/branches/b1/records/{invalid}")
    assert "会议无效" in page.text and "不计入" in page.text

    valid = congress(laptop, ids, present=5, day="2026-11-15")
    laptop.sync()
    assert congress_state(report(console)) == "done"
    reviewer = user("shen")
    assert reviewer.post(f"/console/branches/b1/records/{valid}/review",
                         {"decision": "returned", "comment": "请补充决议"}).status_code == 200
    data = report(console)
    assert congress_state(data) == "overdue" and data["not_counted"]["returned"] == 1
    laptop.sync()
    amendment = laptop.store.records.amend(valid, laptop.store.records.get(valid).body, reason="补充决议", author="t")
    laptop.sync()
    assert congress_state(report(console)) == "overdue", "a draft correction does not count yet"
    laptop.store.records.finalize(amendment.record_id, author="t")
    laptop.sync()
    data = report(console)
    assert congress_state(data) == "done" and data["not_counted"].get("superseded") == 1
    matrix = reviewer.get("/console/matrix?period=2026-Q4")
    assert 'data-branch="b1"' in matrix.text


def test_findings_are_judged_with_the_roster(console: HeadOfficeFixture, new_laptop: Any) -> None:
    laptop = new_laptop(profile={"name": "第一支部"})
    ids = roster(laptop)
    rid = congress(laptop, ids, present=5)
    laptop.sync()
    with console.office.engine.begin() as conn:
        stored = conn.execute(select(revisions.c.violations).where(revisions.c.record_id == rid)).scalars().all()
    messages = [v["message"] for text in stored if text for v in json.loads(text)]
    assert not any("为0" in m or "不在" in m for m in messages), messages


def test_a_body_from_a_newer_client_shows_as_needing_an_upgrade(console: HeadOfficeFixture, user: Any) -> None:
    device = console.device("b1")
    device.state.create("branch_profile", {"name": "第一支部"})
    device.sync()
    # A newer client's record: schema_version 3, a field this version does not know.
    body = {"meeting_type": "party_congress", "title": "新版本记录", "starts_at": "2026-10-20T09:00:00",
            "hybrid_attendance": {"remote": 3}}
    rid = newer_client_record(device.state, "meeting", body)
    stats = device.sync()
    assert stats.rejected == 0, "kept verbatim, never refused or dropped"
    data = report(console)
    assert data["unreadable"] == 1
    reviewer = user("shen")
    assert "需升级客户端" in reviewer.get("/console/matrix?period=2026-Q4").text
    assert "需升级客户端" in reviewer.get(f"/console/branches/b1/records/{rid}").text
    assert "需升级客户端" in reviewer.get("/console/branches/b1").text


def test_one_branch_profile_per_branch(console: HeadOfficeFixture, new_laptop: Any) -> None:
    first = new_laptop(profile={"name": "第一支部", "has_committee": True})
    first.sync()
    second = new_laptop(profile={"name": "第一支部（第二台电脑）"}, name="书记笔记本")
    second.sync()
    with console.office.engine.begin() as conn:
        profiles = conn.execute(select(heads.c.record_id).where(heads.c.kind == "branch_profile",
                                                                heads.c.deleted.is_(False))).scalars().all()
    assert profiles == [branch_profile_id("b1")]
    mine = second.store.records.branch_profile()
    assert mine is not None and mine[0] == branch_profile_id("b1") and mine[1].has_committee
    assert [p["name"] for p in second.store.meta.get("enrol.superseded_profile")] == ["第一支部（第二台电脑）"]
    assert len([s for s in second.store.records.query() if s.kind == "branch_profile"]) == 1


def test_duplicate_profiles_from_before_are_merged(console: HeadOfficeFixture) -> None:
    """Two old-style devices each pushed a random-id profile; ``migrate`` merges them into one."""
    from sync.server.cli import main

    one, two = console.device("b1"), console.device("b1", name="二号")
    one.state.create("branch_profile", {"name": "第一支部", "party_groups": ["第一党小组"]})
    one.sync()
    two.state.create("branch_profile", {"name": "第一支部"})
    two.sync()
    before = console.office.call(reports.compliance, "2026-Q4", None, TODAY)
    assert before["branches"][0]["profile_count"] == 2
    assert main(["--db", console.url, "migrate"]) == 0
    with console.office.engine.begin() as conn:
        live = conn.execute(select(heads.c.record_id).where(heads.c.kind == "branch_profile",
                                                            heads.c.deleted.is_(False))).scalars().all()
    assert live == [branch_profile_id("b1")]
    one.sync()
    two.sync()
    for device in (one, two):
        profiles = [r for r in device.state.records.values() if r.kind == "branch_profile" and not r.deleted]
        assert [p.record_id for p in profiles] == [branch_profile_id("b1")]
        assert profiles[0].body["party_groups"] == ["第一党小组"], "the first device's profile is kept"
