"""Damaged, truncated and foreign files are refused before anything can write into them; their
files are moved aside byte for byte; a WAL that did not replay fully is kept and reported."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from desktop_app.store import KdfParams, Store, StoreCorrupted, StoreExists, StoreNotFound
from desktop_app.store.aside import latest_damaged, list_aside
from desktop_app.store.errors import StoreDamaged
from desktop_app.store.store import DB_FILE, META_FULL_RESYNC
from desktop_app.store.wal import FRAME_HEADER, WAL_HEADER
from tests.store.crash import PASS, crashed_store


def _made_store(tmp_path: Path, n: int = 200) -> Path:
    d = tmp_path / "d"
    s, _ = Store.create(d, PASS, kdf=KdfParams.fast_for_tests())
    for i in range(n):
        s.records.create("member", {"name": f"党员{i}", "note": "巡护" * 50}, author="t")
    s.close(backup=False)
    return d


def _digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.iterdir()
            if p.name.startswith("ledger.db")}


def _refused_and_moved_aside(d: Path, before: dict[str, str]) -> Path:
    with pytest.raises(StoreDamaged) as info:
        Store.open(d, PASS)
    assert info.value.aside
    moved = Path(info.value.aside)
    assert not (d / DB_FILE).exists()
    assert {name: digest for name, digest in _digests(moved).items() if name in before} == before
    assert (moved / "ledger.keys").exists()
    # Asked again, the same set is named and nothing more is moved.
    with pytest.raises(StoreDamaged) as again:
        Store.open(d, PASS)
    assert again.value.aside == str(moved) and len(list_aside(d)) == 1
    return moved


def test_truncated_database(tmp_path: Path) -> None:
    d = _made_store(tmp_path)
    db = d / DB_FILE
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    _refused_and_moved_aside(d, _digests(d))


def test_truncated_database_beside_its_wal_is_refused_before_any_checkpoint(tmp_path: Path) -> None:
    """Issue 11: with a WAL (its state after a crash) the truncation check was skipped, the first
    read failed, and closing checkpointed the WAL into the damaged file and deleted the WAL."""
    d = crashed_store(tmp_path / "d", 60)
    db = d / DB_FILE
    assert (d / "ledger.db-wal").stat().st_size > 0
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    before = _digests(d)
    before.pop("ledger.db-shm", None)  # the wal-index is rebuilt by any reader; not data
    moved = _refused_and_moved_aside(d, before)
    assert (moved / "ledger.db-wal").exists()


def test_a_flipped_byte_in_the_wal_is_kept_aside_and_reported(tmp_path: Path) -> None:
    """Issue 11: one flipped byte in the WAL silently dropped 136 of 151 saves, and closing then
    deleted the WAL for good."""
    d = crashed_store(tmp_path / "d", 151)
    wal = d / "ledger.db-wal"
    data = bytearray(wal.read_bytes())
    frames = (len(data) - WAL_HEADER) // (FRAME_HEADER + 4096)
    data[WAL_HEADER + (frames // 10) * (FRAME_HEADER + 4096) + FRAME_HEADER + 1000] ^= 0x01
    wal.write_bytes(bytes(data))
    damaged_wal = hashlib.sha256(bytes(data)).hexdigest()
    store = Store.open(d, PASS)
    try:
        report = store.open_report.wal
        assert report is not None and not report.complete and report.commits_lost > 100
        assert store.kept_aside is not None
        kept = Path(store.kept_aside)
        assert hashlib.sha256((kept / "ledger.db-wal").read_bytes()).hexdigest() == damaged_wal
        assert store.meta.get(META_FULL_RESYNC)["reason"] == "wal-incomplete"
        store.records.create("member", {"name": "之后"}, author="t")
    finally:
        store.close(backup=False)
    # Closing checkpointed the live WAL; the damaged log is still there, untouched.
    assert hashlib.sha256((kept / "ledger.db-wal").read_bytes()).hexdigest() == damaged_wal


def test_a_clean_wal_after_a_crash_replays_silently(tmp_path: Path) -> None:
    d = crashed_store(tmp_path / "d", 40)
    store = Store.open(d, PASS)
    try:
        assert store.open_report.wal is not None and store.open_report.wal.complete
        assert store.kept_aside is None and not list_aside(d)
        assert len(store.records.members()) == 40
    finally:
        store.close(backup=False)


def test_a_damaged_page_is_found_by_the_integrity_check(tmp_path: Path) -> None:
    d = _made_store(tmp_path)
    db = d / DB_FILE
    data = bytearray(db.read_bytes())
    data[len(data) // 2] ^= 0x40  # one byte in the middle of some page: its HMAC fails
    db.write_bytes(bytes(data))
    _refused_and_moved_aside(d, _digests(d))


def test_corrupted_header(tmp_path: Path) -> None:
    d = _made_store(tmp_path, 5)
    db = d / DB_FILE
    data = bytearray(db.read_bytes())
    for i in range(100, 300):
        data[i] ^= 0xFF
    db.write_bytes(bytes(data))
    _refused_and_moved_aside(d, _digests(d))


def test_foreign_plain_sqlite_file(tmp_path: Path) -> None:
    d = _made_store(tmp_path, 1)
    db = d / DB_FILE
    db.unlink()
    plain = sqlite3.connect(db)
    plain.execute("CREATE TABLE t (x)")
    plain.commit()
    plain.close()
    before = _digests(d)
    with pytest.raises(StoreCorrupted) as info:
        Store.open(d, PASS)
    assert "未加密" in info.value.message or "损坏" in info.value.message
    moved = latest_damaged(d)
    assert moved is not None and _digests(moved.path) == before


def test_random_bytes_file(tmp_path: Path) -> None:
    d = _made_store(tmp_path, 1)
    db = d / DB_FILE
    db.write_bytes(b"\x00garbage" * 1000)
    _refused_and_moved_aside(d, _digests(d))


def test_missing_and_existing(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFound):
        Store.open(tmp_path / "nothing", PASS)
    d = _made_store(tmp_path, 1)
    before = _digests(d)
    with pytest.raises(StoreExists):
        Store.create(d, PASS, kdf=KdfParams.fast_for_tests())
    assert _digests(d) == before


def test_a_large_clean_database_is_checked_fully_once_damage_was_seen(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Above FULL_CHECK_MAX_BYTES a cleanly closed database gets the cheap checks at open; the
    backup on close reads every page, and damage it meets makes the next open check them all."""
    import desktop_app.store.connection as connection
    from desktop_app.store import backups
    from desktop_app.store.errors import BackupError

    monkeypatch.setattr(connection, "FULL_CHECK_MAX_BYTES", 0)  # as if the ledger were large
    d = _made_store(tmp_path)
    db = d / DB_FILE
    data = bytearray(db.read_bytes())
    data[len(data) // 2] ^= 0x40
    db.write_bytes(bytes(data))
    store = Store.open(d, PASS)  # cheap checks: page 1 and the size are fine
    with pytest.raises(BackupError):
        backups.make_backup(store, "manual")
    store.close(backup=False)
    assert (d / connection.CHECK_MARKER).exists()
    _refused_and_moved_aside(d, _digests(d))
