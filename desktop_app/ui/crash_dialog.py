"""The GUI's answer to an uncaught exception: a Chinese (or English) message naming the crash report.

:mod:`desktop_app.logs` writes the report from whichever thread failed and then calls the
callback made here; the callback only emits a queued signal, so the message box is always built
on the UI thread. The box is non-modal (``open()``): an error inside a timer or a paint event
must not start a nested event loop from inside the exception hook.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.logs import CrashCallback
from desktop_app.ui.i18n import translate


def crash_message(report: Path) -> tuple[str, str]:
    """(title, text) of the message shown after a crash report was written to ``report``."""
    return (translate("CrashDialog", "Unexpected error"),
            translate("CrashDialog", "BranchLedger ran into an unexpected error. Saved records are not affected "
                                     "(drafts save every 2 seconds).\n\nA crash report was saved to:\n{0}\n\n"
                                     "Please send that file to your support contact, then restart the program.")
            .format(report))


class CrashNotifier(QObject):
    """Lives on the UI thread; ``callback`` may be called from any thread."""

    crashed = Signal(str)

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.boxes: list[QMessageBox] = []
        self.crashed.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def callback(self) -> CrashCallback:
        return lambda report, _exc: self.crashed.emit(str(report))

    @Slot(str)
    def _show(self, report: str) -> None:
        title, text = crash_message(Path(report))
        box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok,
                          QApplication.activeWindow())
        box.setObjectName("crashMessage")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: self.boxes.remove(box) if box in self.boxes else None)
        self.boxes.append(box)
        box.open()
