"""A periodic 述职/评岗 of a 先锋岗 on the 100-point scale, with the star rating it earns (§5.2)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from desktop_app.ui.editors import binding as field
from desktop_app.ui.editors.base import EditorWindow
from desktop_app.ui.editors.post_choice import post_field
from desktop_app.ui.i18n import translate
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
        self.post = self.form.row(form, post_field(self.session, translate("EvaluationEditor", "Post")))
        self.member = self.form.row(
            form, field.member("member_id", translate("EvaluationEditor", "Member"), self.members)
        )
        self.period = self.form.row(
            form,
            field.text(
                "period",
                translate("EvaluationEditor", "Period"),
                tooltip=translate("EvaluationEditor", "2026, 2026-H1, 2026-Q2 or 2026-05"),
                placeholder="2026-Q2",
                fit=("2026-Q2", 3),
            ),
        )
        self.evaluated_on = self.form.row(
            form, field.date("evaluated_on", translate("EvaluationEditor", "Evaluated on"), today=True)
        )
        self.score = self.form.row(
            form, field.int_spin("score", translate("EvaluationEditor", "Score"), maximum=100, fit=("000", 4))
        )
        self.stars = QLabel()
        self.stars.setObjectName("stars")
        form.addRow(translate("EvaluationEditor", "Stars"), self.stars)
        self.evaluators = self.form.row(
            form,
            field.text(
                "evaluators",
                translate("EvaluationEditor", "Evaluators"),
                placeholder=translate("EvaluationEditor", "Assessment group, 5–7 people"),
            ),
        )
        self.comment = self.form.row(form, field.plain_text("comment", translate("EvaluationEditor", "Comment")))
        self.score.valueChanged.connect(self._show_stars)
        outer.addWidget(box)
        outer.addStretch(1)
        self._show_stars()

    def _show_stars(self) -> None:
        stars = star_rating(self.score.value())
        self.stars.setText("★" * stars + "☆" * (5 - stars))
