"""End-to-end: headless Chromium (Debian's ``chromium`` driven by Playwright) against a real head
office, with the clerk's real Qt window and encrypted store on the other side."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.conftest import (  # noqa: F401
    clean_settings,
    clerk,
    no_dialog_left_open,
    roster,
    session,
    shell,
    store_dir,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where page screenshots go: ``BRANCH_LEDGER_SCREENSHOTS`` if set (to look at them), else tmp."""
    target = Path(os.environ.get("BRANCH_LEDGER_SCREENSHOTS", tmp_path / "shots"))
    target.mkdir(parents=True, exist_ok=True)
    return target
