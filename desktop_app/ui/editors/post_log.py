"""A dated piece of work done at a 先锋岗 (patrol, watchtower duty, checkpoint ... domain.md §5.1)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QVBoxLayout, QWidget

from desktop_app.ui.editors import binding as field
from desktop_app.ui.editors.base import EditorWindow
from desktop_app.ui.editors.post_choice import post_field
from desktop_app.ui.i18n import translate
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
        self.post = self.form.row(form, post_field(self.session, translate("PostLogEditor", "Post")))
        self.member = self.form.row(form, field.member("member_id", translate("PostLogEditor", "Member"), self.members))
        self.date = self.form.row(form, field.date("date", translate("PostLogEditor", "Date"), today=True))
        self.category = self.form.row(
            form, field.enum_choice("category", translate("PostLogEditor", "Category"), PostCategory)
        )
        self.hours = self.form.row(
            form, field.decimal_spin("hours", translate("PostLogEditor", "Hours"), maximum=1000, fit="0000.0")
        )
        self.place = self.form.row(form, field.text("place", translate("PostLogEditor", "Place")))
        self.description = self.form.row(form, field.plain_text("description", translate("PostLogEditor", "Work done")))
        self.outcome = self.form.row(
            form, field.plain_text("outcome", translate("PostLogEditor", "Outcome"), max_height=90)
        )
        outer.addWidget(box)
        outer.addStretch(1)
