"""Head office's attachment operations (blocking; routes run them in worker threads).

Every operation is scoped to one branch: a digest is usable only if an accepted revision of that
branch references it (``blob_refs``), so another branch's digest — or one nobody references — is
"not found", exactly as a record of another branch is (branch isolation, issue 14). An upload is
linked only after the whole file hashes to its digest and ``domain.attachments.check_content``
accepts it under the name and size the record declared; otherwise the partial is deleted and
nothing is kept.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from domain.errors import LedgerError
from sync.protocol.errors import server_text
from sync.server import blobrefs
from sync.server.blobrefs import BlobRef
from sync.server.blobstore import BlobStorage, DirectoryStorage

log = logging.getLogger(__name__)

ENV_BLOB_DIR = "BRANCH_LEDGER_HQ_BLOBS"
THUMBNAIL_EDGE = 320
THUMBNAIL_MIMES = frozenset({"image/jpeg", "image/png", "image/heic"})
_HASH_CHUNK = 1024 * 1024


class BlobRefused(LedgerError):
    """The upload was complete but is not the file the record declared (nothing was kept)."""

    def __init__(self, code: str, reason: str, params: dict[str, str | int | float] | None = None) -> None:
        """``reason`` and ``params``: the message's key and values (sync/protocol/errors.py), sent
        to the device so it says this in the clerk's language."""
        super().__init__(server_text(reason, params))
        self.code = code
        self.reason = reason
        self.params = params


def default_blob_dir(url: URL) -> Path:
    """``$BRANCH_LEDGER_HQ_BLOBS``, else beside an SQLite database, else in the service's data dir."""
    configured = os.environ.get(ENV_BLOB_DIR)
    if configured:
        return Path(configured).expanduser()
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db = Path(url.database)
        return db.with_name(db.name + ".blobs")
    from platformdirs import user_data_dir

    tag = hashlib.sha256(f"{url.host}-{url.port}-{url.database}".encode()).hexdigest()[:10]
    return Path(user_data_dir("branch-ledger-hq", appauthor=False)) / "blobs" / f"{url.database or 'db'}-{tag}"


def make_thumbnail(data: BinaryIO) -> bytes | None:
    """A small JPEG of an (already checked) image, EXIF orientation applied; None if it cannot be made."""
    from PIL import Image, ImageOps

    try:
        with Image.open(data) as opened:
            image = ImageOps.exif_transpose(opened)
            image.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
            return out.getvalue()
    except Exception as exc:  # a thumbnail is a convenience: the blob itself was verified
        log.warning("no thumbnail: %s", exc)
        return None


@dataclass
class Blobs:
    """The references (database) and the bytes (storage) together."""

    engine: Engine
    storage: BlobStorage

    @classmethod
    def for_engine(cls, engine: Engine, root: Path | None = None) -> Blobs:
        """The directory store, or the S3 store when a bucket is configured (``$BRANCH_LEDGER_HQ_S3_BUCKET``).

        With S3 the directory holds only uploads under way (the staging area, blobstore_s3.py).
        """
        from sync.server.blobstore_s3 import S3Settings, S3Storage

        directory = DirectoryStorage(root or default_blob_dir(engine.url))
        s3 = S3Settings.from_env()
        return cls(engine, S3Storage(directory, s3) if s3 is not None else directory)

    def ref(self, branch_id: str, sha256: str) -> BlobRef | None:
        if not blobrefs.SHA256.match(sha256):
            return None
        with self.engine.connect() as conn:
            return blobrefs.get_ref(conn, branch_id, sha256)

    def missing(self, branch_id: str) -> list[str]:
        with self.engine.connect() as conn:
            return blobrefs.missing(conn, branch_id)

    def held_bytes(self, branch_id: str) -> int:
        with self.engine.connect() as conn:
            return blobrefs.held_bytes(conn, branch_id)

    def offset(self, ref: BlobRef) -> int:
        """Bytes head office holds of ``ref`` (its size once complete)."""
        if ref.completed:
            return ref.size
        return self.storage.partial_size(ref.branch_id, ref.sha256) or 0

    def finish(self, ref: BlobRef) -> None:
        """Verify the complete partial and link it, or delete it and raise :class:`BlobRefused`."""
        from domain.attachments import AttachmentRefused, check_content

        branch, sha = ref.branch_id, ref.sha256
        try:
            digest = hashlib.sha256()
            with self.storage.open_partial(branch, sha) as handle:
                while chunk := handle.read(_HASH_CHUNK):
                    digest.update(chunk)
            if digest.hexdigest() != sha:
                raise BlobRefused("digest_mismatch", "digest_mismatch")
            with self.storage.open_partial(branch, sha) as handle:
                try:
                    checked = check_content(handle, ref.name, max_bytes=blobrefs.MAX_BLOB_BYTES)
                except AttachmentRefused as exc:
                    raise BlobRefused("attachment_refused", "attachment_refused",
                                      {"name": ref.name, "problem": exc.reason, "refusal": exc.code}) from exc
            if checked.mime != ref.mime:
                raise BlobRefused("attachment_refused", "attachment_type_mismatch", {"name": ref.name})
        except BaseException:
            self.storage.discard(branch, sha)
            raise
        thumb = None
        if ref.mime in THUMBNAIL_MIMES:
            with self.storage.open_partial(branch, sha) as handle:
                thumb = make_thumbnail(handle)
        if thumb is not None:
            self.storage.put_thumbnail(branch, sha, thumb)
        self.storage.complete(branch, sha)
        with self.engine.begin() as conn:
            blobrefs.mark_complete(conn, branch, sha, has_thumbnail=thumb is not None)
