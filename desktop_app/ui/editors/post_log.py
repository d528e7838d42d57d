"""A dated piece of work done at a 先锋岗 (patrol, watchtower duty, checkpoint ... domain.md §5.1)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QGroupBox, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from desktop_app.ui.editors.base import EditorWindow
from desktop_app.ui.editors.post_choice import PostCombo
from desktop_app.ui.i18n import translate
from desktop_app.ui.widgets.fields import DateEdit, EnumCombo, MemberCombo
from domain.enums import PostCategory


class PostLogEditor(EditorWindow):
    KIND = "post_log"
    FINALIZABLE = True

    def title_text(self) -> str:
        return translate("PostLogEditor", "Post log entry")

    def build_form(self, container: QWidget) -> None:
        outer = QVBoxLayout(container)
        box = QGroupBox(translate("PostLogEditor", "Work done at the post"))
        form = QFormLayout(box)
        self.post = PostCombo(self.session)
        self.member = MemberCombo(self.members)
        self.date = DateEdit.today()
        self.category = EnumCombo(PostCategory)
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 1000)
        self.hours.setDecimals(1)
        self.hours.setSingleStep(0.5)
        self.hours.setMaximumWidth(self.hours.fontMetrics().horizontalAdvance("0000.0") * 3)
        self.place = QLineEdit()
        self.description = QPlainTextEdit()
        self.outcome = QPlainTextEdit()
        self.outcome.setMaximumHeight(90)
        self.add_row(form, "post_id", translate("PostLogEditor", "Post"), self.post)
        self.add_row(form, "member_id", translate("PostLogEditor", "Member"), self.member)
        self.add_row(form, "date", translate("PostLogEditor", "Date"), self.date)
        self.add_row(form, "category", translate("PostLogEditor", "Category"), self.category)
        self.add_row(form, "hours", translate("PostLogEditor", "Hours"), self.hours)
        self.add_row(form, "place", translate("PostLogEditor", "Place"), self.place)
        self.add_row(form, "description", translate("PostLogEditor", "Work done"), self.description)
        self.add_row(form, "outcome", translate("PostLogEditor", "Outcome"), self.outcome)
        outer.addWidget(box)
        outer.addStretch(1)

    def form_data(self) -> dict[str, Any]:
        return {
            "post_id": self.post.value(),
            "member_id": self.member.value(),
            "date": self.date.value(),
            "category": self.category.value(),
            "hours": str(Decimal(str(self.hours.value())).quantize(Decimal("0.1"))),
            "place": self.place.text().strip(),
            "description": self.description.toPlainText().strip(),
            "outcome": self.outcome.toPlainText().strip(),
        }

    def load_data(self, data: dict[str, Any]) -> None:
        self.post.set_value(data.get("post_id"))
        self.member.set_value(data.get("member_id"))
        self.date.set_value(data.get("date"))
        self.category.set_value(data.get("category"))
        self.hours.setValue(float(Decimal(str(data.get("hours") or 0))))
        self.place.setText(str(data.get("place", "")))
        self.description.setPlainText(str(data.get("description", "")))
        self.outcome.setPlainText(str(data.get("outcome", "")))
