"""Options shared by every test package.

``--full-counts`` runs the slow suites (reliability, properties) at the counts the issues ask for;
without it they run at reduced counts so the whole suite stays within CI's time budget.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full-counts",
        action="store_true",
        default=False,
        help="run reliability and property suites at full trial counts (slow; default: reduced counts)",
    )
