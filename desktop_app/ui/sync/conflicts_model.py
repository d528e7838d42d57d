"""The records in conflict, as a table model over the conflicts the 同步 page loaded (in a worker)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt

from desktop_app.operations.types import Conflict
from desktop_app.ui.i18n import QT_TRANSLATE_NOOP, kind_name, local_time, translate

Index = QModelIndex | QPersistentModelIndex

HEADERS = [
    QT_TRANSLATE_NOOP("ConflictList", "Kind"),
    QT_TRANSLATE_NOOP("ConflictList", "Title"),
    QT_TRANSLATE_NOOP("ConflictList", "Versions"),
    QT_TRANSLATE_NOOP("ConflictList", "Last edited"),
]


def last_edited(conflict: Conflict) -> str:
    """When the newest version was written, in local time (device times are UTC ISO timestamps)."""
    times = [v.device_time for v in conflict.versions if v.device_time]
    return local_time(max(times)) if times else ""


class ConflictListModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Conflict] = []

    def set_rows(self, rows: list[Conflict]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def conflict(self, row: int) -> Conflict | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        conflict = self.conflict(index.row()) if index.isValid() else None
        if conflict is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return kind_name(conflict.kind)
            if column == 1:
                return conflict.title
            if column == 2:
                return str(len(conflict.versions))
            return last_edited(conflict)
        if role == Qt.ItemDataRole.ToolTipRole:
            return translate("ConflictList", "Double-click to compare the versions and resolve")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return QCoreApplication.translate("ConflictList", HEADERS[section])
        return None
