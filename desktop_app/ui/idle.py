"""Auto-lock: notice when the clerk has not touched keyboard or mouse for a while.

An application-wide event filter records the time of the last input event; a coarse timer
compares it with the limit. Only real input counts, so a running sync or a blinking cursor never
keeps an unattended, unlocked ledger open.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.InputMethod,
    }
)


class IdleWatcher(QObject):
    """Emits :attr:`idle` once after ``timeout_ms`` without input; restart with :meth:`start`."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timeout_ms = timeout_ms
        self._last = time.monotonic()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._check)
        self._installed = False

    def start(self) -> None:
        self._last = time.monotonic()
        app = QApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True
        # Check several times per period so the lock comes at most ~1/4 period late.
        self._timer.start(max(50, min(5000, self.timeout_ms // 4)))

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False

    def set_timeout(self, timeout_ms: int) -> None:
        self.timeout_ms = timeout_ms
        if self._timer.isActive():
            self.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self._last = time.monotonic()
        return False

    def _check(self) -> None:
        if (time.monotonic() - self._last) * 1000 >= self.timeout_ms:
            self.stop()
            self.idle.emit()
