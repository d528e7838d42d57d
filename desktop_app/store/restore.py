"""Putting a backup (or, in salvage, a fresh database) in place of the current one.

The order is what makes it safe at any point of a crash:

1. the backup's ``ledger.db`` is copied beside the store as ``ledger.db.restoring`` (complete and
   fsynced before it gets that name) and checked like any database at open (connection.py);
2. inside that copy the sync state is marked *restored* (sync_state.mark_restored): the next sync
   re-reads the branch with this device's own revisions, so head office re-sends what the device
   lost, pushes again what head office lacks, and the outbox counter jumps past every counter head
   office has seen — the mark travels with the file, so no crash can separate the two;
3. the current database is checkpointed (when open) and moved aside (``replaced-by-restore``),
   never deleted; then ``ledger.db.restoring`` is renamed to ``ledger.db``.

A crash after step 3's move and before the rename is completed at the next open
(:func:`finish_interrupted_restore`). The key file stays (the database key never changes, so
any backup opens with the current passphrase); a missing or damaged key file is replaced by the
backup's copy. The backup's attachment files are copied into ``<data>/blobs`` before the swap (they
are encrypted and named by content, so files already there are kept and none is overwritten by
another).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlcipher3

from desktop_app.store import aside
from desktop_app.store.atomic import fsync_dir, fsync_file
from desktop_app.store.attempts import UnlockAttempts
from desktop_app.store.backups import BLOBS_DIR, BackupInfo, copy_blobs_back, verify_backup
from desktop_app.store.connection import DatabaseDamage, check_database, open_encrypted
from desktop_app.store.errors import BackupDamaged, BackupError, StoreError, WrongPassphrase
from desktop_app.store.io_errors import translate
from desktop_app.store.migrations import migrate
from desktop_app.store.vault import KeyFile, KeyFileDamaged, key_id_of
from desktop_app.store.wal import shm_path, wal_path
from domain.i18n import t

if TYPE_CHECKING:
    from desktop_app.store.store import Store

KEY_FILE, DB_FILE = "ledger.keys", "ledger.db"
RESTORING = "ledger.db.restoring"


def finish_interrupted_restore(data_dir: Path) -> None:
    """Complete a restore that was interrupted after the current database was moved aside, or
    drop a staged copy when the swap never began (the copy came from a backup that still exists)."""
    staged = Path(data_dir) / RESTORING
    if not staged.exists():
        return
    db = Path(data_dir) / DB_FILE
    if db.exists():
        for path in (staged, wal_path(staged), shm_path(staged)):
            path.unlink(missing_ok=True)
    else:
        os.replace(staged, db)
        fsync_dir(Path(data_dir))


def restore_backup(data_dir: Path, info: BackupInfo, *, store: Store | None = None,
                   passphrase: str | None = None) -> Store:
    """Replace the current database by backup ``info``; returns the store opened on it.

    With an unlocked ``store`` its key is used and it is closed here; otherwise ``passphrase``
    unlocks the key file (or, when that is damaged or missing, the backup's copy of it).
    """
    data_dir = Path(data_dir)
    verify_backup(info)
    key_file, db_key = _keys(data_dir, info, store, passphrase)
    if key_id_of(db_key) != info.key_id:
        raise BackupError(t("这个备份属于另一本台账，不能恢复到这里"), detail=f"{info.key_id} != {key_id_of(db_key)}")

    def fill(target: Path) -> None:
        shutil.copyfile(info.path / DB_FILE, target)

    try:  # first: extra encrypted files are harmless should the swap fail, missing ones are not
        copy_blobs_back(info, data_dir / BLOBS_DIR)
    except OSError as exc:
        raise translate(exc) or BackupError(detail=str(exc)) from exc
    return _swap_in(data_dir, key_file, db_key, fill, store=store, reason="restore")


def _keys(data_dir: Path, info: BackupInfo, store: Store | None, passphrase: str | None) -> tuple[KeyFile, bytes]:
    if store is not None:
        return store._key_file, store.db_key_for_backup()
    if passphrase is None:
        raise WrongPassphrase(t("需要密码才能恢复备份"))
    current: KeyFile | None = None
    with contextlib.suppress(OSError, KeyFileDamaged):
        current = KeyFile.load(data_dir / KEY_FILE)
    attempts = UnlockAttempts(data_dir, key_id=info.key_id, legacy=bool(current and current.legacy))
    attempts.check()
    candidates = [k for k in (current, _backup_key_file(info)) if k is not None and "passphrase" not in k.damaged]
    for key_file in candidates:
        try:
            db_key = key_file.unlock(passphrase)
        except WrongPassphrase:
            continue
        attempts.record_success()
        return key_file, db_key
    attempts.record_failure()
    raise WrongPassphrase()


def _backup_key_file(info: BackupInfo) -> KeyFile | None:
    try:
        return KeyFile.load(info.path / KEY_FILE)
    except (OSError, StoreError):
        return None


def _swap_in(data_dir: Path, key_file: KeyFile, db_key: bytes, fill: Callable[[Path], Any], *,
             store: Store | None, reason: str) -> Store:
    """Steps 1–3 of the module docstring; ``fill(path)`` writes the new database file."""
    from desktop_app.store.store import Store
    from desktop_app.store.sync_state import mark_restored

    staged = data_dir / RESTORING
    tmp = data_dir / (RESTORING + ".tmp")
    try:
        for path in (tmp, staged, wal_path(staged), shm_path(staged)):
            path.unlink(missing_ok=True)
        fill(tmp)
        fsync_file(tmp)
        os.replace(tmp, staged)
        try:
            check_database(staged, db_key, full=True)
        except DatabaseDamage as exc:
            raise BackupDamaged(t("该备份无法打开或已损坏，不能用于恢复"), detail=exc.detail) from exc
        conn = open_encrypted(staged, db_key)
        try:
            migrate(conn)
            device = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
            if device is not None:
                import json

                conn.execute("BEGIN IMMEDIATE")
                mark_restored(conn, json.loads(device[0]), reason)
                conn.execute("COMMIT")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        fsync_file(staged)
        if store is not None:
            store.close(backup=False)
        db = data_dir / DB_FILE
        if db.exists():
            aside.move_aside(data_dir, [db, wal_path(db), shm_path(db)], why=aside.REPLACED)
        os.replace(staged, db)
        fsync_dir(data_dir)
        _install_key_file(data_dir, key_file, db_key)
    except (OSError, sqlcipher3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise translate(exc) or BackupError(detail=str(exc)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Store._open_with_key(data_dir, key_file.upgraded(db_key), db_key)


def _install_key_file(data_dir: Path, key_file: KeyFile, db_key: bytes) -> None:
    """Keep the current key file when it is sound; otherwise write the one that just worked."""
    path = data_dir / KEY_FILE
    try:
        current = KeyFile.load(path)
        if not current.damaged and current.key_id == key_id_of(db_key):
            return
    except (OSError, StoreError):
        pass
    if path.exists():
        aside.copy_aside(data_dir, [path], why=aside.KEY_DAMAGED, copy_key_file=False)
    key_file.upgraded(db_key).save(path)
