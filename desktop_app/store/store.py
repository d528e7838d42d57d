"""The encrypted store of one branch installation: a data directory with a key file and a database.

Layout of the data directory::

    ledger.keys   key file (KDF parameters, salts, the wrapped database key) — see vault.py
    ledger.db     SQLCipher 4 database (and its encrypted -wal / -shm while open)
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlcipher3
import sqlite_utils

from desktop_app.store.buffers import EditorBuffers
from desktop_app.store.connection import open_encrypted
from desktop_app.store.errors import StoreError, StoreExists, StoreNotFound
from desktop_app.store.meta import Meta
from desktop_app.store.migrations import migrate
from desktop_app.store.repository import RecordRepository
from desktop_app.store.vault import KdfParams, KeyFile, new_database_key, new_recovery_key
from sync.protocol.hlc import HLCTimestamp, HybridLogicalClock

KEY_FILE = "ledger.keys"
DB_FILE = "ledger.db"


class Store:
    """An unlocked store. Use :meth:`create`, :meth:`open` or :meth:`open_with_recovery_key`."""

    def __init__(self, data_dir: Path, conn: sqlcipher3.Connection, key_file: KeyFile, db_key: bytes) -> None:
        self.data_dir = data_dir
        self.conn = conn
        self._key_file = key_file
        self._db_key = db_key
        self._tx_lock = threading.RLock()
        self._tx_depth = 0
        try:
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
        return (data_dir / KEY_FILE).exists() or (data_dir / DB_FILE).exists()

    @classmethod
    def create(cls, data_dir: Path, passphrase: str, *, kdf: KdfParams | None = None) -> tuple[Store, str]:
        """Make a new store; returns it with the recovery key, which must be shown to the user once."""
        data_dir = Path(data_dir)
        if cls.exists(data_dir):
            raise StoreExists(detail=str(data_dir))
        data_dir.mkdir(parents=True, exist_ok=True)
        db_key = new_database_key()
        recovery_key = new_recovery_key()
        key_file = KeyFile.create(db_key, passphrase, recovery_key, kdf or KdfParams())
        conn = open_encrypted(data_dir / DB_FILE, db_key, create=True)
        try:
            store = cls(data_dir, conn, key_file, db_key)
        except BaseException:
            # No database without its key file: it could never be opened, and it would block a retry.
            _discard_new_database(conn, data_dir / DB_FILE)
            raise
        # The key file is written last: a crash before this leaves no half-made store that looks real.
        key_file.save(data_dir / KEY_FILE)
        return store, recovery_key

    @classmethod
    def open(cls, data_dir: Path, passphrase: str) -> Store:
        key_file = cls._load_key_file(Path(data_dir))
        db_key = key_file.unlock(passphrase)
        return cls(Path(data_dir), open_encrypted(Path(data_dir) / DB_FILE, db_key), key_file, db_key)

    @classmethod
    def open_with_recovery_key(cls, data_dir: Path, recovery_key: str) -> Store:
        key_file = cls._load_key_file(Path(data_dir))
        db_key = key_file.unlock_with_recovery_key(recovery_key)
        return cls(Path(data_dir), open_encrypted(Path(data_dir) / DB_FILE, db_key), key_file, db_key)

    @staticmethod
    def _load_key_file(data_dir: Path) -> KeyFile:
        path = data_dir / KEY_FILE
        if not path.exists() or not (data_dir / DB_FILE).exists():
            raise StoreNotFound(detail=str(data_dir))
        return KeyFile.load(path)

    def verify_passphrase(self, passphrase: str) -> bool:
        """Whether ``passphrase`` unlocks this store (asked again before sensitive changes)."""
        try:
            return self._key_file.unlock(passphrase) == self._db_key
        except StoreError:
            return False

    def change_passphrase(self, new_passphrase: str, *, kdf: KdfParams | None = None) -> None:
        """Rewrap the database key under a new passphrase. The database itself is not touched."""
        self._key_file = self._key_file.rewrap_passphrase(self._db_key, new_passphrase, kdf)
        self._key_file.save(self.data_dir / KEY_FILE)

    def checkpoint(self) -> None:
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        """Checkpoint and close; the key stays only in this object's memory until it is dropped."""
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
        """One write transaction (BEGIN IMMEDIATE); nested calls join the outer one."""
        with self._tx_lock:
            if self._tx_depth:
                self._tx_depth += 1
                try:
                    yield self.conn
                finally:
                    self._tx_depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._tx_depth = 1
            try:
                yield self.conn
            except BaseException:
                self._tx_depth = 0
                self.conn.execute("ROLLBACK")
                self.records.roster_changed()
                raise
            self._tx_depth = 0
            self.conn.execute("COMMIT")

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over the same connection, for ad-hoc reads and exports."""
        return sqlite_utils.Database(self.conn)

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


def _discard_new_database(conn: sqlcipher3.Connection, path: Path) -> None:
    """Close and delete a database that ``Store.create`` made a moment ago (and its -wal/-shm)."""
    with contextlib.suppress(sqlcipher3.Error):
        conn.close()
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
