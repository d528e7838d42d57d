"""概览: the records head office returned for correction, with its comment and a count badge."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QGroupBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop_app.operations.reviews import ReviewInfo, returned_records
from desktop_app.ui.i18n import local_time, translate
from desktop_app.ui.session import Session


class ReturnedPanel(QGroupBox):
    """Hidden while nothing was returned; double-click a line to open the record and correct it."""

    open_record = Signal(str, str)  # kind, record id
    count_changed = Signal(int)  # returns not yet corrected

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("returnedPanel")
        self.session = session
        self.items: list[ReviewInfo] = []
        self.badge = QLabel()
        self.badge.setObjectName("returnedBadge")
        self.badge.setStyleSheet("background:#b00020; color:white; border-radius:9px; padding:1px 8px;"
                                 " font-weight:bold;")
        self.list = QListWidget()
        self.list.setObjectName("returnedList")
        self.list.setMaximumHeight(110)  # a few returns at a glance; the overview keeps its room
        self.list.setToolTip(translate("ReturnedPanel", "Double-click to open the record and write a correction"))
        self.list.itemActivated.connect(self._open)
        self.list.itemDoubleClicked.connect(self._open)
        layout = QVBoxLayout(self)
        layout.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.list)
        session.records_changed.connect(lambda _kind: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        if self.session.closed:
            return
        self.items = returned_records(self.session.ledger)
        self.list.clear()
        waiting = 0
        for info in self.items:
            when = local_time(info.reviewed_at.isoformat())
            if info.corrected:
                state = translate("ReturnedPanel", "corrected, waiting for head office")
            else:
                state = translate("ReturnedPanel", "to correct")
                waiting += 1
            text = translate("ReturnedPanel", "{0} · {1}\nHead office ({2}, {3}): {4}").format(
                info.title, state, info.reviewer, when, info.comment)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, info.record_id)
            item.setForeground(QBrush(QColor("#555555" if info.corrected else "#b00020")))
            self.list.addItem(item)
        self.setTitle(translate("ReturnedPanel", "Returned by head office for correction"))
        self.badge.setText(translate("ReturnedPanel", "{0} to correct").format(waiting))
        self.badge.setVisible(waiting > 0)
        self.setVisible(bool(self.items))
        self.count_changed.emit(waiting)

    def _open(self, item: QListWidgetItem) -> None:
        record_id = item.data(Qt.ItemDataRole.UserRole)
        if record_id:
            self.open_record.emit("meeting", str(record_id))
