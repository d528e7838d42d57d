"""Options shared by every test package.

``--full-counts`` runs the slow suites (reliability, properties) at the counts the issues ask for;
without it they run at reduced counts so the whole suite stays within CI's time budget.

The throwaway PostgreSQL cluster lives here too: one per test process (per xdist worker, each on its
own free port and temp dir), however many test packages ask for it.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from testsupport.throwaway_pg import PgCluster, start_cluster, stop_cluster

# Property tests judge the code, not the machine: on two busy xdist workers Hypothesis's "input
# generation is slow" check failed a pure function's test (one input in 2.3 s while the other worker
# built a bundle). Every other health check, and each test's own settings, stay as they are.
settings.register_profile("suite", suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")

# Log files and crash reports of every app and CLI a test starts go to a throwaway folder, never
# to the developer's own log directory (desktop_app/logs.py).
os.environ.setdefault("BRANCH_LEDGER_LOG_DIR", tempfile.mkdtemp(prefix="branchledger-test-logs-"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full-counts",
        action="store_true",
        default=False,
        help="run reliability and property suites at full trial counts (slow; default: reduced counts)",
    )


@pytest.fixture(autouse=True)
def _shown_language() -> Iterator[None]:
    """Every test starts with messages in Chinese (the program's default) and leaves them so: the
    language is a process-wide setting that the window's translator and ``--lang`` change."""
    from domain import i18n

    i18n.set_language(i18n.CHINESE)
    yield
    i18n.set_language(i18n.CHINESE)


_PG_CLUSTER: list[PgCluster] = []


@pytest.fixture(scope="session")
def pg_cluster() -> PgCluster:
    """The process's PostgreSQL cluster, started on first use and stopped when the session ends.

    Held at module level, not in the fixture's cache: conftests and test modules that import this
    fixture (``from tests.sync.conftest import pg_cluster``) each register a fixture of their own,
    and each used to start a cluster of its own (four in a full run)."""
    if not _PG_CLUSTER:
        _PG_CLUSTER.append(start_cluster())
    return _PG_CLUSTER[0]


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A fresh, empty PostgreSQL database in the session's cluster."""
    name = f"hq_{uuid.uuid4().hex[:12]}"
    url = pg_cluster.create_database(name)
    try:
        yield url
    finally:
        pg_cluster.drop_database(name)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    while _PG_CLUSTER:
        stop_cluster(_PG_CLUSTER.pop())
