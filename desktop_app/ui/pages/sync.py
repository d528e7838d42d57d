"""同步: status, enrolment with head office, 立即同步 with progress, conflicts to resolve, refused
changes, and what happened this session. The work itself is the :class:`SyncController`'s.

The status, conflicts and refused changes are read in a worker (the conflicts unpack every open
version of every conflicted record). Refresh requests — several per sync or resolution, one per
visit — are coalesced: one load starts a moment after the first request, and requests arriving
while a load runs cause exactly one more load when it finishes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.operations import StoreLocked
from desktop_app.operations.refused import list_refused
from desktop_app.operations.sync import SyncStatus
from desktop_app.operations.types import Conflict
from desktop_app.ui import dialogs
from desktop_app.ui.i18n import local_time, translate
from desktop_app.ui.pages.base import EditorHost, Page
from desktop_app.ui.session import Session
from desktop_app.ui.sync.auto import AutoSync
from desktop_app.ui.sync.conflict_dialog import ConflictDialog
from desktop_app.ui.sync.conflicts_model import ConflictListModel
from desktop_app.ui.sync.controller import SyncController
from desktop_app.ui.sync.refused_panel import RefusedPanel
from desktop_app.ui.ui_settings import UiSettings
from desktop_app.ui.workers import ProgressFn, start_worker

REFRESH_DELAY_MS = 100


@dataclass(frozen=True)
class SyncSnapshot:
    """What the page shows, read together in one worker."""

    status: SyncStatus
    conflicts: list[Conflict]
    rejected: list[dict[str, Any]]
    pulled: list[dict[str, Any]] = field(default_factory=list)  # from head office, not accepted


def _table(model: Any, stretch: int = 1) -> QTableView:
    """A read-only list; columns as wide as their contents, column ``stretch`` takes the rest."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


class SyncPage(Page):
    def __init__(self, session: Session, host: EditorHost, parent: QWidget | None = None) -> None:
        super().__init__(session, host, parent)
        controller = getattr(host, "sync_controller", None)
        self.controller: SyncController = controller or SyncController(session, self)
        self.auto: AutoSync | None = getattr(host, "auto_sync", None)
        self.conflict_dialog: ConflictDialog | None = None
        self.snapshot: SyncSnapshot | None = None  # the last one loaded
        self.loading = False
        self._dirty = False  # a refresh was asked for while loading: load again afterwards
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self._load)

        self.status_label = QLabel(translate("SyncPage", "Loading…"))
        self.status_label.setObjectName("syncStatus")
        self.status_label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("syncError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.auto_label = QLabel()
        self.auto_label.setObjectName("autoSync")
        self.auto_label.setWordWrap(True)
        self.auto_label.setStyleSheet("color: #555555;")
        self.sync_button = QPushButton(translate("SyncPage", "Sync now"))
        self.sync_button.setToolTip(translate("SyncPage", "Send this device's changes to head office and fetch theirs"))
        self.sync_button.clicked.connect(self.sync_now)
        self.sync_button.setEnabled(False)  # until the status is loaded
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(True)
        self.progress.hide()
        status_box = QGroupBox(translate("SyncPage", "Status"))
        status_layout = QVBoxLayout(status_box)
        status_layout.addWidget(self.status_label)
        status_layout.addWidget(self.error_label)
        status_layout.addWidget(self.auto_label)
        row = QHBoxLayout()
        row.addWidget(self.sync_button)
        row.addWidget(self.progress, 1)
        row.addStretch(0)
        status_layout.addLayout(row)

        self.enrol_box = QGroupBox(translate("SyncPage", "Connect to head office"))
        self.enrol_box.hide()  # until the status is loaded
        form = QFormLayout(self.enrol_box)
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://hq.example.org")
        self.code = QLineEdit()
        self.code.setPlaceholderText(translate("SyncPage", "One-time code from head office"))
        self.ca_note = QLabel()
        self.ca_note.setWordWrap(True)
        self.enrol_button = QPushButton(translate("SyncPage", "Enrol this device"))
        self.enrol_button.clicked.connect(self.enrol)
        form.addRow(translate("SyncPage", "Head office address"), self.url)
        form.addRow(translate("SyncPage", "Enrolment code"), self.code)
        form.addRow(translate("SyncPage", "CA certificate"), self.ca_note)
        form.addRow(self.enrol_button)

        self.conflicts_model = ConflictListModel()
        self.conflicts = _table(self.conflicts_model)
        self.conflicts.setObjectName("conflicts")
        self.conflicts.activated.connect(self.open_conflict)  # double-click and Enter
        self.resolve_button = QPushButton(translate("SyncPage", "Compare and resolve…"))
        self.resolve_button.setEnabled(False)
        self.resolve_button.clicked.connect(lambda: self.open_conflict(self._selected_conflict_row()))
        self.conflicts_box = QGroupBox(translate("SyncPage", "Conflicts"))
        conflicts_layout = QVBoxLayout(self.conflicts_box)
        note = QLabel(
            translate(
                "SyncPage",
                "Records edited on two devices at once. Nothing was discarded: "
                "open one to compare the versions and choose what to keep.",
            )
        )
        note.setWordWrap(True)
        conflicts_layout.addWidget(note)
        conflicts_layout.addWidget(self.conflicts, 1)
        conflicts_layout.addWidget(self.resolve_button, 0, Qt.AlignmentFlag.AlignLeft)

        # Refused and unsendable edits, with their text and what to do (refused_panel.py).
        self.refused = RefusedPanel(session, self.controller, _table)
        self.refused.hide()
        self.rejected_box, self.rejected_model, self.rejected = self.refused, self.refused.model, self.refused.table

        self.history = QListWidget()
        self.history.setObjectName("syncHistory")
        self.history.setMaximumHeight(110)
        history_box = QGroupBox(translate("SyncPage", "This session"))
        QVBoxLayout(history_box).addWidget(self.history)

        top = QHBoxLayout()
        top.addWidget(status_box, 3)
        top.addWidget(self.enrol_box, 2)
        content = QWidget()  # scrolls when the refused edits make it taller than a 1366×768 window
        layout = QVBoxLayout(content)
        layout.addLayout(top)
        layout.addWidget(self.conflicts_box, 2)
        layout.addWidget(self.rejected_box, 1)
        layout.addWidget(history_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        c = self.controller
        c.started.connect(self._started)
        c.progress.connect(self._progress)
        c.synced.connect(self._synced)
        c.failed.connect(self._failed)
        c.enrolled.connect(self._enrolled)
        c.enrol_failed.connect(self._enrol_failed)
        c.status_changed.connect(self.refresh)
        if self.auto is not None:
            self.auto.state_changed.connect(self._show_auto)
        self.refresh()

    # ------------------------------------------------------------ showing state

    def refresh(self) -> None:
        """Ask for a reload; requests within :data:`REFRESH_DELAY_MS` (or during a load) share one."""
        if self.session.closed:
            return
        if self.loading:
            self._dirty = True
        elif not self._refresh_timer.isActive():
            self._refresh_timer.start()

    @property
    def idle(self) -> bool:
        """No load running or due: what is shown is the store's current state (tests wait for it)."""
        return not (self.loading or self._dirty or self._refresh_timer.isActive())

    def _load(self) -> None:
        if self.session.closed:
            return
        if self.loading:
            self._dirty = True
            return
        self.loading = True
        self._dirty = False
        ops, ledger = self.controller.ops, self.session.ledger

        def job(_progress: ProgressFn) -> SyncSnapshot:
            # Each read takes the guard on its own (and refuses once the ledger is locked).
            status = ops.status()
            conflicts = ops.conflicts() if status.conflicts else []
            refused = list_refused(ledger) if status.rejected or status.quarantined else None
            return SyncSnapshot(status, conflicts, refused.edits if refused else [], refused.pulled if refused else [])

        start_worker(job, on_result=self._loaded, on_error=self._load_failed, owner=self)

    def _load_finished(self) -> None:
        self.loading = False
        if self._dirty and not self.session.closed:
            self._dirty = False
            self._refresh_timer.start()

    def _loaded(self, snapshot: SyncSnapshot) -> None:
        self._load_finished()
        if self.session.closed:
            return
        self.snapshot = snapshot
        self._show_status(snapshot.status)
        self.conflicts_model.set_rows(snapshot.conflicts)
        self.conflicts.resizeColumnToContents(0)
        self.conflicts.setColumnWidth(1, 360)
        self.resolve_button.setEnabled(self.conflicts_model.rowCount() > 0)
        self.refused.set_rows(snapshot.rejected, snapshot.pulled)
        self._show_auto()

    def _load_failed(self, exc: Exception) -> None:
        self._load_finished()
        if self.session.closed or isinstance(exc, StoreLocked):
            return
        self.error_label.setText(
            translate("SyncPage", "The sync state could not be read: {0}").format(dialogs.error_text(exc))
        )
        self.error_label.show()

    def _show_status(self, status: SyncStatus) -> None:
        lines = []
        if status.enrolled:
            lines.append(
                translate("SyncPage", "Connected to {0} as branch {1}").format(status.base_url, status.branch_name)
            )
        else:
            lines.append(translate("SyncPage", "This device is not enrolled with head office yet."))
        lines.append(
            translate("SyncPage", "Last successful sync: {0}").format(
                local_time(status.last_success) or translate("SyncPage", "never")
            )
        )
        lines.append(translate("SyncPage", "{0} changes waiting to be sent").format(status.pending))
        if status.rejected:
            refused = translate("SyncPage", "{0} changes refused by head office (see below)")
            lines.append(refused.format(status.rejected))
        if status.quarantined:
            unsendable = translate("SyncPage", "{0} changes could not be synced (see below)")
            lines.append(unsendable.format(status.quarantined))
        lines.append(translate("SyncPage", "{0} records in conflict").format(status.conflicts))
        self.status_label.setText("\n".join(lines))
        error = self.controller.last_failure or status.last_error
        self.error_label.setText(translate("SyncPage", "Last error: {0}").format(error) if error else "")
        self.error_label.setVisible(bool(error))
        self._enable_sync_button()
        self.enrol_box.setVisible(not status.enrolled)
        ca = UiSettings().ca_bundle
        self.ca_note.setText(
            ca or translate("SyncPage", "The system's certificates (another CA can be chosen in Settings)")
        )

    def _enable_sync_button(self) -> None:
        enrolled = self.snapshot is not None and self.snapshot.status.enrolled
        self.sync_button.setEnabled(enrolled and not self.controller.running)

    def _show_auto(self) -> None:
        auto = self.auto
        if auto is None or not auto.enabled:
            self.auto_label.setText(translate("SyncPage", "Automatic sync is off (Settings)."))
        elif auto.offline and auto.next_probe_ms is not None:
            self.auto_label.setText(
                translate("SyncPage", "Head office is unreachable; checking again in {0} s.").format(
                    max(1, round(auto.next_probe_ms / 1000))
                )
            )
        else:
            text = translate("SyncPage", "Syncs automatically every {0} minutes and when head office is reachable.")
            self.auto_label.setText(text.format(auto.settings.sync_interval_minutes))

    # ------------------------------------------------------------ actions

    def enrol(self) -> None:
        url, code = self.url.text().strip(), self.code.text().strip()
        if not url or not code:
            dialogs.error(self, translate("SyncPage", "Enter head office's address and the enrolment code."))
            return
        if self.controller.enrol(url, code, UiSettings().ca_bundle or None):
            self.enrol_button.setEnabled(False)
            self._log(translate("SyncPage", "Enrolling with {0}…").format(url))

    def sync_now(self) -> None:
        self.controller.sync_now("manual")

    def _started(self, _reason: str) -> None:
        self.sync_button.setEnabled(False)
        self.progress.setFormat(translate("SyncPage", "Syncing…"))
        self.progress.show()

    def _progress(self, page: int, pushed: int, pulled: int) -> None:
        self.progress.setFormat(
            translate("SyncPage", "Page {0}: sent {1}, received {2}").format(page, pushed, pulled)
        )

    def _synced(self, stats: Any) -> None:
        self.progress.hide()
        self._log(
            translate("SyncPage", "Synced: sent {0}, received {1}, new conflicts {2}").format(
                stats.accepted + stats.duplicates, stats.pulled, len(stats.new_conflicts)
            )
        )
        blobs = getattr(stats, "blobs", None)
        if blobs is not None and blobs.error:  # e.g. head office's attachment quota is full: records went up
            self._log(translate("SyncPage", "Attachments not sent: {0}").format(blobs.error))
        self._enable_sync_button()  # the figures follow with the reload (status_changed)

    def _failed(self, message: str, _retryable: bool) -> None:
        self.progress.hide()
        self._log(translate("SyncPage", "Sync failed: {0}").format(message))
        self._enable_sync_button()

    def _enrolled(self, branch: str) -> None:
        self.enrol_button.setEnabled(True)
        self.code.clear()
        self._log(translate("SyncPage", "Enrolled as branch {0}").format(branch))
        self.controller.sync_now("enrolled")  # the page reloads on status_changed

    def _enrol_failed(self, message: str) -> None:
        self.enrol_button.setEnabled(True)
        self._log(translate("SyncPage", "Enrolment failed: {0}").format(message))
        dialogs.error(self, message)

    def _log(self, text: str) -> None:
        self.history.insertItem(0, f"{dt.datetime.now().strftime('%H:%M:%S')}  {text}")

    # ------------------------------------------------------------ conflicts

    def _selected_conflict_row(self) -> int:
        rows = self.conflicts.selectionModel().selectedRows() if self.conflicts.selectionModel() else []
        return rows[0].row() if rows else 0

    def open_conflict(self, row: int | QModelIndex = 0) -> ConflictDialog | None:
        """Open the side-by-side resolution dialog for the conflict in ``row``."""
        index = row.row() if isinstance(row, QModelIndex) else row
        conflict = self.conflicts_model.conflict(index)
        if conflict is None:
            return None
        dialog = ConflictDialog(self.session, self.controller, conflict, self)
        self.conflict_dialog = dialog  # the controller's status_changed reloads the list once resolved
        dialog.open()
        return dialog
