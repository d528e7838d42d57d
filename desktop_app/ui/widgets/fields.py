"""Typed form fields that read and write the JSON values a record body uses.

Every field offers ``value()``/``set_value()`` in body terms (ISO date strings, enum codes, member
ids) and a ``changed`` signal, so editors collect a form into a dict without per-widget code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QDateTimeEdit, QLabel, QVBoxLayout, QWidget

from desktop_app.ui.i18n import enum_text
from domain.enums import LabelledEnum
from domain.records import Member

EMPTY_DATE = QDate(1900, 1, 1)


class OptionalDateEdit(QDateEdit):
    """A date that may be left empty: the minimum date stands for "not filled in"."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(EMPTY_DATE)
        self.setSpecialValueText(" ")
        self.setDate(EMPTY_DATE)
        self.dateChanged.connect(lambda _d: self.changed.emit())

    def value(self) -> str | None:
        d = self.date()
        return None if d == EMPTY_DATE else d.toString("yyyy-MM-dd")

    def set_value(self, value: str | dt.date | None) -> None:
        if not value:
            self.setDate(EMPTY_DATE)
            return
        text = value.isoformat() if isinstance(value, dt.date) else str(value)[:10]
        parsed = QDate.fromString(text, "yyyy-MM-dd")
        self.setDate(parsed if parsed.isValid() else EMPTY_DATE)


class DateField(QDateEdit):
    """A required date (defaults to today)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(QDate.currentDate(), parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.dateChanged.connect(lambda _d: self.changed.emit())

    def value(self) -> str:
        return self.date().toString("yyyy-MM-dd")

    def set_value(self, value: str | dt.date | None) -> None:
        if value:
            text = value.isoformat() if isinstance(value, dt.date) else str(value)[:10]
            parsed = QDate.fromString(text, "yyyy-MM-dd")
            if parsed.isValid():
                self.setDate(parsed)


class DateTimeField(QDateTimeEdit):
    """A meeting time to the minute (naive local time, as the clerk wrote it on paper)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, optional: bool = False) -> None:
        now = QDateTime(QDate.currentDate(), QTime(QTime.currentTime().hour(), 0))
        super().__init__(now, parent)
        self.optional = optional
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd HH:mm")
        if optional:
            self.setMinimumDateTime(QDateTime(EMPTY_DATE, QTime(0, 0)))
            self.setSpecialValueText(" ")
            self.setDateTime(QDateTime(EMPTY_DATE, QTime(0, 0)))
        self.dateTimeChanged.connect(lambda _d: self.changed.emit())

    def value(self) -> str | None:
        d = self.dateTime()
        if self.optional and d.date() == EMPTY_DATE:
            return None
        return d.toString("yyyy-MM-ddTHH:mm")

    def set_value(self, value: str | dt.datetime | None) -> None:
        if not value:
            if self.optional:
                self.setDateTime(QDateTime(EMPTY_DATE, QTime(0, 0)))
            return
        text = value.isoformat() if isinstance(value, dt.datetime) else str(value)
        parsed = QDateTime.fromString(text[:16], "yyyy-MM-ddTHH:mm")
        if parsed.isValid():
            self.setDateTime(parsed)


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
