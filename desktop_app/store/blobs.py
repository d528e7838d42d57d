"""The client's encrypted, content-addressed store of attached files (issue 14).

Layout: ``<data>/blobs/<aa>/<name>`` where ``name`` is HMAC-SHA256(name key, sha256 of the content):
the plaintext digest is not visible on disk, and the same file attached twice is one file. Keys come
from the database key (the vault's) by HKDF-SHA256 with ``info=b"branch-ledger blobs v1"``: 64 bytes,
the first half the AES-256-GCM key, the second the name key. A stolen laptop therefore shows nothing
of an attachment, and a backup with the database's key file decrypts its blobs too.

File format (version 1)::

    header   24 bytes  b"BLB1" | version u8 | segment size u32 | plaintext size u64 | nonce prefix 7 bytes
    segment  ≤ 64 KiB of ciphertext + 16-byte GCM tag, repeated

Segment *i* is sealed with nonce ``prefix ‖ i (u32) ‖ last flag (u8)`` and associated data
``header ‖ sha256``; a reader decrypts only the segments an offset needs (bounded memory, which the
sync queue relies on), a reordered, cut or swapped segment or file fails its tag, and reading to the
end also checks the full SHA-256. Any mismatch is :class:`AttachmentDamaged` — never another file.

Nothing is ever written in plaintext: downscaling, EXIF rotation, GPS removal and thumbnails work on
bytes in memory (Pillow on ``BytesIO``), files are sealed segment by segment into an encrypted
``.tmp`` beside their final name and renamed into place. Metadata and thumbnails live in the
``blobs`` table of the SQLCipher database (migration 6).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import io
import os
import re
import secrets
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop_app.store.atomic import fsync_dir
from desktop_app.store.codec import unpack_text
from desktop_app.store.errors import StoreError
from domain.attachments import (
    DEFAULT_MAX_BYTES,
    HEIC,
    IMAGE_MIME,
    JPEG,
    KNOWN_MIME,
    PDF,
    PNG,
    AttachmentRef,
    AttachmentRefused,
    AttachmentRole,
    CheckedFile,
    check_content,
    name_problem,
    sniff,
)
from domain.i18n import N_, t

if TYPE_CHECKING:
    from desktop_app.store.store import Store

BLOBS_DIR = "blobs"
SEGMENT = 64 * 1024
TAG = 16
MAGIC = b"BLB1"
FORMAT_VERSION = 1
_HEADER = struct.Struct(">4sBIQ7s")
HEADER_SIZE = _HEADER.size  # 24
KDF_INFO = b"branch-ledger blobs v1"
LONG_EDGE = 2000  # downscale target (issue 14: a day's photos must fit a 2 Mbit/s link)
JPEG_QUALITY = 85
THUMB_EDGE = 320
MAX_THUMBNAIL_BYTES = 512 * 1024
# A blob put by an editor is unreferenced until the record (or its autosaved buffer) is saved; it is
# collected only when it has stayed unreferenced this long.
COLLECT_GRACE = dt.timedelta(hours=24)
META_MAX_BYTES = "attachments.max_bytes"  # the configurable per-file limit (设置; attachments limit)
MIN_LIMIT, MAX_LIMIT = 1024 * 1024, 200 * 1024 * 1024
_HEX64 = re.compile(r"[0-9a-f]{64}")
_GPS_IFD = 0x8825
_ORIENTATION = 0x0112


class AttachmentDamaged(StoreError):
    """A stored attachment failed its check (tag or digest): reported, never shown as another file."""

    message = N_("附件已损坏，无法打开（加密校验失败）")

    def __init__(self, sha256: str, message: str | None = None, *, name: str = "") -> None:
        self.sha256 = sha256
        text = t(message or self.message)  # the raise sites' reasons are marked N_ for the catalog
        super().__init__(t("附件“{name}”已损坏：{reason}", name=name, reason=text) if name else text,
                         detail=sha256[:12])


class AttachmentMissing(StoreError):
    """The attachment's content is not on this device (yet): only its thumbnail or nothing."""

    message = N_("附件内容尚未下载到本机")

    def __init__(self, sha256: str) -> None:
        self.sha256 = sha256
        super().__init__(detail=sha256[:12])


def derive_keys(db_key: bytes) -> tuple[bytes, bytes]:
    """(AES-256-GCM key, file-name HMAC key) from the database key."""
    okm = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=KDF_INFO).derive(db_key)
    return okm[:32], okm[32:]


def _segments(size: int) -> int:
    return max(1, -(-size // SEGMENT))


def encrypted_size(size: int) -> int:
    return HEADER_SIZE + size + _segments(size) * TAG


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


class _Sealer:
    """Seals one blob's plaintext, segment by segment, into an open file."""

    def __init__(self, aead: AESGCM, sha256: str, size: int, prefix: bytes | None = None) -> None:
        self.prefix = prefix or secrets.token_bytes(7)
        self.header = _HEADER.pack(MAGIC, FORMAT_VERSION, SEGMENT, size, self.prefix)
        self.aad = self.header + bytes.fromhex(sha256)
        self.size = size
        self.count = _segments(size)
        self._aead = aead

    def seal(self, index: int, plaintext: bytes) -> bytes:
        return self._aead.encrypt(_nonce(self.prefix, index, index == self.count - 1), plaintext, self.aad)


class BlobReader:
    """Random access to one blob's plaintext; decrypts only the segments a read touches.

    ``read(offset, n)`` checks each segment's tag; :meth:`chunks` reads it all and checks the full
    SHA-256 at the end. Use as a context manager (or call :meth:`close`).
    """

    def __init__(self, path: Path, aead: AESGCM, sha256: str, name: str = "") -> None:
        self.sha256 = sha256
        self._name = name
        self._aead = aead
        try:
            self._file: IO[bytes] = open(path, "rb")  # noqa: SIM115 — closed by close()
        except FileNotFoundError as exc:
            raise AttachmentDamaged(sha256, N_("附件文件丢失"), name=name) from exc
        header = self._file.read(HEADER_SIZE)
        try:
            magic, version, segment, size, prefix = _HEADER.unpack(header)
        except struct.error as exc:
            self.close()
            raise AttachmentDamaged(sha256, N_("附件文件不完整"), name=name) from exc
        if magic != MAGIC or version != FORMAT_VERSION or segment != SEGMENT or size <= 0:
            self.close()
            raise AttachmentDamaged(sha256, N_("附件文件格式不对"), name=name)
        self._file.seek(0, io.SEEK_END)
        if self._file.tell() != encrypted_size(size):
            self.close()
            raise AttachmentDamaged(sha256, N_("附件文件长度不对（被截断或被改动）"), name=name)
        self.size: int = size
        self._prefix = prefix
        self._aad = header + bytes.fromhex(sha256)
        self._count = _segments(size)
        self._cached: tuple[int, bytes] | None = None

    def _segment(self, index: int) -> bytes:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        plain_len = SEGMENT if index < self._count - 1 else self.size - SEGMENT * (self._count - 1)
        self._file.seek(HEADER_SIZE + index * (SEGMENT + TAG))
        sealed = self._file.read(plain_len + TAG)
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, index, index == self._count - 1), sealed, self._aad)
        except InvalidTag as exc:
            raise AttachmentDamaged(self.sha256, name=self._name) from exc
        self._cached = (index, plain)
        return plain

    def read(self, offset: int, n: int) -> bytes:
        """Up to ``n`` plaintext bytes from ``offset`` (fewer only at the end)."""
        if offset < 0 or n < 0:
            raise ValueError("negative offset or length")
        end = min(self.size, offset + n)
        out = bytearray()
        while offset < end:
            index, within = divmod(offset, SEGMENT)
            piece = self._segment(index)[within: within + (end - offset)]
            out += piece
            offset += len(piece)
        return bytes(out)

    def chunks(self, size: int = SEGMENT) -> Iterator[bytes]:
        """The whole plaintext in chunks; raises :class:`AttachmentDamaged` at the end on a digest mismatch."""
        digest = hashlib.sha256()
        for offset in range(0, self.size, size):
            chunk = self.read(offset, size)
            digest.update(chunk)
            yield chunk
        if digest.hexdigest() != self.sha256:
            raise AttachmentDamaged(self.sha256, N_("附件内容与记录的摘要不符"), name=self._name)

    def stream(self) -> IO[bytes]:
        """A seekable read-only file object over the plaintext (for Pillow, zipfile, pypdfium2 …)."""
        return io.BufferedReader(_RawBlob(self), buffer_size=SEGMENT)

    def close(self) -> None:
        self._file.close()
        self._cached = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _RawBlob(io.RawIOBase):
    def __init__(self, reader: BlobReader) -> None:
        self._reader = reader
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._reader.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        data = self._reader.read(self._pos, len(buffer))
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)


class BlobWriter:
    """A resumable download of one blob (from head office), sealed as it arrives.

    ``offset`` is how many plaintext bytes are held; a new :meth:`BlobStore.begin_download` after a cut
    or a restart resumes from the last complete segment kept on disk (at most 64 KiB less than what was
    appended), so the caller asks head office for ``Range: bytes=<offset>-``. :meth:`finish` verifies
    the digest and runs :func:`check_content` before the blob counts as held. Like every store call,
    each :meth:`append` runs under the store's lock (it records the offset in the database); the
    network wait between chunks does not need it.
    """

    def __init__(self, blobs: BlobStore, ref: AttachmentRef) -> None:
        self.ref = ref
        self._blobs = blobs
        self._final = blobs.path_of(ref.sha256)
        self._part = self._final.with_name(self._final.name + ".part")
        self._buffer = bytearray()
        self._done = blobs.has(ref.sha256)
        self._file: IO[bytes] | None = None
        self._durable = 0
        if self._done:
            self._sealer: _Sealer | None = None
            return
        durable, prefix = blobs._partial(ref.sha256)
        if prefix is not None and self._part.exists() and self._part.stat().st_size >= HEADER_SIZE:
            self._sealer = _Sealer(blobs._aead, ref.sha256, ref.size, prefix)
            with open(self._part, "rb") as f:
                if f.read(HEADER_SIZE) != self._sealer.header:
                    durable, prefix = 0, None
            kept = durable // SEGMENT
            if prefix is not None and self._part.stat().st_size >= HEADER_SIZE + kept * (SEGMENT + TAG):
                self._file = open(self._part, "r+b")  # noqa: SIM115 — closed by finish/abort/close
                self._file.truncate(HEADER_SIZE + kept * (SEGMENT + TAG))
                self._file.seek(0, io.SEEK_END)
                self._durable = kept * SEGMENT
        if self._file is None:
            self._sealer = _Sealer(blobs._aead, ref.sha256, ref.size)
            self._part.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self._part, "wb")  # noqa: SIM115
            self._file.write(self._sealer.header)
            blobs._set_partial(ref, 0, self._sealer.prefix)

    @property
    def offset(self) -> int:
        return self.ref.size if self._done else self._durable + len(self._buffer)

    @property
    def complete(self) -> bool:
        return self._done

    def append(self, chunk: bytes) -> int:
        """Take the next bytes (from ``offset``); returns the new offset."""
        if self._done:
            raise StoreError(N_("附件已下载完成"))
        if self.offset + len(chunk) > self.ref.size:
            self.abort()
            raise AttachmentDamaged(self.ref.sha256, N_("下载的数据超过文件大小"), name=self.ref.name)
        assert self._file is not None and self._sealer is not None
        self._buffer += chunk
        wrote = False
        while len(self._buffer) >= SEGMENT or (self._buffer and self.offset == self.ref.size):
            piece = bytes(self._buffer[:SEGMENT])
            self._file.write(self._sealer.seal(self._durable // SEGMENT, piece))
            del self._buffer[: len(piece)]
            self._durable += len(piece)
            wrote = True
        if wrote:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._blobs._set_partial(self.ref, self._durable, self._sealer.prefix)
        return self.offset

    def finish(self) -> AttachmentRef:
        """Verify (every tag, the SHA-256, :func:`check_content`) and keep; a bad file is discarded."""
        if self._done:
            return self.ref
        if self.offset != self.ref.size:
            raise StoreError(t("附件尚未下载完（{done}/{size} 字节）", done=self.offset, size=self.ref.size))
        assert self._file is not None
        self._file.close()
        blobs = self._blobs
        try:
            with BlobReader(self._part, blobs._aead, self.ref.sha256, self.ref.name) as reader:
                for _ in reader.chunks(1024 * 1024):
                    pass
                checked = check_content(reader.stream(), self.ref.name, max_bytes=max(blobs.max_bytes, self.ref.size),
                                        accepted=KNOWN_MIME)
            if checked.mime != self.ref.mime:
                raise AttachmentRefused(self.ref.name, "type_mismatch", t("文件类型与记录的类型不符"))
        except (AttachmentDamaged, AttachmentRefused):
            self.abort()
            raise
        os.replace(self._part, self._final)
        fsync_dir(self._final.parent)
        thumb = blobs._thumbnail_of_sealed(self.ref)
        blobs._mark_local(self.ref, thumb)
        self._done = True
        return self.ref

    def abort(self) -> None:
        """Drop what was received (the next download starts from 0)."""
        if self._file is not None:
            self._file.close()
        with contextlib.suppress(FileNotFoundError):
            self._part.unlink()
        self._blobs._set_partial(self.ref, 0, None)
        self._buffer.clear()
        self._durable = 0

    def close(self) -> None:
        """Stop for now, keeping the sealed segments for a later resume."""
        if self._file is not None and not self._file.closed:
            self._file.close()


@dataclass(frozen=True)
class BlobInfo:
    sha256: str
    size: int
    mime: str
    state: str  # local / thumb_only / absent
    has_thumbnail: bool
    partial_offset: int


class BlobStore:
    """Encrypted, content-addressed attachment files of one store (see the module docstring).

    Callers hold the store's lock (operations take ``ledger.guard()``); the methods use the store's
    transactions for their metadata.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self.root = Path(store.data_dir) / BLOBS_DIR
        key, self._name_key = derive_keys(store.db_key_for_backup())
        self._aead = AESGCM(key)

    @property
    def max_bytes(self) -> int:
        """The size limit of one attached file: the ledger's setting, 20 MB unless changed."""
        value = self._store.meta.get(META_MAX_BYTES)
        return value if isinstance(value, int) and MIN_LIMIT <= value <= MAX_LIMIT else DEFAULT_MAX_BYTES

    def set_max_bytes(self, value: int) -> None:
        if not MIN_LIMIT <= value <= MAX_LIMIT:
            raise StoreError(t("附件大小上限须在 {low} MB 到 {high} MB 之间",
                               low=MIN_LIMIT // 2**20, high=MAX_LIMIT // 2**20))
        with self._store.transaction():
            self._store.meta.set(META_MAX_BYTES, value)

    # ------------------------------------------------------------ naming

    def path_of(self, sha256: str) -> Path:
        name = hmac.new(self._name_key, bytes.fromhex(sha256), hashlib.sha256).hexdigest()
        return self.root / name[:2] / name

    # ------------------------------------------------------------ putting files in

    def put_file(self, path: str | os.PathLike[str], *, downscale: bool = True,
                 role: AttachmentRole = AttachmentRole.OTHER, caption: str = "", name: str | None = None,
                 max_bytes: int | None = None) -> AttachmentRef:
        """Check and keep a file the clerk picked; the original stays where it is, untouched.

        Raises :class:`AttachmentRefused` (Chinese message naming the file) and stores nothing when the
        file is not acceptable. Photos are downscaled to a long edge of 2 000 px, turned upright and
        stripped of GPS unless ``downscale`` is False (then the exact bytes are kept).
        """
        source = Path(path)
        display = name if name is not None else source.name
        checked = check_content(source, display, max_bytes=max_bytes or self.max_bytes)
        if checked.mime in IMAGE_MIME and (downscale or checked.mime == HEIC):
            with open(source, "rb") as f:
                data = f.read()
            processed = _prepare_image(data, checked, downscale=downscale)
            if processed is not None:
                return self._put_bytes_checked(*processed, role=role, caption=caption)
        return self._put_checked(checked, source, role=role, caption=caption)

    def put_bytes(self, data: bytes, name: str, *, downscale: bool = True,
                  role: AttachmentRole = AttachmentRole.OTHER, caption: str = "",
                  max_bytes: int | None = None) -> AttachmentRef:
        """Check and keep bytes held in memory (a pasted image); same rules as :meth:`put_file`."""
        checked = check_content(data, name, max_bytes=max_bytes or self.max_bytes)
        if checked.mime in IMAGE_MIME and (downscale or checked.mime == HEIC):
            processed = _prepare_image(data, checked, downscale=downscale)
            if processed is not None:
                return self._put_bytes_checked(*processed, role=role, caption=caption)
        return self._put_checked(checked, data, role=role, caption=caption)

    def _put_bytes_checked(self, data: bytes, name: str, *, role: AttachmentRole, caption: str) -> AttachmentRef:
        # Re-encoded output is checked like any file (and may exceed no limit the original met).
        checked = check_content(data, name, max_bytes=max(self.max_bytes, len(data)))
        return self._put_checked(checked, data, role=role, caption=caption)

    def _put_checked(self, checked: CheckedFile, source: Path | bytes, *, role: AttachmentRole,
                     caption: str) -> AttachmentRef:
        ref = checked.ref(role, caption)
        if self.has(ref.sha256) or self.adopt(ref):
            self.verify(ref.sha256)  # the same file again: keep one copy, but not a damaged one
            return ref
        final = self.path_of(ref.sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f"{final.name}.{secrets.token_hex(4)}.tmp")
        sealer = _Sealer(self._aead, ref.sha256, ref.size)
        digest = hashlib.sha256()
        try:
            with open(tmp, "wb") as out:
                out.write(sealer.header)
                for index, piece in enumerate(_pieces(source, ref.size)):
                    digest.update(piece)
                    out.write(sealer.seal(index, piece))
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != ref.sha256:
                raise AttachmentRefused(ref.name, "changed", t("文件在读取时被改动，请重新添加"))
            os.replace(tmp, final)
            fsync_dir(final.parent)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        thumb = _thumbnail(source, ref.mime)
        self._mark_local(ref, thumb)
        return ref

    # ------------------------------------------------------------ reading

    def info(self, sha256: str) -> BlobInfo | None:
        row = self._store.conn.execute(
            "SELECT sha256, size, mime, state, thumbnail IS NOT NULL, partial_offset FROM blobs WHERE sha256 = ?",
            (sha256,)).fetchone()
        return BlobInfo(row[0], row[1], row[2], row[3], bool(row[4]), row[5]) if row else None

    def has(self, sha256: str) -> bool:
        """Whether the full content is held on this device."""
        info = self.info(sha256)
        return info is not None and info.state == "local" and self.path_of(sha256).exists()

    def open_reader(self, sha256: str, *, name: str = "") -> BlobReader:
        info = self.info(sha256)
        if info is None or info.state != "local":
            raise AttachmentMissing(sha256)
        reader = BlobReader(self.path_of(sha256), self._aead, sha256, name)
        if reader.size != info.size:
            reader.close()
            raise AttachmentDamaged(sha256, N_("附件文件与记录的大小不符"), name=name)
        return reader

    def read_all(self, sha256: str, *, name: str = "") -> bytes:
        """The whole verified content (for a viewer or a print of one file)."""
        with self.open_reader(sha256, name=name) as reader:
            return b"".join(reader.chunks(1024 * 1024))

    def verify(self, sha256: str, *, name: str = "") -> None:
        """Check every tag and the digest without keeping the content; raises :class:`AttachmentDamaged`."""
        with self.open_reader(sha256, name=name) as reader:
            for _ in reader.chunks(1024 * 1024):
                pass

    def export_to(self, sha256: str, target: str | os.PathLike[str], *, name: str = "") -> Path:
        """Write a plaintext copy where the clerk chose (另存为…); verified before it is in place."""
        target = Path(target)
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            with self.open_reader(sha256, name=name) as reader, open(tmp, "wb") as out:
                for chunk in reader.chunks(1024 * 1024):
                    out.write(chunk)
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        return target

    def thumbnail(self, sha256: str) -> bytes | None:
        row = self._store.conn.execute("SELECT thumbnail FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    # ------------------------------------------------------------ from head office

    def put_thumbnail(self, sha256: str, data: bytes) -> None:
        """Keep a thumbnail pulled from head office (a small JPEG or PNG; anything else is refused)."""
        if not _HEX64.fullmatch(sha256):
            raise ValueError("not a sha256 digest")
        if len(data) > MAX_THUMBNAIL_BYTES or sniff(data[:16]) not in (JPEG, PNG):
            raise AttachmentRefused(t("缩略图"), "unsupported", t("缩略图不是小于 512 KB 的 JPEG 或 PNG 图片"))
        check_content(data, "thumbnail.jpg" if sniff(data[:16]) == JPEG else "thumbnail.png",
                      max_bytes=MAX_THUMBNAIL_BYTES)
        now = _now()
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO blobs (sha256, state, thumbnail, created_at, updated_at) VALUES (?, 'thumb_only', ?, ?, ?)"
                " ON CONFLICT (sha256) DO UPDATE SET thumbnail = excluded.thumbnail, updated_at = excluded.updated_at,"
                " state = CASE WHEN blobs.state = 'absent' THEN 'thumb_only' ELSE blobs.state END",
                (sha256, data, now, now))

    def note_absent(self, ref: AttachmentRef) -> None:
        """Record that a referenced blob exists elsewhere (state ``absent`` unless more is held)."""
        now = _now()
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO blobs (sha256, size, mime, state, created_at, updated_at) VALUES (?, ?, ?, 'absent', ?, ?)"
                " ON CONFLICT (sha256) DO UPDATE SET size = excluded.size, mime = excluded.mime",
                (ref.sha256, ref.size, ref.mime, now, now))

    def begin_download(self, ref: AttachmentRef) -> BlobWriter:
        """A resumable writer for the content of ``ref`` (already complete when :meth:`has` it, or when
        a sound file for it is on disk without metadata, e.g. brought back by a restore)."""
        self.adopt(ref)
        return BlobWriter(self, ref)

    def adopt(self, ref: AttachmentRef) -> bool:
        """Count a file already on disk for ``ref`` as held, if it verifies; True when it is held."""
        if self.has(ref.sha256):
            return True
        path = self.path_of(ref.sha256)
        if not path.is_file():
            return False
        try:
            with BlobReader(path, self._aead, ref.sha256, ref.name) as reader:
                if reader.size != ref.size:
                    return False
                plain = b"".join(reader.chunks(1024 * 1024))
        except AttachmentDamaged:
            return False
        self._mark_local(ref, _thumbnail(plain, ref.mime))
        return True

    # ------------------------------------------------------------ housekeeping

    def referenced(self) -> set[str]:
        """Every digest any record, revision or editor buffer mentions (conservatively: any 64-hex text)."""
        conn = self._store.conn
        found: set[str] = set()
        for (body,) in conn.execute("SELECT body FROM records UNION ALL SELECT body FROM revisions"):
            if body is not None:
                found.update(_HEX64.findall(unpack_text(body)))
        for (data,) in conn.execute("SELECT data FROM editor_buffers"):
            found.update(_HEX64.findall(data))
        return found

    def collect_unreferenced(self, *, grace: dt.timedelta = COLLECT_GRACE) -> list[str]:
        """Remove blobs nothing refers to (removed from a draft, never saved) once ``grace`` has passed,
        and stray files without metadata (a put interrupted after its file was in place). Returns the
        removed digests. A referenced blob is never removed."""
        referenced = self.referenced()
        cutoff = (dt.datetime.now(dt.UTC) - grace).isoformat(timespec="milliseconds")
        removed = []
        with self._store.transaction() as conn:
            rows = conn.execute("SELECT sha256, updated_at FROM blobs").fetchall()
            known = {self.path_of(sha).name for sha, _ in rows}
            for sha, updated in rows:
                if sha in referenced or updated > cutoff:
                    continue
                conn.execute("DELETE FROM blobs WHERE sha256 = ?", (sha,))
                removed.append(sha)
        for sha in removed:
            path = self.path_of(sha)
            for p in (path, path.with_name(path.name + ".part")):
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()
        if self.root.is_dir():
            # Files without metadata: an interrupted put, or files a restore brought back that the
            # restored database does not list. One named for a referenced digest is kept (it is
            # adopted when that blob is downloaded or attached again).
            keep = known | {self.path_of(sha).name for sha in referenced}
            old = (dt.datetime.now(dt.UTC) - grace).timestamp()
            for p in self.root.glob("*/*"):
                stem = p.name.split(".")[0]
                if p.is_file() and stem not in keep and p.stat().st_mtime < old:
                    p.unlink()
        return removed

    def digests(self) -> list[BlobInfo]:
        rows = self._store.conn.execute(
            "SELECT sha256, size, mime, state, thumbnail IS NOT NULL, partial_offset FROM blobs ORDER BY sha256")
        return [BlobInfo(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows]

    # ------------------------------------------------------------ metadata

    def _mark_local(self, ref: AttachmentRef, thumb: bytes | None) -> None:
        now = _now()
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO blobs (sha256, size, mime, state, thumbnail, created_at, updated_at)"
                " VALUES (?, ?, ?, 'local', ?, ?, ?) ON CONFLICT (sha256) DO UPDATE SET size = excluded.size,"
                " mime = excluded.mime, state = 'local', partial_offset = 0, partial_nonce = NULL,"
                " thumbnail = COALESCE(excluded.thumbnail, blobs.thumbnail), updated_at = excluded.updated_at",
                (ref.sha256, ref.size, ref.mime, thumb, now, now))

    def _partial(self, sha256: str) -> tuple[int, bytes | None]:
        row = self._store.conn.execute(
            "SELECT partial_offset, partial_nonce FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
        return (row[0], bytes(row[1]) if row[1] is not None else None) if row else (0, None)

    def _set_partial(self, ref: AttachmentRef, offset: int, prefix: bytes | None) -> None:
        now = _now()
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO blobs (sha256, size, mime, state, partial_offset, partial_nonce, created_at, updated_at)"
                " VALUES (?, ?, ?, 'absent', ?, ?, ?, ?) ON CONFLICT (sha256) DO UPDATE SET"
                " partial_offset = excluded.partial_offset, partial_nonce = excluded.partial_nonce,"
                " size = excluded.size, mime = excluded.mime, updated_at = excluded.updated_at",
                (ref.sha256, ref.size, ref.mime, offset, prefix, now, now))

    def _thumbnail_of_sealed(self, ref: AttachmentRef) -> bytes | None:
        if ref.mime not in IMAGE_MIME and ref.mime != PDF:
            return None
        with BlobReader(self.path_of(ref.sha256), self._aead, ref.sha256, ref.name) as reader:
            return _thumbnail(b"".join(reader.chunks(1024 * 1024)), ref.mime)


def _pieces(source: Path | bytes, size: int) -> Iterator[bytes]:
    """The plaintext in segment-sized pieces, from memory or read from the clerk's file."""
    if isinstance(source, bytes):
        for offset in range(0, size, SEGMENT):
            yield source[offset: offset + SEGMENT]
        return
    with open(source, "rb") as f:
        while piece := f.read(SEGMENT):
            yield piece


def _prepare_image(data: bytes, checked: CheckedFile, *, downscale: bool) -> tuple[bytes, str] | None:
    """Re-encode a photo in memory: upright (EXIF orientation applied), long edge ≤ 2 000 px, no GPS.

    Returns (bytes, file name) or None when the original is already fine (small, no GPS, not HEIC) and
    is kept byte for byte. HEIC is always converted to JPEG (viewers and printing read JPEG).
    """
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        big = max(image.size) > LONG_EDGE
        has_gps = _GPS_IFD in exif
        turned = exif.get(_ORIENTATION, 1) not in (1, None)
        if checked.mime != HEIC and not (downscale and (big or has_gps or turned)):
            return None
        fmt = image.format
        upright = ImageOps.exif_transpose(image)
        if max(upright.size) > LONG_EDGE and downscale:
            upright.thumbnail((LONG_EDGE, LONG_EDGE), Image.Resampling.LANCZOS)
        out_exif = upright.getexif()
        for tag in (_GPS_IFD, _ORIENTATION):
            out_exif.pop(tag, None)
        out = io.BytesIO()
        stem = Path(checked.name).stem or "image"
        if fmt == "PNG" and checked.mime == PNG:
            upright.save(out, "PNG", optimize=True)
            return out.getvalue(), checked.name
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, exif=out_exif.tobytes())
        suffix = Path(checked.name).suffix if checked.mime == JPEG else ".jpg"
        return out.getvalue(), stem + suffix


def _thumbnail(source: Path | bytes, mime: str) -> bytes | None:
    """A small JPEG of an image or of a PDF's first page, made in memory (None when not possible)."""
    try:
        if mime in IMAGE_MIME:
            from PIL import Image, ImageOps

            with Image.open(source if isinstance(source, Path) else io.BytesIO(source)) as image:
                image.draft("RGB", (THUMB_EDGE, THUMB_EDGE))
                small = ImageOps.exif_transpose(image)
                small.thumbnail((THUMB_EDGE, THUMB_EDGE))
                return _jpeg(small)
        if mime == PDF:
            import pypdfium2

            pdf = pypdfium2.PdfDocument(source if isinstance(source, bytes) else str(source))
            try:
                page = pdf[0]
                width, height = page.get_size()
                bitmap = page.render(scale=THUMB_EDGE / max(width, height, 1))
                return _jpeg(bitmap.to_pil())
            finally:
                pdf.close()
    except Exception:  # a thumbnail is a convenience: a file that cannot make one is still attached
        return None
    return None


def _jpeg(image: Any) -> bytes:
    out = io.BytesIO()
    if image.mode not in ("RGB", "L"):
        from PIL import Image

        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A") if "A" in image.getbands() else None)
        image = flat
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


__all__ = [
    "AttachmentDamaged", "AttachmentMissing", "BlobInfo", "BlobReader", "BlobStore", "BlobWriter", "derive_keys",
    "encrypted_size", "name_problem",
]
