"""Windows that fit the screen they open on (a 1366×768 laptop at 150% is 910×485 usable)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def fit_to_screen(window: QWidget, width: int, height: int, margin: float = 0.95) -> None:
    """Resize ``window`` to ``width``×``height``, or less where the screen's free area is smaller."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(width, height)
        return
    area = screen.availableGeometry()
    window.resize(min(width, int(area.width() * margin)), min(height, int(area.height() * margin)))
