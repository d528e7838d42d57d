"""会议记录: every meeting kind, filtered by kind, dates and status, with search as you type."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.store import RecordFilter
from desktop_app.ui.i18n import enum_text, translate
from desktop_app.ui.models.records import MEETING_COLUMNS, RecordTableModel
from desktop_app.ui.pages.base import EditorHost, Page, RecordTable, SearchBox
from desktop_app.ui.session import Session
from desktop_app.ui.widgets.fields import OptionalDateEdit
from domain.enums import MeetingType, RecordStatus


def _t(text: str) -> str:
    return QCoreApplication.translate("MeetingsPage", text)


class MeetingsPage(Page):
    def __init__(self, session: Session, host: EditorHost, parent: QWidget | None = None) -> None:
        super().__init__(session, host, parent)
        self.kind = QComboBox()
        self.kind.addItem(translate("MeetingsPage", "All kinds"), None)
        for meeting_type in MeetingType:
            self.kind.addItem(enum_text(meeting_type), meeting_type.value)
        self.kind.setToolTip(translate("MeetingsPage", "Show one kind of meeting"))
        self.status = QComboBox()
        self.status.addItem(translate("MeetingsPage", "Any status"), None)
        for status in RecordStatus:
            self.status.addItem(enum_text(status), status.value)
        self.date_from = OptionalDateEdit()
        self.date_from.setToolTip(translate("MeetingsPage", "From date (empty: no limit)"))
        self.date_to = OptionalDateEdit()
        self.date_to.setToolTip(translate("MeetingsPage", "To date (empty: no limit)"))
        self.search = SearchBox()
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        new_button = QPushButton(translate("MeetingsPage", "New meeting record"))
        new_button.setToolTip(translate("MeetingsPage", "Ctrl+N"))
        new_button.clicked.connect(self.new_record)

        self.model = RecordTableModel(session, MEETING_COLUMNS, RecordFilter(kind="meeting"))
        self.table = RecordTable(self.model)
        self.table.set_column_widths([100, 140, 360, 110, 70])
        self.table.activated_record.connect(lambda rid: self.host.open_editor("meeting", rid))

        bar = QHBoxLayout()
        bar.addWidget(self.kind)
        bar.addWidget(self.status)
        bar.addWidget(QLabel(translate("MeetingsPage", "From")))
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel(translate("MeetingsPage", "to")))
        bar.addWidget(self.date_to)
        bar.addWidget(self.search, 1)
        bar.addWidget(new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self.kind.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.status.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.date_from.changed.connect(self.apply_filter)
        self.date_to.changed.connect(self.apply_filter)
        self.search.search.connect(lambda _text: self.apply_filter())
        self._update_count()
        self.setTabOrder(self.kind, self.status)
        self.setTabOrder(self.status, self.date_from)
        self.setTabOrder(self.date_from, self.date_to)
        self.setTabOrder(self.date_to, self.search)
        self.setTabOrder(self.search, new_button)
        self.setTabOrder(new_button, self.table)

    def current_filter(self) -> RecordFilter:
        status = self.status.currentData()
        date_from = self.date_from.value()
        date_to = self.date_to.value()
        return RecordFilter(
            kind="meeting",
            subtype=self.kind.currentData(),
            status=RecordStatus(status) if status else None,
            date_from=dt.date.fromisoformat(date_from) if date_from else None,
            date_to=dt.date.fromisoformat(date_to) if date_to else None,
            text=self.search.text().strip() or None,
        )

    def apply_filter(self) -> None:
        self.model.set_filter(self.current_filter())
        self._update_count()

    def _update_count(self) -> None:
        self.count_label.setText(translate("MeetingsPage", "{0} records").format(self.model.total))

    def refresh(self) -> None:
        self.model.refresh()
        self._update_count()

    def new_record(self) -> None:
        self.host.open_editor("meeting", None)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def print_selected(self) -> None:
        record_id = self.table.selected_record_id()
        if record_id:
            from desktop_app.ui.printing import print_record

            print_record(self, self.session, record_id)
