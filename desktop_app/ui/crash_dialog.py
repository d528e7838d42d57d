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
from desktop_app.ui.i18n import current_language


def crash_message(report: Path) -> tuple[str, str]:
    """(title, text) of the message shown after a crash report was written to ``report``."""
    if current_language() == "zh_CN":
        return ("程序出错", "程序遇到了一个意外错误。已保存的台账数据不受影响（草稿每 2 秒自动保存）。\n\n"
                f"错误报告已保存到：\n{report}\n\n请将该文件发给技术支持人员；建议关闭程序后重新打开。")
    return ("Unexpected error", "BranchLedger ran into an unexpected error. Saved records are not affected "
            f"(drafts save every 2 seconds).\n\nA crash report was saved to:\n{report}\n\n"
            "Please send that file to your support contact, then restart the program.")


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
