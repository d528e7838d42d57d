"""An uncaught exception in the GUI: a crash report on disk and a Chinese message box, on the UI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from branch_ledger import __version__
from desktop_app import logs
from desktop_app.ui.crash_dialog import CrashNotifier
from desktop_app.ui.i18n import install_translator

SECRET_TEXT = "王建华同志传达上级关于秋季森林防火的部署"


@pytest.fixture
def crash_logs(qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path))
    install_translator(qapp, "zh_CN")
    notifier = CrashNotifier(qapp)
    logs.setup("gui", on_crash=notifier.callback())
    yield tmp_path
    logs.shutdown()
    install_translator(qapp, "en")
    notifier.deleteLater()


def _crash_box() -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.objectName() == "crashMessage" and widget.isVisible():
            return widget
    return None


def _answer(qtbot: Any) -> str:
    qtbot.waitUntil(lambda: _crash_box() is not None, timeout=5000)
    box = _crash_box()
    assert box is not None
    text = box.text()
    QTest.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _crash_box() is None, timeout=3000)
    return text


def _reports(folder: Path) -> list[Path]:
    return sorted(folder.glob("crash-*-gui.txt"))


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_slot(crash_logs: Path, qtbot: Any) -> None:
    def broken_slot() -> None:
        raise ValueError(f"bad value {SECRET_TEXT!r}")

    QTimer.singleShot(0, broken_slot)
    text = _answer(qtbot)
    [report] = _reports(crash_logs)
    assert "意外错误" in text and str(report) in text
    content = report.read_text(encoding="utf-8")
    assert "ValueError" in content and "broken_slot" in content and __version__ in content
    assert SECRET_TEXT not in content
    assert SECRET_TEXT not in (crash_logs / "branch-ledger-gui.log").read_text(encoding="utf-8")


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_worker_thread(crash_logs: Path, qtbot: Any) -> None:
    def work() -> None:
        raise RuntimeError("worker failed")

    thread = threading.Thread(target=work, name="export-worker")
    thread.start()
    thread.join()
    text = _answer(qtbot)  # shown although the failure happened off the UI thread
    [report] = _reports(crash_logs)
    assert str(report) in text and "export-worker" in report.read_text(encoding="utf-8")
