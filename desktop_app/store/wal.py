"""Reading SQLite's write-ahead log from outside, to tell whether it replayed completely.

SQLite replays a WAL frame by frame and stops, silently, at the first frame whose checksum does
not match; everything committed after it is ignored, and the next checkpoint plus close deletes
the log for good (issue 11: one flipped byte in the WAL dropped 136 of 151 saves). So before the
store opens a database for writing, it compares how far SQLite's recovery got (the wal-index
header in ``-shm``, https://www.sqlite.org/walformat.html) with the commit frames in the file: a
commit frame of the current WAL generation beyond that point is a transaction that was
acknowledged to the clerk and did not come back. Such a log is copied aside before anything else.

When ``-shm`` cannot be read the checksums are verified here instead (slower: pure Python).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

WAL_HEADER = 32
FRAME_HEADER = 24
_MAGIC_LE, _MAGIC_BE = 0x377F0682, 0x377F0683
_SHM_VERSION = 3007000


@dataclass(frozen=True)
class WalReport:
    """What the log holds compared with what SQLite's recovery accepted."""

    frames: int  # complete frames in the file (all generations)
    replayed: int  # frames SQLite accepted (its mxFrame)
    commits_replayed: int  # commit frames among those
    commits_lost: int  # commit frames of the current generation beyond ``replayed``

    @property
    def complete(self) -> bool:
        return self.commits_lost == 0


def wal_path(db: Path) -> Path:
    return db.with_name(db.name + "-wal")


def shm_path(db: Path) -> Path:
    return db.with_name(db.name + "-shm")


def inspect(db: Path, *, page_size: int | None = None) -> WalReport | None:
    """Compare the WAL beside ``db`` with SQLite's recovery; None when there is no (non-empty) WAL.

    Call it after a read-only connection has read the database (so recovery has run and written
    the wal-index), never after a writer may have reset the log.
    """
    wal = wal_path(db)
    try:
        data = wal.read_bytes()
    except FileNotFoundError:
        return None
    if not data:
        return None
    header = _header(data)
    size = page_size or (header[2] if header else 0)
    if not size or size & (size - 1) or not 512 <= size <= 65536:
        size = 4096
    frames = _frames(data, size)
    if not frames:
        return WalReport(0, 0, 0, 0)
    if header is not None and _header_checksum_ok(data, header[0]):
        salts = data[16:24]
        big_endian = header[0] == _MAGIC_BE
    else:
        # A damaged header makes SQLite ignore the whole log; the first frame is always of the
        # current generation (a reset rewrites the log from its start), so its salts say which.
        salts = data[WAL_HEADER + 8 : WAL_HEADER + 16]
        big_endian = False
    replayed = _replayed_from_shm(db, data) if header is not None else 0
    if replayed is None:
        replayed = _replayed_by_checksum(data, size, big_endian) if header is not None else 0
    replayed = min(replayed, len(frames))
    commits_replayed = sum(1 for _pg, commit, _salts in frames[:replayed] if commit)
    lost = sum(1 for _pg, commit, frame_salts in frames[replayed:] if commit and frame_salts == salts)
    return WalReport(len(frames), replayed, commits_replayed, lost)


def _header(data: bytes) -> tuple[int, int, int, int] | None:
    if len(data) < WAL_HEADER:
        return None
    magic, version, page_size, _seq = struct.unpack(">4I", data[:16])
    if magic not in (_MAGIC_LE, _MAGIC_BE) or version != 3007000:
        return None
    return magic, version, page_size, _seq


def _frames(data: bytes, page_size: int) -> list[tuple[int, bool, bytes]]:
    """(page number, is a commit frame, salts) for every complete frame."""
    out = []
    offset = WAL_HEADER
    step = FRAME_HEADER + page_size
    while offset + step <= len(data):
        page, db_size = struct.unpack(">2I", data[offset : offset + 8])
        out.append((page, db_size != 0, data[offset + 8 : offset + 16]))
        offset += step
    return out


def _replayed_from_shm(db: Path, data: bytes) -> int | None:
    """SQLite's mxFrame from the wal-index header (both copies must agree and match this log)."""
    try:
        shm = shm_path(db).read_bytes()[:96]
    except OSError:
        return None
    if len(shm) < 96 or shm[:48] != shm[48:96]:
        return None
    version, _unused, _change, is_init, _big, _size, mx_frame = struct.unpack("<3IBBHI", shm[:20])
    if version != _SHM_VERSION or is_init != 1 or shm[32:40] != data[16:24]:
        return None
    return int(mx_frame)


def _checksum(words: tuple[int, ...], s0: int, s1: int) -> tuple[int, int]:
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def _header_checksum_ok(data: bytes, magic: int) -> bool:
    order = ">" if magic == _MAGIC_BE else "<"
    s0, s1 = _checksum(struct.unpack(f"{order}6I", data[:24]), 0, 0)
    return (s0, s1) == struct.unpack(">2I", data[24:32])


def _replayed_by_checksum(data: bytes, page_size: int, big_endian: bool) -> int:
    """How many frames SQLite's recovery accepts: up to the last commit before the first bad frame."""
    order = ">" if big_endian else "<"
    s0, s1 = struct.unpack(">2I", data[24:32])
    salts = data[16:24]
    words_in_page = page_size // 4
    offset, index, last_commit = WAL_HEADER, 0, 0
    step = FRAME_HEADER + page_size
    while offset + step <= len(data):
        frame = data[offset : offset + step]
        if frame[8:16] != salts:
            break
        s0, s1 = _checksum(struct.unpack(f"{order}2I", frame[:8]), s0, s1)
        s0, s1 = _checksum(struct.unpack(f"{order}{words_in_page}I", frame[FRAME_HEADER:]), s0, s1)
        if (s0, s1) != struct.unpack(">2I", frame[16:24]):
            break
        index += 1
        if struct.unpack(">I", frame[4:8])[0]:
            last_commit = index
        offset += step
    return last_commit
