"""The encrypted client store syncing through a real head office (both databases)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.store import KdfParams, RecordFilter, Store
from desktop_app.store.errors import StoreError
from desktop_app.store.sync_state import StoreSyncState, enrol_store
from sync.client.engine import SyncEngine, SyncStats
from sync.server import reports
from tests.sync.hq import FAST_RETRY, HeadOfficeFixture, meeting

PASSPHRASE = "林场党支部2026"


class Clerk:
    """One branch laptop: an encrypted store, enrolled, with a sync engine."""

    def __init__(self, hq: HeadOfficeFixture, path: Path, name: str, branch: str = "b1") -> None:
        self.store, _ = Store.create(path, PASSPHRASE, kdf=KdfParams.fast_for_tests())
        enrol_store(self.store, hq.base_url, hq.enrol_code(branch), device_name=name)
        self.state = StoreSyncState(self.store)
        self.name = name

    def sync(self, **options: object) -> SyncStats:
        engine = SyncEngine(self.state, retry=FAST_RETRY, **options)  # type: ignore[arg-type]
        try:
            return engine.sync_once()
        finally:
            engine.close()


@pytest.fixture
def clerks(hq: HeadOfficeFixture, tmp_path: Path) -> Iterator[tuple[Clerk, Clerk]]:
    a, b = Clerk(hq, tmp_path / "a", "A"), Clerk(hq, tmp_path / "b", "B")
    yield a, b
    a.store.close()
    b.store.close()


def test_records_travel_between_encrypted_stores(hq: HeadOfficeFixture, clerks: tuple[Clerk, Clerk]) -> None:
    a, b = clerks
    member = a.store.records.create("member", {"name": "王书记", "posts": ["secretary"]}, author="A").record_id
    env = a.store.records.create("meeting", meeting(chair_member_id=member, discussion="研究护林防火工作"),
                                 author="A")
    stats = a.sync()
    assert stats.accepted == 2 and a.store.outbox_pending_count() == 0
    assert b.sync().pulled == 2
    got = b.store.records.get(env.record_id)
    assert got.rev == env.rev and got.body == env.body and got.synced_at
    # The derived indexes are rebuilt for pulled records: search finds them.
    assert [s.record_id for s in b.store.records.search("护林防火")] == [env.record_id]
    assert b.state.status().last_success and a.sync().checksum_ok
    head = {r["record_id"]: r for r in hq.office.call(reports.list_records, "b1")}
    assert head[env.record_id]["current_rev"] == env.rev


def test_conflict_resolution_in_the_store(hq: HeadOfficeFixture, clerks: tuple[Clerk, Clerk]) -> None:
    a, b = clerks
    rid = a.store.records.create("meeting", meeting(), author="A").record_id
    a.sync()
    b.sync()
    rev_a = a.store.records.update(rid, meeting(place="会议室A"), author="A").rev
    rev_b = b.store.records.update(rid, meeting(place="会议室B"), author="B").rev
    a.sync()
    assert b.sync().conflicts == 1
    a.sync()
    for clerk in (a, b):
        env = clerk.store.records.get(rid)
        assert env.conflicted and env.rev == rev_a
        assert clerk.store.records.count(RecordFilter(conflicted=True)) == 1
        with pytest.raises(StoreError):
            clerk.store.records.update(rid, meeting(place="直接修改"), author=clerk.name)
    [conflict] = b.state.conflicts()
    assert {v.rev for v in conflict.versions} == {rev_a, rev_b}
    assert {v.body["place"] for v in conflict.versions if v.body} == {"会议室A", "会议室B"}
    assert [v.is_server_current for v in conflict.versions if v.rev == rev_a] == [True]
    merged = b.state.resolve_conflict(rid, meeting(place="会议室A、B合并"), author="B")
    assert b.sync().accepted == 1
    a.sync()
    for clerk in (a, b):
        env = clerk.store.records.get(rid)
        assert (env.rev, env.conflicted, env.body.model_dump()["place"]) == (merged, False, "会议室A、B合并")
    assert [h.op for h in b.store.records.history(rid)][-1] == "merge"


def test_pulled_revision_never_overwrites_pending_work(hq: HeadOfficeFixture, clerks: tuple[Clerk, Clerk]) -> None:
    a, b = clerks
    rid = a.store.records.create("meeting", meeting(), author="A").record_id
    a.sync()
    b.sync()
    a.store.records.update(rid, meeting(place="A的未同步修改"), author="A")
    b.store.records.update(rid, meeting(place="B先同步"), author="B")
    b.sync()
    stats = a.sync(push_items=0)  # pull only: A's edit is still in its outbox
    assert stats.pulled == 1 and rid in stats.new_conflicts
    env = a.store.records.get(rid)
    assert env.body.model_dump()["place"] == "A的未同步修改" and env.conflicted
    assert a.store.outbox_pending_count() == 1
    assert a.sync().conflicts == 1  # the push exposes the fork on the server too
    assert {r["conflicted"] for r in hq.office.call(reports.list_records, "b1")} == {True}


def test_rejections_are_kept_and_hq_items_applied(hq: HeadOfficeFixture, clerks: tuple[Clerk, Clerk]) -> None:
    a, b = clerks
    chair = a.store.records.create("member", {"name": "王书记", "posts": ["secretary"]}, author="A").record_id
    clerk = a.store.records.create("member", {"name": "李记录"}, author="A").record_id
    complete = meeting(meeting_type="committee", title="支委会", ends_at="2026-10-15T10:00:00", place="会议室",
                       chair_member_id=chair, recorder_member_id=clerk,
                       attendance=[{"member_id": chair}, {"member_id": clerk}])
    rid = a.store.records.create("meeting", complete, author="A").record_id
    a.sync()
    b.sync()
    a.store.records.finalize(rid, author="A")
    b.store.records.update(rid, {**complete, "place": "定稿前的旧稿上修改"}, author="B")
    a.sync()
    hq.publish_notice("b1")
    stats = b.sync()
    assert stats.rejected == 1
    [kept] = b.state.rejected()
    assert kept["code"] == "finalized" and "定稿" in kept["message"]
    assert b.state.status().rejected == 1
    notices = b.store.records.query(RecordFilter(kind="notice"))
    assert len(notices) == 1 and notices[0].title == "关于开展主题党日活动的通知"
    with pytest.raises(StoreError):
        b.store.records.update(notices[0].record_id, {"title": "改通知", "issued_on": "2026-11-01"}, author="B")


def test_cli_enrol_and_sync(hq: HeadOfficeFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_app.cli import main

    data = tmp_path / "cli"
    store, _ = Store.create(data, PASSPHRASE, kdf=KdfParams.fast_for_tests())
    store.records.create("meeting", meeting(), author="cli")
    store.close()
    monkeypatch.setenv("BRANCH_LEDGER_PASSPHRASE", PASSPHRASE)
    base = ["--data-dir", str(data)]
    assert main([*base, "sync"]) == 1
    assert "尚未注册" in capsys.readouterr().err
    code = hq.enrol_code("b2")
    assert main([*base, "enrol", "--server", hq.base_url, "--code", code, "--device-name", "CLI"]) == 0
    assert "第二支部" in capsys.readouterr().out
    assert main([*base, "enrol", "--server", hq.base_url, "--code", code]) == 1
    assert "已被使用" in capsys.readouterr().err
    assert main([*base, "sync"]) == 0
    assert "接受 1" in capsys.readouterr().out
    assert main([*base, "sync-status"]) == 0
    assert "待上传：0" in capsys.readouterr().out
    assert len(hq.office.call(reports.list_records, "b2")) == 1


def test_a_push_page_signs_only_what_it_sends(
    clerks: tuple[Clerk, Clerk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The outbox query reads up to 500 rows; building (signing) stops at the byte budget."""
    from desktop_app.store import sync_state

    a, _ = clerks
    for n in range(30):
        a.store.records.create("meeting", meeting(title=f"第{n}次支部党员大会"), author="clerk")
    built: list[str] = []
    real = sync_state.build_change

    def counting(**kwargs: object) -> object:
        built.append(str(kwargs["change_id"]))
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sync_state, "build_change", counting)
    one = a.state.pending_changes(500, 1 << 20)
    assert len(one) >= 30
    built.clear()
    batch = a.state.pending_changes(500, 3 * len(one[0].model_dump_json()))
    assert 1 <= len(batch) <= 3
    assert len(built) == len(batch) + 1  # the first change that did not fit, and nothing after it


def test_encrypted_store_pushes_again_what_a_restored_head_office_lost(
    hq_sqlite: HeadOfficeFixture, tmp_path: Path
) -> None:
    a = Clerk(hq_sqlite, tmp_path / "a", "A")
    env = a.store.records.create("meeting", meeting("九月支部党员大会"), author="clerk")
    a.sync()
    backup = hq_sqlite.backup(tmp_path / "nightly.sqlite3")
    a.store.records.update(env.record_id, meeting("九月支部党员大会（更正）", place="场部会议室"), author="clerk")
    later = a.store.records.create("meeting", meeting("十月党小组会"), author="clerk")
    a.sync()
    hq_sqlite.restore(backup)

    stats = a.sync()
    assert stats.epoch_changed and stats.requeued == 2 and stats.checksum_ok
    held = {r["record_id"]: r["current_rev"] for r in hq_sqlite.office.call(reports.list_records, "b1")}
    assert held == {env.record_id: a.store.records.get(env.record_id).rev, later.record_id: later.rev}
    assert a.state.pending_count() == 0 and a.sync().requeued == 0
