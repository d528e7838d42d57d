"""The mouse wheel scrolls forms; it never changes a value the clerk is not editing.

Qt lets a combobox, spin box or date field take the wheel (and even the focus) as the pointer
passes over it, so scrolling a long form silently changed whatever was under the pointer — a
member's 权利暂停情形, an attendee's 出席, the recorder — and autosave kept it. One application-wide
event filter, installed once (:func:`install_wheel_guard`), fixes that for every window:

* such widgets no longer take the focus from the wheel (``Qt.StrongFocus`` instead of
  ``Qt.WheelFocus``: a click or Tab still focuses them);
* a wheel event reaching one that does not have the focus is left unaccepted, so Qt passes it on
  to the enclosing scroll area (the form scrolls, as the clerk meant).

A widget the clerk has focused (clicked into, tabbed to) keeps the usual wheel behaviour.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox, QScrollBar, QTabBar, QWidget

_installed: dict[int, WheelGuard] = {}  # id(application) → its guard


def guarded(widget: QObject) -> bool:
    """Widgets whose value the wheel would change."""
    if isinstance(widget, QScrollBar):
        return False
    return isinstance(widget, QComboBox | QAbstractSpinBox | QAbstractSlider | QTabBar)


def _no_wheel_focus(widget: QWidget) -> None:
    policy = widget.focusPolicy()
    if policy == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


class WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, QWidget) and guarded(watched):
            _no_wheel_focus(watched)
        elif (
            kind == QEvent.Type.Wheel and isinstance(watched, QWidget) and guarded(watched) and not watched.hasFocus()
        ):
            event.ignore()  # not accepted: Qt hands it to the parent (the scroll area)
            return True
        return False


def install_wheel_guard(app: QCoreApplication | None = None) -> WheelGuard:
    """Install the guard on the application (once; later calls return the same filter)."""
    app = app or QCoreApplication.instance()
    assert app is not None, "create the QApplication first"
    existing = _installed.get(id(app))
    if existing is not None:
        return existing
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    _installed[id(app)] = guard
    # Widgets polished before the guard existed.
    if isinstance(app, QApplication):
        for widget in app.allWidgets():
            if guarded(widget):
                _no_wheel_focus(widget)
    return guard
