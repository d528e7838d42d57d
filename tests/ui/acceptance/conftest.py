"""The acceptance suite: each main task of a clerk, end to end, through real input only.

Every test here answers the real dialogs (no stand-ins), sees the program in Chinese, and checks
both what is on the screen and what is in the encrypted store.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from desktop_app.operations.ledger import Ledger
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.workers import running_count
from tests.ui.acceptance.congress import prepare_branch
from tests.ui.conftest import FAST_KDF


@pytest.fixture(autouse=True)
def _chinese(chinese: None) -> None:
    """The clerk's language, for every test of the suite."""


@pytest.fixture
def branch(store_dir: Any, qtbot: Any) -> Iterator[tuple[Session, dict[str, str]]]:
    """A ledger with the branch's roster and last month's 支委会 (tests.ui.acceptance.congress)."""
    from desktop_app.store import Store
    from tests.ui.conftest import PASSPHRASE

    store, _key = Store.create(store_dir, PASSPHRASE, kdf=FAST_KDF)
    store.confirm_recovery_key()  # as the first-run wizard leaves it (else every unlock shows the key again)
    session = Session(Ledger(store))
    with session.lock:
        ids = prepare_branch(store)
    yield session, ids
    qtbot.waitUntil(lambda: running_count() == 0, timeout=10_000)
    session.close()


@pytest.fixture
def window(branch: tuple[Session, dict[str, str]], qtbot: Any) -> Iterator[ShellWindow]:
    session, _ids = branch
    shell = ShellWindow(session.store.data_dir, kdf=FAST_KDF, offer_restore=True)
    qtbot.addWidget(shell)
    shell.resize(1366, 768)
    shell.open_session(session, restore=False)
    shell.show()
    yield shell
    qtbot.waitUntil(lambda: running_count() == 0, timeout=10_000)
    if shell.workspace is not None:
        shell.workspace.close_editors()
