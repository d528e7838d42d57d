"""The records in conflict, as a table model over the store's open conflicts (few: read at once)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt

from desktop_app.store.sync_state import Conflict
from desktop_app.ui.i18n import QT_TRANSLATE_NOOP, translate
from desktop_app.ui.sync.bridge import SyncBridge

Index = QModelIndex | QPersistentModelIndex

KIND_NAMES = {
    "meeting": QT_TRANSLATE_NOOP("ConflictList", "Meeting"),
    "member": QT_TRANSLATE_NOOP("ConflictList", "Member"),
    "pioneer_post": QT_TRANSLATE_NOOP("ConflictList", "Pioneer post"),
    "post_log": QT_TRANSLATE_NOOP("ConflictList", "Post log"),
    "post_evaluation": QT_TRANSLATE_NOOP("ConflictList", "Post evaluation"),
    "branch_profile": QT_TRANSLATE_NOOP("ConflictList", "Branch profile"),
    "notice": QT_TRANSLATE_NOOP("ConflictList", "Notice"),
}
HEADERS = [
    QT_TRANSLATE_NOOP("ConflictList", "Kind"),
    QT_TRANSLATE_NOOP("ConflictList", "Title"),
    QT_TRANSLATE_NOOP("ConflictList", "Versions"),
    QT_TRANSLATE_NOOP("ConflictList", "Last edited"),
]


def _t(text: str) -> str:
    return QCoreApplication.translate("ConflictList", text)


def kind_name(kind: str) -> str:
    return _t(KIND_NAMES[kind]) if kind in KIND_NAMES else kind


def last_edited(conflict: Conflict) -> str:
    times = [v.device_time for v in conflict.versions if v.device_time]
    return max(times)[:16].replace("T", " ") if times else ""


class ConflictListModel(QAbstractTableModel):
    def __init__(self, bridge: SyncBridge, is_closed: Any = lambda: False) -> None:
        super().__init__()
        self._bridge = bridge
        self._is_closed = is_closed
        self._rows: list[Conflict] = []

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = [] if self._is_closed() else self._bridge.conflicts()
        self.endResetModel()

    def conflict(self, row: int) -> Conflict | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: str) -> int:
        return next((i for i, c in enumerate(self._rows) if c.record_id == record_id), -1)

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
            return _t(HEADERS[section])
        return None
