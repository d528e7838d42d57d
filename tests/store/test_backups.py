"""Automatic encrypted backups (SQLite's online backup API), rotation, restore and salvage."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

from desktop_app.store import KdfParams, Store
from desktop_app.store import backups as bk
from desktop_app.store.aside import list_aside
from desktop_app.store.connection import check_database
from desktop_app.store.errors import BackupDamaged, BackupError, StoreDamaged
from desktop_app.store.migrations import LATEST_VERSION
from desktop_app.store.restore import RESTORING, restore_backup
from desktop_app.store.salvage import export_readable, fresh_from_head_office
from desktop_app.store.store import DB_FILE, KEY_FILE, META_FULL_RESYNC
from desktop_app.store.vault import KeyFile

PASS = "right passphrase"
FAST = KdfParams.fast_for_tests()
SECRET = "护林员张三的家庭住址"


def _names(store: Store) -> set[str]:
    return {m.name for m in store.records.members().values()}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s, _ = Store.create(tmp_path / "d", PASS, kdf=FAST)
    s.confirm_recovery_key()
    yield s
    s.close(backup=False)


def _open_backup(info: bk.BackupInfo, store: Store) -> set[str]:
    copy = info.path.parent / "opened"
    shutil.copytree(info.path, copy)
    try:
        check_database(copy / DB_FILE, store.db_key_for_backup())
        from desktop_app.store.connection import open_encrypted

        conn = open_encrypted(copy / DB_FILE, store.db_key_for_backup())
        try:
            return {json.loads(r[0]) for r in conn.execute("SELECT value FROM meta WHERE key = 'device_id'")}
        finally:
            conn.close()
    finally:
        shutil.rmtree(copy)


def test_a_backup_is_encrypted_consistent_and_carries_the_key_file(store: Store) -> None:
    store.records.create("member", {"name": "张三", "note": SECRET}, author="t")
    info = bk.make_backup(store, "manual")
    assert info.path.parent.name == f"BranchLedger-{store.key_id}"
    assert {p.name for p in info.path.iterdir()} == {"ledger.db", "ledger.keys", "manifest.json"}
    raw = (info.path / "ledger.db").read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    for encoded in (SECRET.encode("utf-8"), SECRET.encode("utf-16-le")):
        assert encoded not in raw and encoded not in (info.path / "manifest.json").read_bytes()
    KeyFile.load(info.path / "ledger.keys").unlock(PASS)  # the copy opens with the passphrase
    assert _open_backup(info, store) == {store.device_id}
    bk.verify_backup(info)


def test_a_backup_taken_while_saving_is_consistent(store: Store, tmp_path: Path) -> None:
    stop = threading.Event()
    lock = threading.Lock()

    def writer() -> None:
        i = 0
        while not stop.is_set():
            with lock:
                store.records.create("member", {"name": f"党员{i}", "note": "巡护" * 200}, author="t")
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        infos = [bk.make_backup(store, "manual", lock=lock) for _ in range(5)]
    finally:
        stop.set()
        thread.join()
    for info in infos:
        restored = tmp_path / f"r-{info.name}"
        shutil.copytree(store.data_dir, restored, ignore=shutil.ignore_patterns("ledger.db*", "backups", "aside"))
        shutil.copyfile(info.path / "ledger.db", restored / DB_FILE)
        with Store.open(restored, PASS) as copy:
            members = copy.conn.execute("SELECT count(*) FROM records WHERE kind = 'member'").fetchone()[0]
            history = copy.conn.execute("SELECT count(*) FROM history").fetchone()[0]
            outbox = copy.conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
            assert members == history == outbox  # every save whole or not at all


def test_backups_on_close_only_when_something_changed_and_keep_the_last_n(tmp_path: Path) -> None:
    d = tmp_path / "d"
    Store.create(d, PASS, kdf=FAST)[0].close()
    bk.save_config(d, bk.BackupConfig(keep=3))
    for i in range(5):
        with Store.open(d, PASS) as s:
            s.records.create("member", {"name": f"党员{i}"}, author="t")
    with Store.open(d, PASS) as s:
        pass  # nothing changed: no backup
    with Store.open(d, PASS) as s:
        found = bk.list_backups(d, s.key_id)
    assert len(found) == 3 and all(b.reason == "close" for b in found)
    newest = found[0]
    assert newest.created_at > found[-1].created_at


def test_a_missing_usb_stick_is_reported_and_never_silently_filled(tmp_path: Path) -> None:
    d = tmp_path / "d"
    usb = tmp_path / "media" / "usb"
    Store.create(d, PASS, kdf=FAST)[0].close()
    bk.save_config(d, bk.BackupConfig(location=str(usb)))
    s = Store.open(d, PASS)
    s.records.create("member", {"name": "张三"}, author="t")
    with pytest.raises(BackupError) as info:
        bk.make_backup(s, "manual")
    assert "U 盘" in info.value.message and not usb.exists()
    s.close()  # the backup on close fails quietly: closing still works
    with Store.open(d, PASS) as s:
        assert "U 盘" in bk.last_status(s)["error"]["message"]
        usb.mkdir(parents=True)
        info2 = bk.make_backup(s, "manual")
        assert info2.path.is_relative_to(usb) and bk.last_status(s)["error"] is None


def test_always_a_backup_before_a_migration(tmp_path: Path) -> None:
    d = tmp_path / "d"
    s, _ = Store.create(d, PASS, kdf=FAST)
    s.records.create("member", {"name": "张三"}, author="t")
    s.conn.execute("DROP TABLE quarantine")  # back to what version 3 had
    s.conn.execute("ALTER TABLE outbox DROP COLUMN resolution")
    s.conn.execute("ALTER TABLE outbox DROP COLUMN resolved_at")
    s.conn.execute("ALTER TABLE meeting_facts DROP COLUMN valid")  # and before version 5
    s.conn.execute("DROP TABLE blobs")  # and before version 6
    s.conn.execute("PRAGMA user_version = 3")
    s.close(backup=False)
    with Store.open(d, PASS) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        [before] = [b for b in bk.list_backups(d, s.key_id) if b.reason == "migration"]
        assert before.schema_version == 3


def test_restore_brings_back_the_backup_and_keeps_what_it_replaced(store: Store) -> None:
    store.records.create("member", {"name": "备份前"}, author="t")
    info = bk.make_backup(store, "manual")
    store.records.create("member", {"name": "备份后"}, author="t")
    seq_before = store.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").fetchone()[0]
    data_dir = store.data_dir
    restored = restore_backup(data_dir, info, store=store)
    try:
        assert _names(restored) == {"备份前"}
        assert restored.meta.get(META_FULL_RESYNC)["reason"] == "restore"
        seq = restored.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").fetchone()[0]
        assert seq > seq_before + 100_000  # counters used after the backup are never reused
        [replaced] = [s for s in list_aside(data_dir) if s.why == "replaced-by-restore"]
        assert (replaced.path / DB_FILE).exists()
    finally:
        restored.close(backup=False)


def test_restore_while_locked_even_without_the_key_file(store: Store) -> None:
    store.records.create("member", {"name": "张三"}, author="t")
    info = bk.make_backup(store, "manual")
    d = store.data_dir
    store.close(backup=False)
    (d / KEY_FILE).unlink()
    restored = restore_backup(d, info, passphrase=PASS)
    assert _names(restored) == {"张三"}
    restored.close(backup=False)
    Store.open(d, PASS).close(backup=False)  # the backup's key file copy was put back


def test_a_damaged_backup_is_refused_and_changes_nothing(store: Store) -> None:
    store.records.create("member", {"name": "张三"}, author="t")
    info = bk.make_backup(store, "manual")
    raw = bytearray((info.path / DB_FILE).read_bytes())
    raw[5000] ^= 0x01
    (info.path / DB_FILE).write_bytes(bytes(raw))
    before = (store.data_dir / KEY_FILE).read_bytes()
    with pytest.raises(BackupDamaged):
        restore_backup(store.data_dir, info, store=store)
    assert _names(store) == {"张三"} and (store.data_dir / KEY_FILE).read_bytes() == before


def test_an_interrupted_restore_is_completed_at_the_next_open(store: Store) -> None:
    store.records.create("member", {"name": "张三"}, author="t")
    info = bk.make_backup(store, "manual")
    d = store.data_dir
    store.close(backup=False)
    shutil.move(d / DB_FILE, d / "elsewhere.db")  # killed after moving the current database aside
    shutil.copyfile(info.path / DB_FILE, d / RESTORING)
    with Store.open(d, PASS) as s:
        assert _names(s) == {"张三"} and not (d / RESTORING).exists()


def test_salvage_after_damage_exports_what_is_readable_and_starts_fresh_from_head_office(store: Store) -> None:
    for i in range(300):
        store.records.create("member", {"name": f"党员{i}", "note": "巡护" * 40}, author="t")
    with store.transaction():
        store.meta.set("sync.credentials", {"base_url": "https://hq.example", "device_id": store.device_id,
                                            "token": "t", "branch_id": "b1", "branch_name": "第一支部",
                                            "server_public_key": "k"})
    device_id, d = store.device_id, store.data_dir
    store.close(backup=False)
    db = d / DB_FILE
    raw = bytearray(db.read_bytes())
    raw[len(raw) * 2 // 3] ^= 0x10  # one damaged page somewhere in the records
    db.write_bytes(bytes(raw))
    with pytest.raises(StoreDamaged) as info:
        Store.open(d, PASS)
    damaged = Path(info.value.aside)
    report = export_readable(damaged, KeyFile.load(d / KEY_FILE).unlock(PASS), d.parent / "readable.json")
    exported = json.loads((d.parent / "readable.json").read_text())["records"]
    assert report.readable == len(exported) and 250 <= report.readable < 300 + 1
    assert report.readable + report.unreadable >= 299
    fresh = fresh_from_head_office(d, PASS)
    try:
        assert fresh.device_id == device_id and fresh.meta.get("sync.credentials")["branch_id"] == "b1"
        assert fresh.records.count() == 0 and fresh.meta.get(META_FULL_RESYNC)
        from desktop_app.transfer import import_records

        assert import_records(fresh, exported, author="t", skip_existing=True).imported == len(exported)
    finally:
        fresh.close(backup=False)
