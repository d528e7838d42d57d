"""Fixtures of the reliability suite: trial counts and the tally that writes docs/reliability.md."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reliability.tally import Tally

_TALLY: Tally | None = None


@pytest.fixture(scope="session")
def tally(pytestconfig: pytest.Config) -> Iterator[Tally]:
    """Report each test's trials here; the table is written when the session ends."""
    global _TALLY
    _TALLY = Tally(full=bool(pytestconfig.getoption("--full-counts")))
    yield _TALLY


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _TALLY is not None:
        _TALLY.write()
