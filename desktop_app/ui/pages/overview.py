"""概览: this month's, quarter's and year's required activities, recent records, sync state, and
members without organisational life for 5+ months. Gathered in a worker (it reads many rows)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.operations.overview import OverviewData, gather_overview
from desktop_app.operations.types import RecordFilter
from desktop_app.ui import dialogs
from desktop_app.ui.i18n import (
    QT_TRANSLATE_NOOP,
    enum_code_text,
    kind_name,
    local_time,
    translate,
)
from desktop_app.ui.models.records import NOTICE_COLUMNS, RecordTableModel
from desktop_app.ui.operations import UiOp
from desktop_app.ui.pages.base import EditorHost, Page, RecordTable
from desktop_app.ui.review.returned_panel import ReturnedPanel
from desktop_app.ui.session import Session
from domain.compliance import ComplianceReport, ComplianceState, RequirementStatus
from domain.enums import MeetingType
from domain.i18n import t

if TYPE_CHECKING:
    from desktop_app.ui.printing.dialog import PrintDialog

STATE_COLORS = {
    ComplianceState.DONE: "#1b5e20",
    ComplianceState.DUE: "#9a6700",
    ComplianceState.OVERDUE: "#b00020",
    ComplianceState.UPCOMING: "#555555",
    ComplianceState.NOT_APPLICABLE: "#888888",
}
STATE_NAMES = {
    ComplianceState.DONE: QT_TRANSLATE_NOOP("OverviewPage", "done"),
    ComplianceState.DUE: QT_TRANSLATE_NOOP("OverviewPage", "due"),
    ComplianceState.OVERDUE: QT_TRANSLATE_NOOP("OverviewPage", "overdue"),
    ComplianceState.UPCOMING: QT_TRANSLATE_NOOP("OverviewPage", "not yet due"),
    ComplianceState.NOT_APPLICABLE: QT_TRANSLATE_NOOP("OverviewPage", "n/a"),
}


def state_text(state: ComplianceState) -> str:
    return translate("OverviewPage", STATE_NAMES[state])


class OverviewPage(Page):
    def __init__(self, session: Session, host: EditorHost, parent: QWidget | None = None) -> None:
        super().__init__(session, host, parent)
        self.data: OverviewData | None = None
        self.loading = False
        self._again = False
        self.heading = QLabel(translate("OverviewPage", "Loading…"))
        self.heading.setObjectName("overviewHeading")
        self.heading.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.compliance = QTableWidget(0, 4)
        self.compliance.setHorizontalHeaderLabels(
            [
                translate("OverviewPage", "Required activity"),
                translate("OverviewPage", "This month"),
                translate("OverviewPage", "This quarter"),
                translate("OverviewPage", "This year"),
            ]
        )
        self.compliance.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.compliance.verticalHeader().setVisible(False)
        header = self.compliance.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.compliance.setWordWrap(True)  # long requirement names wrap instead of being cut off
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.recent = QListWidget()
        self.recent.itemActivated.connect(self._open_recent)  # double-click and Enter
        self.sync_state = QLabel()
        self.sync_state.setWordWrap(True)
        self.lapses = QListWidget()
        self.lapses.itemActivated.connect(self._open_recent)
        self.lapses.setToolTip(
            translate("OverviewPage", "党章 第九条: six months without organisational life means leaving the Party")
        )

        self.notices_model = RecordTableModel(session, NOTICE_COLUMNS, RecordFilter(kind="notice"))
        self.notices = RecordTable(self.notices_model)
        self.notices.setObjectName("notices")
        self.notices.fit_columns(stretch=1)
        self.notices.activated_record.connect(lambda rid: self.host.open_editor("notice", rid))
        self.notices.setToolTip(
            translate("OverviewPage", "Notices head office sent to this branch; double-click to read")
        )

        # Meetings that do not count because head office requires a 签到表/photo they lack (issue 14);
        # hidden while there are none. Double-click opens the meeting to attach the file.
        self.evidence_label = QLabel(translate("OverviewPage", "Lacking the evidence head office requires "
                                               "(not counted):"))
        self.evidence_label.setObjectName("evidenceHeading")
        self.evidence = QListWidget()
        self.evidence.setObjectName("lackingEvidence")
        self.evidence.itemActivated.connect(self._open_recent)
        self.evidence_label.hide()
        self.evidence.hide()
        box_compliance = QGroupBox(translate("OverviewPage", "Required activities"))
        compliance_layout = QVBoxLayout(box_compliance)
        compliance_layout.addWidget(self.compliance, 1)
        compliance_layout.addWidget(self.evidence_label)
        compliance_layout.addWidget(self.evidence)
        box_recent = QGroupBox(translate("OverviewPage", "Recent records"))
        QVBoxLayout(box_recent).addWidget(self.recent)
        box_sync = QGroupBox(translate("OverviewPage", "Sync"))
        QVBoxLayout(box_sync).addWidget(self.sync_state)
        box_notices = QGroupBox(translate("OverviewPage", "Notices from head office"))
        QVBoxLayout(box_notices).addWidget(self.notices)
        box_lapse = QGroupBox(translate("OverviewPage", "No organisational life for 5 months or more"))
        QVBoxLayout(box_lapse).addWidget(self.lapses)

        grid = QGridLayout()
        grid.addWidget(box_compliance, 0, 0, 2, 1)
        grid.addWidget(box_sync, 0, 1)
        grid.addWidget(box_lapse, 1, 1)
        grid.addWidget(box_recent, 2, 0)
        grid.addWidget(box_notices, 2, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(1, 1)
        grid.setRowStretch(2, 1)
        self.ledger_button = QPushButton(translate("OverviewPage", "Print ledger…"))
        self.ledger_button.setToolTip(
            translate("OverviewPage", "Print the branch ledger (台账) of a month, quarter or year")
        )
        self.ledger_button.clicked.connect(lambda: self.print_ledger())
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.ledger_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        self.returns = ReturnedPanel(session)  # head office's 退回修改, with a count badge
        self.returns.open_record.connect(lambda kind, rid: self.host.open_editor(kind, rid))
        layout.addWidget(self.returns)
        layout.addLayout(grid, 1)

    def refresh(self) -> None:
        """Recompute in a worker; the page keeps showing the last figures meanwhile."""
        if self.session.closed:
            return
        if self.loading:
            self._again = True  # records changed while computing: compute once more afterwards
            return
        self.loading = True
        self._again = False
        self.notices_model.refresh()
        UiOp(self, self.session, gather_overview).success(self._show).failure(self._failed).run_in_background()

    def print_ledger(self) -> PrintDialog:
        from desktop_app.ui.printing.dialog import open_ledger_dialog

        return open_ledger_dialog(self, self.session)

    def print_selected(self) -> PrintDialog:
        """Ctrl+P on the overview: the ledger."""
        return self.print_ledger()

    def _failed(self, exc: Exception) -> None:
        self.loading = False
        if not self.session.closed:
            self.heading.setText(
                translate("OverviewPage", "The overview could not be computed: {0}").format(dialogs.error_text(exc))
            )

    def _show(self, result: object) -> None:
        self.loading = False
        if self._again:
            self.refresh()
        if not isinstance(result, OverviewData) or self.session.closed:
            return
        self.data = result
        name = result.branch_name or translate("OverviewPage", "(branch name not set)")
        self.heading.setText(f"{name} · {result.today.isoformat()}")
        self._fill_compliance(result)
        self.evidence.clear()
        for shortfall in result.lacking_evidence:
            item = QListWidgetItem(shortfall.message)
            item.setForeground(QBrush(QColor("#b00020")))
            item.setData(Qt.ItemDataRole.UserRole, ("meeting", shortfall.record_id))
            self.evidence.addItem(item)
        self.evidence_label.setVisible(bool(result.lacking_evidence))
        self.evidence.setVisible(bool(result.lacking_evidence))
        if result.lacking_evidence:  # as tall as its lines (at most 4, then it scrolls): the table keeps the room
            rows = min(len(result.lacking_evidence), 4)
            self.evidence.setFixedHeight(rows * max(self.evidence.sizeHintForRow(0), 1)
                                         + 2 * self.evidence.frameWidth() + 2)
        self.recent.clear()
        for s in result.recent:
            if s.kind == "meeting":
                kind = enum_code_text(MeetingType, s.subtype)
            else:
                kind = kind_name(s.kind)
            item = QListWidgetItem(f"{s.event_date or ''}  {kind}  {s.shown_title}")
            item.setData(Qt.ItemDataRole.UserRole, (s.kind, s.record_id))
            self.recent.addItem(item)
        lines = [
            translate("OverviewPage", "{0} changes waiting to be sent to head office").format(result.pending_changes)
        ]
        if result.conflicts:
            lines.append(
                translate("OverviewPage", "{0} records in conflict — open the Sync page").format(result.conflicts)
            )
        lines.append(
            translate("OverviewPage", "Last sync: {0}").format(
                local_time(result.last_sync) or translate("OverviewPage", "never")
            )
        )
        self.sync_state.setText("\n".join(lines))
        self.lapses.clear()
        for warning in result.lapses:
            item = QListWidgetItem(warning.message)
            item.setForeground(QBrush(QColor("#b00020" if warning.code == "attendance.lapse" else "#9a6700")))
            item.setData(Qt.ItemDataRole.UserRole, ("member", warning.member_id))
            self.lapses.addItem(item)
        if not result.lapses:
            self.lapses.addItem(translate("OverviewPage", "None"))

    def _fill_compliance(self, data: OverviewData) -> None:
        reports: list[ComplianceReport | None] = [data.month, data.quarter, data.year]
        base = next((r for r in reports if r is not None), None)
        self.compliance.setRowCount(0)
        if base is None:
            return
        for req in base.requirements:
            row = self.compliance.rowCount()
            self.compliance.insertRow(row)
            label = QTableWidgetItem(req.label)
            label.setToolTip(req.note or t(req.source))
            self.compliance.setItem(row, 0, label)
            for col, report in enumerate(reports, start=1):
                status = _find(report, req.key)
                self.compliance.setItem(row, col, _status_item(status))
        self.compliance.resizeRowsToContents()

    def _open_recent(self, item: QListWidgetItem) -> None:
        value = item.data(Qt.ItemDataRole.UserRole)
        if value:
            kind, record_id = value
            self.host.open_editor(kind, record_id)


def _find(report: ComplianceReport | None, key: str) -> RequirementStatus | None:
    if report is None:
        return None
    try:
        return report.requirement(key)
    except KeyError:
        return None


def _status_item(status: RequirementStatus | None) -> QTableWidgetItem:
    if status is None:
        return QTableWidgetItem("")
    if status.state is ComplianceState.NOT_APPLICABLE:
        item = QTableWidgetItem(state_text(status.state))
        if status.note:
            item.setToolTip(status.note)
    elif len(status.windows) > 1:
        # A year of a monthly requirement: how many of its months are done (503 meetings over
        # a year "of 12" would say nothing).
        done = sum(1 for w in status.windows if w.state is ComplianceState.DONE)
        item = QTableWidgetItem(f"{done}/{len(status.windows)} {state_text(status.state)}")
        item.setToolTip(
            translate("OverviewPage", "{0} of {1} periods done ({2} meetings)").format(
                done, len(status.windows), status.done
            )
        )
    else:
        item = QTableWidgetItem(f"{status.done}/{status.required} {state_text(status.state)}")
    item.setForeground(QBrush(QColor(STATE_COLORS[status.state])))
    if status.due_soon:
        item.setToolTip(
            translate("OverviewPage", "Due by {0}").format(status.due_date.isoformat() if status.due_date else "")
        )
    return item
