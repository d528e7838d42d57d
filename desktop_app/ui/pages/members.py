"""党员: the roster, with search, new member and import from a CSV/Excel sheet."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.operations.types import RecordFilter
from desktop_app.ui import dialogs
from desktop_app.ui.i18n import translate
from desktop_app.ui.models.records import MEMBER_COLUMNS, RecordTableModel
from desktop_app.ui.pages.base import EditorHost, Page, RecordTable, SearchBox
from desktop_app.ui.roster_job import ROSTER_FILTER, import_roster_file
from desktop_app.ui.session import Session


class MembersPage(Page):
    def __init__(self, session: Session, host: EditorHost, parent: QWidget | None = None) -> None:
        super().__init__(session, host, parent)
        self.search = SearchBox()
        self.search.setPlaceholderText(translate("MembersPage", "Find a member… (Ctrl+F)"))
        new_button = QPushButton(translate("MembersPage", "New member"))
        new_button.setToolTip(translate("MembersPage", "Ctrl+N"))
        new_button.clicked.connect(self.new_record)
        import_button = QPushButton(translate("MembersPage", "Import roster…"))
        import_button.setToolTip(translate("MembersPage", "Columns 姓名, 性别, 党员类别, 入党日期, 党小组, 职务"))
        import_button.clicked.connect(self.choose_roster_file)
        self.model = RecordTableModel(session, MEMBER_COLUMNS, RecordFilter(kind="member"))
        self.table = RecordTable(self.model)
        self.table.fit_columns()
        self.table.activated_record.connect(lambda rid: self.host.open_editor("member", rid))
        self.count_label = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(new_button)
        bar.addWidget(import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self.search.search.connect(lambda _t: self.apply_filter())
        self._update_count()

    def apply_filter(self) -> None:
        self.model.set_filter(RecordFilter(kind="member", text=self.search.text().strip() or None))
        self._update_count()

    def _update_count(self) -> None:
        self.count_label.setText(translate("MembersPage", "{0} members").format(self.model.total))

    def refresh(self) -> None:
        self.model.refresh()
        self._update_count()

    def new_record(self) -> None:
        self.host.open_editor("member", None)

    def focus_search(self) -> None:
        self.search.setFocus()

    def choose_roster_file(self) -> None:
        """导入名册…: pick the sheet in a file dialog, then import it."""
        title = translate("MembersPage", "Import roster")
        path = dialogs.open_file(self, title, translate("RosterImport", ROSTER_FILTER))
        if path is not None:
            self.import_roster(path)

    def import_roster(self, path: Path) -> None:
        import_roster_file(
            self,
            self.session,
            path,
            lambda n: dialogs.info(self, translate("MembersPage", "{0} members imported.").format(n)),
        )
