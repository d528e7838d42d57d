"""Fixtures for the GUI tests: offscreen Qt, isolated QSettings, a real encrypted store (fast KDF).

Every test answers the real modal dialogs by clicking their buttons (:class:`tests.ui.clerk.Clerk`):
there is no stand-in for a question the program asks. A dialog nobody answers fails the test
(:func:`no_dialog_left_open`); ``tests/ui/test_real_input.py`` fails a test file that calls a
production slot where a person would click.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# QSettings must never touch the developer's real preferences.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="branchledger-ui-config-")

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from desktop_app.operations.ledger import Ledger
from desktop_app.store import KdfParams, Store
from desktop_app.ui.i18n import install_translator
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.ui_settings import UiSettings
from desktop_app.ui.workers import running_count
from tests.ui.clerk import Clerk

PASSPHRASE = "林场党支部2026"
FAST_KDF = KdfParams.fast_for_tests()


@pytest.fixture(scope="session", autouse=True)
def english_window(qapp: QApplication) -> None:
    """The window in English as the program shows it (the English catalog installed), from the
    first test on: a test after one that switched to Chinese and back sees the same window."""
    install_translator(qapp, "en")


@pytest.fixture(autouse=True)
def no_dialog_left_open(qapp: QApplication) -> Iterator[None]:
    """A modal dialog nobody answers would hang the run inside its own event loop (where no
    timeout can reach Python): close any that stays open for 20 s and fail the test."""
    closed: list[str] = []
    seen: dict[int, float] = {}

    def watch() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            seen.clear()
            return
        first = seen.setdefault(id(modal), time.monotonic())
        if time.monotonic() - first > 20:
            closed.append(f"{type(modal).__name__}: {getattr(modal, 'text', modal.windowTitle)()}")
            if isinstance(modal, QDialog):
                modal.reject()
            else:
                modal.close()

    timer = QTimer()
    timer.timeout.connect(watch)
    timer.start(250)
    yield
    timer.stop()
    assert not closed, f"dialogs left unanswered: {closed}"


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    """The program in Chinese, as a clerk sees it (the translator is application-wide: removed after)."""
    install_translator(qapp, "zh_CN")
    yield
    install_translator(qapp, "en")


@pytest.fixture
def clerk() -> Clerk:
    return Clerk()


@pytest.fixture(autouse=True)
def clean_settings(qapp: QApplication) -> Iterator[UiSettings]:
    settings = UiSettings()
    settings._s.clear()
    settings.auto_sync = False  # tests that want automatic sync turn it on
    yield settings
    settings._s.clear()


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "ledger"


@pytest.fixture
def session(store_dir: Path, qtbot: Any) -> Iterator[Session]:
    store, _key = Store.create(store_dir, PASSPHRASE, kdf=FAST_KDF)
    s = Session(Ledger(store))
    with s.lock:
        store.records.create(
            "branch_profile",
            {"name": "毕拉河林场党支部", "has_committee": True, "party_groups": ["第一党小组", "第二党小组"]},
            author="t",
        )
    yield s
    qtbot.waitUntil(lambda: running_count() == 0, timeout=10_000)
    s.close()


@pytest.fixture
def roster(session: Session) -> dict[str, str]:
    """Name → member id: a secretary, four full members and a probationer."""
    ids: dict[str, str] = {}
    people = [
        ("王书记", "full", ["secretary"], "第一党小组"),
        ("李组织", "full", ["organization"], "第一党小组"),
        ("赵宣传", "full", ["propaganda"], "第二党小组"),
        ("钱党员", "full", [], "第二党小组"),
        ("周党员", "full", [], "第一党小组"),
        ("孙预备", "probationary", [], "第二党小组"),
    ]
    with session.lock:
        for name, status, posts, group in people:
            ids[name] = session.store.records.create(
                "member",
                {"name": name, "status": status, "posts": posts, "party_group": group, "join_date": "2010-07-01"},
                author="t",
            ).record_id
    return ids


@pytest.fixture
def shell(session: Session, qtbot: Any) -> Iterator[ShellWindow]:
    """An unlocked main window over ``session`` (no buffer-restore question)."""
    window = ShellWindow(session.store.data_dir, kdf=FAST_KDF, offer_restore=False)
    qtbot.addWidget(window)
    window.open_session(session, restore=False)
    window.show()
    yield window
    qtbot.waitUntil(lambda: running_count() == 0, timeout=10_000)
    if window.workspace is not None:
        window.workspace.close_editors()
