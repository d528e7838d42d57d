"""The window fits a 1366×768 laptop screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from desktop_app.ui.launch import fit_to_screen
from desktop_app.ui.shell import ShellWindow


def test_window_fits_the_free_screen_area(tmp_path: Path, qtbot: Any) -> None:
    window = ShellWindow(tmp_path / "ledger", offer_restore=False)
    qtbot.addWidget(window)
    screen = window.screen() or QApplication.primaryScreen()
    free = screen.availableGeometry().size()
    window.resize(free.width() + 200, free.height() + 200)
    fit_to_screen(window)
    assert window.width() <= free.width() and window.height() <= free.height()
