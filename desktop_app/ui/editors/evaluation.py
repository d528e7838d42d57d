"""A periodic 述职/评岗 of a 先锋岗 on the 100-point scale, with the star rating it earns (§5.2)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QVBoxLayout, QWidget

from desktop_app.ui.editors.base import EditorWindow
from desktop_app.ui.editors.post_choice import PostCombo
from desktop_app.ui.i18n import translate
from desktop_app.ui.widgets.fields import DateEdit, MemberCombo
from domain.rules import star_rating


class EvaluationEditor(EditorWindow):
    KIND = "post_evaluation"
    FINALIZABLE = True

    def title_text(self) -> str:
        return translate("EvaluationEditor", "Post evaluation")

    def build_form(self, container: QWidget) -> None:
        outer = QVBoxLayout(container)
        box = QGroupBox(translate("EvaluationEditor", "Evaluation"))
        form = QFormLayout(box)
        self.post = PostCombo(self.session)
        self.member = MemberCombo(self.members)
        self.period = QLineEdit()
        self.period.setPlaceholderText("2026-Q2")
        self.period.setMaximumWidth(self.period.fontMetrics().horizontalAdvance("2026-Q2") * 3)
        self.evaluated_on = DateEdit.today()
        self.score = QSpinBox()
        self.score.setRange(0, 100)
        self.score.setMaximumWidth(self.score.fontMetrics().horizontalAdvance("000") * 4)
        self.stars = QLabel()
        self.stars.setObjectName("stars")
        self.evaluators = QLineEdit()
        self.evaluators.setPlaceholderText(translate("EvaluationEditor", "Assessment group, 5–7 people"))
        self.comment = QPlainTextEdit()
        self.add_row(form, "post_id", translate("EvaluationEditor", "Post"), self.post)
        self.add_row(form, "member_id", translate("EvaluationEditor", "Member"), self.member)
        self.add_row(
            form,
            "period",
            translate("EvaluationEditor", "Period"),
            self.period,
            translate("EvaluationEditor", "2026, 2026-H1, 2026-Q2 or 2026-05"),
        )
        self.add_row(form, "evaluated_on", translate("EvaluationEditor", "Evaluated on"), self.evaluated_on)
        self.add_row(form, "score", translate("EvaluationEditor", "Score"), self.score)
        form.addRow(translate("EvaluationEditor", "Stars"), self.stars)
        self.add_row(form, "evaluators", translate("EvaluationEditor", "Evaluators"), self.evaluators)
        self.add_row(form, "comment", translate("EvaluationEditor", "Comment"), self.comment)
        self.score.valueChanged.connect(self._show_stars)
        outer.addWidget(box)
        outer.addStretch(1)
        self._show_stars()

    def _show_stars(self) -> None:
        stars = star_rating(self.score.value())
        self.stars.setText("★" * stars + "☆" * (5 - stars))

    def form_data(self) -> dict[str, Any]:
        return {
            "post_id": self.post.value(),
            "member_id": self.member.value(),
            "period": self.period.text().strip(),
            "evaluated_on": self.evaluated_on.value(),
            "score": self.score.value(),
            "evaluators": self.evaluators.text().strip(),
            "comment": self.comment.toPlainText().strip(),
        }

    def load_data(self, data: dict[str, Any]) -> None:
        self.post.set_value(data.get("post_id"))
        self.member.set_value(data.get("member_id"))
        self.period.setText(str(data.get("period", "")))
        self.evaluated_on.set_value(data.get("evaluated_on"))
        self.score.setValue(int(data.get("score") or 0))
        self.evaluators.setText(str(data.get("evaluators", "")))
        self.comment.setPlainText(str(data.get("comment", "")))
