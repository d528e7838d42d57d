"""Steps a clerk takes again and again, built from real input (tests/ui/clerk.py).

Shared by the UI tests and the acceptance suite. Each step finds what a person looks for on the
screen (a button by its label, a row by the member's name) and uses the mouse and keyboard.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QPushButton, QToolButton, QWidget

from desktop_app.ui.editors.base import EditorWindow
from desktop_app.ui.editors.meeting import MeetingEditor
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.widgets.row_table import RowTable
from tests.ui.clerk import Clerk, settle, wait_until


def button(parent: QWidget, text: str) -> QAbstractButton:
    """The visible button (or tool-bar button) labelled ``text``."""
    for candidate in parent.findChildren(QAbstractButton):
        if candidate.isVisible() and candidate.text().replace("&", "") == text:
            return candidate
    texts = sorted({b.text() for b in parent.findChildren(QAbstractButton) if b.isVisible() and b.text()})
    raise AssertionError(f"no button {text!r}: {texts}")


def toolbar_button(window: QWidget, text: str) -> QToolButton:
    found = button(window, text)
    assert isinstance(found, QToolButton)
    return found


def go_to(clerk: Clerk, shell: ShellWindow, page: str) -> Any:
    """Click a page in the navigation list (概览, 会议记录, 先锋岗, 党员, 同步, 设置)."""
    assert shell.workspace is not None
    nav = shell.workspace.nav
    for row in range(nav.count()):
        item = nav.item(row)
        if item.text() == page:
            clerk.click(nav.viewport(), nav.visualItemRect(item).center())
            settle()
            current = shell.workspace.current_page()
            assert current is not None
            return current
    raise AssertionError(f"no page {page!r}")


def newest_editor(shell: ShellWindow, before: int) -> EditorWindow:
    assert shell.workspace is not None
    wait_until(lambda: len(shell.workspace.editors) > before, 3000, "an editor window")  # type: ignore[union-attr]
    editor = shell.workspace.editors[-1]
    wait_until(editor.isVisible, 2000, "the editor to show")
    return editor


def new_meeting(clerk: Clerk, shell: ShellWindow) -> MeetingEditor:
    """会议记录 page → 新建会议记录."""
    page = go_to(clerk, shell, "会议记录")
    assert shell.workspace is not None
    before = len(shell.workspace.editors)
    clerk.click(button(page, "新建会议记录"))
    editor = newest_editor(shell, before)
    assert isinstance(editor, MeetingEditor)
    return editor


def row_of(table: RowTable, member_name: str, column: int = 0) -> int:
    """The row whose member column shows ``member_name``."""
    for row in range(table.table.rowCount()):
        widget = table.table.cellWidget(row, column)
        if isinstance(widget, QComboBox) and widget.currentText() == member_name:
            return row
    raise AssertionError(f"{member_name} is not listed")


def mark_attendance(clerk: Clerk, editor: MeetingEditor, name: str, status: str, reason: str = "") -> None:
    """Change one attendee's 出席 to 请假/缺席/… and type the reason."""
    table = editor.attendance
    row = row_of(table, name)
    clerk.cell_choose(table.table, row, 1, status)
    if reason:
        clerk.fill_cell(table.table, row, 2, reason)


def save(clerk: Clerk, editor: EditorWindow) -> None:
    """Ctrl+S when the cursor is in the editor, else its tool-bar button 保存."""
    focus = QApplication.focusWidget()
    if focus is not None and focus.window() is editor:
        clerk.key(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    else:
        clerk.click(toolbar_button(editor, "保存"))
    settle(20)


def finalize(clerk: Clerk, editor: EditorWindow) -> list[str]:
    """定稿 on the tool bar, confirmed in its own dialog with the button 定稿; returns that
    dialog's button labels."""
    labels: list[str] = []

    def answer(box: QWidget) -> None:
        labels.extend(b.text() for b in box.findChildren(QPushButton) if b.isVisible())
        clerk.click_button(box, "定稿")

    with clerk.on_dialog(answer):
        clerk.click(toolbar_button(editor, "定稿"))
    settle(20)
    return labels


def problems(editor: EditorWindow) -> list[str]:
    return [editor.problems.item(i).text() for i in range(editor.problems.count())]


def open_from_list(clerk: Clerk, shell: ShellWindow, view: Any, text: str) -> EditorWindow:
    """Double-click the row of a record list that shows ``text`` in some column."""
    model = view.model()
    for row in range(model.rowCount()):
        for col in range(model.columnCount()):
            if model.data(model.index(row, col)) == text:
                index = model.index(row, col)
                view.scrollTo(index)
                assert shell.workspace is not None
                before = len(shell.workspace.editors)
                clerk.double_click(view.viewport(), view.visualRect(index).center())
                return newest_editor(shell, before)
    raise AssertionError(f"{text!r} is not in the list")
