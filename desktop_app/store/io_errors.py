"""Turning low-level failures (SQLite result codes, OS errno) into store errors with a Chinese
message, so neither the GUI nor the CLI ever shows "database or disk is full" or a traceback.

Only failures that say something about the medium are translated here; SQLITE_CORRUPT and
SQLITE_NOTADB are damage, which the opening code handles itself (connection.py).
"""

from __future__ import annotations

import errno

import sqlcipher3

from desktop_app.store.errors import DiskFull, ReadOnlyMedia, StoreBusy, StoreError, StoreIOError

_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 5, 6, 8
_SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_PERM = 10, 13, 14, 3


def translate(exc: BaseException) -> StoreError | None:
    """The store error for ``exc``, or None when it is not a medium problem (a bug, damage)."""
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, OSError):
        return _from_errno(exc)
    if isinstance(exc, sqlcipher3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else None
        text = str(exc).lower()
        if primary == _SQLITE_FULL or "disk is full" in text:
            return DiskFull(detail=str(exc))
        if primary in (_SQLITE_READONLY, _SQLITE_PERM) or "readonly" in text:
            return ReadOnlyMedia(detail=str(exc))
        if primary in (_SQLITE_BUSY, _SQLITE_LOCKED) or "locked" in text:
            return StoreBusy(detail=str(exc))
        if primary in (_SQLITE_IOERR, _SQLITE_CANTOPEN) or "disk i/o" in text or "unable to open" in text:
            return StoreIOError(detail=str(exc))
    return None


def _from_errno(exc: OSError) -> StoreError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return DiskFull(detail=str(exc))
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return ReadOnlyMedia(detail=str(exc))
    return StoreIOError(detail=str(exc))


def raise_translated(exc: BaseException) -> None:
    """Re-raise ``exc`` as its store error when it has one (chained), else leave it to the caller."""
    translated = translate(exc)
    if translated is not None and translated is not exc:
        raise translated from exc
