"""Salvage after a database was refused (issue 11): what the clerk can do besides waiting.

The refused files sit in ``aside/<time>-damaged/`` byte for byte (aside.py). From there:

* :func:`export_readable` — every record that can still be read, in the documented export format
  (docs/data-format.md), written atomically; pages that fail their check are skipped, and the
  report says how many records could not be read. It works on a temporary copy, so the aside set
  stays exactly as it was.
* restore from a backup — restore.py (the backups are listed by backups.py);
* :func:`fresh_from_head_office` — a new, empty database under the same key, carrying over this
  device's sync identity (device id, signing key, head-office credentials) when it can still be
  read from the damaged copy or a backup. Its first sync re-reads the whole branch, this device's
  own revisions included, so everything that reached head office comes back.

Afterwards, records from the export that the ledger still lacks (never synced, newer than the
backup) can be put back with ``import --skip-existing`` (transfer.import_records).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import sqlcipher3

from desktop_app.store import aside, backups
from desktop_app.store.atomic import atomic_write_text
from desktop_app.store.codec import unpack
from desktop_app.store.connection import _connect, _key, open_encrypted
from desktop_app.store.errors import StoreError, WrongPassphrase
from desktop_app.store.migrations import migrate
from desktop_app.store.rows import columns
from desktop_app.store.store import DB_FILE, KEY_FILE, Store
from desktop_app.store.vault import KeyFile, KeyFileDamaged
from desktop_app.store.wal import wal_path
from desktop_app.transfer import EXPORT_FORMAT, EXPORT_VERSION
from domain.i18n import t

IDENTITY_KEYS = ("device_id", "sync.signing_key", "sync.credentials", "sync.epoch", "clerk_name", "rule_settings",
                 "hlc_observed")


@dataclass(frozen=True)
class SalvageReport:
    readable: int
    unreadable: int  # rows in ranges that could not be read
    out: Path | None = None


def unlock_key(data_dir: Path, passphrase: str, damaged: Path | None = None) -> tuple[KeyFile, bytes]:
    """The key file and database key for salvage: the current key file, else the damaged set's copy."""
    candidates: list[Path] = [Path(data_dir) / KEY_FILE]
    if damaged is not None:
        candidates.append(Path(damaged) / KEY_FILE)
    for path in candidates:
        try:
            key_file = KeyFile.load(path)
            return key_file, key_file.unlock(passphrase)
        except (OSError, KeyFileDamaged, StoreError):
            continue
    raise WrongPassphrase()


def _readonly_copy(aside_set: Path, into: Path) -> Path:
    for path in (aside_set / DB_FILE, wal_path(aside_set / DB_FILE)):
        if path.exists():
            shutil.copyfile(path, into / path.name)
    return into / DB_FILE


def export_readable(aside_set: Path, db_key: bytes, out: Path) -> SalvageReport:
    """Write every readable record of the damaged set to ``out`` (export format, atomic)."""
    with tempfile.TemporaryDirectory(prefix="branchledger-salvage-") as tmp:
        db = _readonly_copy(Path(aside_set), Path(tmp))
        conn = _connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            _key(conn, db_key)
            records, unreadable = _read_records(conn)
        finally:
            conn.close()
    atomic_write_text(out, json.dumps({"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "records": records},
                                      ensure_ascii=False, indent=2))
    return SalvageReport(len(records), unreadable, out)


class _SalvagedRow(NamedTuple):
    rowid: int
    id: str
    kind: str
    rev: str
    status: str
    body: bytes
    created_at: str
    updated_at: str
    synced_at: str | None
    deleted: int


_COLUMNS = columns(_SalvagedRow)
_FAR = 1 << 40  # beyond any rowid this ledger can have


def _read_records(conn: sqlcipher3.Connection) -> tuple[list[dict[str, Any]], int]:
    """Rows of ``records`` in rowid order, stepping over what cannot be read.

    Reads in batches; when a batch fails it goes one row at a time, and when a row fails it looks
    ahead (exponentially, then by bisection) for the first rowid that can be read again — so a
    damaged page costs the rows on it and a handful of queries, not the table.
    """
    out: list[dict[str, Any]] = []
    unreadable = 0
    pos, batch = 0, 200
    while True:
        try:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM records WHERE rowid > ? ORDER BY rowid LIMIT ?",
                                (pos, batch)).fetchall()
        except (sqlcipher3.Error, MemoryError):  # a damaged cell may claim an absurd size (SQLITE_NOMEM)
            if batch > 1:
                batch = 1
                continue
            resume = _next_readable(conn, pos)
            if resume is None:
                break
            unreadable += max(1, resume - pos - 1)
            pos, batch = resume - 1, 1
            continue
        if not rows:
            break
        for row in rows:
            record = _record(row)
            if record is None:
                unreadable += 1
            elif record != "deleted":
                out.append(record)  # type: ignore[arg-type]
        pos = int(rows[-1][0])
        batch = min(200, batch * 2)
    return out, unreadable


def _readable_from(conn: sqlcipher3.Connection, start: int) -> bool:
    try:
        conn.execute(f"SELECT {_COLUMNS} FROM records WHERE rowid >= ? ORDER BY rowid LIMIT 1",
                     (start,)).fetchall()
    except (sqlcipher3.Error, MemoryError):
        return False
    return True


def _next_readable(conn: sqlcipher3.Connection, pos: int) -> int | None:
    """The smallest start after ``pos`` from which reading works again (None: nothing further)."""
    step = 2
    bad = pos + 1
    while pos + step < _FAR:
        if _readable_from(conn, pos + step):
            good = pos + step
            while good - bad > 1:  # bisect the boundary between unreadable and readable starts
                middle = (bad + good) // 2
                if _readable_from(conn, middle):
                    good = middle
                else:
                    bad = middle
            return good
        bad = pos + step
        step *= 2
    return None


def _record(row: tuple[Any, ...]) -> dict[str, Any] | str | None:
    """One exported record; "deleted" for a deleted draft (it stays deleted); None if unreadable."""
    r = _SalvagedRow(*row)
    try:
        body = unpack(r.body)
    except (ValueError, TypeError):
        return None
    if r.deleted:
        return "deleted"
    return {"kind": r.kind, "id": r.id, "rev": r.rev, "status": r.status, "recorded_at": r.created_at,
            "updated_at": r.updated_at, "synced_at": r.synced_at, "body": body}


def read_identity(source: Path, db_key: bytes) -> dict[str, Any]:
    """This device's sync identity from a database (damaged set or backup), as far as readable."""
    found: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="branchledger-salvage-") as tmp:
        db = _readonly_copy(source, Path(tmp))
        if not db.exists():
            return found
        conn = _connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            _key(conn, db_key)
            for key in IDENTITY_KEYS:
                with contextlib.suppress(sqlcipher3.Error):
                    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
                    if row is not None:
                        found[key] = json.loads(row[0])
        finally:
            conn.close()
    return found


def fresh_from_head_office(data_dir: Path, passphrase: str) -> Store:
    """A new empty database under the same key, with this device's sync identity when readable
    (damaged set first, then the newest backup); the first sync re-reads the whole branch."""
    from desktop_app.store.restore import _swap_in

    data_dir = Path(data_dir)
    if (data_dir / DB_FILE).exists():
        raise StoreError(t("当前数据文件仍在使用中；只有在数据文件损坏并已移到一旁后才能这样做"))
    damaged = aside.latest_damaged(data_dir)
    key_file, db_key = unlock_key(data_dir, passphrase, damaged.path if damaged else None)
    identity: dict[str, Any] = {}
    sources = [damaged.path] if damaged else []
    sources += [b.path for b in backups.list_backups(data_dir, key_file.key_id or None)]
    for source in sources:
        with contextlib.suppress(sqlcipher3.Error, OSError, ValueError):
            identity = read_identity(source, db_key)
        if "device_id" in identity:
            break

    def fill(target: Path) -> None:
        conn = open_encrypted(target, db_key, create=True)
        try:
            migrate(conn)
            conn.execute("BEGIN IMMEDIATE")
            for key, value in identity.items():
                conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)",
                             (key, json.dumps(value, ensure_ascii=False)))
            conn.execute("COMMIT")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()

    return _swap_in(data_dir, key_file, db_key, fill, store=None, reason="fresh-from-head-office")
