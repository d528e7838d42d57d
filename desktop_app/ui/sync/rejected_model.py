"""Changes head office refused, with its reason (kept in the outbox, never dropped)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt

from desktop_app.ui.i18n import QT_TRANSLATE_NOOP, kind_name

Index = QModelIndex | QPersistentModelIndex
HEADERS = [
    QT_TRANSLATE_NOOP("RejectedList", "Kind"),
    QT_TRANSLATE_NOOP("RejectedList", "Record"),
    QT_TRANSLATE_NOOP("RejectedList", "Head office's reason"),
]


class RejectedModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._rows[index.row()]
        if index.column() == 0:
            return kind_name(str(row.get("kind") or ""))
        if index.column() == 1:
            return row.get("title") or row.get("record_id") or ""
        return row.get("message") or row.get("code") or ""

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return QCoreApplication.translate("RejectedList", HEADERS[section])
        return None
