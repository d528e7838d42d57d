"""Helpers for the attachment tests: records that reference files, raw tus calls with a device token."""

from __future__ import annotations

import hashlib
import os
from typing import Any

import requests

from sync.protocol.wire import ClientInfo, SyncRequest, SyncResponse
from sync.server.blobstore import DirectoryStorage
from sync.server.blobstore_s3 import S3Storage
from tests.sync.hq import Device, HeadOfficeFixture, meeting

MIMES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".pdf": "application/pdf"}


def ref_for(data: bytes, name: str, *, role: str = "photo", mime: str | None = None) -> dict[str, Any]:
    """The ``attachments`` entry a client writes for ``data`` (sha256, size, mime, name, role)."""
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
            "mime": mime or MIMES[os.path.splitext(name)[1].lower()], "name": name, "role": role}


def noisy_jpeg(n_bytes: int, seed: int = 0) -> bytes:
    """A real JPEG of about ``n_bytes`` (noise does not compress), different for each seed."""
    import io
    import random

    from PIL import Image

    rng = random.Random(seed)
    side = max(16, int((n_bytes / 1.1) ** 0.5 / 1.2))
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def missing_of(hq: HeadOfficeFixture, device: Device) -> list[str]:
    """missing_blobs of a no-op sync, asked for as the attachment queue asks (``blobs: true``)."""
    creds = device.state.credentials()
    assert creds is not None
    request = SyncRequest(client=ClientInfo(device_id=device.state.device_id), blobs=True)
    reply = requests.post(f"{hq.base_url}/v1/sync", data=request.model_dump_json(),
                          headers={"Authorization": f"Bearer {creds.token}", "Content-Type": "application/json"})
    assert reply.status_code == 200, reply.text
    return list(SyncResponse.model_validate(reply.json()).missing_blobs)


def push_record(device: Device, refs: list[dict[str, Any]], title: str = "主题党日：植树") -> str:
    """A meeting referencing ``refs``, synced to head office; the record id."""
    record_id = device.state.create("meeting", meeting(title, attachments=refs))
    device.sync()
    return record_id


class Tus:
    """Raw tus calls against head office with ``device``'s token (what the client queue does)."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base = base_url
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"})

    @classmethod
    def of(cls, hq: HeadOfficeFixture, device: Device, base_url: str | None = None) -> Tus:
        token = device.engine.transport.token
        assert token
        return cls(base_url or hq.base_url, token)

    def url(self, sha: str, tail: str = "") -> str:
        return f"{self.base}/v1/blobs/{sha}{tail}"

    def head(self, sha: str) -> requests.Response:
        return self.session.head(self.url(sha))

    def create(self, sha: str, length: int) -> requests.Response:
        return self.session.post(self.url(sha), headers={"Upload-Length": str(length)})

    def patch(self, sha: str, offset: int, data: bytes, content_type: str = "application/offset+octet-stream"
              ) -> requests.Response:
        return self.session.patch(self.url(sha), data=data,
                                  headers={"Upload-Offset": str(offset), "Content-Type": content_type})

    def upload(self, sha: str, data: bytes, chunk: int = 256 * 1024) -> requests.Response:
        created = self.create(sha, len(data))
        assert created.status_code in (200, 201), created.text
        offset = int(created.headers["Upload-Offset"])
        reply = created
        while offset < len(data):
            reply = self.patch(sha, offset, data[offset:offset + chunk])
            if reply.status_code != 204:
                return reply
            offset = int(reply.headers["Upload-Offset"])
        return reply

    def get(self, sha: str, tail: str = "", **headers: str) -> requests.Response:
        return self.session.get(self.url(sha, tail), headers=headers)


def storage(hq: HeadOfficeFixture) -> DirectoryStorage:
    """Head office's directory store (or, with the S3 store, its local staging directory)."""
    blobs = hq.office.blobs
    assert blobs is not None
    if isinstance(blobs.storage, S3Storage):
        return blobs.storage.staging
    assert isinstance(blobs.storage, DirectoryStorage)
    return blobs.storage


def held_bytes(hq: HeadOfficeFixture, branch_id: str, sha256: str) -> bytes:
    """A complete blob as head office holds it: read from its file, or GET from the bucket."""
    blobs = hq.office.blobs
    assert blobs is not None
    if isinstance(blobs.storage, S3Storage):
        reply = blobs.storage.client.get_object(Bucket=blobs.storage.bucket, Key=blobs.storage.key(branch_id, sha256))
        data: bytes = reply["Body"].read()
        return data
    return storage(hq).path(branch_id, sha256).read_bytes()


def stored_files(hq: HeadOfficeFixture) -> list[str]:
    """Every file head office's blob storage holds, relative to its root — with the S3 store, the
    staging directory's files and the bucket's objects (relative to the key prefix) together."""
    root = storage(hq).root
    local = [str(p.relative_to(root)) for p in storage(hq).files()]
    blobs = hq.office.blobs
    assert blobs is not None
    return local + (blobs.storage.keys() if isinstance(blobs.storage, S3Storage) else [])
