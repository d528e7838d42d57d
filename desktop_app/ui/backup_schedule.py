"""The daily backup while the app stays open (backups are also made on close; see backups.py).

Every hour a worker checks whether the last backup is a day old and something changed since; the
backup itself reads through a connection of its own and holds the session lock only for the few
reads it needs, so neither the check nor the copy runs on, or blocks, the UI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.operations import StoreLocked
from desktop_app.operations.backups import daily_backup
from desktop_app.ui import dialogs
from desktop_app.ui.operations import UiOp
from desktop_app.ui.session import Session

CHECK_MS = 60 * 60 * 1000


class BackupSchedule(QObject):
    backed_up = Signal(object)  # BackupInfo
    failed = Signal(str)  # Chinese message

    def __init__(self, session: Session, parent: QObject | None = None, *, interval_ms: int = CHECK_MS) -> None:
        super().__init__(parent)
        self.session = session
        self.running = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def check(self) -> None:
        """Back up now if the daily backup is due (in a worker)."""
        if self.running or self.session.closed:
            return
        self.running = True
        def done(info: object) -> None:
            self.running = False
            if info is not None:
                self.backed_up.emit(info)

        def failed(exc: Exception) -> None:
            self.running = False
            if not isinstance(exc, StoreLocked):
                self.failed.emit(dialogs.error_text(exc))  # a LedgerError's user message

        UiOp(self, self.session, daily_backup).success(done).failure(failed).run_in_background()
