"""Fixtures for sync tests: a real PostgreSQL cluster, a real head-office server on each database.

``hq`` is parametrized over ``sqlite`` and ``postgres``: every test using it runs against a fresh
database on both, behind a real uvicorn server on a loopback port. A module that opts in with
``pytestmark = pytest.mark.usefixtures("blob_store")`` runs each test with head office's
attachments in a directory and in an S3 bucket on a real S3-compatible server (moto's, on
127.0.0.1): one ``BlobStorage`` contract, two implementations.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import pg_cluster, pg_url  # noqa: F401  (importable from here, as before)
from tests.sync.hq import REPLICAS, HeadOfficeFixture

if TYPE_CHECKING:
    from sync.server.blobstore import BlobStorage
    from testsupport.throwaway_s3 import S3Server

BLOB_STORES = ("directory", "s3")


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database URL on each backend."""
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite:///{tmp_path / 'hq.sqlite3'}"


@pytest.fixture(params=REPLICAS)
def replica_kind(request: pytest.FixtureRequest) -> str:
    """The device replica a scenario test runs on: in memory, or the real encrypted store.

    A scenario module opts in with ``pytestmark = pytest.mark.usefixtures("replica_kind")``; its
    ``hq.device()`` then makes devices of that kind (one replica contract, two implementations).
    """
    return str(request.param)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    from testsupport.throwaway_s3 import running_server

    yield from running_server()


@pytest.fixture(params=BLOB_STORES)
def blob_store(request: pytest.FixtureRequest) -> str:
    """Where head office keeps attachment bytes in this test: a directory, or an S3 bucket."""
    return str(request.param)


def _storage(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStorage | None:
    """The S3 store on a fresh bucket when the test runs with ``blob_store == "s3"``; else the default."""
    if "blob_store" not in request.fixturenames or request.getfixturevalue("blob_store") != "s3":
        return None
    from testsupport.throwaway_s3 import s3_storage

    server: S3Server = request.getfixturevalue("s3_server")
    return s3_storage(server, tmp_path / "hq-staging", request.getfixturevalue("monkeypatch"))


@pytest.fixture
def hq(db_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HeadOfficeFixture]:
    """A running head office with an org tree: 集团 g → 二级党委 c → branches b1, b2."""
    fixture = HeadOfficeFixture.start(db_url, backend=db_url.split(":", 1)[0],
                                      storage=_storage(request, tmp_path))
    if "replica_kind" in request.fixturenames:
        fixture.replica_kind = request.getfixturevalue("replica_kind")
    try:
        yield fixture
    finally:
        fixture.stop()


@pytest.fixture
def hq_sqlite(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[HeadOfficeFixture]:
    """The same on SQLite only: for tests of the client or the HTTP edge, not of the database."""
    fixture = HeadOfficeFixture.start(f"sqlite:///{tmp_path / 'hq.sqlite3'}", backend="sqlite",
                                      storage=_storage(request, tmp_path))
    try:
        yield fixture
    finally:
        fixture.stop()
