"""A real S3-compatible HTTP server on 127.0.0.1 for tests: moto's ``ThreadedMotoServer``.

MinIO's binary is not available where the tests run, so head office's S3 store is tested against
moto's server — a real HTTP endpoint speaking the S3 REST protocol (signed requests, ranged GETs,
multipart uploads) that boto3 reaches over a socket exactly as it reaches MinIO, Ceph or OSS.
Each test gets a bucket of its own; credentials are dummies passed through the standard AWS
environment variables, as production passes real ones.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from moto.server import ThreadedMotoServer

if TYPE_CHECKING:
    import pytest

    from sync.server.blobstore_s3 import S3Storage

ACCESS_KEY = "branchledger-test"
SECRET_KEY = "branchledger-test-secret"


@dataclass
class S3Server:
    server: ThreadedMotoServer
    endpoint_url: str

    def new_bucket(self) -> str:
        """A fresh, empty bucket (created with the same client code head office uses)."""
        from sync.server.blobstore_s3 import S3Settings, make_client

        name = f"hq-blobs-{uuid.uuid4().hex[:12]}"
        make_client(S3Settings(bucket=name, endpoint_url=self.endpoint_url)).create_bucket(Bucket=name)
        return name


def start_server() -> S3Server:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return S3Server(server, f"http://{host}:{port}")


def stop_server(s3: S3Server) -> None:
    s3.server.stop()


def running_server() -> Iterator[S3Server]:
    """The body of a pytest fixture: a server for the fixture's scope, stopped afterwards."""
    server = start_server()
    try:
        yield server
    finally:
        stop_server(server)


def s3_storage(server: S3Server, staging: Path, monkeypatch: pytest.MonkeyPatch) -> S3Storage:
    """Head office's S3 store on a fresh bucket of ``server``, staging uploads under ``staging``.

    Credentials reach boto3 as in production: through its standard environment variables.
    """
    from sync.server.blobstore_s3 import S3Settings, S3Storage

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    settings = S3Settings(bucket=server.new_bucket(), endpoint_url=server.endpoint_url, prefix="hq/")
    return S3Storage(staging, settings)
