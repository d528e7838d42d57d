"""同步: status, enrolment with head office, "sync now" in a worker with progress, history, conflicts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.store import RecordFilter
from desktop_app.ui import dialogs
from desktop_app.ui.i18n import translate
from desktop_app.ui.models.records import GENERIC_COLUMNS, RecordTableModel
from desktop_app.ui.pages.base import EditorHost, Page, RecordTable
from desktop_app.ui.session import Session
from desktop_app.ui.sync_bridge import SyncBridge, SyncStatus
from desktop_app.ui.ui_settings import UiSettings
from desktop_app.ui.workers import ProgressFn, start_worker


def _t(text: str) -> str:
    return QCoreApplication.translate("SyncPage", text)


class SyncPage(Page):
    def __init__(self, session: Session, host: EditorHost, parent: QWidget | None = None) -> None:
        super().__init__(session, host, parent)
        self.bridge = SyncBridge(session.store, session.lock)
        self.running = False
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.sync_button = QPushButton(translate("SyncPage", "Sync now"))
        self.sync_button.setToolTip(translate("SyncPage", "Send this device's changes to head office and fetch theirs"))
        self.sync_button.clicked.connect(self.sync_now)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        status_box = QGroupBox(translate("SyncPage", "Status"))
        status_layout = QVBoxLayout(status_box)
        status_layout.addWidget(self.status_label)
        row = QHBoxLayout()
        row.addWidget(self.sync_button)
        row.addWidget(self.progress, 1)
        status_layout.addLayout(row)

        self.enrol_box = QGroupBox(translate("SyncPage", "Connect to head office"))
        form = QFormLayout(self.enrol_box)
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://hq.example.org")
        self.code = QLineEdit()
        self.code.setPlaceholderText(translate("SyncPage", "One-time code from head office"))
        self.ca_bundle = QLineEdit(UiSettings().ca_bundle)
        self.ca_bundle.setPlaceholderText(
            translate("SyncPage", "Optional: head office's own CA certificate (PEM file)")
        )
        self.enrol_button = QPushButton(translate("SyncPage", "Enrol this device"))
        self.enrol_button.clicked.connect(self.enrol)
        form.addRow(translate("SyncPage", "Head office address"), self.url)
        form.addRow(translate("SyncPage", "Enrolment code"), self.code)
        form.addRow(translate("SyncPage", "CA bundle"), self.ca_bundle)
        form.addRow(self.enrol_button)

        self.history = QListWidget()
        self.history.setMaximumHeight(120)
        history_box = QGroupBox(translate("SyncPage", "History"))
        QVBoxLayout(history_box).addWidget(self.history)

        self.conflicts_model = RecordTableModel(session, GENERIC_COLUMNS, RecordFilter(conflicted=True))
        self.conflicts = RecordTable(self.conflicts_model)
        self.conflicts.activated_record.connect(self._open_conflict)
        conflicts_box = QGroupBox(translate("SyncPage", "Conflicts"))
        conflicts_layout = QVBoxLayout(conflicts_box)
        conflicts_layout.addWidget(
            QLabel(
                translate(
                    "SyncPage",
                    "Records edited on two devices at once. Nothing was discarded: "
                    "open one to choose which version to keep.",
                )
            )
        )
        conflicts_layout.addWidget(self.conflicts)

        layout = QVBoxLayout(self)
        layout.addWidget(status_box)
        layout.addWidget(self.enrol_box)
        layout.addWidget(history_box)
        layout.addWidget(conflicts_box, 1)
        self.refresh()

    def refresh(self) -> None:
        if self.session.closed:
            return
        status = self.bridge.status()
        self._show_status(status)
        self.conflicts_model.refresh()

    def _show_status(self, status: SyncStatus) -> None:
        lines = []
        if not status.available:
            lines.append(translate("SyncPage", "Sync with head office is not available in this build yet."))
        elif status.enrolled:
            lines.append(
                translate("SyncPage", "Connected to {0} as branch {1}").format(status.base_url, status.branch_name)
            )
        else:
            lines.append(translate("SyncPage", "This device is not enrolled with head office yet."))
        lines.append(translate("SyncPage", "{0} changes waiting to be sent").format(status.pending))
        lines.append(translate("SyncPage", "{0} records in conflict").format(status.conflicts))
        lines.append(
            translate("SyncPage", "Last sync: {0}").format(status.last_success or translate("SyncPage", "never"))
        )
        if status.last_error:
            lines.append(translate("SyncPage", "Last error: {0}").format(status.last_error))
        self.status_label.setText("\n".join(lines))
        self.sync_button.setEnabled(status.available and status.enrolled and not self.running)
        self.enrol_box.setVisible(status.available and not status.enrolled)

    def enrol(self) -> None:
        url, code, ca = self.url.text().strip(), self.code.text().strip(), self.ca_bundle.text().strip()
        if not url or not code:
            dialogs.error(self, translate("SyncPage", "Enter head office's address and the enrolment code."))
            return
        UiSettings().ca_bundle = ca
        self.enrol_button.setEnabled(False)
        bridge = self.bridge

        def job(_p: ProgressFn) -> str:
            return bridge.enrol(url, code, ca or None)

        def done(branch: object) -> None:
            self.enrol_button.setEnabled(True)
            self._log(translate("SyncPage", "Enrolled as branch {0}").format(branch))
            self.refresh()

        start_worker(job, on_result=done, on_error=self._failed)

    def sync_now(self) -> None:
        if self.running or self.session.closed:
            return
        self.running = True
        self.sync_button.setEnabled(False)
        self.progress.show()
        bridge = self.bridge
        ca = UiSettings().ca_bundle

        def job(progress: ProgressFn) -> Any:
            return bridge.sync(lambda p: progress(int(p.page), 0, f"{p.pushed}/{p.pulled}"), ca_bundle=ca)

        start_worker(job, on_result=self._synced, on_error=self._failed, on_progress=self._progress)

    def _progress(self, page: int, _total: int, text: str) -> None:
        self.progress.setFormat(translate("SyncPage", "Page {0}").format(page))

    def _synced(self, stats: Any) -> None:
        self.running = False
        self.progress.hide()
        self._log(
            translate("SyncPage", "Sent {0}, received {1}, conflicts {2}").format(
                getattr(stats, "pushed", 0), getattr(stats, "pulled", 0), getattr(stats, "conflicts", 0)
            )
        )
        self.session.notify("")
        self.refresh()

    def _failed(self, exc: Exception) -> None:
        self.running = False
        self.progress.hide()
        self.enrol_button.setEnabled(True)
        message = getattr(exc, "message", None) or str(exc)
        self._log(translate("SyncPage", "Failed: {0}").format(message))
        if not self.session.closed:
            self.refresh()

    def _log(self, text: str) -> None:
        self.history.insertItem(0, f"{dt.datetime.now().strftime('%H:%M:%S')}  {text}")

    def _open_conflict(self, record_id: str) -> None:
        summary = self.conflicts_model.summary(self.conflicts_model.row_of(record_id))
        if summary is not None:
            self.host.open_editor(summary.kind, record_id)
