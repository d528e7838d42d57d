"""Fixtures for sync tests: a real PostgreSQL cluster, a real head-office server on each database.

``hq`` is parametrized over ``sqlite`` and ``postgres``: every test using it runs against a fresh
database on both, behind a real uvicorn server on a loopback port.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.hq import REPLICAS, HeadOfficeFixture
from testsupport.throwaway_pg import PgCluster, start_cluster, stop_cluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        stop_cluster(cluster)


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A fresh, empty PostgreSQL database in the session's cluster."""
    name = f"hq_{uuid.uuid4().hex[:12]}"
    url = pg_cluster.create_database(name)
    try:
        yield url
    finally:
        pg_cluster.drop_database(name)


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


@pytest.fixture
def hq(db_url: str, request: pytest.FixtureRequest) -> Iterator[HeadOfficeFixture]:
    """A running head office with an org tree: 集团 g → 二级党委 c → branches b1, b2."""
    fixture = HeadOfficeFixture.start(db_url, backend=db_url.split(":", 1)[0])
    if "replica_kind" in request.fixturenames:
        fixture.replica_kind = request.getfixturevalue("replica_kind")
    try:
        yield fixture
    finally:
        fixture.stop()


@pytest.fixture
def hq_sqlite(tmp_path: Path) -> Iterator[HeadOfficeFixture]:
    """The same on SQLite only: for tests of the client or the HTTP edge, not of the database."""
    fixture = HeadOfficeFixture.start(f"sqlite:///{tmp_path / 'hq.sqlite3'}", backend="sqlite")
    try:
        yield fixture
    finally:
        fixture.stop()
