"""What the GUI does around its window at start: logs and crash dialog, the window icon, one
instance per data directory, and the smoke-test exit. ``run_gui`` calls these; they live here so
the entry point stays a short, readable sequence.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from desktop_app import logs
from desktop_app.ui import failures
from desktop_app.ui.about import app_icon
from desktop_app.ui.crash_dialog import CrashNotifier
from desktop_app.ui.i18n import translate
from desktop_app.ui.single_instance import SingleInstance

SMOKE_ENV = "BRANCH_LEDGER_SMOKE_EXIT_AFTER"
log = logging.getLogger("branch_ledger.gui")


def decorate(app: QApplication) -> None:
    """Window icon for every window, and the desktop file name (Wayland/GNOME match the icon by it)."""
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("branch-ledger")


def start_logging(app: QApplication) -> None:
    """Log file, crash reports with a message box, faulthandler (see :mod:`desktop_app.logs`)."""
    notifier = CrashNotifier(app)
    logs.setup("gui", on_crash=notifier.callback())
    app._branchledger_crash_notifier = notifier  # type: ignore[attr-defined]  # keep it alive
    # Errors the UI catches and shows itself get the same crash report as uncaught ones.
    failures.set_crash_reporter(_report_caught)


def _report_caught(exc: BaseException) -> str | None:
    path = logs.write_crash_report(type(exc), exc, exc.__traceback__)
    return str(path) if path is not None else None


def claim_data_dir(data_dir: Path) -> SingleInstance | None:
    """This process' hold on ``data_dir``, or None when another app has it (that app was woken,
    or the clerk was told the data is in use)."""
    guard = SingleInstance(data_dir, QApplication.instance())  # destroyed with the app, never after it
    if guard.acquire():
        return guard
    if guard.wake_running():
        log.info("another window has this data directory; asked it to come to the front")
        print(translate("Launch", "BranchLedger is already running; its window was brought to the front."))
        return None
    log.warning("data directory in use by a process that does not answer")
    title = translate("Launch", "Data in use")
    text = translate("Launch", "This ledger is in use by another BranchLedger program; close it first:\n{0}").format(
        data_dir)
    QMessageBox.warning(None, title, text)
    return None


def fit_to_screen(window: QMainWindow) -> None:
    """Shrink the window to the screen's free area: its default 1200×780 is taller than a
    1366×768 laptop screen, which would hide the status bar below the task bar."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        return
    free = screen.availableGeometry()
    size = window.size().boundedTo(free.size())
    if size != window.size():
        window.resize(size)
        window.move(free.topLeft())


def bring_to_front(window: QMainWindow) -> None:
    window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()


def smoke_seconds(option: float | None) -> float | None:
    """``--smoke-exit-after SECONDS`` or ``$BRANCH_LEDGER_SMOKE_EXIT_AFTER``: None when not asked."""
    if option is not None:
        return option
    value = os.environ.get(SMOKE_ENV)
    try:
        return float(value) if value else None
    except ValueError:
        return None


def arm_smoke_exit(app: QApplication, window: QMainWindow, seconds: float, started: float) -> None:
    """Print which screen was shown, then close the window and quit cleanly after ``seconds``.

    For packaging tests and start-up timing: ``branch-ledger --smoke-exit-after 2`` prints
    ``smoke: shown unlock 812 ms`` (or ``wizard``) and exits with status 0.
    """

    def shown() -> None:
        current = window.centralWidget()
        page = getattr(current, "currentWidget", lambda: None)()
        name = "unlock" if type(page).__name__ == "UnlockScreen" else "wizard" if page is not None else "?"
        print(f"smoke: shown {name} {int((time.monotonic() - started) * 1000)} ms", flush=True)
        QTimer.singleShot(int(seconds * 1000), window.close)
        QTimer.singleShot(int(seconds * 1000) + 50, app.quit)

    QTimer.singleShot(0, shown)
    sys.stdout.flush()
