"""A person at the keyboard and mouse: what the UI tests use instead of calling slots.

Every action goes through real input events, the way a clerk's hands would produce them:

* mouse clicks are ``QTest.mouseClick`` on the widget under the pointer (a button's real
  ``clicked(bool)`` arrives, a combobox opens its real popup, a cell is selected by clicking it);
* keys go to whichever widget has the keyboard focus *at that moment*, exactly like a keyboard
  (typing on a selected table cell opens its editor, the following keys land in that editor);
* Chinese text arrives as an input method's commit (``QInputMethodEvent``), which is how every
  Chinese IME delivers it — ``QTest.keyClicks`` cannot send non-Latin-1 characters;
* the mouse wheel is ``QTest.wheelEvent`` on the window at the pointer position, i.e. through the
  window system layer, so Qt finds the widget under the pointer and propagates the event the way
  it does for a real wheel;
* modal dialogs (QMessageBox, the non-native QFileDialog, input dialogs) are answered by clicking
  their own buttons from a timer while their nested event loop runs (:meth:`Clerk.on_dialog`).

The clerk counts what a person would count as work: each key press and each click is one action
(a Chinese character committed by the IME counts as one key, a lower bound of pinyin typing).
The acceptance suite reports these counts (``congress_actions``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QCoreApplication, QPoint, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QRadioButton,
    QScrollArea,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QTableWidget,
    QWidget,
)

Left = Qt.MouseButton.LeftButton


def settle(ms: int = 0) -> None:
    """Let queued events, timers and worker results run (``ms`` milliseconds at least)."""
    end = time.monotonic() + ms / 1000
    QCoreApplication.processEvents()
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.005)
    QCoreApplication.processEvents()


def wait_until(condition: Callable[[], Any], timeout_ms: int = 5000, what: str = "") -> None:
    end = time.monotonic() + timeout_ms / 1000
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what or condition}")
        QCoreApplication.processEvents()
        time.sleep(0.005)


def aim(widget: QWidget) -> QPoint:
    """Where a person clicks a widget: a check box on its box (its label may be far narrower than
    the widget), anything else in the middle."""
    if isinstance(widget, QCheckBox | QRadioButton):
        option = QStyleOptionButton()
        widget.initStyleOption(option)  # type: ignore[arg-type]
        element = (
            QStyle.SubElement.SE_CheckBoxIndicator
            if isinstance(widget, QCheckBox)
            else QStyle.SubElement.SE_RadioButtonIndicator
        )
        return widget.style().subElementRect(element, option, widget).center()
    return widget.rect().center()


def visible_buttons(widget: QWidget) -> list[QAbstractButton]:
    return [b for b in widget.findChildren(QAbstractButton) if b.isVisible()]


def button_texts(widget: QWidget) -> list[str]:
    return [b.text().replace("&", "") for b in visible_buttons(widget)]


class Clerk:
    """Real keyboard and mouse input, counted."""

    def __init__(self) -> None:
        # A quick hand: double-click interval (and with it Qt's popup release guard) of 60 ms.
        QGuiApplication.styleHints().setMouseDoubleClickInterval(60)
        self.keys = 0
        self.clicks = 0
        self.dialogs_seen: list[str] = []

    @property
    def actions(self) -> int:
        return self.keys + self.clicks

    # ------------------------------------------------------------ mouse

    def click(self, widget: QWidget, pos: QPoint | None = None, *, settle_ms: int = 0) -> None:
        """One left click on ``widget`` (at its centre unless ``pos``), the way a mouse does it."""
        assert widget.isVisible(), f"cannot click a hidden widget: {widget!r}"
        self.reveal(widget, pos)
        assert widget.isEnabled(), f"cannot click a disabled widget: {widget!r} {getattr(widget, 'text', str)()}"
        self.clicks += 1
        self._activate(widget)
        QTest.mouseClick(widget, Left, Qt.KeyboardModifier.NoModifier, pos or aim(widget))
        settle(settle_ms)

    def _activate(self, widget: QWidget) -> None:
        """A click on a window that is not the active one activates it first (as every window
        manager does), so the keys that follow go to that window."""
        window = widget.window()
        if window.isActiveWindow() or window.windowType() == Qt.WindowType.Popup:
            return
        window.activateWindow()
        end = time.monotonic() + 0.5
        while not window.isActiveWindow() and time.monotonic() < end:
            QCoreApplication.processEvents()

    def reveal(self, widget: QWidget, pos: QPoint | None = None) -> None:
        """Scroll the enclosing form so ``widget`` is in view, as a person would before clicking
        it; a scroll that was needed counts as one action (a turn of the wheel)."""
        parent = widget.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is None or widget.window() is not parent.window():
            return
        bar = parent.verticalScrollBar()
        before = bar.value()
        point = widget.mapTo(parent.widget(), pos or widget.rect().center()) if parent.widget() else None
        if point is None:
            return
        parent.ensureVisible(point.x(), point.y(), 10, 40)
        if bar.value() != before:
            self.clicks += 1
            QCoreApplication.processEvents()

    def double_click(self, widget: QWidget, pos: QPoint | None = None) -> None:
        self.clicks += 2
        point = pos or widget.rect().center()
        QTest.mouseClick(widget, Left, Qt.KeyboardModifier.NoModifier, point)
        QTest.mouseDClick(widget, Left, Qt.KeyboardModifier.NoModifier, point)
        settle()

    def click_button(self, parent: QWidget, text: str) -> None:
        """Click the visible button of ``parent`` whose label is ``text`` (mnemonic '&' ignored)."""
        for button in visible_buttons(parent):
            if button.text().replace("&", "") == text:
                self.click(button)
                return
        raise AssertionError(f"no button {text!r} in {button_texts(parent)}")

    def choose(self, combo: QComboBox, text: str) -> None:
        """Open the combobox with a click and click the entry ``text`` in its popup."""
        index = combo.findText(text)
        assert index >= 0, f"{text!r} is not offered: {[combo.itemText(i) for i in range(combo.count())]}"
        if combo.currentIndex() == index:
            return  # already showing it: a person does nothing
        if combo.isEditable():
            # An editable combobox opens from its arrow (its text part is a line to type in).
            option = QStyleOptionComboBox()
            combo.initStyleOption(option)
            arrow = combo.style().subControlRect(
                QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxArrow, combo
            )
            self.click(combo, arrow.center())
        else:
            self.click(combo)
        view = combo.view()
        wait_until(view.isVisible, 2000, "the combobox popup")
        # Qt ignores a release in a just-opened popup for one double-click interval (so the
        # opening click cannot pick an entry); a person's second click comes later than that.
        settle(QGuiApplication.styleHints().mouseDoubleClickInterval() + 30)
        model_index = combo.model().index(index, combo.modelColumn(), combo.rootModelIndex())
        view.scrollTo(model_index)
        rect = view.visualRect(model_index).intersected(view.viewport().rect())
        self.click(view.viewport(), rect.center())
        wait_until(lambda: not view.isVisible(), 2000, "the combobox popup to close")
        assert combo.currentIndex() == index, f"{combo.currentText()!r} chosen instead of {text!r}"

    def pick(self, opener: QWidget, text: str) -> None:
        """Click ``opener`` (a button with a menu) and click the menu entry ``text`` in the popup.

        The menu runs its own event loop while it is open, so the entry is clicked from a timer,
        the way :meth:`on_dialog` answers a dialog."""
        picked: list[str] = []
        failures: list[BaseException] = []

        def poll() -> None:
            popup = QApplication.activePopupWidget()
            if not isinstance(popup, QMenu) or not popup.isVisible():
                return
            timer.stop()
            entries = [a.text().replace("&", "") for a in popup.actions()]
            try:
                action = next(a for a in popup.actions() if a.text().replace("&", "") == text)
                # Qt ignores a release in a just-opened popup for one double-click interval.
                settle(QGuiApplication.styleHints().mouseDoubleClickInterval() + 30)
                self.click(popup, popup.actionGeometry(action).center())
                picked.append(text)
            except BaseException as exc:  # never leave the menu open: its loop would hang the test
                failures.append(AssertionError(f"no entry {text!r} in {entries}: {exc!r}"))
                popup.close()

        timer = QTimer()
        timer.setInterval(15)
        timer.timeout.connect(poll)
        timer.start()
        try:
            self.click(opener)
            wait_until(lambda: bool(picked or failures), 5000, f"the menu entry {text!r}")
        finally:
            timer.stop()
        if failures:
            raise failures[0]
        settle()

    def cell(self, table: QTableWidget, row: int, column: int) -> QWidget | None:
        """Click into a text cell (it becomes current; typing then edits it). A cell holding a
        widget is not clicked here; its widget is returned for :meth:`choose` and the like."""
        index = table.model().index(row, column)
        table.scrollTo(index)
        widget = table.cellWidget(row, column)
        if widget is not None:
            return widget
        self.click(table.viewport(), table.visualRect(index).center())
        return None

    def cell_choose(self, table: QTableWidget, row: int, column: int, text: str) -> None:
        widget = table.cellWidget(row, column)
        assert isinstance(widget, QComboBox), f"cell {row},{column} has no choice list"
        table.scrollTo(table.model().index(row, column))
        self.choose(widget, text)

    def check_cell(self, table: QTableWidget, row: int, column: int) -> None:
        """Tick a checkbox cell by clicking its check indicator."""
        rect = table.visualRect(table.model().index(row, column))
        style = table.style()
        from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

        option = QStyleOptionViewItem()
        option.rect = rect
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
        check = style.subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, table)
        self.click(table.viewport(), check.center() if check.isValid() else rect.center())

    def wheel(self, widget: QWidget, steps: int = -1, pos: QPoint | None = None) -> None:
        """Turn the mouse wheel with the pointer over ``widget`` (negative: scroll down)."""
        window = widget.window()
        handle = window.windowHandle()
        assert handle is not None, "the window is not shown"
        point = widget.mapTo(window, pos or widget.rect().center())
        for _ in range(abs(steps)):
            QTest.wheelEvent(handle, point, QPoint(0, 120 if steps > 0 else -120))
            QCoreApplication.processEvents()

    # ------------------------------------------------------------ keyboard

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "no widget has the keyboard focus"
        return widget

    def key(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        """One key press (a shortcut such as Ctrl+S counts as one) to the focused widget."""
        self.keys += 1
        QTest.keyClick(self.focus(), key, modifiers)
        settle(3)  # what the key does (a cell to the next line …) is on screen before the next key

    def type(self, text: str) -> None:
        """Type ``text`` into the focused widget: ASCII as key presses, Chinese through the IME."""
        run = ""
        for ch in text:
            if ord(ch) < 128:
                if run:
                    self._commit(run)
                    run = ""
                self.keys += 1
                if ch == "\n":
                    QTest.keyClick(self.focus(), Qt.Key.Key_Return)
                else:
                    QTest.keyClick(self.focus(), ch)
            else:
                run += ch
        if run:
            self._commit(run)
        QCoreApplication.processEvents()

    def _commit(self, text: str) -> None:
        """What a pinyin IME sends: a composition (preedit) first, then the committed characters.

        The preedit matters: a table cell opens its editor on it and passes the commit on."""
        self.keys += len(text)
        QApplication.sendEvent(self.focus(), QInputMethodEvent(text, []))
        QCoreApplication.processEvents()
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(self.focus(), event)

    def fill(self, widget: QWidget, text: str) -> None:
        """Click into a text field, select what is there (Ctrl+A) if anything, and type ``text``."""
        self.click(widget)
        current = widget.text() if isinstance(widget, QLineEdit) else getattr(widget, "toPlainText", str)()
        if current:
            self.key(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        self.type(text)

    def fill_cell(
        self, table: QTableWidget, row: int, column: int, text: str, *, then: Qt.Key = Qt.Key.Key_Tab
    ) -> None:
        """Click a text cell, type into it (typing replaces the cell), finish with Tab or Enter.

        A cell the form already opened for typing (the cursor waits there after a choice, or
        after Enter on the line above) is typed into without a click."""
        editing = (table.state() == QAbstractItemView.State.EditingState
                   and (table.currentRow(), table.currentColumn()) == (row, column))
        if not editing:
            self.cell(table, row, column)
        assert table.editTriggers() & QAbstractItemView.EditTrigger.AnyKeyPressed
        self.type(text)
        self.key(then)

    # ------------------------------------------------------------ dialogs

    @contextmanager
    def on_dialog(
        self, answer: Callable[[QWidget], None], *, timeout_ms: int = 10_000, kind: type[QWidget] | None = None
    ) -> Iterator[list[QWidget]]:
        """Answer the next modal dialog that opens inside this block with ``answer(dialog)``.

        A timer polls for the active modal widget while the dialog's own event loop runs, the
        way a person looks at the screen; ``answer`` clicks its buttons. The dialogs seen are
        collected in the yielded list; leaving the block without one fails the test.
        """
        with self.on_dialogs(answer, timeout_ms=timeout_ms, kind=kind) as seen:
            yield seen

    @contextmanager
    def on_dialogs(
        self, *answers: Callable[[QWidget], None], timeout_ms: int = 10_000, kind: type[QWidget] | None = None,
        optional: bool = False,
    ) -> Iterator[list[QWidget]]:
        """Answer the modal dialogs that open one after another inside this block, in order: the
        first with ``answers[0]``, the next with ``answers[1]`` … (a warning, then a file dialog,
        then the result). Leaving the block before all of them were seen fails the test, unless
        ``optional`` (a person who answers a dialog if one comes: the yielded list says whether)."""
        seen: list[QWidget] = []
        failures: list[BaseException] = []
        started = time.monotonic()
        # What is already open (a window-modal print dialog) is not the answer to this block.
        already = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isModal()]
        timer = QTimer()
        timer.setInterval(15)

        def wanted() -> type[QWidget]:
            answer = answers[min(len(seen), len(answers) - 1)]
            return kind or getattr(answer, "dialog_kind", None) or QWidget

        def find() -> QWidget | None:
            want = wanted()
            modal = QApplication.activeModalWidget()
            if isinstance(modal, want) and modal.isVisible() and modal not in seen and modal not in already:
                return modal
            # A window-modal dialog (the print dialog) may still be listed first: look at all.
            for widget in QApplication.topLevelWidgets():
                if (isinstance(widget, want) and widget.isVisible() and widget.isModal()
                        and widget not in seen and widget not in already):
                    return widget
            return None

        def poll() -> None:
            if len(seen) >= len(answers) or failures:
                timer.stop()
                return
            modal = find()
            if modal is not None:
                seen.append(modal)
                self.dialogs_seen.append(dialog_text(modal))
                try:
                    answers[len(seen) - 1](modal)
                except BaseException as exc:  # never leave a dialog open: its event loop would hang the test
                    failures.append(exc)
                    if isinstance(modal, QDialog):
                        modal.reject()
                    else:
                        modal.close()
            elif time.monotonic() - started > timeout_ms / 1000:
                timer.stop()

        timer.timeout.connect(poll)
        timer.start()
        try:
            yield seen
            if optional:
                settle(30)
            else:
                wait_until(lambda: len(seen) >= len(answers) or bool(failures), timeout_ms,
                           f"{len(answers)} dialogs (seen: {self.dialogs_seen[-len(seen):] if seen else []})")
        finally:
            timer.stop()
        if failures:
            raise AssertionError(f"answering {self.dialogs_seen[-1]!r} failed: {failures[0]!r}") from failures[0]

    def press(self, text: str) -> Callable[[QWidget], None]:
        """An answer that clicks the dialog's button labelled ``text``."""

        def answer(dialog: QWidget) -> None:
            self.click_button(dialog, text)

        return answer

    def open_file(self, path: str, button: str = "打开") -> Callable[[QWidget], None]:
        """An answer for the (non-native) file dialog: type the path and click its own button."""

        def answer(dialog: QWidget) -> None:
            assert isinstance(dialog, QFileDialog), f"expected a file dialog, got {dialog!r}"
            edit = dialog.findChild(QLineEdit, "fileNameEdit")
            assert edit is not None and edit.isVisible()
            self.fill(edit, path)  # over the suggested name, if any
            settle(50)
            popup = QApplication.activePopupWidget()
            if popup is not None:  # close the list of suggested names, as a person would
                self.keys += 1  # (a popup has the keyboard while it is open)
                QTest.keyClick(popup, Qt.Key.Key_Escape)
                settle()
            for _attempt in range(3):
                self.click_button(dialog, button)
                settle(30)
                # Qt's dialog first opens a folder that matches what was typed (a folder named
                # like the start of the path); a person then presses the button again.
                if not dialog.isVisible():
                    break

        answer.dialog_kind = QFileDialog  # type: ignore[attr-defined]
        return answer

    def print_to_file(self, path: str, button: str = "Print") -> Callable[[QWidget], None]:
        """An answer for Qt's own print dialog (the one 统信UOS/麒麟 and offscreen runs get): with
        no printer installed it offers 打印到文件 (PDF); type the file name, press its button."""

        def answer(dialog: QWidget) -> None:
            printers = dialog.findChild(QComboBox, "printers")
            edit = dialog.findChild(QLineEdit, "filename")
            assert printers is not None and edit is not None, "not Qt's print dialog"
            assert "PDF" in printers.currentText(), [printers.itemText(i) for i in range(printers.count())]
            self.fill(edit, path)
            self.click_button(dialog, button)

        from PySide6.QtPrintSupport import QPrintDialog

        answer.dialog_kind = QPrintDialog  # type: ignore[attr-defined]
        return answer

    def enter_text(self, text: str, button: str = "确定") -> Callable[[QWidget], None]:
        """An answer for an input dialog: type ``text`` into its field and click ``button``."""

        def answer(dialog: QWidget) -> None:
            edit = dialog.findChild(QLineEdit)
            assert edit is not None
            self.click(edit)
            self.type(text)
            self.click_button(dialog, button)

        return answer


def dialog_text(widget: QWidget) -> str:
    """What a dialog says (message box text, or its window title)."""
    if isinstance(widget, QMessageBox):
        return widget.text()
    if isinstance(widget, QDialog):
        return widget.windowTitle()
    return widget.objectName()

