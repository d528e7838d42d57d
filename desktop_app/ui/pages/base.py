"""What the workspace expects of a page, and the pieces list pages share (a debounced filter bar)."""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView, QWidget

from desktop_app.ui.i18n import translate
from desktop_app.ui.models.records import RecordTableModel
from desktop_app.ui.session import Session

SEARCH_DEBOUNCE_MS = 250



class EditorHost(Protocol):
    """The workspace: opens editors and keeps track of them (so locking can close them)."""

    def open_editor(self, kind: str, record_id: str | None = None, **kwargs: Any) -> Any: ...


class Page(QWidget):
    """Base of the navigation pages. Override what applies; the shell calls these from shortcuts."""

    def __init__(self, session: Session, host: EditorHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.host = host

    def refresh(self) -> None:
        """Reload from the store (after a write elsewhere, or when the page is shown)."""

    def new_record(self) -> None:
        """Ctrl+N on this page."""

    def focus_search(self) -> None:
        """Ctrl+F on this page."""

    def print_selected(self) -> object:
        """Ctrl+P on this page (returns the print dialog it opened, if any)."""
        return None


class SearchBox(QLineEdit):
    """Search as you type, debounced: emits :attr:`search` a moment after typing stops."""

    search = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(translate("Page", "Search the full text… (Ctrl+F)"))
        self.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.search.emit(self.text().strip()))
        self.textChanged.connect(lambda _t: self._timer.start(SEARCH_DEBOUNCE_MS))
        self.returnPressed.connect(self.flush)

    def flush(self) -> None:
        self._timer.stop()
        self.search.emit(self.text().strip())


class RecordTable(QTableView):
    """A read-only table over a :class:`RecordTableModel`; Enter or double-click opens a record."""

    activated_record = Signal(str)

    def __init__(self, model: RecordTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(False)  # order comes from the store (newest first)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(26)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultSectionSize(120)
        self.activated.connect(self._activated)

    def record_model(self) -> RecordTableModel:
        model = self.model()
        assert isinstance(model, RecordTableModel)
        return model

    def _activated(self, index: QModelIndex) -> None:
        record_id = self.record_model().record_id(index.row())
        if record_id:
            self.activated_record.emit(record_id)

    def selected_record_id(self) -> str | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        if not rows:
            return None
        return self.record_model().record_id(rows[0].row())

    def fit_columns(self, stretch: int | None = None) -> None:
        """Columns as wide as what they show; ``stretch`` (the title, say) takes the rest of the
        width — so no column of short values (同步, 状态) is stretched over half the table.

        Widths are measured once, on the rows first shown (dates, kinds and states are all about
        as wide as each other); measuring again at every filter change would cost each filter of a
        10 000-record list several milliseconds for nothing.
        """
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setResizeContentsPrecision(0)  # the rows on screen only
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if stretch is not None:
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self._stretch = stretch
        self._measured = False
        model = self.model()
        model.modelReset.connect(self._measure_once)
        model.rowsInserted.connect(self._measure_once)
        QTimer.singleShot(0, self, self._measure_once)  # the context object: no call once deleted

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if hasattr(self, "_measured"):
            QTimer.singleShot(0, self, self._measure_once)

    def _measure_once(self, *_args: object) -> None:
        if self._measured or self.model().rowCount() == 0 or not self.isVisible():
            return
        self._measured = True
        header = self.horizontalHeader()
        for column in range(self.model().columnCount()):
            if column != self._stretch:
                width = header.sectionSize(column)
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                self.setColumnWidth(column, width)
