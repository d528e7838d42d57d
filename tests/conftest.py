"""Options shared by every test package.

``--full-counts`` runs the slow suites (reliability, properties) at the counts the issues ask for;
without it they run at reduced counts so the whole suite stays within CI's time budget.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

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
