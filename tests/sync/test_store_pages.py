"""The encrypted store applies a sync reply a page at a time (issue 15), with every check intact.

A page of pulled revisions is written with one statement per table; these tests pin what that
must not change: one altered change refuses the whole page, a failure half-way through a page
leaves nothing of it behind, pending local work still becomes a conflict while the rest of the
page is followed, and pulled records are indexed exactly as typed ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.store import RecordFilter
from desktop_app.store import indexing as indexing_module
from sync.client import errors
from sync.client.engine import SyncEngine
from tests.sync.hq import FAST_RETRY, HeadOfficeFixture, meeting
from tests.sync.test_store_sync import Clerk
from tests.sync.test_verify import AlteringTransport


@pytest.fixture
def pair(hq_sqlite: HeadOfficeFixture, tmp_path: Path) -> Iterator[tuple[Clerk, Clerk]]:
    a, b = Clerk(hq_sqlite, tmp_path / "a", "A"), Clerk(hq_sqlite, tmp_path / "b", "B")
    yield a, b
    a.store.close()
    b.store.close()


def _minutes(n: int) -> str:
    return f"第{n}次会议研究护林防火第{n}号方案"


def test_one_altered_change_in_a_page_applies_nothing_of_it(
    hq_sqlite: HeadOfficeFixture, pair: tuple[Clerk, Clerk]
) -> None:
    a, b = pair
    ids = [a.store.records.create("meeting", meeting(f"第{n}次支部党员大会", discussion=_minutes(n)),
                                  author="A").record_id for n in range(5)]
    a.sync()

    def alter_third(data: dict[str, Any]) -> None:
        data["changes"][2]["body"]["title"] = "被篡改的标题"

    creds = b.state.credentials()
    assert creds is not None
    engine = SyncEngine(b.state, transport=AlteringTransport(hq_sqlite.base_url, token=creds.token,
                                                             retry=FAST_RETRY, alter=alter_third))
    try:
        with pytest.raises(errors.TamperedReply):
            engine.sync_once()
    finally:
        engine.close()
    assert b.store.records.count(RecordFilter(include_deleted=True)) == 0
    assert b.state.cursor() is None and b.store.records.search("护林防火") == []
    stats = b.sync()
    assert stats.pulled == 5 and stats.checksum_ok
    assert {s.record_id for s in b.store.records.search("护林防火")} == set(ids)


def test_a_write_failing_half_way_through_a_page_leaves_nothing_of_it(
    pair: tuple[Clerk, Clerk], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = pair
    for n in range(6):
        a.store.records.create("meeting", meeting(f"第{n}次支部党员大会", discussion=_minutes(n)), author="A")
    a.sync()
    real = indexing_module.cjk_bigrams

    def failing(text: str) -> str:
        if "第3号方案" in text:
            raise OSError("disk went away")
        return real(text)

    monkeypatch.setattr(indexing_module, "cjk_bigrams", failing)
    with pytest.raises(OSError):
        b.sync()
    conn = b.store.conn
    for table in ("records", "revisions", "history", "attendance", "meeting_facts", "search", "search_bigrams"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    assert b.state.cursor() is None
    monkeypatch.setattr(indexing_module, "cjk_bigrams", real)
    assert b.sync().pulled == 6
    assert len(b.store.records.search("护林防火")) == 6


def test_a_page_with_pending_work_records_the_conflict_and_follows_the_rest(pair: tuple[Clerk, Clerk]) -> None:
    a, b = pair
    ids = [a.store.records.create("meeting", meeting(f"第{n}次支部党员大会", discussion="旧的纪要内容"),
                                  author="A").record_id for n in range(4)]
    a.sync()
    b.sync()
    assert len(b.store.records.search("旧的纪要")) == 4
    b.store.records.update(ids[1], meeting("第1次支部党员大会", place="B的未同步修改"), author="B")
    revs = {rid: a.store.records.update(rid, meeting(f"第{n}次支部党员大会", place="A已同步", discussion=_minutes(n)),
                                        author="A").rev for n, rid in enumerate(ids)}
    a.sync()

    stats = b.sync(push_items=0)  # pull only: B's edit stays in its outbox
    assert stats.pulled == 4 and stats.new_conflicts == [ids[1]]
    kept = b.store.records.get(ids[1])
    assert kept.conflicted and kept.body.model_dump()["place"] == "B的未同步修改"
    assert b.store.outbox_pending_count() == 1
    for rid in (ids[0], ids[2], ids[3]):
        env = b.store.records.get(rid)
        assert (env.rev, env.conflicted, env.body.model_dump()["place"]) == (revs[rid], False, "A已同步")
        assert env.synced_at and [h.op for h in b.store.records.history(rid)][-1] == "sync"
    # Re-indexed: the old minutes are no longer found, the new ones are; the edited one keeps its own text.
    assert b.store.records.search("旧的纪要") == []
    assert sorted(s.record_id for s in b.store.records.search("护林防火")) == sorted([ids[0], ids[2], ids[3]])
    assert [s.record_id for s in b.store.records.search("未同步修改")] == [ids[1]]


def test_pulled_meetings_are_indexed_with_the_roster_of_their_page(pair: tuple[Clerk, Clerk]) -> None:
    """A meeting and the member who attended it arrive on one page: the meeting is found by the
    member's name, and its attendance and meeting facts rows are written, as on the typing device."""
    a, b = pair
    env = a.store.records.create("meeting", meeting("第一次支部党员大会"), author="A")
    member = a.store.records.create("member", {"name": "欧阳护林"}, author="A").record_id
    a.store.records.update(env.record_id, meeting("第一次支部党员大会", attendance=[{"member_id": member}]),
                           author="A")
    a.sync()
    assert b.sync().pulled >= 2
    assert [s.record_id for s in b.store.records.search("欧阳护林") if s.kind == "meeting"] == [env.record_id]
    for clerk in (a, b):
        conn = clerk.store.conn
        assert conn.execute("SELECT member_id FROM attendance WHERE record_id = ?",
                            (env.record_id,)).fetchall() == [(member,)]
        assert conn.execute("SELECT count(*) FROM meeting_facts WHERE record_id = ?",
                            (env.record_id,)).fetchone()[0] == 1


def test_the_page_after_the_one_in_flight_is_read_without_it(pair: tuple[Clerk, Clerk]) -> None:
    """pending_changes_after: the engine's look-ahead builds (signs) only the next page."""
    a, _ = pair
    for n in range(12):
        a.store.records.create("meeting", meeting(f"第{n}次支部党员大会"), author="A")
    first = a.state.pending_changes(5, 1 << 20)
    after = a.state.pending_changes_after(first[-1].counter, 5, 1 << 20)
    everything = a.state.pending_changes(12, 1 << 20)
    assert [c.change_id for c in first + after] == [c.change_id for c in everything[:10]]
    stats = a.sync(push_items=5)
    assert stats.accepted == 12 and stats.pages == 3 and a.store.outbox_pending_count() == 0
