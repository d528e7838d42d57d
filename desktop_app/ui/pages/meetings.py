"""会议记录: every meeting kind, filtered by kind, dates and status, with search as you type."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.operations import records
from desktop_app.operations.printing import PrintRequest
from desktop_app.operations.types import RecordFilter
from desktop_app.ui import dialogs
from desktop_app.ui.i18n import enum_text, translate
from desktop_app.ui.models.records import RecordTableModel, meeting_columns
from desktop_app.ui.pages.base import EditorHost, Page, RecordTable, SearchBox
from desktop_app.ui.session import Session
from desktop_app.ui.widgets.fields import DateEdit
from domain.enums import MeetingType, RecordStatus

if TYPE_CHECKING:
    from desktop_app.ui.printing.dialog import PrintDialog



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
        self.date_from = DateEdit()
        self.date_from.setToolTip(translate("MeetingsPage", "From date (empty: no limit)"))
        self.date_to = DateEdit()
        self.date_to.setToolTip(translate("MeetingsPage", "To date (empty: no limit)"))
        self.search = SearchBox()
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        new_button = QPushButton(translate("MeetingsPage", "New meeting record"))
        new_button.setToolTip(translate("MeetingsPage", "Ctrl+N"))
        new_button.clicked.connect(self.new_record)
        self.repeat_button = QPushButton(translate("MeetingsPage", "New from selected"))
        self.repeat_button.setToolTip(
            translate(
                "MeetingsPage",
                "Start a new record like the selected meeting (last month's committee meeting, say): "
                "same people, place and agenda, dated today",
            )
        )
        self.repeat_button.clicked.connect(self.repeat_selected)
        self.print_button = QPushButton(translate("MeetingsPage", "Print"))
        self.print_button.setToolTip(
            translate("MeetingsPage", "Print the selected meeting, its sign-in sheet, or the ledger")
        )
        menu = QMenu(self.print_button)
        menu.addAction(translate("MeetingsPage", "Minutes of the selected meeting…"), lambda: self.print_selected())
        menu.addAction(translate("MeetingsPage", "Sign-in sheet for the selected meeting…"),
                       lambda: self.print_selected("signin"))
        menu.addSeparator()
        menu.addAction(translate("MeetingsPage", "Branch ledger for a period…"), lambda: self.print_ledger())
        self.print_button.setMenu(menu)

        self.records_since = self._read_records_since()
        self.model = RecordTableModel(
            session, meeting_columns(lambda: self.records_since), RecordFilter(kind="meeting")
        )
        self.table = RecordTable(self.model)
        self.table.fit_columns(stretch=2)  # the title
        self.table.activated_record.connect(lambda rid: self.host.open_editor("meeting", rid))

        # Two rows: the search and the actions, then the filters — one row left the search box
        # squeezed to nothing on a small screen at 150%.
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(new_button)
        bar.addWidget(self.repeat_button)
        bar.addWidget(self.print_button)
        filters = QHBoxLayout()
        filters.addWidget(self.kind)
        filters.addWidget(self.status)
        filters.addWidget(QLabel(translate("MeetingsPage", "From")))
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel(translate("MeetingsPage", "to")))
        filters.addWidget(self.date_to)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(filters)
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
        self.setTabOrder(new_button, self.repeat_button)
        self.setTabOrder(self.repeat_button, self.print_button)
        self.setTabOrder(self.print_button, self.table)

    def current_filter(self) -> RecordFilter:
        status = self.status.currentData()
        # A date still being typed (1988-0…) is no limit yet.
        date_from, date_to = self.date_from.parsed(), self.date_to.parsed()
        return RecordFilter(
            kind="meeting",
            subtype=self.kind.currentData(),
            status=RecordStatus(status) if status else None,
            date_from=date_from if isinstance(date_from, dt.date) else None,
            date_to=date_to if isinstance(date_to, dt.date) else None,
            text=self.search.text().strip() or None,
        )

    def apply_filter(self) -> None:
        self.model.set_filter(self.current_filter())
        self._update_count()

    def _update_count(self) -> None:
        self.count_label.setText(translate("MeetingsPage", "{0} records").format(self.model.total))

    def _read_records_since(self) -> str | None:
        since = records.records_since(self.session.ledger)
        return since.isoformat() if since else None

    def refresh(self) -> None:
        self.records_since = self._read_records_since()
        self.model.refresh()
        self._update_count()

    def new_record(self) -> None:
        self.host.open_editor("meeting", None)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def repeat_selected(self) -> None:
        """照此新建: a new meeting record copied from the selected one (see meeting_defaults.repeat_of)."""
        from desktop_app.ui.editors.meeting_defaults import repeat_of

        record_id = self.table.selected_record_id()
        if not record_id:
            dialogs.info(self, translate("MeetingsPage", "Select a meeting in the list first."))
            return
        body = records.get_record(self.session.ledger, record_id).body
        copy = repeat_of(body.model_dump(mode="json"), dt.date.today())
        self.host.open_editor("meeting", None, initial=copy)

    def _selected_request(self, kind: str) -> PrintRequest | None:
        record_id = self.table.selected_record_id()
        if not record_id:
            dialogs.info(self, translate("MeetingsPage", "Select a meeting in the list first."))
            return None
        summary = self.model.summary(self.model.row_of(record_id))
        title = summary.title if summary else ""
        return PrintRequest.signin(record_id, title) if kind == "signin" else PrintRequest.minutes(record_id, title)

    def print_selected(self, kind: str = "minutes") -> PrintDialog | None:
        """Ctrl+P: the print dialog for the selected meeting's minutes (or its sign-in sheet)."""
        from desktop_app.ui.printing.dialog import open_print_dialog

        request = self._selected_request(kind)
        return open_print_dialog(self, self.session, request) if request else None

    def print_ledger(self) -> PrintDialog:
        from desktop_app.ui.printing.dialog import open_ledger_dialog

        return open_ledger_dialog(self, self.session)
