"""Background workers: results reach the UI thread, and never a widget that is gone."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_app.ui.workers import ProgressFn, running_count, start_worker


def test_result_and_progress_reach_a_live_owner(qtbot: QtBot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    got: list[object] = []

    def work(progress: ProgressFn) -> int:
        progress(1, 2, "半程")
        return 42

    start_worker(work, owner=owner, on_result=got.append, on_progress=lambda d, t, s: got.append((d, t, s)))
    qtbot.waitUntil(lambda: running_count() == 0)
    assert got == [(1, 2, "半程"), 42]


def test_callbacks_are_skipped_once_the_owner_is_deleted(qtbot: QtBot) -> None:
    owner = QWidget()
    release = threading.Event()
    called: list[object] = []

    def work(progress: ProgressFn) -> str:
        release.wait(5)
        raise ValueError("打印失败")

    start_worker(work, owner=owner, on_result=called.append, on_error=called.append)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive(owner))
    release.set()
    qtbot.waitUntil(lambda: running_count() == 0)
    qtbot.wait(50)
    assert called == []


def _alive(obj: QWidget) -> bool:
    import shiboken6

    return bool(shiboken6.isValid(obj))
