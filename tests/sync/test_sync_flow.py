"""End-to-end sync through a real server on SQLite and PostgreSQL: push, pull, conflicts, paging."""

from __future__ import annotations

import pytest

from sync.client.engine import SyncStats
from sync.protocol.checksum import branch_checksum
from sync.protocol.signatures import SigningKey
from sync.protocol.wire import ClientInfo, SyncRequest
from sync.server import reports
from tests.sync.hq import HeadOfficeFixture, finalizable_meeting, meeting

# Every scenario runs on the in-memory replica and on the encrypted store's (tests/sync/conftest.py).
pytestmark = pytest.mark.usefixtures("replica_kind")


def server_records(hq: HeadOfficeFixture, branch: str = "b1") -> dict[str, dict[str, object]]:
    return {r["record_id"]: r for r in hq.office.call(reports.list_records, branch)}


def test_no_op_sync_is_one_request(hq: HeadOfficeFixture) -> None:
    a = hq.device()
    stats = a.sync()
    assert (stats.requests, stats.pages, stats.pulled, stats.checksum_ok) == (1, 1, 0, True)
    again = a.sync()
    assert again.requests == 1


def test_push_then_other_device_pulls(hq: HeadOfficeFixture) -> None:
    a, b = hq.device(name="A"), hq.device(name="B")
    rid = a.state.create("meeting", meeting())
    a.state.update(rid, meeting("第四季度支部党员大会（修订）"))
    stats = a.sync()
    # Both revisions travel, in order: history is an audit requirement, never squashed.
    assert (stats.requests, stats.accepted, a.state.pending_count()) == (1, 2, 0)
    pulled = b.sync()
    assert pulled.pulled == 2 and pulled.checksum_ok
    assert b.state.records[rid].body == a.state.records[rid].body
    assert b.state.records[rid].rev == a.state.records[rid].rev
    # A does not get its own revisions back.
    assert a.sync().pulled == 0


def test_offline_edits_on_both_devices_conflict_and_merge(hq: HeadOfficeFixture) -> None:
    a, b = hq.device(name="A"), hq.device(name="B")
    rid = a.state.create("meeting", meeting())
    a.sync()
    b.sync()
    base = a.state.records[rid].rev
    rev_a = a.state.update(rid, meeting(place="会议室A"))
    rev_b = b.state.update(rid, meeting(place="林场会议室B"))
    a.sync()  # first accepted stays current
    stats_b = b.sync()
    assert stats_b.conflicts == 1
    a.sync()
    for dev in (a, b):
        rec = dev.state.records[rid]
        assert rec.conflicted, "both devices flag the conflict"
        assert rec.server_rev == rev_a, "deterministic current: the first accepted"
        assert set(rec.server_leaves) == {rev_a, rev_b}
        assert rec.body is not None and rec.body["place"] == "会议室A"
    # Both bodies are kept and retrievable.
    assert a.state.revisions[(rid, rev_b)].body["place"] == "林场会议室B"  # type: ignore[index]
    head = server_records(hq)[rid]
    assert head["conflicted"] and head["current_rev"] == rev_a
    # A person resolves with a merge revision that has both parents.
    merged = a.state.resolve(rid, meeting(place="会议室A（与B合并）"))
    assert sorted(a.state.revisions[(rid, merged)].parents) == sorted([rev_a, rev_b])
    assert a.sync().accepted == 1
    b.sync()
    for dev in (a, b):
        rec = dev.state.records[rid]
        assert not rec.conflicted and rec.rev == merged
        assert rec.body is not None and rec.body["place"] == "会议室A（与B合并）"
    head = server_records(hq)[rid]
    assert not head["conflicted"] and head["leaves"] == [merged]
    assert base != merged


def test_edit_racing_a_delete_is_a_conflict_not_a_resurrection(hq: HeadOfficeFixture) -> None:
    a, b = hq.device(name="A"), hq.device(name="B")
    rid = a.state.create("meeting", meeting())
    a.sync()
    b.sync()
    a.state.delete(rid)
    b.state.update(rid, meeting(place="新地点"))
    a.sync()
    assert b.sync().conflicts == 1
    head = server_records(hq)[rid]
    assert head["conflicted"] and head["deleted"], "the tombstone stays current, the edit is a flagged leaf"


def test_identical_edits_deduplicate(hq: HeadOfficeFixture) -> None:
    a, b = hq.device(name="A"), hq.device(name="B")
    rid = a.state.create("meeting", meeting())
    a.sync()
    b.sync()
    a.state.update(rid, meeting(place="同一地点"))
    b.state.update(rid, meeting(place="同一地点"))
    assert a.sync().accepted == 1
    stats = b.sync()
    assert stats.duplicates == 1 and stats.conflicts == 0
    assert not server_records(hq)[rid]["conflicted"]


def test_finalized_records_are_immutable(hq: HeadOfficeFixture) -> None:
    a, b = hq.device(name="A"), hq.device(name="B")
    rid = a.state.create("meeting", finalizable_meeting(a.state))
    a.sync()
    b.sync()
    a.state.finalize(rid)
    b.state.update(rid, meeting(place="定稿后修改"))
    a.sync()
    stats = b.sync()
    assert stats.rejected == 1
    [kept] = b.state.rejected()
    assert kept.code == "finalized" and "定稿" in (kept.message or "")
    head = server_records(hq)[rid]
    assert head["status"] == "final" and not head["conflicted"]
    # The rejected change is kept on the device, and it does not block later changes.
    other = b.state.create("meeting", meeting("第二次会议"))
    assert b.sync().accepted == 1
    assert other in server_records(hq)
    assert b.state.rejected() == [kept]


def test_finalizing_over_a_concurrent_edit_is_refused(hq: HeadOfficeFixture) -> None:
    a, b = hq.device(name="A"), hq.device(name="B")
    rid = a.state.create("meeting", finalizable_meeting(a.state))
    a.sync()
    b.sync()
    a.state.update(rid, meeting(place="A改"))
    b.state.finalize(rid)
    a.sync()
    stats = b.sync()
    assert stats.rejected == 1 and b.state.rejected()[0].code == "finalize_conflict"


def test_retried_request_is_harmless(hq: HeadOfficeFixture) -> None:
    a = hq.device()
    a.state.create("meeting", meeting())
    a.state.create("member", {"name": "张三"})
    batch = a.state.pending_changes(10, 1 << 20)
    request = SyncRequest(client=ClientInfo(device_id=a.state.device_id), push=batch)
    first = a.engine._send(request, SyncStats())[0]
    second = a.engine._send(request, SyncStats())[0]
    assert [r.status for r in first.results] == ["accepted", "accepted"]
    assert [r.status for r in second.results] == ["duplicate", "duplicate"]
    assert [r.seq for r in first.results] == [r.seq for r in second.results]
    assert first.cursor == second.cursor
    assert len(server_records(hq)) == 2


def test_paging_by_count_and_bytes(hq: HeadOfficeFixture) -> None:
    a = hq.device(name="A", push_items=40)
    for i in range(120):
        a.state.create("meeting", meeting(f"会议{i}", discussion="讨论内容" * 200))
    stats = a.sync()
    assert stats.accepted == 120 and stats.pages == 3
    b = hq.device(name="B", page_items=100, page_bytes=64 * 1024)
    pulled = b.sync()
    assert pulled.pulled == 120
    # By count 2 pages; a 64 KiB page holds about 45 of these (fewer as the store's replica keeps
    # every field of the body, defaults included), so the byte limit splits them further.
    assert pulled.pages >= 3, "the 64 KiB page limit must split the pull"
    assert pulled.checksum_ok
    assert b.state.server_checksum() == branch_checksum(
        (rid, r["current_rev"], r["conflicted"]) for rid, r in server_records(hq).items()  # type: ignore[misc]
    )
    # With the engine's defaults a new device of the branch gets all of it in one round trip
    # (on a 600 ms link, 64 KiB pages would have cost one round trip per ~45 records).
    fresh = hq.device(name="C")
    everything = fresh.sync()
    assert everything.pulled == 120 and everything.pages == 1 and everything.checksum_ok


def test_branch_isolation(hq: HeadOfficeFixture) -> None:
    a = hq.device("b1", name="A")
    other = hq.device("b2", name="Other")
    rid = a.state.create("meeting", meeting())
    a.sync()
    assert other.sync().pulled == 0
    assert rid not in other.state.records
    # The same id in another branch is another record: it neither touches nor reveals A's.
    other.state.create("meeting", meeting("冒名"), record_id=rid)
    stats = other.sync()
    assert stats.accepted == 1 and stats.rejected == 0
    assert server_records(hq, "b2")[rid]["title"] == "冒名"
    assert server_records(hq)[rid]["current_rev"] == a.state.records[rid].rev
    assert a.sync().pulled == 0


def test_notices_and_roster_come_down(hq: HeadOfficeFixture) -> None:
    a = hq.device("b1")
    other = hq.device("b2")
    hq.publish_notice("c")  # the 二级党委: both branches
    hq.publisher().push_roster(branch="b1", members=[{"name": "王书记", "posts": ["secretary"]}], author="总部")
    a.sync()
    kinds = sorted(r.kind for r in a.state.records.values())
    assert kinds == ["member", "notice"]
    notice = next(r for r in a.state.records.values() if r.kind == "notice")
    assert notice.status == "final"
    other.sync()
    assert [r.kind for r in other.state.records.values()] == ["notice"]
    # Devices may not write head-office kinds.
    a.state.create("notice", {"title": "伪造通知", "issued_on": "2026-11-01"}, unchecked=True)
    assert a.sync().rejected == 1 and a.state.rejected()[0].code == "hq_only"


def test_invalid_body_is_rejected_with_a_chinese_message(hq: HeadOfficeFixture) -> None:
    a = hq.device()
    a.state.create("meeting", {"meeting_type": "party_congress", "title": "", "starts_at": "2026-10-15T09:00"},
                   unchecked=True)
    a.state.create("meeting", meeting())
    stats = a.sync()
    assert (stats.rejected, stats.accepted) == (1, 1)
    [bad] = a.state.rejected()
    assert bad.code == "invalid_body" and "不能为空" in (bad.message or "")


@pytest.mark.parametrize("field", ["rev", "sig"])
def test_tampered_changes_are_rejected(hq: HeadOfficeFixture, field: str) -> None:
    a = hq.device()
    rid = a.state.create("meeting", meeting())
    entry = a.state.outbox[0]
    if field == "rev":
        # Claim a different body under the same rev: the server recomputes the rev.
        a.state.tamper_revision_body(rid, entry.rev, meeting("篡改"))
    else:
        a.state.replace_signing_key(SigningKey.generate())
    stats = a.sync()
    assert stats.rejected == 1
    assert a.state.rejected()[0].code == ("bad_rev" if field == "rev" else "bad_signature")
    assert server_records(hq) == {}
