"""The type-specific parts of the meeting form: 党课, 主题党日, 民主评议, 组织生活会 整改清单.

Each section is a group box that reads and writes its part of the body, so the main editor only
shows or hides them by meeting type and merges their data.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.i18n import QT_TRANSLATE_NOOP, translate
from desktop_app.ui.widgets.fields import ErrorLabel, MemberCombo, as_int_or_text, with_error_label
from desktop_app.ui.widgets.row_table import RowColumn, RowTable
from domain.enums import AppraisalGrade
from domain.records import THEME_DAY_REQUIRED_ACTIONS, Member

# The 规定动作 keys are Chinese codes stored in the body; these are their English source names.
REQUIRED_ACTION_NAMES: dict[str, str] = {
    "交纳党费": QT_TRANSLATE_NOOP("MeetingSections", "Pay membership dues"),
    "诵读党章": QT_TRANSLATE_NOOP("MeetingSections", "Read the Party Constitution aloud"),
    "佩戴党徽": QT_TRANSLATE_NOOP("MeetingSections", "Wear the Party badge"),
    "重温入党誓词": QT_TRANSLATE_NOOP("MeetingSections", "Renew the admission oath"),
}
DELIVERY_CHOICES = ("现场", "线上", "微党课", "观看视频")


def _t(text: str) -> str:
    return QCoreApplication.translate("MeetingSections", text)


class Section(QGroupBox):
    """A group box that reports edits through :attr:`changed` and binds its fields for violations."""

    changed = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.bindings: list[tuple[str, QWidget, ErrorLabel]] = []
        self.tables: list[tuple[str, RowTable, ErrorLabel]] = []

    def row(self, form: QFormLayout, path: str, label: str, widget: QWidget, tooltip: str = "") -> None:
        holder, error = with_error_label(widget, tooltip)
        form.addRow(label, holder)
        self.bindings.append((path, widget, error))
        for name in ("changed", "textChanged", "toggled", "valueChanged", "currentTextChanged"):
            signal = getattr(widget, name, None)
            if signal is not None:
                signal.connect(lambda *_a: self.changed.emit())
                break

    def pair(self, form: QFormLayout, label: str, left: tuple[str, QWidget], right: tuple[str, QWidget]) -> None:
        """Two fields in one row, each bound to its path (the roster choice and a name not on it)."""
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        for path, widget in (left, right):
            holder, error = with_error_label(widget, widget.toolTip())
            box.addWidget(holder, 1, Qt.AlignmentFlag.AlignTop)
            self.bindings.append((path, widget, error))
            for name in ("changed", "textChanged"):
                signal = getattr(widget, name, None)
                if signal is not None:
                    signal.connect(lambda *_a: self.changed.emit())
                    break
        form.addRow(label, row)

    def table(self, layout: QVBoxLayout, path: str, table: RowTable) -> RowTable:
        error = ErrorLabel()
        layout.addWidget(table)
        layout.addWidget(error)
        self.tables.append((path, table, error))
        table.changed.connect(self.changed.emit)
        return table


class LectureSection(Section):
    """党课: lecturer, topic, 学时, delivery (domain.md §4.5)."""

    def __init__(self, members: Mapping[str, Member], parent: QWidget | None = None) -> None:
        super().__init__(translate("MeetingSections", "Party lecture"), parent)
        form = QFormLayout(self)
        self.lecturer_member = MemberCombo(members, empty_text=translate("MeetingSections", "(not on the roster)"))
        self.lecturer = QLineEdit()
        self.lecturer.setPlaceholderText(translate("MeetingSections", "Name, if not on the roster"))
        self.role = QLineEdit()
        self.topic = QLineEdit()
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 100)
        self.hours.setSingleStep(0.5)
        self.hours.setDecimals(1)
        self.hours.setMaximumWidth(self.hours.fontMetrics().horizontalAdvance("000.0") * 3)
        self.delivery = QComboBox()
        self.delivery.setEditable(True)
        self.delivery.addItems(DELIVERY_CHOICES)
        self.integrity = QCheckBox(translate("MeetingSections", "Integrity lecture (廉政党课)"))
        self.pair(
            form,
            translate("MeetingSections", "Lecturer"),
            ("lecture.lecturer_member_id", self.lecturer_member),
            ("lecture.lecturer", self.lecturer),
        )
        self.row(
            form,
            "lecture.lecturer_role",
            translate("MeetingSections", "Lecturer's post"),
            self.role,
            translate(
                "MeetingSections",
                "For example 支部书记; a lecture by the secretary counts towards the yearly requirement",
            ),
        )
        self.row(form, "lecture.topic", translate("MeetingSections", "Topic"), self.topic)
        self.row(
            form,
            "lecture.hours",
            translate("MeetingSections", "Study hours"),
            self.hours,
            translate("MeetingSections", "1 study hour per hour, 4 per half day"),
        )
        self.row(form, "lecture.delivery", translate("MeetingSections", "Delivery"), self.delivery)
        self.row(form, "lecture.is_integrity_lecture", "", self.integrity)
        self.lecturer_member.changed.connect(self._fill_name)

    def _fill_name(self) -> None:
        if self.lecturer_member.value() and not self.lecturer.text():
            self.lecturer.setText(self.lecturer_member.currentText())

    def data(self) -> dict[str, Any]:
        return {
            "lecturer": self.lecturer.text().strip(),
            "lecturer_member_id": self.lecturer_member.value(),
            "lecturer_role": self.role.text().strip(),
            "topic": self.topic.text().strip(),
            "hours": str(Decimal(str(self.hours.value())).quantize(Decimal("0.1"))),
            "delivery": self.delivery.currentText().strip(),
            "is_integrity_lecture": self.integrity.isChecked(),
        }

    def load(self, data: Mapping[str, Any] | None) -> None:
        data = data or {}
        self.lecturer_member.set_value(data.get("lecturer_member_id"))
        self.lecturer.setText(str(data.get("lecturer", "")))
        self.role.setText(str(data.get("lecturer_role", "")))
        self.topic.setText(str(data.get("topic", "")))
        try:
            self.hours.setValue(float(Decimal(str(data.get("hours") or 0))))
        except InvalidOperation:
            self.hours.setValue(0)
        self.delivery.setCurrentText(str(data.get("delivery", "")))
        self.integrity.setChecked(bool(data.get("is_integrity_lecture")))


class ThemeDaySection(Section):
    """主题党日: month, theme, the 规定动作 checklist, dues, follow-up (domain.md §4.6)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("MeetingSections", "Theme day"), parent)
        form = QFormLayout(self)
        self.month = QLineEdit()
        self.month.setPlaceholderText("2026-05")
        self.month.setInputMask("")
        self.theme = QLineEdit()
        self.action_boxes: dict[str, QCheckBox] = {}
        checklist = QWidget()
        row = QHBoxLayout(checklist)
        row.setContentsMargins(0, 0, 0, 0)
        for key in THEME_DAY_REQUIRED_ACTIONS:
            box = QCheckBox(_t(REQUIRED_ACTION_NAMES.get(key, key)))
            box.setToolTip(key)
            self.action_boxes[key] = box
            row.addWidget(box)
            box.toggled.connect(lambda _c: self.changed.emit())
        row.addStretch(1)
        self.optional = QPlainTextEdit()
        self.optional.setMaximumHeight(70)
        self.dues_count = QLineEdit()
        self.dues_amount = QLineEdit()
        for short in (self.month, self.dues_count, self.dues_amount):
            short.setMaximumWidth(short.fontMetrics().horizontalAdvance("0000-00") * 3)
        self.follow_up = QPlainTextEdit()
        self.follow_up.setMaximumHeight(70)
        self.row(
            form,
            "theme_day.month",
            translate("MeetingSections", "Counts for month"),
            self.month,
            translate("MeetingSections", "YYYY-MM; a theme day moved by a holiday still counts for its own month"),
        )
        self.row(form, "theme_day.theme", translate("MeetingSections", "Theme"), self.theme)
        self.row(form, "theme_day.required_actions", translate("MeetingSections", "Required items"), checklist)
        self.row(form, "theme_day.optional_actions", translate("MeetingSections", "Optional items"), self.optional)
        self.row(form, "theme_day.dues_count", translate("MeetingSections", "Dues paid by (people)"), self.dues_count)
        self.row(form, "theme_day.dues_amount", translate("MeetingSections", "Dues collected (yuan)"), self.dues_amount)
        self.row(form, "theme_day.follow_up", translate("MeetingSections", "Follow-up of decisions"), self.follow_up)

    def data(self) -> dict[str, Any]:
        amount = self.dues_amount.text().strip()
        return {
            "month": self.month.text().strip() or None,
            "theme": self.theme.text().strip(),
            "required_actions": {k: box.isChecked() for k, box in self.action_boxes.items()},
            "optional_actions": self.optional.toPlainText().strip(),
            "dues_count": as_int_or_text(self.dues_count.text()),
            "dues_amount": amount or None,
            "follow_up": self.follow_up.toPlainText().strip(),
        }

    def load(self, data: Mapping[str, Any] | None) -> None:
        data = data or {}
        self.month.setText(str(data.get("month") or ""))
        self.theme.setText(str(data.get("theme", "")))
        actions = data.get("required_actions") or {}
        for key, box in self.action_boxes.items():
            box.setChecked(bool(actions.get(key)))
        self.optional.setPlainText(str(data.get("optional_actions", "")))
        count = data.get("dues_count")
        self.dues_count.setText("" if count is None else str(count))
        amount = data.get("dues_amount")
        self.dues_amount.setText("" if amount is None else str(amount))
        self.follow_up.setPlainText(str(data.get("follow_up", "")))


class AppraisalSection(Section):
    """民主评议: one grade per member; 预备党员 take part but are not graded (domain.md §3.6)."""

    def __init__(self, members: Mapping[str, Member], parent: QWidget | None = None) -> None:
        super().__init__(translate("MeetingSections", "Democratic appraisal grades"), parent)
        self.members = members
        layout = QVBoxLayout(self)
        self.box_layout = layout
        self.grades = RowTable(
            [
                RowColumn("member_id", translate("MeetingSections", "Member"), "member"),
                RowColumn(
                    "grade",
                    translate("MeetingSections", "Grade"),
                    "enum",
                    AppraisalGrade,
                    tooltip=translate(
                        "MeetingSections", "Leave empty for probationary members; at most one third may be Excellent"
                    ),
                ),
                RowColumn("comment", translate("MeetingSections", "Comment")),
            ],
            members,
            add_text=translate("MeetingSections", "Add member"),
        )
        self.table(layout, "appraisal", self.grades)

    def fill_from_roster(self, active_ids: list[str]) -> None:
        present = {row["member_id"] for row in self.grades.rows()}
        for member_id in active_ids:
            if member_id not in present:
                self.grades.add_row({"member_id": member_id})


class RectificationSection(Section):
    """组织生活会 整改清单: one line per item to put right (domain.md §3.6)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("MeetingSections", "Rectification list"), parent)
        layout = QVBoxLayout(self)
        self.items = RowTable(
            [RowColumn("text", translate("MeetingSections", "Item to put right"))],
            add_text=translate("MeetingSections", "Add item"),
        )
        self.table(layout, "rectification", self.items)

    def data(self) -> list[str]:
        return [row["text"] for row in self.items.rows() if row["text"]]

    def load(self, items: list[str] | None) -> None:
        self.items.set_rows([{"text": text} for text in items or []])
