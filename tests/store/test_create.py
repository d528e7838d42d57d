"""Creating a store is all or nothing, and the recovery key is never lost before the clerk saw it."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from desktop_app.store import KdfParams, Store
from desktop_app.store.aside import list_aside
from desktop_app.store.errors import DiskFull, KeyFileMissing
from desktop_app.store.store import DB_FILE, KEY_FILE, NEW_DB_FILE
from desktop_app.store.vault import KeyFile

FAST = KdfParams.fast_for_tests()
PASS = "right passphrase"


def test_a_full_disk_during_create_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "d"

    def full(self: KeyFile, path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(KeyFile, "save", full)
    with pytest.raises(DiskFull) as info:
        Store.create(d, PASS, kdf=FAST)
    assert "磁盘空间" in info.value.message
    assert not Store.exists(d) and list(d.iterdir()) == []
    monkeypatch.undo()
    store, _ = Store.create(d, PASS, kdf=FAST)  # a retry just works
    store.close()


def test_a_failure_after_the_database_was_made_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop_app.store.store as store_module

    monkeypatch.setattr(store_module, "migrate", lambda conn: 0)  # e.g. a build that lost its migrations
    d = tmp_path / "d"
    with pytest.raises(Exception, match="no such table"):
        Store.create(d, PASS, kdf=FAST)
    assert not Store.exists(d) and list(d.iterdir()) == []


def test_a_crash_after_the_commit_point_rolls_forward_and_shows_the_key_again(tmp_path: Path) -> None:
    d = tmp_path / "d"
    store, recovery = Store.create(d, PASS, kdf=FAST)
    store.close(backup=False)
    os.replace(d / DB_FILE, d / NEW_DB_FILE)  # killed between writing the key file and the rename
    assert Store.exists(d)
    reopened = Store.open(d, PASS)
    try:
        assert (d / DB_FILE).exists() and not (d / NEW_DB_FILE).exists()
        assert reopened.pending_recovery_key() == recovery
    finally:
        reopened.close()


def test_a_crash_before_the_commit_point_is_undone(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    (d / NEW_DB_FILE).write_bytes(b"half a database")
    assert not Store.exists(d)
    store, _ = Store.create(d, PASS, kdf=FAST)
    store.close()
    assert not (d / NEW_DB_FILE).exists()


def test_a_database_without_key_file_no_longer_blocks_create(tmp_path: Path) -> None:
    """Issue 11: a `create` killed on a full disk left a ledger.db without key file that neither
    `unlock` nor `create` could get past."""
    d = tmp_path / "d"
    d.mkdir()
    (d / DB_FILE).write_bytes(b"\x00" * 4096)
    with pytest.raises(KeyFileMissing) as info:
        Store.open(d, PASS)
    assert "密钥文件" in info.value.message
    store, _ = Store.create(d, PASS, kdf=FAST)
    store.close()
    [kept] = list_aside(d)
    assert kept.why == "orphaned-database" and (kept.path / DB_FILE).read_bytes() == b"\x00" * 4096
    assert (d / KEY_FILE).exists()
