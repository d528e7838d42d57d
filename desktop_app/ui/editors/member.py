"""The roster entry of one member (domain.md §2, §3.3: status and suspensions decide voting rights)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.operations import records
from desktop_app.ui.editors.base import EditorWindow
from desktop_app.ui.i18n import enum_text, translate
from desktop_app.ui.widgets.fields import DateEdit, EnumCombo, ErrorLabel
from domain.enums import BranchPost, Gender, MembershipState, MemberStatus, RightsSuspension


class MemberEditor(EditorWindow):
    KIND = "member"

    def title_text(self) -> str:
        return (self.name.text().strip() if hasattr(self, "name") else "") or translate("MemberEditor", "Member")

    def build_form(self, container: QWidget) -> None:
        profile = records.branch_profile(self.session.ledger)
        groups = list(profile[1].party_groups) if profile else []
        outer = QVBoxLayout(container)
        box = QGroupBox(translate("MemberEditor", "Member"))
        form = QFormLayout(box)
        self.name = QLineEdit()
        self.gender = EnumCombo(Gender, optional=True)
        self.birth_date = DateEdit()
        self.status = EnumCombo(MemberStatus)
        self.join_date = DateEdit()
        self.full_member_date = DateEdit()
        # Full membership normally comes a year after joining: the calendar opens there.
        self.full_member_date.anchor = lambda: _year_after(self.join_date.parsed())
        self.party_group = QComboBox()
        self.party_group.setEditable(True)
        self.party_group.addItems(["", *groups])
        self.unit = QLineEdit()
        self.phone = QLineEdit()
        self.add_row(form, "name", translate("MemberEditor", "Name"), self.name)
        self.add_row(form, "gender", translate("MemberEditor", "Gender"), self.gender)
        self.add_row(form, "birth_date", translate("MemberEditor", "Date of birth"), self.birth_date)
        self.add_row(
            form,
            "status",
            translate("MemberEditor", "Category"),
            self.status,
            translate("MemberEditor", "Probationary members have no vote, no election rights and are not graded"),
        )
        self.add_row(
            form,
            "join_date",
            translate("MemberEditor", "Joined the Party"),
            self.join_date,
            translate("MemberEditor", "The date of the branch meeting that admitted the member"),
        )
        self.add_row(form, "full_member_date", translate("MemberEditor", "Became full member"), self.full_member_date)
        self.add_row(form, "party_group", translate("MemberEditor", "Party group"), self.party_group)
        self.party_group.currentTextChanged.connect(self.on_changed)
        self.add_row(
            form,
            "unit",
            translate("MemberEditor", "Post / unit"),
            self.unit,
            translate("MemberEditor", "Printed on sign-in sheets"),
        )
        self.add_row(form, "phone", translate("MemberEditor", "Phone"), self.phone)
        outer.addWidget(box)

        box = QGroupBox(translate("MemberEditor", "Branch posts"))
        form = QFormLayout(box)
        self.posts: dict[str, QCheckBox] = {}
        grid_holder = QWidget()
        grid = QGridLayout(grid_holder)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, post in enumerate(BranchPost):
            check = QCheckBox(enum_text(post))
            self.posts[post.value] = check
            check.toggled.connect(self.on_changed)
            grid.addWidget(check, index // 4, index % 4)
        form.addRow(grid_holder)
        posts_error = ErrorLabel()
        form.addRow(posts_error)
        self.fields.bind("posts", box, posts_error)
        self.leading_cadre = QCheckBox(translate("MemberEditor", "Leading cadre (dual organisational life)"))
        self.add_row(form, "is_leading_cadre", "", self.leading_cadre)
        outer.addWidget(box)

        box = QGroupBox(translate("MemberEditor", "Standing"))
        form = QFormLayout(box)
        self.suspension = EnumCombo(RightsSuspension)
        self.suspension_until = DateEdit()
        self.state = EnumCombo(MembershipState)
        self.state_date = DateEdit()
        self.note = QLineEdit()
        self.add_row(form, "suspension", translate("MemberEditor", "Rights suspended"), self.suspension)
        self.add_row(form, "suspension_until", translate("MemberEditor", "Suspended until"), self.suspension_until)
        self.add_row(form, "state", translate("MemberEditor", "Membership"), self.state)
        self.add_row(form, "state_date", translate("MemberEditor", "Since"), self.state_date)
        self.add_row(form, "note", translate("MemberEditor", "Note"), self.note)
        outer.addWidget(box)
        outer.addStretch(1)

    def form_data(self) -> dict[str, Any]:
        return {
            "name": self.name.text().strip(),
            "gender": self.gender.value(),
            "birth_date": self.birth_date.value(),
            "status": self.status.value(),
            "join_date": self.join_date.value(),
            "full_member_date": self.full_member_date.value(),
            "party_group": self.party_group.currentText().strip(),
            "posts": [code for code, check in self.posts.items() if check.isChecked()],
            "suspension": self.suspension.value(),
            "suspension_until": self.suspension_until.value(),
            "state": self.state.value(),
            "state_date": self.state_date.value(),
            "unit": self.unit.text().strip(),
            "phone": self.phone.text().strip(),
            "is_leading_cadre": self.leading_cadre.isChecked(),
            "note": self.note.text().strip(),
        }

    def load_data(self, data: dict[str, Any]) -> None:
        self.name.setText(str(data.get("name", "")))
        self.gender.set_value(data.get("gender"))
        self.birth_date.set_value(data.get("birth_date"))
        self.status.set_value(data.get("status"))
        self.join_date.set_value(data.get("join_date"))
        self.full_member_date.set_value(data.get("full_member_date"))
        self.party_group.setCurrentText(str(data.get("party_group", "")))
        posts = set(data.get("posts") or [])
        for code, check in self.posts.items():
            check.setChecked(code in posts)
        self.leading_cadre.setChecked(bool(data.get("is_leading_cadre")))
        self.suspension.set_value(data.get("suspension"))
        self.suspension_until.set_value(data.get("suspension_until"))
        self.state.set_value(data.get("state"))
        self.state_date.set_value(data.get("state_date"))
        self.unit.setText(str(data.get("unit", "")))
        self.phone.setText(str(data.get("phone", "")))
        self.note.setText(str(data.get("note", "")))


def _year_after(day: object) -> dt.date | None:
    if not isinstance(day, dt.date):
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day + dt.timedelta(days=365)
