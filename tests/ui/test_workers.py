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


def test_qt_objects_held_by_a_job_die_on_the_ui_thread(qtbot: QtBot) -> None:
    """A job's closure may hold the last reference to a QObject (a session after a lock)."""
    import gc

    from PySide6.QtCore import QObject, Qt

    died_on: list[int] = []
    holder = QObject()
    holder.destroyed.connect(lambda *_: died_on.append(threading.get_ident()), Qt.ConnectionType.DirectConnection)

    def make_job(obj: QObject) -> ProgressFn:
        def job(progress: ProgressFn) -> None:
            assert obj is not None

        return job  # type: ignore[return-value]

    start_worker(make_job(holder))  # type: ignore[arg-type]
    del holder
    gc.collect()
    qtbot.waitUntil(lambda: running_count() == 0)
    qtbot.waitUntil(lambda: bool(died_on), timeout=2000)
    assert died_on == [threading.get_ident()]
