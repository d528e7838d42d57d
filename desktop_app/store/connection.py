"""Opening the SQLCipher database with a raw key and the pragmas that keep plaintext off the disk.

Opening an existing database is two steps (issue 11). First a *read-only* connection proves the
key on page 1, lets SQLite replay the WAL, checks every page (``PRAGMA quick_check``: each page's
HMAC, b-tree structure) and compares the replay with the log on disk (wal.py). A read-only
connection can never checkpoint, so a damaged ``ledger.db`` beside its WAL — the normal state
after a crash — is judged before anything could write into it. Only then does the read-write
connection open. Damage raises :class:`DatabaseDamage` with the files untouched; moving them aside
is the store's decision (store.py).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from desktop_app.store import wal
from desktop_app.store.errors import StoreCorrupted, StoreNotFound
from desktop_app.store.io_errors import translate
from domain.i18n import t

# Everything that could spill plaintext stays encrypted or in memory:
# - the WAL is encrypted by SQLCipher like the main file;
# - temp tables/indices (sorts, FTS merges) stay in memory instead of unencrypted temp files;
# - freed pages are overwritten, so deleted text does not linger in free lists.
_PRAGMAS = (
    "PRAGMA temp_store = MEMORY",
    "PRAGMA secure_delete = ON",
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA busy_timeout = 5000",
)

SQLCIPHER_HEADER_PLAIN = b"SQLite format 3\x00"
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26
# Every page is checked (quick_check) after a crash (a WAL with frames), when damage was seen
# (CHECK_MARKER), and for databases up to this size (~0.3–0.8 s on the reference machine). A larger
# database closed cleanly gets the cheap checks only (page 1, size): a 120 MB ledger took 5 s.
FULL_CHECK_MAX_BYTES = 16 * 1024 * 1024
CHECK_MARKER = "ledger.check-needed"


def is_damage(exc: BaseException) -> bool:
    """SQLite says the file is damaged (not busy, not full, not gone)."""
    code = getattr(exc, "sqlite_errorcode", 0) or 0
    text = str(exc)
    return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or "malformed" in text or "not a database" in text


def mark_check_needed(db: Path) -> None:
    """Remember that damage was seen, so the next open checks every page."""
    with contextlib.suppress(OSError):
        (db.parent / CHECK_MARKER).touch()


class DatabaseDamage(StoreCorrupted):
    """The database (or its WAL) is damaged; nothing has been written to any of its files."""


@dataclass(frozen=True)
class OpenReport:
    """What opening found that the clerk must be told about (the store opened anyway)."""

    wal: wal.WalReport | None = None

    @property
    def wal_incomplete(self) -> bool:
        return self.wal is not None and not self.wal.complete


def _connect(target: str, *, uri: bool = False) -> sqlcipher3.Connection:
    conn = sqlcipher3.connect(target, isolation_level=None, check_same_thread=False, uri=uri)
    # SQLCipher logs decryption failures in English on stderr; the store reports them itself.
    with contextlib.suppress(sqlcipher3.Error):
        conn.execute("PRAGMA cipher_log_level = NONE")
    return conn


def _key(conn: sqlcipher3.Connection, db_key: bytes) -> None:
    conn.execute(f"PRAGMA key = \"x'{db_key.hex()}'\"")


def open_encrypted(path: Path, db_key: bytes, *, create: bool = False) -> sqlcipher3.Connection:
    """Open (or with ``create`` make) the encrypted database at ``path`` with the raw 256-bit key.

    For an existing database call :func:`check_database` first; this opens for writing.
    Raises StoreCorrupted when the file cannot be read with this key; a medium problem (full,
    read-only, I/O) raises its store error. Nothing has been written in either case.
    """
    if not create and not path.exists():
        raise StoreNotFound(detail=str(path))
    try:
        conn = _connect(str(path))
    except sqlcipher3.Error as exc:
        raise translate(exc) or StoreCorrupted(detail=str(exc)) from exc
    try:
        _key(conn, db_key)
        # Reading the schema decrypts page 1 and checks its HMAC; with a wrong key or damaged
        # header this is where it fails, before any pragma below could write to the file.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        configure(conn)
    except sqlcipher3.Error as exc:
        conn.close()
        raise translate(exc) or StoreCorrupted(detail=str(exc)) from exc
    return conn


def check_database(path: Path, db_key: bytes, *, full: bool | None = None) -> OpenReport:
    """Judge an existing database before it is opened for writing (see the module docstring).

    Raises :class:`DatabaseDamage` (files untouched) for a foreign, truncated or damaged file; a
    medium problem raises its store error. Returns what the clerk must hear about a WAL that did
    not replay completely (the caller keeps that log aside before opening for writing).
    ``full`` forces (or skips) the every-page check; by default see :data:`FULL_CHECK_MAX_BYTES`.
    """
    if not path.exists():
        raise StoreNotFound(detail=str(path))
    _check_header(path)
    # A reader of a WAL-mode database creates -wal/-shm when they are missing; those it made are
    # removed again, so a refused database's set of files is exactly what it was.
    made = [p for p in (wal.wal_path(path), wal.shm_path(path)) if not p.exists()]
    try:
        conn = _connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlcipher3.Error as exc:
        raise translate(exc) or DatabaseDamage(detail=str(exc)) from exc
    try:
        _key(conn, db_key)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        report = wal.inspect(path, page_size=int(conn.execute("PRAGMA page_size").fetchone()[0]))
        if report is None:
            _check_not_truncated(conn, path)
        marker = path.parent / CHECK_MARKER
        if full is None:
            full = report is not None or marker.exists() or os.path.getsize(path) <= FULL_CHECK_MAX_BYTES
        if full:
            problems = [row[0] for row in conn.execute("PRAGMA quick_check(20)").fetchall()]
            if problems != ["ok"]:
                raise DatabaseDamage(detail="; ".join(str(p) for p in problems)[:500])
            with contextlib.suppress(OSError):
                marker.unlink(missing_ok=True)
    except sqlcipher3.Error as exc:
        if is_damage(exc):
            raise DatabaseDamage(detail=str(exc)) from exc
        raise translate(exc) or DatabaseDamage(detail=str(exc)) from exc
    except MemoryError as exc:  # a damaged cell can claim an absurd size (SQLITE_NOMEM)
        raise DatabaseDamage(detail="out of memory reading a damaged page") from exc
    finally:
        conn.close()  # read-only: closing cannot checkpoint into the file
        for extra in made:
            with contextlib.suppress(OSError):
                if extra == wal.shm_path(path) or extra.stat().st_size == 0:
                    extra.unlink()
    return OpenReport(wal=report)


def configure(conn: sqlcipher3.Connection) -> None:
    """Apply the store's pragmas (also used by the benchmark's plain-SQLite baseline)."""
    for pragma in _PRAGMAS:
        conn.execute(pragma)


def _check_header(path: Path) -> None:
    with open(path, "rb") as fh:
        header = fh.read(16)
    if header == SQLCIPHER_HEADER_PLAIN:
        raise DatabaseDamage(t("这是一个未加密的数据库文件，不是本程序的加密台账"), detail=str(path))
    if len(header) < 16:
        raise DatabaseDamage(detail=f"{path}: file too short")


def _check_not_truncated(conn: sqlcipher3.Connection, path: Path) -> None:
    """Without a WAL, the main file must hold every page the header announces (cheap, and it
    catches a truncation that only cuts free pages, which quick_check does not read)."""
    page_count = int(conn.execute("PRAGMA page_count").fetchone()[0])
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    if os.path.getsize(path) < page_count * page_size:
        raise DatabaseDamage(detail=f"{path}: truncated ({os.path.getsize(path)} < {page_count * page_size})")
