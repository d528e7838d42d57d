"""An editable table for the list parts of a record (attendance, votes, speeches, pledges ...).

Each column has a kind that decides its cell widget and the JSON value it yields, so an editor
declares columns and gets ``rows() -> list[dict]`` ready for the record body. Editor tables hold
tens of rows, not thousands, so cell widgets are fine here; long lists use the paged models.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.i18n import enum_text, translate
from desktop_app.ui.widgets.fields import as_int_or_text, date_or_text
from domain.enums import LabelledEnum
from domain.records import Member

ERROR_BRUSH = QBrush(QColor("#ffd7d7"))



@dataclass
class RowColumn:
    key: str
    title: str  # already translated
    kind: str = "text"  # text | int | date | enum | member | bool
    enum_cls: type[LabelledEnum] | None = None
    optional: bool = True  # enum: offer an empty choice
    default: Any = None
    width: int = 0  # 0: stretch / content
    tooltip: str = ""
    fills: str = ""  # member column: the text column that takes the chosen member's name
    then: str = ""  # choice column: the text column to type in next, once the clerk picked an entry
    hidden: bool = False  # kept with its row but not shown (a body value the form carries, not edits)


class RowTable(QWidget):
    """Add/remove rows; every edit emits :attr:`changed`."""

    changed = Signal()

    def __init__(
        self,
        columns: list[RowColumn],
        members: Mapping[str, Member] | None = None,
        parent: QWidget | None = None,
        *,
        add_text: str = "",
        fit_rows: bool = True,
    ) -> None:
        super().__init__(parent)
        self.columns = columns
        self.fit_rows = fit_rows  # as tall as its rows (in a scrolling form); else it fills its place
        self.members = dict(members or {})
        self._loading = False
        self.table = QTableWidget(0, len(columns), self)
        self.table.setHorizontalHeaderLabels([c.title for c in columns])
        for i, column in enumerate(columns):
            if column.tooltip:
                header = self.table.horizontalHeaderItem(i)
                if header is not None:
                    header.setToolTip(column.tooltip)
        for i, column in enumerate(columns):
            self.table.setColumnHidden(i, column.hidden)
        header_view = self.table.horizontalHeader()
        for i, column in enumerate(columns):
            if column.width:
                header_view.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
                self.table.setColumnWidth(i, column.width)
            elif column.kind in ("text",):
                header_view.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
            else:
                header_view.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        # Rows tall enough for the choice lists in them, at any scaling.
        probe = QComboBox()
        self.table.verticalHeader().setDefaultSectionSize(max(28, probe.sizeHint().height() + 2))
        probe.deleteLater()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table and follows the form
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemDelegate().closeEditor.connect(self._editor_closed)
        self.add_button = QPushButton(add_text or translate("RowTable", "Add row"), self)
        self.remove_button = QPushButton(translate("RowTable", "Remove row"), self)
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._fit_height()

    # ------------------------------------------------------------ rows

    def add_row(self, values: Mapping[str, Any] | None = None) -> int:
        values = values or {}
        row = self.table.rowCount()
        self._loading = True
        try:
            self.table.insertRow(row)
            for col, column in enumerate(self.columns):
                self._make_cell(row, col, column, values.get(column.key, column.default))
        finally:
            self._loading = False
        self._fit_height()
        self.changed.emit()
        return row

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self._fit_height()
            self.changed.emit()

    def set_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        blocked = self.blockSignals(True)
        try:
            self.table.setRowCount(0)
            for values in rows:
                self.add_row(values)
        finally:
            self.blockSignals(blocked)
        self._fit_height()

    def rows(self) -> list[dict[str, Any]]:
        return [self.row_values(r) for r in range(self.table.rowCount())]

    def row_count(self) -> int:
        return self.table.rowCount()

    def is_blank(self, values: Mapping[str, Any]) -> bool:
        """Nothing typed or chosen in this row beyond the columns' defaults (an untouched row)."""
        for column in self.columns:
            value = values.get(column.key)
            if value in (None, "", False) or value == column.default:
                continue
            return False
        return True

    def filled_rows(self) -> list[dict[str, Any]]:
        """Every row the clerk put something into; untouched rows are left out (never a typed one)."""
        return [row for row in self.rows() if not self.is_blank(row)]

    def focus_cell(self, path: str) -> QWidget | None:
        """Make the cell a violation path names current (``attendance.3.reason``) and return the
        widget to focus: the cell's own widget, or the table."""
        parts = path.split(".")
        numbers = [i for i, p in enumerate(parts) if p.isdigit()]
        if not numbers:
            return None
        row = int(parts[numbers[0]])
        key = parts[numbers[0] + 1] if len(parts) > numbers[0] + 1 else None
        if not 0 <= row < self.table.rowCount():
            return None
        col = max(self._col(key), 0)
        self.table.setCurrentCell(row, col)
        self.table.scrollTo(self.table.model().index(row, col))
        return self.table.cellWidget(row, col) or self.table

    def row_values(self, row: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for col, column in enumerate(self.columns):
            out[column.key] = self._cell_value(row, col, column)
        return out

    def set_cell(self, row: int, key: str, value: Any) -> None:
        col = self._col(key)
        if col < 0:
            return
        self._loading = True
        try:
            self._make_cell(row, col, self.columns[col], value)
        finally:
            self._loading = False
        self.changed.emit()

    def clear_marks(self) -> None:
        # Colouring a cell is no edit: it must not mark the record changed (a warning shown
        # after 保存 made the saved record look unsaved again).
        was, self._loading = self._loading, True
        try:
            self._clear_marks()
        finally:
            self._loading = was

    def _clear_marks(self) -> None:
        for row in range(self.table.rowCount()):
            for col in range(len(self.columns)):
                item = self.table.item(row, col)
                if item is not None and item.background() == ERROR_BRUSH:
                    item.setBackground(QBrush())
                    item.setToolTip("")
                widget = self.table.cellWidget(row, col)
                if widget is not None and widget.property("hasError"):
                    widget.setProperty("hasError", False)
                    widget.setStyleSheet("")
                    widget.setToolTip("")

    def mark(self, row: int, key: str | None, message: str) -> bool:
        """Highlight the cell a violation points to; False when the row or column does not exist."""
        was, self._loading = self._loading, True  # not an edit (see clear_marks)
        try:
            return self._mark(row, key, message)
        finally:
            self._loading = was

    def _mark(self, row: int, key: str | None, message: str) -> bool:
        if not 0 <= row < self.table.rowCount():
            return False
        cols = [self._col(key)] if key else list(range(len(self.columns)))
        cols = [c for c in cols if c >= 0]
        for col in cols:
            widget = self.table.cellWidget(row, col)
            if widget is not None:
                widget.setProperty("hasError", True)
                widget.setStyleSheet("background: #ffd7d7;")
                widget.setToolTip(message)
                continue
            item = self.table.item(row, col)
            if item is None:
                item = QTableWidgetItem("")
                self.table.setItem(row, col, item)
            item.setBackground(ERROR_BRUSH)
            item.setToolTip(message)
        return bool(cols)

    # ------------------------------------------------------------ cells

    def _col(self, key: str | None) -> int:
        for i, column in enumerate(self.columns):
            if column.key == key:
                return i
        return -1

    def _make_cell(self, row: int, col: int, column: RowColumn, value: Any) -> None:
        if column.kind in ("enum", "member"):
            combo = QComboBox(self.table)
            if column.kind == "enum":
                assert column.enum_cls is not None
                if column.optional:
                    combo.addItem("", None)
                for code in column.enum_cls:
                    combo.addItem(enum_text(code), code.value)
                raw = value.value if isinstance(value, LabelledEnum) else value
            else:
                combo.addItem("", "")
                for member_id, member in sorted(self.members.items(), key=lambda kv: kv[1].name):
                    combo.addItem(member.name, member_id)
                raw = value or ""
                if raw and combo.findData(raw) < 0:
                    combo.addItem(str(raw), raw)
            combo.setCurrentIndex(max(combo.findData(raw), 0))
            if column.kind == "member" and column.fills:
                combo.currentIndexChanged.connect(lambda _i, c=combo, k=column.fills: self._fill_name(c, k))
            combo.currentIndexChanged.connect(lambda _i: self._emit())
            if column.then:
                combo.activated.connect(lambda _i, c=combo, k=column.then: self._go_on(c, k))
            self.table.setCellWidget(row, col, combo)
            return
        item = QTableWidgetItem()
        if column.kind == "bool":
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
        else:
            item.setText("" if value is None else str(value))
        self.table.setItem(row, col, item)

    def _cell_value(self, row: int, col: int, column: RowColumn) -> Any:
        widget = self.table.cellWidget(row, col)
        if isinstance(widget, QComboBox):
            data = widget.currentData()
            if column.kind == "member":
                return str(data or "")
            return data
        item = self.table.item(row, col)
        if column.kind == "bool":
            return item is not None and item.checkState() == Qt.CheckState.Checked
        text = item.text() if item is not None else ""
        if column.kind == "int":
            return as_int_or_text(text)
        if column.kind == "date":
            return date_or_text(text)
        return text.strip()

    def _fill_name(self, combo: QComboBox, key: str) -> None:
        """Picking a member from the roster writes their name into the row's name column (unless
        the clerk typed another name there, e.g. 王书记 for 王建国)."""
        if self._loading:
            return
        row = self._row_of_widget(combo)
        col = self._col(key)
        if row < 0 or col < 0:
            return
        item = self.table.item(row, col)
        current = item.text().strip() if item is not None else ""
        previous = combo.property("filledName") or ""
        if current and current != previous:
            return
        name = combo.currentText() if combo.currentData() else ""
        combo.setProperty("filledName", name)
        self._loading = True
        try:
            if item is None:
                item = QTableWidgetItem()
                self.table.setItem(row, col, item)
            item.setText(name)
        finally:
            self._loading = False

    def _go_on(self, combo: QComboBox, key: str) -> None:
        """After the clerk picks an entry (请假, a speaker), the cursor waits in the text cell that
        goes with it (the reason, what was said): she types on without reaching for the mouse."""
        row, col = self._row_of_widget(combo), self._col(key)
        if row >= 0 and col >= 0:
            QTimer.singleShot(0, lambda: self._edit_cell(row, col))

    def _row_of_widget(self, widget: QWidget) -> int:
        for row in range(self.table.rowCount()):
            for col in range(len(self.columns)):
                if self.table.cellWidget(row, col) is widget:
                    return row
        return -1

    def _editor_closed(self, _editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        """Enter in a cell goes down to the same column of the next row (a new row after the
        last one, when this one has something in it), ready to type: lists are entered the way
        they are written on paper, one line after another, without the mouse."""
        if hint != QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            return
        row, col = self.table.currentRow(), self.table.currentColumn()
        if row < 0 or col < 0:
            return
        if row + 1 >= self.table.rowCount():
            if self.is_blank(self.row_values(row)):
                return
            self.add_row()
        QTimer.singleShot(0, lambda: self._edit_cell(row + 1, col))

    def _edit_cell(self, row: int, col: int) -> None:
        if not (0 <= row < self.table.rowCount()):
            return
        self.table.setCurrentCell(row, col)
        item = self.table.item(row, col)
        if item is not None and self.table.cellWidget(row, col) is None and self.columns[col].kind != "bool":
            self.table.editItem(item)

    def _item_changed(self, _item: QTableWidgetItem) -> None:
        self._emit()

    def _emit(self) -> None:
        if not self._loading:
            self.changed.emit()

    def _fit_height(self) -> None:
        """Grow with the rows (up to a limit) so a form shows its lists without nested scrolling."""
        rows = self.table.rowCount()
        if not self.fit_rows:
            self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 3)
            return
        header = self.table.horizontalHeader().sizeHint().height() or 28
        row_height = self.table.verticalHeader().defaultSectionSize()
        scrollbar = self.table.horizontalScrollBar().sizeHint().height()
        height = header + 4 + scrollbar + row_height * max(rows, 1)
        # Exactly as tall as its rows (an empty list is one line, not a large blank box), up to
        # a limit beyond which the list scrolls.
        self.table.setFixedHeight(min(height, 420))
