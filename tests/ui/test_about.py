"""Help → About, opened with the mouse: name, version, icon; the window icon is the app's."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from branch_ledger import __version__
from desktop_app.ui.about import AboutDialog, app_icon
from desktop_app.ui.launch import decorate
from desktop_app.ui.shell import ShellWindow


def test_about_box_by_mouse(shell: ShellWindow, qtbot: Any) -> None:
    bar = shell.menuBar()
    help_action = shell.help_menu.menuAction()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(help_action).center())
    qtbot.waitUntil(shell.help_menu.isVisible, timeout=3000)
    menu = shell.help_menu
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(shell.action_about).center())
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), AboutDialog), timeout=3000)
    about = QApplication.activeModalWidget()
    assert isinstance(about, AboutDialog)
    assert about.version.text().endswith(__version__)
    assert about.name.text() == "<h2>BranchLedger</h2>"  # the English window: no Chinese (test_languages.py)
    close = about.buttons.button(QDialogButtonBox.StandardButton.Close)
    QTest.mouseClick(close, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=3000)


def test_icon_sizes_and_window_icon(qapp: QApplication) -> None:
    icon = app_icon()
    assert {s.width() for s in icon.availableSizes()} >= {16, 32, 48, 256}
    decorate(qapp)
    assert not qapp.windowIcon().isNull()
    assert qapp.desktopFileName() == "branch-ledger"
