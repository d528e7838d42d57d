"""Attachment bytes in an S3-compatible object store (MinIO, Ceph RGW, Alibaba OSS, AWS S3).

For a large deployment head office keeps complete blobs in a bucket instead of a directory; the
database still holds only references (blobrefs.py). The tus contract of the routes is unchanged
because an upload under way is **not** in the bucket: the partial lives in a local staging
:class:`DirectoryStorage` (append at the file's size, fsync before the offset is acknowledged, a
``flock`` per blob), exactly as without S3. Only when the whole file has been received and
verified (sha256, ``check_content``: ``Blobs.finish``) is it uploaded to the bucket — boto3's
managed transfer, multipart above :data:`MULTIPART_THRESHOLD` — and the local partial deleted.
A refused upload therefore never reaches the bucket, and an object in the bucket is always a
complete, verified blob (S3 PUTs are atomic: a reader never sees half an object).

Why not S3 multipart parts as the partial: parts must be ≥ 5 MiB (except the last), while tus
chunks are 256 KiB–1 MiB and a cut can end one anywhere, so every append would need buffering
somewhere durable anyway — the local file *is* that buffer, and it keeps one code path for
resuming.

Keys are ``<prefix><branch>/<aa>/<sha256>`` and ``….thumb`` — per branch, as in the directory
store, so one branch's objects can be listed, exported or deleted alone. Downloads are ranged GETs
on the object (``read_range``), so a 20 MB scan is streamed, never held whole.

Configuration (``serve`` options or environment, docs/attachments.md): the bucket
(``BRANCH_LEDGER_HQ_S3_BUCKET``), the endpoint URL (``BRANCH_LEDGER_HQ_S3_ENDPOINT``, e.g.
``https://minio.dw.local:9000``), a key prefix and region. Credentials come only from boto3's own
chain — ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, ``AWS_SHARED_CREDENTIALS_FILE`` /
``AWS_PROFILE`` — never from the command line (where ``ps`` would show them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from domain.errors import LedgerError
from domain.i18n import t
from sync.server.blobstore import Appender, DirectoryStorage

ENV_BUCKET = "BRANCH_LEDGER_HQ_S3_BUCKET"
ENV_ENDPOINT = "BRANCH_LEDGER_HQ_S3_ENDPOINT"
ENV_PREFIX = "BRANCH_LEDGER_HQ_S3_PREFIX"
ENV_REGION = "BRANCH_LEDGER_HQ_S3_REGION"

MULTIPART_THRESHOLD = 8 * 1024 * 1024  # a larger finished blob goes up in parts (retried one by one)
PART_SIZE = 8 * 1024 * 1024
READ_CHUNK = 256 * 1024


class S3Unavailable(LedgerError):
    """The configured bucket cannot be used (no boto3, no credentials, unreachable, no such bucket)."""


@dataclass(frozen=True)
class S3Settings:
    bucket: str
    endpoint_url: str | None = None
    prefix: str = ""
    region: str | None = None

    @classmethod
    def from_env(cls) -> S3Settings | None:
        """The configured store, or None when no bucket is set (the directory store is used)."""
        bucket = os.environ.get(ENV_BUCKET, "").strip()
        if not bucket:
            return None
        prefix = os.environ.get(ENV_PREFIX, "").strip().strip("/")
        return cls(bucket=bucket, endpoint_url=os.environ.get(ENV_ENDPOINT, "").strip() or None,
                   prefix=f"{prefix}/" if prefix else "", region=os.environ.get(ENV_REGION, "").strip() or None)


def make_client(settings: S3Settings) -> Any:
    """A boto3 S3 client; credentials from boto3's standard chain (environment, credentials file)."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError as exc:
        raise S3Unavailable(t("配置了 S3 存储桶但未安装 {package}：{command}", package="boto3",
                               command='pip install "branch-ledger[hq,hq-s3]"')) from exc

    config = Config(retries={"max_attempts": 5, "mode": "standard"}, s3={"addressing_style": "path"},
                    connect_timeout=10, read_timeout=60)
    return boto3.client("s3", endpoint_url=settings.endpoint_url, region_name=settings.region or "us-east-1",
                        config=config)


class S3Storage:
    """Complete blobs in a bucket; uploads under way in a local staging directory."""

    def __init__(self, staging: Path | DirectoryStorage, settings: S3Settings, client: Any | None = None) -> None:
        self.staging = staging if isinstance(staging, DirectoryStorage) else DirectoryStorage(staging)
        self.settings = settings
        self.bucket = settings.bucket
        self.client = client if client is not None else make_client(settings)

    def key(self, branch_id: str, sha256: str, suffix: str = "") -> str:
        # Both parts are validated upstream (a branch id from the database, a 64-hex digest);
        # refusing separators here keeps a key from naming another branch's objects.
        if "/" in branch_id or ".." in branch_id or not branch_id or "/" in sha256:
            raise ValueError("blob key escapes its branch")
        return f"{self.settings.prefix}{branch_id}/{sha256[:2]}/{sha256}{suffix}"

    def check(self) -> None:
        """Fail at start-up, with a clear message, when the bucket cannot be reached or used."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError) as exc:
            where = self.settings.endpoint_url or "AWS S3"
            raise S3Unavailable(t("无法使用附件存储桶 {bucket}（{where}）：{reason}",
                                   bucket=self.bucket, where=where, reason=exc)) from exc

    # --- uploads under way: the local staging directory (the tus contract) ---

    def partial_size(self, branch_id: str, sha256: str) -> int | None:
        return self.staging.partial_size(branch_id, sha256)

    def create(self, branch_id: str, sha256: str) -> int:
        return self.staging.create(branch_id, sha256)

    def open_append(self, branch_id: str, sha256: str, offset: int) -> Appender:
        return self.staging.open_append(branch_id, sha256, offset)

    def open_partial(self, branch_id: str, sha256: str) -> BinaryIO:
        return self.staging.open_partial(branch_id, sha256)

    def discard(self, branch_id: str, sha256: str) -> None:
        self.staging.discard(branch_id, sha256)

    def complete(self, branch_id: str, sha256: str) -> None:
        """Upload the verified partial (multipart when large), then delete it locally.

        If the upload fails the partial stays complete on disk and the error reaches the client
        as a 5xx: its retry finds the full offset and completes again (``Blobs.finish``).
        """
        from boto3.s3.transfer import TransferConfig

        config = TransferConfig(multipart_threshold=MULTIPART_THRESHOLD, multipart_chunksize=PART_SIZE,
                                use_threads=False)
        partial = self.staging.partial_path(branch_id, sha256)
        self.client.upload_file(str(partial), self.bucket, self.key(branch_id, sha256), Config=config,
                                ExtraArgs={"ContentType": "application/octet-stream",
                                           "Metadata": {"sha256": sha256}})
        self.staging.discard(branch_id, sha256)

    # --- complete blobs: the bucket ---

    def has(self, branch_id: str, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(branch_id, sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def local_file(self, branch_id: str, sha256: str) -> Path | None:
        return None  # served by ranged GETs on the object

    def read_range(self, branch_id: str, sha256: str, start: int, end: int) -> Iterator[bytes]:
        """Bytes ``start``..``end`` (inclusive) of a complete blob, streamed from the bucket."""
        reply = self.client.get_object(Bucket=self.bucket, Key=self.key(branch_id, sha256),
                                       Range=f"bytes={start}-{end}")
        body = reply["Body"]
        try:
            while chunk := body.read(READ_CHUNK):
                yield chunk
        finally:
            body.close()

    def put_thumbnail(self, branch_id: str, sha256: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.key(branch_id, sha256, ".thumb"), Body=data,
                               ContentType="image/jpeg")

    def thumbnail(self, branch_id: str, sha256: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            reply = self.client.get_object(Bucket=self.bucket, Key=self.key(branch_id, sha256, ".thumb"))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        data: bytes = reply["Body"].read()
        return data

    def keys(self) -> list[str]:
        """Every object under the prefix (for tests and audits), relative to the prefix."""
        found: list[str] = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.settings.prefix):
            found.extend(item["Key"][len(self.settings.prefix):] for item in page.get("Contents", []))
        return sorted(found)
