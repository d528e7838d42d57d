"""A paged table model over ``store.records.query``: 10 000 records scroll and filter smoothly.

Rows are :class:`~desktop_app.store.RecordSummary` index rows (no body is decrypted or parsed).
The model loads one page when the view asks (``canFetchMore``/``fetchMore``), so a filter change
costs one ``count`` and one page query however many records match.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from desktop_app.operations import records
from desktop_app.operations.types import RecordFilter, RecordSummary
from desktop_app.ui.i18n import QT_TRANSLATE_NOOP, enum_code_text, translate
from desktop_app.ui.session import Session
from domain.enums import MeetingType, MemberStatus, PostCategory, RecordStatus
from domain.late_entry import entered_later

PAGE_SIZE = 200
RECORD_ID_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


def _t(text: str) -> str:
    return QCoreApplication.translate("RecordColumns", text)


@dataclass(frozen=True)
class Column:
    title: str  # English source text, translated when shown
    value: Callable[[RecordSummary], str]


def status_text(s: RecordSummary) -> str:
    return enum_code_text(RecordStatus, s.status.value)


def sync_text(s: RecordSummary) -> str:
    if s.conflicted:
        return translate("RecordColumns", "Conflict")
    if s.pending:
        return translate("RecordColumns", "Not synced")
    return translate("RecordColumns", "Synced") if s.synced_at else ""


MEETING_COLUMNS = [
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Date"), lambda s: s.event_date or ""),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Type"), lambda s: enum_code_text(MeetingType, s.subtype)),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Title"), lambda s: s.title),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Party group"), lambda s: s.party_group or ""),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Status"), status_text),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Sync"), sync_text),
]
def iso_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def meeting_columns(records_since: Callable[[], str | None]) -> list[Column]:
    """The meeting list's columns; a meeting dated before 台账起始日期 (``records_since()``, ISO)
    is marked 补录 in its status — entered later, for a time before the records began here."""

    def status(s: RecordSummary) -> str:
        since = records_since()
        if since and s.event_date and entered_later(iso_day(s.event_date), iso_day(since)):
            return status_text(s) + " · " + translate("RecordColumns", "entered later")
        return status_text(s)

    return [Column(c.title, status) if c.title == "Status" else c for c in MEETING_COLUMNS]


MEMBER_COLUMNS = [
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Name"), lambda s: s.title),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Category"), lambda s: enum_code_text(MemberStatus, s.subtype)),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Joined"), lambda s: s.event_date or ""),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Party group"), lambda s: s.party_group or ""),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Sync"), sync_text),
]
POST_COLUMNS = [
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Post"), lambda s: s.title),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Category"), lambda s: enum_code_text(PostCategory, s.subtype)),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "From"), lambda s: s.event_date or ""),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Sync"), sync_text),
]
LOG_COLUMNS = [
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Date"), lambda s: s.event_date or ""),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Category"), lambda s: enum_code_text(PostCategory, s.subtype)),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Work done"), lambda s: s.title),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Status"), status_text),
]
EVALUATION_COLUMNS = [
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Evaluated on"), lambda s: s.event_date or ""),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Evaluation"), lambda s: s.shown_title),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Status"), status_text),
]
NOTICE_COLUMNS = [
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Issued"), lambda s: s.event_date or ""),
    Column(QT_TRANSLATE_NOOP("RecordColumns", "Notice"), lambda s: s.title),
]


class RecordTableModel(QAbstractTableModel):
    """Summaries matching a :class:`RecordFilter`, loaded a page at a time."""

    def __init__(self, session: Session, columns: list[Column], flt: RecordFilter | None = None) -> None:
        super().__init__()
        self._session = session
        self._columns = columns
        self._filter = flt or RecordFilter()
        self._rows: list[RecordSummary] = []
        self._total = 0
        self._exhausted = True
        self.refresh()

    # ------------------------------------------------------------ filter

    @property
    def total(self) -> int:
        """How many records match (all pages)."""
        return self._total

    def set_filter(self, flt: RecordFilter) -> None:
        self._filter = flt
        self.refresh()

    def refresh(self) -> None:
        """Reload from the store: count, then the first page (further pages on demand)."""
        self.beginResetModel()
        if self._session.closed:
            self._rows, self._total, self._exhausted = [], 0, True
        else:
            first = records.list_records(self._session.ledger, self._filter, limit=PAGE_SIZE)
            self._total, self._rows = first.total, first.rows
            self._exhausted = len(self._rows) >= self._total
        self.endResetModel()

    # ------------------------------------------------------------ paging

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self._exhausted or self._session.closed:
            return
        page = records.list_records(self._session.ledger, self._filter, offset=len(self._rows), limit=PAGE_SIZE,
                                    with_total=False).rows
        if not page:
            self._exhausted = True
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()
        self._exhausted = len(self._rows) >= self._total or len(page) < PAGE_SIZE

    # ------------------------------------------------------------ table

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        summary = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[index.column()].value(summary)
        if role == RECORD_ID_ROLE:
            return summary.record_id
        if role == Qt.ItemDataRole.ForegroundRole and summary.conflicted:
            return QBrush(QColor("#b00020"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return summary.shown_title
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _t(self._columns[section].title)
        return None

    def summary(self, row: int) -> RecordSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def record_id(self, row: int) -> str | None:
        s = self.summary(row)
        return s.record_id if s else None

    def row_of(self, record_id: str) -> int:
        for i, s in enumerate(self._rows):
            if s.record_id == record_id:
                return i
        return -1
