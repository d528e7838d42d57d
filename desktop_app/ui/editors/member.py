"""The roster entry of one member (domain.md §2, §3.3: status and suspensions decide voting rights)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QFormLayout, QGroupBox, QVBoxLayout, QWidget

from desktop_app.operations import records
from desktop_app.ui.editors import binding as field
from desktop_app.ui.editors.base import EditorWindow
from desktop_app.ui.i18n import enum_text, translate
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
        self.name = self.form.row(form, field.text("name", translate("MemberEditor", "Name")))
        self.gender = self.form.row(
            form, field.enum_choice("gender", translate("MemberEditor", "Gender"), Gender, optional=True)
        )
        self.birth_date = self.form.row(form, field.date("birth_date", translate("MemberEditor", "Date of birth")))
        self.status = self.form.row(
            form,
            field.enum_choice(
                "status",
                translate("MemberEditor", "Category"),
                MemberStatus,
                tooltip=translate(
                    "MemberEditor", "Probationary members have no vote, no election rights and are not graded"
                ),
            ),
        )
        self.join_date = self.form.row(
            form,
            field.date(
                "join_date",
                translate("MemberEditor", "Joined the Party"),
                tooltip=translate("MemberEditor", "The date of the branch meeting that admitted the member"),
            ),
        )
        self.full_member_date = self.form.row(
            form, field.date("full_member_date", translate("MemberEditor", "Became full member"))
        )
        # Full membership normally comes a year after joining: the calendar opens there.
        self.full_member_date.anchor = lambda: _year_after(self.join_date.parsed())
        self.party_group = self.form.row(
            form, field.editable_choice("party_group", translate("MemberEditor", "Party group"), lambda: ["", *groups])
        )
        self.unit = self.form.row(
            form,
            field.text(
                "unit",
                translate("MemberEditor", "Post / unit"),
                tooltip=translate("MemberEditor", "Printed on sign-in sheets"),
            ),
        )
        self.phone = self.form.row(form, field.text("phone", translate("MemberEditor", "Phone")))
        outer.addWidget(box)

        box = QGroupBox(translate("MemberEditor", "Branch posts"))
        form = QFormLayout(box)
        self.posts = self.form.row(
            form,
            field.checklist(
                "posts", "", [(post.value, enum_text(post), "") for post in BranchPost], columns=4, span=True
            ),
        ).boxes
        self.leading_cadre = self.form.row(
            form, field.check("is_leading_cadre", translate("MemberEditor", "Leading cadre (dual organisational life)"))
        )
        outer.addWidget(box)

        box = QGroupBox(translate("MemberEditor", "Standing"))
        form = QFormLayout(box)
        self.suspension = self.form.row(
            form, field.enum_choice("suspension", translate("MemberEditor", "Rights suspended"), RightsSuspension)
        )
        self.suspension_until = self.form.row(
            form, field.date("suspension_until", translate("MemberEditor", "Suspended until"))
        )
        self.state = self.form.row(
            form, field.enum_choice("state", translate("MemberEditor", "Membership"), MembershipState)
        )
        self.state_date = self.form.row(form, field.date("state_date", translate("MemberEditor", "Since")))
        self.note = self.form.row(form, field.text("note", translate("MemberEditor", "Note")))
        outer.addWidget(box)
        outer.addStretch(1)


def _year_after(day: object) -> dt.date | None:
    if not isinstance(day, dt.date):
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day + dt.timedelta(days=365)
