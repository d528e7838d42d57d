"""Where head office keeps attachment bytes: outside its database, behind a small interface.

The database holds only references (``blob_refs``, blobrefs.py); the bytes live in a
:class:`BlobStorage`. :class:`DirectoryStorage` is the default: ``<root>/<branch>/<aa>/<sha256>``
for a complete, verified blob and ``….part`` next to it while an upload is under way. Blobs are
stored per branch, so a digest two branches both hold is two files: reading or deleting one
branch's data never touches another's (dedup is per branch, issue 14).

An upload appends at the partial file's current size and fsyncs before the route acknowledges
the new offset (tus core, sync-notes §6.11): a cut mid-chunk keeps what was written, and a
retried or concurrent append at a stale offset is refused (:class:`OffsetMismatch`), never
written twice. Appends of one blob are serialized by an exclusive ``flock`` on the partial file,
so two uvicorn workers (or two devices of a branch) cannot interleave bytes.

:class:`~sync.server.blobstore_s3.S3Storage` implements the same interface on an S3-compatible
object store (MinIO, Ceph, OSS) for a large deployment: uploads under way stay in a local
``DirectoryStorage`` until complete and verified, then go to the bucket (blobstore_s3.py).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from sync.server.private_files import ensure_private_dir

try:
    import fcntl
except ImportError:  # pragma: no cover - head office runs on Linux; elsewhere no cross-process lock
    fcntl = None  # type: ignore[assignment]


class OffsetMismatch(Exception):
    """An append did not start where the partial upload ends (``held`` bytes)."""

    def __init__(self, held: int) -> None:
        super().__init__(f"upload holds {held} bytes")
        self.held = held


class Appender(Protocol):
    offset: int

    def write(self, data: bytes) -> None: ...

    def commit(self) -> int:
        """Flush and fsync what was written; the new offset."""
        ...

    def close(self) -> None:
        """Commit and release the blob (also after a cut: what arrived is kept)."""
        ...


class BlobStorage(Protocol):
    """The operations head office needs; every method blocks (routes run them in worker threads)."""

    def partial_size(self, branch_id: str, sha256: str) -> int | None:
        """Bytes of the upload under way, or None when none was created."""
        ...

    def create(self, branch_id: str, sha256: str) -> int:
        """Start an upload (idempotent); its current size."""
        ...

    def open_append(self, branch_id: str, sha256: str, offset: int) -> Appender:
        """An exclusive appender at ``offset`` (raises :class:`OffsetMismatch` / FileNotFoundError)."""
        ...

    def open_partial(self, branch_id: str, sha256: str) -> BinaryIO: ...

    def complete(self, branch_id: str, sha256: str) -> None:
        """Make the verified partial the blob (atomically)."""
        ...

    def discard(self, branch_id: str, sha256: str) -> None: ...

    def has(self, branch_id: str, sha256: str) -> bool: ...

    def local_file(self, branch_id: str, sha256: str) -> Path | None:
        """The complete blob as a local file (served with sendfile), or None when it is remote."""
        ...

    def read_range(self, branch_id: str, sha256: str, start: int, end: int) -> Iterator[bytes]:
        """Bytes ``start``..``end`` (inclusive) of a complete blob, in pieces."""
        ...

    def put_thumbnail(self, branch_id: str, sha256: str, data: bytes) -> None: ...

    def thumbnail(self, branch_id: str, sha256: str) -> bytes | None: ...


class _FileAppender:
    def __init__(self, handle: BinaryIO, offset: int) -> None:
        self.handle = handle
        self.offset = offset

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self.offset += len(data)

    def commit(self) -> int:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        return self.offset

    def close(self) -> None:
        try:
            self.commit()
        finally:
            self.handle.close()  # closing releases the flock


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class DirectoryStorage:
    """Blobs as files under ``root`` (0700 directories; files only head office's user can read)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        ensure_private_dir(self.root)

    def _dir(self, branch_id: str, sha256: str) -> Path:
        # Both parts are validated upstream (a branch id from the database, a 64-hex digest), so
        # neither can name another directory; this is a second line of defence.
        folder = self.root / branch_id / sha256[:2]
        if folder.resolve().parent.parent != self.root.resolve():
            raise ValueError("blob path escapes the storage root")
        return folder

    def _final(self, branch_id: str, sha256: str) -> Path:
        return self._dir(branch_id, sha256) / sha256

    def _partial(self, branch_id: str, sha256: str) -> Path:
        return self._dir(branch_id, sha256) / f"{sha256}.part"

    def partial_path(self, branch_id: str, sha256: str) -> Path:
        """The upload under way as a local file (the S3 store uploads it from here once verified)."""
        return self._partial(branch_id, sha256)

    def partial_size(self, branch_id: str, sha256: str) -> int | None:
        try:
            return self._partial(branch_id, sha256).stat().st_size
        except FileNotFoundError:
            return None

    def create(self, branch_id: str, sha256: str) -> int:
        folder = self._dir(branch_id, sha256)
        ensure_private_dir(folder.parent)
        ensure_private_dir(folder)
        partial = self._partial(branch_id, sha256)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT, 0o600))
        return partial.stat().st_size

    def open_append(self, branch_id: str, sha256: str, offset: int) -> Appender:
        # FileNotFoundError when no upload was created; the appender owns (and closes) the handle.
        handle = open(self._partial(branch_id, sha256), "r+b")  # noqa: SIM115
        try:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            held = os.fstat(handle.fileno()).st_size
            if held != offset:
                raise OffsetMismatch(held)
            handle.seek(offset)
        except BaseException:
            handle.close()
            raise
        return _FileAppender(handle, offset)

    def open_partial(self, branch_id: str, sha256: str) -> BinaryIO:
        return open(self._partial(branch_id, sha256), "rb")

    def complete(self, branch_id: str, sha256: str) -> None:
        os.replace(self._partial(branch_id, sha256), self._final(branch_id, sha256))
        _fsync_dir(self._dir(branch_id, sha256))

    def discard(self, branch_id: str, sha256: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._partial(branch_id, sha256).unlink()

    def has(self, branch_id: str, sha256: str) -> bool:
        return self._final(branch_id, sha256).is_file()

    def path(self, branch_id: str, sha256: str) -> Path:
        return self._final(branch_id, sha256)

    def local_file(self, branch_id: str, sha256: str) -> Path | None:
        return self._final(branch_id, sha256)

    def read_range(self, branch_id: str, sha256: str, start: int, end: int) -> Iterator[bytes]:
        with open(self._final(branch_id, sha256), "rb") as handle:
            handle.seek(start)
            left = end - start + 1
            while left > 0 and (chunk := handle.read(min(left, 256 * 1024))):
                left -= len(chunk)
                yield chunk

    def put_thumbnail(self, branch_id: str, sha256: str, data: bytes) -> None:
        target = self._dir(branch_id, sha256) / f"{sha256}.thumb"
        temp = target.with_name(target.name + ".tmp")
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)

    def thumbnail(self, branch_id: str, sha256: str) -> bytes | None:
        try:
            return (self._dir(branch_id, sha256) / f"{sha256}.thumb").read_bytes()
        except FileNotFoundError:
            return None

    def files(self) -> list[Path]:
        """Every file under the root (for tests and audits)."""
        return sorted(p for p in self.root.rglob("*") if p.is_file())
