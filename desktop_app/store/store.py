"""The encrypted store of one branch installation: a data directory with a key file and a database.

Layout of the data directory::

    ledger.keys         key file (KDF parameters, salts, the wrapped database key) — see vault.py
    ledger.db           SQLCipher 4 database (and its encrypted -wal / -shm while open)
    ledger.attempts     failed-unlock state for the back-off (attempts.py)
    ledger.backup.json  where backups go and how many are kept (backups.py)
    backups/            the default backup location
    aside/              damaged or replaced files, kept byte for byte (aside.py)
    blobs/              attached files, encrypted and content-addressed (blobs.py)

Opening judges the database before anything can write to it (connection.py): a damaged one is
moved aside untouched and :class:`StoreDamaged` offers salvage; a WAL that did not replay fully is
copied aside and reported. Creating is atomic: the database is built as ``ledger.db.new`` and the
key file written last, so an interrupted or failed ``create`` leaves nothing that blocks a retry,
and the recovery key stays inside the encrypted database until the clerk confirmed seeing it.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import sqlcipher3

from desktop_app.store import aside, backups
from desktop_app.store.atomic import fsync_dir, fsync_file
from desktop_app.store.attempts import ATTEMPTS_FILE, UnlockAttempts
from desktop_app.store.blobs import BlobStore
from desktop_app.store.buffers import EditorBuffers
from desktop_app.store.connection import (
    DatabaseDamage,
    OpenReport,
    check_database,
    is_damage,
    mark_check_needed,
    open_encrypted,
)
from desktop_app.store.errors import (
    KeyFileMissing,
    KeySlotDamaged,
    ReadOnlyMedia,
    StoreCorrupted,
    StoreDamaged,
    StoreError,
    StoreExists,
    StoreNotFound,
    WrongPassphrase,
    WrongRecoveryKey,
)
from desktop_app.store.io_errors import translate
from desktop_app.store.meta import Meta
from desktop_app.store.migrations import LATEST_VERSION, migrate
from desktop_app.store.repository import RecordRepository
from desktop_app.store.vault import (
    KdfParams,
    KeyFile,
    KeyFileDamaged,
    check_passphrase_strength,
    key_id_of,
    new_database_key,
    new_recovery_key,
    peek_key_id,
)
from desktop_app.store.wal import shm_path, wal_path
from domain.i18n import N_, t
from sync.protocol.hlc import HLCTimestamp, HybridLogicalClock

log = logging.getLogger(__name__)

KEY_FILE = "ledger.keys"
DB_FILE = "ledger.db"
NEW_DB_FILE = "ledger.db.new"
META_PENDING_RECOVERY = "security.pending_recovery_key"
META_FULL_RESYNC = "sync.full_resync"  # = sync_state.KEY_FULL_RESYNC (imported late: no cycle)
# Shown while the key file's recovery slot is damaged; dropped once a new recovery key is issued.
REISSUE_COMMAND = "branch-ledger recovery-key reissue"
RECOVERY_SLOT_DAMAGED = N_(
    "密钥文件中保存恢复密钥的部分已损坏，恢复密钥已不能使用。请在“设置”中重新生成恢复密钥"
    "（命令行：{command}）。"
)


def _db_files(db: Path) -> list[Path]:
    return [db, wal_path(db), shm_path(db)]


class Store:
    """An unlocked store. Use :meth:`create`, :meth:`open` or :meth:`open_with_recovery_key`."""

    def __init__(self, data_dir: Path, conn: sqlcipher3.Connection, key_file: KeyFile, db_key: bytes, *,
                 db_path: Path | None = None, creating: bool = False) -> None:
        self.data_dir = Path(data_dir)
        self.db_path = db_path or self.data_dir / DB_FILE
        self.conn = conn
        self._key_file = key_file
        self._db_key = db_key
        self._tx_lock = threading.RLock()
        self._tx_depth = 0
        self.open_report = OpenReport()
        self.key_warnings: list[str] = []  # what the clerk must hear about the key file
        self.kept_aside: str | None = None  # where a not fully replayed WAL was copied
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if not creating and 0 < version < LATEST_VERSION:
                self._backup_before_migration()
            migrate(conn)
        except BaseException:
            conn.close()  # e.g. StoreNewerThanApp: leave the files exactly as they were
            raise
        self.meta = Meta(conn)
        device_id = self.meta.get("device_id")
        if device_id is None:
            device_id = str(uuid.uuid4())
            with self.transaction():
                self.meta.set("device_id", device_id)
        self.device_id: str = device_id
        self.clock = HybridLogicalClock(device_id, self._last_hlc())
        self.records = RecordRepository(self)
        self.buffers = EditorBuffers(self)

    # ------------------------------------------------------------ lifecycle

    @staticmethod
    def exists(data_dir: Path) -> bool:
        data_dir = Path(data_dir)
        return (data_dir / KEY_FILE).exists() or (data_dir / DB_FILE).exists()

    @classmethod
    def create(cls, data_dir: Path, passphrase: str, *, kdf: KdfParams | None = None) -> tuple[Store, str]:
        """Make a new store; returns it with the recovery key, which must be shown to the user.

        The recovery key also stays (encrypted) in the database until :meth:`confirm_recovery_key`,
        so a crash before the clerk saw it shows it again at the next unlock. A failure leaves the
        directory as it was (a half-made database without key file used to block every retry).
        """
        data_dir = Path(data_dir)
        check_passphrase_strength(passphrase)
        _finish_interrupted_create(data_dir)
        if (data_dir / KEY_FILE).exists():
            raise StoreExists(detail=str(data_dir))
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            if (data_dir / DB_FILE).exists():
                # A database without its key file can never be opened from here; keep it aside
                # (a backup's key file copy may still open it) rather than refuse forever.
                aside.move_aside(data_dir, _db_files(data_dir / DB_FILE), why=aside.ORPHANED, copy_key_file=False)
        except OSError as exc:
            raise translate(exc) or StoreError(detail=str(exc)) from exc
        new_db = data_dir / NEW_DB_FILE
        db_key = new_database_key()
        recovery_key = new_recovery_key()
        key_file = KeyFile.create(db_key, passphrase, recovery_key, kdf or KdfParams())
        key_written = False
        try:
            for leftover in _db_files(new_db):
                leftover.unlink(missing_ok=True)
            conn = open_encrypted(new_db, db_key, create=True)
            staged = cls(data_dir, conn, key_file, db_key, db_path=new_db, creating=True)
            with staged.transaction():
                staged.meta.set(META_PENDING_RECOVERY, recovery_key)
            staged.close(backup=False)
            fsync_file(new_db)
            key_file.save(data_dir / KEY_FILE)  # the commit point (a crash after it rolls forward)
            key_written = True
            os.replace(new_db, data_dir / DB_FILE)
            fsync_dir(data_dir)
            UnlockAttempts(data_dir, key_id=key_file.key_id).record_success()
        except BaseException as exc:
            for leftover in _db_files(new_db):
                with contextlib.suppress(OSError):
                    leftover.unlink()
            if key_written and not (data_dir / DB_FILE).exists():
                with contextlib.suppress(OSError):
                    (data_dir / KEY_FILE).unlink()
            with contextlib.suppress(OSError):
                (data_dir / ATTEMPTS_FILE).unlink()
            if isinstance(exc, Exception):
                raise translate(exc) or exc from exc
            raise
        store = cls._open_with_key(data_dir, key_file, db_key)
        with contextlib.suppress(StoreError):
            backups.make_backup(store, "created")  # a key-file copy exists from the first minute
        return store, recovery_key

    @classmethod
    def open(cls, data_dir: Path, passphrase: str) -> Store:
        return cls._unlock(Path(data_dir), lambda kf: kf.unlock(passphrase), passphrase=passphrase)

    @classmethod
    def open_with_recovery_key(cls, data_dir: Path, recovery_key: str) -> Store:
        return cls._unlock(Path(data_dir), lambda kf: kf.unlock_with_recovery_key(recovery_key))

    @classmethod
    def _unlock(cls, data_dir: Path, attempt: Callable[[KeyFile], bytes], *, passphrase: str | None = None) -> Store:
        """Key file → back-off check → unwrap → open. A damaged key file (or a damaged slot) is
        replaced by a backup's copy when one opens with the same secret."""
        _finish_interrupted_create(data_dir)
        _finish_interrupted_restore(data_dir)
        key_path = data_dir / KEY_FILE
        if not key_path.exists():
            if (data_dir / DB_FILE).exists():
                raise KeyFileMissing(detail=str(data_dir))
            raise StoreNotFound(detail=str(data_dir))
        damage: StoreError | None = None
        try:
            key_file: KeyFile | None = KeyFile.load(key_path)
        except KeyFileDamaged as exc:
            key_file, damage = None, exc
        except OSError as exc:
            raise translate(exc) or StoreError(detail=str(exc)) from exc
        attempts = UnlockAttempts(data_dir, key_id=key_file.key_id if key_file else peek_key_id(key_path),
                                  legacy=bool(key_file and key_file.legacy))
        attempts.check()
        if key_file is not None:
            try:
                db_key = attempt(key_file)
            except (WrongPassphrase, WrongRecoveryKey):
                attempts.record_failure()
                raise
            except KeySlotDamaged as exc:
                damage = exc
            else:
                attempts.record_success()
                store = cls._open_with_key(data_dir, key_file, db_key)
                if store._repair_key_file_after_unlock():
                    UnlockAttempts(data_dir, key_id=store.key_id).record_success()  # keyed by the new id
                return store
        # The key file (or the slot this secret opens) is damaged: try the copies in backups. A
        # copy counts only when its key really opens this database (with an unknown key id the
        # backups of another ledger are candidates too, and a wrong key is not damage).
        assert damage is not None
        key_id = peek_key_id(key_path) or None
        db = data_dir / DB_FILE
        for _info, raw in backups.iter_key_copies(data_dir, key_id):
            try:
                copy = KeyFile.from_bytes(raw)
                db_key = attempt(copy)
                if db.exists():
                    check_database(db, db_key, full=False)  # is it this ledger's key? (page 1)
            except (StoreError, ValueError):
                continue
            attempts.record_success()
            kept = aside.copy_aside(data_dir, [key_path], why=aside.KEY_DAMAGED, copy_key_file=False)
            repaired = copy.upgraded(db_key)
            if key_file is not None and "recovery" not in key_file.damaged:
                # Keep this file's recovery slot: the copy's may predate a re-issue.
                repaired = replace(repaired, recovery_salt=key_file.recovery_salt,
                                   recovery_wrapped=key_file.recovery_wrapped)
            repaired.save(key_path)
            store = cls._open_with_key(data_dir, repaired, db_key)
            store.key_warnings.append(t("密钥文件已损坏，已用备份中的副本修复（原文件保存在 {kept}）。", kept=kept))
            return store
        raise damage

    @classmethod
    def _open_with_key(cls, data_dir: Path, key_file: KeyFile, db_key: bytes) -> Store:
        db = data_dir / DB_FILE
        if not db.exists():
            damaged = aside.latest_damaged(data_dir)
            if damaged is not None:
                raise StoreDamaged(aside=str(damaged.path), detail="the database was moved aside earlier")
            raise StoreNotFound(detail=str(data_dir))
        if not os.access(data_dir, os.W_OK):  # a write-protected stick: say so, not "I/O error"
            raise ReadOnlyMedia(detail=str(data_dir))
        try:
            report = check_database(db, db_key)
        except DatabaseDamage as exc:
            try:
                moved = aside.move_aside(data_dir, _db_files(db), why=aside.DAMAGED)
            except OSError as move_exc:
                raise StoreDamaged(
                    t("数据文件已损坏。它无法移到一旁（磁盘只读？），原文件未做任何修改"), detail=str(move_exc)
                ) from exc
            log.warning("database failed its integrity check; moved aside to %s: %s", moved, exc.detail)
            raise StoreDamaged(aside=str(moved), detail=exc.detail) from exc
        kept: Path | None = None
        if report.wal_incomplete:
            # Before the read-write open replays (and later checkpoints and deletes) the log.
            try:
                kept = aside.copy_aside(data_dir, _db_files(db), why=aside.WAL_INCOMPLETE)
            except OSError as exc:
                raise translate(exc) or StoreError(detail=str(exc)) from exc
            log.warning("WAL did not replay completely (%s); kept aside in %s", report.wal, kept)
        conn = open_encrypted(db, db_key)
        store = cls(data_dir, conn, key_file, db_key)
        store.open_report = report
        if kept is not None:
            from desktop_app.store.sync_state import StoreSyncState

            store.kept_aside = str(kept)
            # The store went back to the last commit before the damage, as after a restore: what
            # the lost commits held comes back from head office, and what it lacks is pushed again.
            StoreSyncState(store).after_local_restore("wal-incomplete")
        return store

    def _repair_key_file_after_unlock(self) -> bool:
        """Upgrade a version 1 key file (True when it was rewritten), and say so when the other
        slot is damaged."""
        key_file = self._key_file
        stale = key_file.legacy or key_file.key_id != key_id_of(self._db_key)
        rewritten = False
        if stale and not key_file.damaged:
            with contextlib.suppress(OSError):
                key_file = key_file.upgraded(self._db_key)
                key_file.save(self.data_dir / KEY_FILE)
                self._key_file = key_file
                rewritten = True
        if "passphrase" in key_file.damaged:
            self.key_warnings.append(t("密钥文件中保存密码的部分已损坏。请立即设置新密码（恢复密钥解锁时会要求设置）。"))
        if "recovery" in key_file.damaged:
            self.key_warnings.append(t(RECOVERY_SLOT_DAMAGED, command=REISSUE_COMMAND))
        return rewritten

    def _backup_before_migration(self) -> None:
        """Always before a migration: to the configured location, else the data directory's own
        backup folder; without any backup the migration does not run."""
        schema = int(self.conn.execute("PRAGMA user_version").fetchone()[0])
        config = backups.load_config(self.data_dir)
        default = self.data_dir / backups.DEFAULT_FOLDER
        failure: BaseException | None = None
        for root in dict.fromkeys([config.root(self.data_dir), default]):
            try:
                backups.write_backup(self.db_path, self._db_key, self.key_file_json(), root, key_id=self.key_id,
                                     reason="migration", schema_version=schema,
                                     create_root=root == default or config.root_may_be_created(self.data_dir))
                return
            except (OSError, sqlcipher3.Error, StoreError) as exc:
                failure = exc
        assert failure is not None
        reason = translate(failure)
        raise StoreError(t("升级数据格式前无法备份，未做升级：{value}", value=reason.message if reason else failure),
                         detail=str(failure)) from failure

    # ------------------------------------------------------------ keys

    @functools.cached_property
    def blobs(self) -> BlobStore:
        """The encrypted attachment files (blobs.py), keyed from this store's database key."""
        return BlobStore(self)

    @property
    def key_id(self) -> str:
        return key_id_of(self._db_key)

    def key_file_json(self) -> str:
        import json

        return json.dumps(self._key_file.upgraded(self._db_key).to_json(), indent=2)

    def db_key_for_backup(self) -> bytes:
        """The raw database key, for writing a backup with the same key (backups.py only)."""
        if not self._db_key:
            raise StoreError(t("台账已关闭"))
        return self._db_key

    def verify_passphrase(self, passphrase: str) -> bool:
        """Whether ``passphrase`` unlocks this store (asked again before sensitive changes)."""
        try:
            return self._key_file.unlock(passphrase) == self._db_key
        except StoreError:
            return False

    def change_passphrase(self, new_passphrase: str, *, kdf: KdfParams | None = None) -> None:
        """Rewrap the database key under a new passphrase. The database itself is not touched."""
        key_file = self._key_file.rewrap_passphrase(self._db_key, new_passphrase, kdf)
        try:
            self._keep_damaged_key_file()
            key_file.save(self.data_dir / KEY_FILE)
        except OSError as exc:
            raise translate(exc) or StoreError(detail=str(exc)) from exc
        self._key_file = key_file

    def pending_recovery_key(self) -> str | None:
        """A recovery key the clerk has not confirmed seeing yet (creation or re-issue interrupted).

        Only one that opens the current key file counts: a re-issue interrupted before the key
        file was written left the old recovery key in force.
        """
        key = self.meta.get(META_PENDING_RECOVERY)
        if not isinstance(key, str):
            return None
        try:
            if self._key_file.unlock_with_recovery_key(key) == self._db_key:
                return key
        except StoreError:
            pass
        with self.transaction():
            self.meta.delete(META_PENDING_RECOVERY)
        return None

    def confirm_recovery_key(self) -> None:
        """The clerk wrote the recovery key down: it leaves the database."""
        with self.transaction():
            self.meta.delete(META_PENDING_RECOVERY)

    def reissue_recovery_key(self) -> str:
        """A new recovery key replaces the old one (which stops working). Returns it; it is also
        kept pending (encrypted) until :meth:`confirm_recovery_key`, so an interruption never
        leaves a recovery key nobody saw."""
        key = new_recovery_key()
        with self.transaction():
            self.meta.set(META_PENDING_RECOVERY, key)
        key_file = self._key_file.with_recovery_key(self._db_key, key)
        try:
            self._keep_damaged_key_file()
            key_file.save(self.data_dir / KEY_FILE)
        except OSError as exc:
            raise translate(exc) or StoreError(detail=str(exc)) from exc
        self._key_file = key_file
        self.key_warnings = [w for w in self.key_warnings if w != t(RECOVERY_SLOT_DAMAGED, command=REISSUE_COMMAND)]
        return key

    def _keep_damaged_key_file(self) -> None:
        """Before a key file with a damaged slot is rewritten, its bytes go aside (never lost)."""
        if self._key_file.damaged and (self.data_dir / KEY_FILE).exists():
            aside.copy_aside(self.data_dir, [self.data_dir / KEY_FILE], why=aside.KEY_DAMAGED, copy_key_file=False)

    # ------------------------------------------------------------ closing

    def checkpoint(self) -> None:
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self, *, backup: bool = True) -> None:
        """Back up (when enabled and something changed), checkpoint and close; the key stays only
        in this object's memory until it is dropped. A failed backup is recorded, never raised."""
        if not self._db_key:
            return
        if backup:  # a normal close: attachments nothing refers to any more go first (blobs.py)
            try:
                if self.conn.execute("SELECT 1 FROM blobs LIMIT 1").fetchone():
                    self.blobs.collect_unreferenced()
            except (StoreError, sqlcipher3.Error, OSError) as exc:
                log.warning("collecting unreferenced attachments failed: %s", exc)
        if backup and backups.load_config(self.data_dir).on_close:
            try:
                backups.backup_if_changed(self, "close")
            except StoreError as exc:
                log.warning("backup on close failed: %s", exc)
        with contextlib.suppress(sqlcipher3.Error):
            self.checkpoint()
        self.conn.close()
        self._db_key = b""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ transactions

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        """One write transaction (BEGIN IMMEDIATE); nested calls join the outer one.

        A full disk, read-only media or a vanished USB stick raise their store error (Chinese
        message) and roll back: nothing is half-saved.
        """
        with self._tx_lock:
            if self._tx_depth:
                self._tx_depth += 1
                try:
                    yield self.conn
                finally:
                    self._tx_depth -= 1
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlcipher3.Error as exc:
                raise translate(exc) or exc from exc
            self._tx_depth = 1
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException as exc:
                self._tx_depth = 0
                with contextlib.suppress(sqlcipher3.Error):
                    self.conn.execute("ROLLBACK")  # SQLite may have rolled back itself (FULL, IOERR)
                self.records.roster_changed()
                if isinstance(exc, sqlcipher3.Error) and is_damage(exc):
                    mark_check_needed(self.db_path)  # the next open checks every page
                if isinstance(exc, sqlcipher3.Error | OSError):
                    translated = translate(exc)
                    if translated is not None:
                        raise translated from exc
                raise
            self._tx_depth = 0

    def _last_hlc(self) -> HLCTimestamp | None:
        candidates: list[HLCTimestamp] = []
        row = self.conn.execute("SELECT hlc FROM history ORDER BY id DESC LIMIT 1").fetchone()
        if row:
            candidates.append(HLCTimestamp.decode(row[0]))
        observed = self.meta.get("hlc_observed")
        if observed:
            candidates.append(HLCTimestamp.decode(observed))
        return max(candidates) if candidates else None

    def outbox_pending_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0])


def _finish_interrupted_restore(data_dir: Path) -> None:
    from desktop_app.store.restore import finish_interrupted_restore

    try:
        finish_interrupted_restore(data_dir)
    except OSError as exc:
        raise translate(exc) or StoreCorrupted(detail=str(exc)) from exc


def _finish_interrupted_create(data_dir: Path) -> None:
    """Complete or undo a ``create`` that was interrupted (see :meth:`Store.create`).

    The key file is the commit point: with it, the complete ``ledger.db.new`` becomes the store;
    without it, the half-made database (which never held anything of the clerk's) goes.
    """
    new_db = data_dir / NEW_DB_FILE
    if not new_db.exists():
        return
    try:
        if (data_dir / KEY_FILE).exists() and not (data_dir / DB_FILE).exists():
            os.replace(new_db, data_dir / DB_FILE)
            fsync_dir(data_dir)
        elif not (data_dir / KEY_FILE).exists():
            for leftover in _db_files(new_db):
                leftover.unlink(missing_ok=True)
    except OSError as exc:
        raise translate(exc) or StoreCorrupted(detail=str(exc)) from exc


__all__ = ["DB_FILE", "KEY_FILE", "Store", "StoreDamaged"]
