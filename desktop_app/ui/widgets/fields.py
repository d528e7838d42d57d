"""Typed form fields that read and write the JSON values a record body uses.

Every field offers ``value()``/``set_value()`` in body terms (ISO date strings, enum codes, member
ids) and a ``changed`` signal, so editors collect a form into a dict without per-widget code.
Date fields are typed text read by :mod:`domain.dates` (not Qt's sectioned date editors, which
could not take a typed year); their ``problem()`` names what is wrong with the text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.i18n import enum_text
from domain.dates import DateTextError, format_date, format_datetime, parse_date, parse_datetime
from domain.enums import LabelledEnum
from domain.records import Member


class CalendarPopup(QFrame):
    """The calendar under a date field: opens at the field's date, else at a sensible day."""

    picked = Signal(QDate)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.calendar = QCalendarWidget(self)
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        box = QVBoxLayout(self)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(self.calendar)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)

    def open_at(self, day: dt.date, below: QWidget) -> None:
        qdate = QDate(day.year, day.month, day.day)
        self.calendar.setSelectedDate(qdate)
        self.calendar.setCurrentPage(day.year, day.month)
        self.adjustSize()
        self.move(below.mapToGlobal(QPoint(0, below.height())))
        self.show()
        self.calendar.setFocus()

    def _picked(self, day: QDate) -> None:
        self.hide()
        self.picked.emit(day)


class DateEdit(QWidget):
    """A date typed as clerks write it (1988-03-15, 1988/3/15, 1988.3.15, 19880315, 1988年3月15日),
    with a calendar button beside it; with ``with_time``, a meeting time to the minute
    (2026-04-10 09:00, 2026/4/10 9:00, 2026年4月10日 下午2点).

    What the clerk typed is what the field holds: text that is not a complete, possible date is
    kept as typed (``value()`` returns it, so autosave keeps it) and :meth:`problem` says in
    Chinese what is wrong — nothing is completed or replaced silently. A valid entry is shown in
    the standard form once the field is left. ``anchor`` gives the day the calendar opens at when
    the field is empty (today otherwise); ``default_date`` the day of a time typed alone
    (an end time written ``11:00``).
    """

    changed = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, optional: bool = True, with_time: bool = False, initial: str = ""
    ) -> None:
        super().__init__(parent)
        self.optional = optional
        self.with_time = with_time
        self.anchor: Callable[[], dt.date | None] | None = None
        self.default_date: Callable[[], dt.date | None] | None = None
        self.line = QLineEdit(self)
        self.line.setPlaceholderText(
            QCoreApplication.translate("DateField", "YYYY-MM-DD HH:MM")
            if with_time
            else QCoreApplication.translate("DateField", "YYYY-MM-DD")
        )
        self.button = QToolButton(self)
        self.button.setText("▾")
        self.button.setObjectName("calendarButton")
        self.button.setToolTip(QCoreApplication.translate("DateField", "Choose from a calendar"))
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.line, 1)
        row.addWidget(self.button)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFocusProxy(self.line)
        self.popup: CalendarPopup | None = None
        # As wide as a date (and time) needs, not the whole form: the button stays by the text.
        sample = "0000-00-00 00:00" if with_time else "0000-00-00"
        metrics = self.line.fontMetrics()
        wide = max(
            metrics.horizontalAdvance(sample + "00"), metrics.horizontalAdvance(self.line.placeholderText()) + 12
        )
        self.line.setMinimumWidth(wide)
        self.setMaximumWidth(max(metrics.horizontalAdvance(sample) * 2 + 40, wide + 60))
        self.line.setText(initial)
        self.line.textChanged.connect(lambda _t: self.changed.emit())
        self.line.editingFinished.connect(self._tidy)
        self.button.clicked.connect(lambda: self.open_calendar())

    @classmethod
    def today(cls, parent: QWidget | None = None) -> DateEdit:
        """A required date that starts as today."""
        return cls(parent, optional=False, initial=dt.date.today().isoformat())

    @classmethod
    def meeting_time(cls, parent: QWidget | None = None, *, optional: bool = False) -> DateEdit:
        """A date and time; a required one starts at the current hour today."""
        now = dt.datetime.now().replace(minute=0, second=0, microsecond=0)
        return cls(parent, optional=optional, with_time=True, initial="" if optional else format_datetime(now))

    # ------------------------------------------------------------ reading the text

    def text(self) -> str:
        return self.line.text()

    def setReadOnly(self, read_only: bool) -> None:  # Qt's name, as QLineEdit has it
        self.line.setReadOnly(read_only)
        self.button.setEnabled(not read_only)

    def _parse(self, text: str) -> dt.date | dt.datetime:
        if self.with_time:
            return parse_datetime(text, default_date=self.default_date() if self.default_date else None)
        return parse_date(text)

    def parsed(self) -> dt.date | dt.datetime | None:
        """The date (or date-time) typed; None when empty or not valid."""
        text = self.line.text().strip()
        if not text:
            return None
        try:
            return self._parse(text)
        except DateTextError:
            return None

    def problem(self) -> str | None:
        """Why the text is not acceptable (Chinese), or None."""
        text = self.line.text().strip()
        if not text:
            return None if self.optional else QCoreApplication.translate("DateField", "Please fill this in")
        try:
            self._parse(text)
        except DateTextError as exc:
            return exc.message
        return None

    def value(self) -> str | None:
        """ISO date (``YYYY-MM-DDTHH:MM`` with a time); None when empty; the typed text itself when
        it is not valid, so it is never dropped (the record's schema then names the problem)."""
        text = self.line.text().strip()
        if not text:
            return None
        parsed = self.parsed()
        if isinstance(parsed, dt.datetime):
            return parsed.strftime("%Y-%m-%dT%H:%M")
        if isinstance(parsed, dt.date):
            return parsed.isoformat()
        return text

    def set_value(self, value: str | dt.date | None) -> None:
        if not value:
            self.line.clear()
            return
        if isinstance(value, dt.datetime):
            self.line.setText(format_datetime(value))
        elif isinstance(value, dt.date):
            self.line.setText(format_date(value))
        else:
            self.line.setText(self._display(str(value)))

    def _display(self, text: str) -> str:
        """A stored ISO value in the standard form; a draft's unfinished text as it was typed."""
        try:
            if self.with_time:
                return format_datetime(dt.datetime.fromisoformat(text))
            return format_date(dt.date.fromisoformat(text[:10])) if len(text) >= 10 else text
        except ValueError:
            return text

    def _tidy(self) -> None:
        parsed = self.parsed()
        if parsed is None:
            return
        formatted = format_datetime(parsed) if isinstance(parsed, dt.datetime) else format_date(parsed)
        if formatted != self.line.text():
            self.line.setText(formatted)

    # ------------------------------------------------------------ calendar

    def open_calendar(self) -> CalendarPopup:
        if self.popup is None:
            self.popup = CalendarPopup(self)
            self.popup.picked.connect(self._picked)
        parsed = self.parsed()
        day = parsed.date() if isinstance(parsed, dt.datetime) else parsed
        day = day or (self.anchor() if self.anchor else None) or dt.date.today()
        self.popup.open_at(day, self)
        return self.popup

    def _picked(self, qdate: QDate) -> None:
        day = dt.date(qdate.year(), qdate.month(), qdate.day())
        if self.with_time:
            parsed = self.parsed()
            time = parsed.time() if isinstance(parsed, dt.datetime) else dt.time(9, 0)
            self.line.setText(format_datetime(dt.datetime.combine(day, time)))
        else:
            self.line.setText(format_date(day))
        self.line.setFocus()


class EnumCombo(QComboBox):
    """Choose one code of a :class:`LabelledEnum`; ``optional`` adds an empty first entry."""

    changed = Signal()

    def __init__(self, enum_cls: type[LabelledEnum], parent: QWidget | None = None, *, optional: bool = False) -> None:
        super().__init__(parent)
        self.enum_cls = enum_cls
        if optional:
            self.addItem("", None)
        for member in enum_cls:
            self.addItem(enum_text(member), member.value)
        self.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def value(self) -> str | None:
        data = self.currentData()
        return None if data is None else str(data)

    def set_value(self, code: str | LabelledEnum | None) -> None:
        raw = code.value if isinstance(code, LabelledEnum) else code
        index = self.findData(raw)
        self.setCurrentIndex(max(index, 0))


class MemberCombo(QComboBox):
    """Choose a member of the roster by name; the value is the member's record id ("" for none)."""

    changed = Signal()

    def __init__(self, members: Mapping[str, Member], parent: QWidget | None = None, *, empty_text: str = "") -> None:
        super().__init__(parent)
        self.addItem(empty_text, "")
        for member_id, member in sorted(members.items(), key=lambda kv: kv[1].name):
            self.addItem(member.name, member_id)
        self.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def value(self) -> str:
        return str(self.currentData() or "")

    def set_value(self, member_id: str | None) -> None:
        index = self.findData(member_id or "")
        if index < 0 and member_id:
            self.addItem(member_id, member_id)  # a member no longer on this device's roster
            index = self.count() - 1
        self.setCurrentIndex(max(index, 0))


class ErrorLabel(QLabel):
    """Red text under a field for its rule violations; hidden while there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setObjectName("fieldError")
        self.setStyleSheet("color: #b00020;")
        self.hide()

    def show_messages(self, messages: list[str], *, warning: bool = False) -> None:
        if not messages:
            self.clear()
            self.hide()
            return
        self.setStyleSheet("color: #9a6700;" if warning else "color: #b00020;")
        self.setText("\n".join(messages))
        self.show()


def with_error_label(widget: QWidget, tooltip: str = "") -> tuple[QWidget, ErrorLabel]:
    """``widget`` with an :class:`ErrorLabel` under it, in a holder to put in a form row."""
    holder = QWidget()
    box = QVBoxLayout(holder)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2)
    box.addWidget(widget)
    error = ErrorLabel(holder)
    box.addWidget(error)
    if tooltip:
        widget.setToolTip(tooltip)
    return holder, error


def as_int_or_text(text: str) -> Any:
    """Counts typed by people: blank → None, digits → int, anything else kept so validation names it."""
    stripped = text.strip()
    if not stripped:
        return None
    try:
        return int(stripped)
    except ValueError:
        return stripped


def date_or_text(text: str) -> str | None:
    """A date typed in a table cell: ISO when it is one, blank → None, else the text as typed
    (kept, and named by the record's schema)."""
    stripped = text.strip()
    if not stripped:
        return None
    try:
        return parse_date(stripped).isoformat()
    except DateTextError:
        return stripped
