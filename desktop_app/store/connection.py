"""Opening the SQLCipher database with a raw key and the pragmas that keep plaintext off the disk."""

from __future__ import annotations

import os
from pathlib import Path

import sqlcipher3

from desktop_app.store.errors import StoreCorrupted, StoreNotFound

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


def open_encrypted(path: Path, db_key: bytes, *, create: bool = False) -> sqlcipher3.Connection:
    """Open (or with ``create`` make) the encrypted database at ``path`` with the raw 256-bit key.

    Raises StoreCorrupted when the file cannot be read with this key (truncated, damaged, foreign):
    in that case nothing has been written to the file.
    """
    if not create and not path.exists():
        raise StoreNotFound(detail=str(path))
    if not create:
        _check_not_plain_sqlite(path)
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA key = \"x'{db_key.hex()}'\"")
        # Reading the schema decrypts page 1 and checks its HMAC; with a wrong key or damaged
        # header this is where it fails, before any pragma below could write to the file.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if not create:
            _check_not_truncated(conn, path)
        configure(conn)
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise StoreCorrupted(detail=str(exc)) from exc
    except StoreCorrupted:
        conn.close()
        raise
    return conn


def configure(conn: sqlcipher3.Connection) -> None:
    """Apply the store's pragmas (also used by the benchmark's plain-SQLite baseline)."""
    for pragma in _PRAGMAS:
        conn.execute(pragma)


def _check_not_plain_sqlite(path: Path) -> None:
    with open(path, "rb") as fh:
        header = fh.read(16)
    if header == SQLCIPHER_HEADER_PLAIN:
        raise StoreCorrupted("这是一个未加密的数据库文件，不是本程序的加密台账", detail=str(path))
    if len(header) < 16:
        raise StoreCorrupted(detail=f"{path}: file too short")


def _check_not_truncated(conn: sqlcipher3.Connection, path: Path) -> None:
    """A truncated file would only fail later, mid-work; catch it at unlock instead.

    Without a WAL, the main file must hold every page the header announces.
    """
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return
    page_count = int(conn.execute("PRAGMA page_count").fetchone()[0])
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    if os.path.getsize(path) < page_count * page_size:
        raise StoreCorrupted(detail=f"{path}: truncated ({os.path.getsize(path)} < {page_count * page_size})")
