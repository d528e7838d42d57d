"""After a restore, nothing since the backup is lost that sync can bring back (issue 9)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import select

from desktop_app.store import RecordFilter, Store
from desktop_app.store import backups as bk
from desktop_app.store.restore import restore_backup
from desktop_app.store.sync_state import StoreSyncState
from sync.server import reports
from sync.server.tables import revisions
from tests.sync.hq import HeadOfficeFixture, meeting
from tests.sync.test_bad_changes import PASSPHRASE, Laptop


def _titles(store: Store) -> set[str]:
    return {s.title for s in store.records.query(RecordFilter(kind="meeting"))}


def test_restore_then_sync_brings_back_everything_head_office_has(hq_sqlite: HeadOfficeFixture,
                                                                  tmp_path: Path) -> None:
    a, b = Laptop(hq_sqlite, tmp_path / "a", "A"), Laptop(hq_sqlite, tmp_path / "b", "B")
    try:
        edited = a.store.records.create("meeting", meeting("备份前已同步"), author="A").record_id
        a.sync()
        a.store.records.create("meeting", meeting("备份前未同步"), author="A")
        info = bk.make_backup(a.store, "manual")
        # After the backup: own records synced, an edit synced, another laptop's record pulled.
        a.store.records.create("meeting", meeting("备份后已同步"), author="A")
        a.store.records.update(edited, meeting("备份前已同步（备份后修改）"), author="A")
        b.store.records.create("meeting", meeting("另一台电脑的记录"), author="B")
        b.sync()
        a.sync()
        a.store.records.create("meeting", meeting("备份后未同步"), author="A")  # lost with the disk
        a.store = restore_backup(a.store.data_dir, info, store=a.store)
        a.state = StoreSyncState(a.store)
        assert _titles(a.store) == {"备份前已同步", "备份前未同步"}
        assert a.state.status().full_resync
        stats = a.sync()
        assert stats.pulled >= 3  # the whole branch again, this laptop's own revisions included
        assert _titles(a.store) == {"备份前已同步（备份后修改）", "备份前未同步", "备份后已同步", "另一台电脑的记录"}
        assert not a.state.status().full_resync and a.state.status().pending == 0
        # New work after the restore syncs (the outbox counter jumped past what head office saw).
        a.store.records.create("meeting", meeting("恢复后新建"), author="A")
        assert a.sync().accepted == 1
        assert a.state.rejected() == []
        b.sync()
        assert "备份前未同步" in _titles(b.store) and "恢复后新建" in _titles(b.store)
        with hq_sqlite.db.connect() as conn:
            stored = Counter((r.record_id, r.rev) for r in conn.execute(select(revisions.c.record_id,
                                                                              revisions.c.rev)))
        assert max(stored.values()) == 1  # nothing stored twice
    finally:
        a.store.close(backup=False)
        b.store.close(backup=False)


def test_a_restored_laptop_pushes_again_what_head_office_lost(hq_sqlite: HeadOfficeFixture, tmp_path: Path) -> None:
    """Both sides went back: head office restored its own backup, the laptop restored one that
    is newer than head office's. Own revisions head office no longer holds are requeued."""
    a = Laptop(hq_sqlite, tmp_path / "a", "A")
    try:
        hq_backup = hq_sqlite.backup(tmp_path / "hq-backup.sqlite3")
        a.store.records.create("meeting", meeting("总部备份之后"), author="A")
        a.sync()
        info = bk.make_backup(a.store, "manual")
        hq_sqlite.restore(hq_backup, epoch="restored")
        a.store = restore_backup(a.store.data_dir, info, passphrase=PASSPHRASE, store=a.store)
        a.state = StoreSyncState(a.store)
        stats = a.sync()
        assert stats.requeued == 1
        assert {r["title"] for r in hq_sqlite.office.call(reports.list_records, "b1")} == {"总部备份之后"}
    finally:
        a.store.close(backup=False)
