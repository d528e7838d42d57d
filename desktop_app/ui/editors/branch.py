"""The branch profile: name, higher organisation, committee and 党小组 (what the rules depend on)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLineEdit, QVBoxLayout, QWidget

from desktop_app.ui.editors.base import EditorWindow
from desktop_app.ui.i18n import translate
from desktop_app.ui.widgets.fields import DateEdit
from desktop_app.ui.widgets.row_table import RowColumn, RowTable


class BranchEditor(EditorWindow):
    KIND = "branch_profile"

    def title_text(self) -> str:
        return (self.name.text().strip() if hasattr(self, "name") else "") or translate(
            "BranchEditor", "Branch profile"
        )

    def build_form(self, container: QWidget) -> None:
        outer = QVBoxLayout(container)
        box = QGroupBox(translate("BranchEditor", "Branch"))
        form = QFormLayout(box)
        self.name = QLineEdit()
        self.org_code = QLineEdit()
        self.parent_org = QLineEdit()
        self.has_committee = QCheckBox(translate("BranchEditor", "The branch has a committee (支委会)"))
        self.village = QCheckBox(translate("BranchEditor", "Village or community branch (5-year term)"))
        self.add_row(form, "name", translate("BranchEditor", "Branch name"), self.name)
        self.add_row(form, "org_code", translate("BranchEditor", "Organisation code"), self.org_code)
        self.add_row(form, "parent_org", translate("BranchEditor", "Higher Party organisation"), self.parent_org)
        self.add_row(
            form,
            "has_committee",
            "",
            self.has_committee,
            translate("BranchEditor", "Branches with 7 or more full members must elect a committee"),
        )
        self.add_row(form, "is_village_or_community", "", self.village)
        self.records_since = DateEdit()
        self.add_row(
            form,
            "records_since",
            translate("BranchEditor", "Records kept from"),
            self.records_since,
            translate(
                "BranchEditor",
                "台账起始日期: required activities are checked from this day; meetings entered for earlier "
                "dates (补录) still count",
            ),
        )
        outer.addWidget(box)
        box = QGroupBox(translate("BranchEditor", "Party groups"))
        layout = QVBoxLayout(box)
        self.groups = self.add_table(
            layout,
            "party_groups",
            RowTable(
                [RowColumn("name", translate("BranchEditor", "Party group"))],
                add_text=translate("BranchEditor", "Add group"),
            ),
        )
        outer.addWidget(box)
        outer.addStretch(1)

    def form_data(self) -> dict[str, Any]:
        return {
            "name": self.name.text().strip(),
            "org_code": self.org_code.text().strip(),
            "parent_org": self.parent_org.text().strip(),
            "has_committee": self.has_committee.isChecked(),
            "is_village_or_community": self.village.isChecked(),
            "party_groups": [row["name"] for row in self.groups.rows() if row["name"]],
            "records_since": self.records_since.value(),
        }

    def load_data(self, data: dict[str, Any]) -> None:
        self.name.setText(str(data.get("name", "")))
        self.org_code.setText(str(data.get("org_code", "")))
        self.parent_org.setText(str(data.get("parent_org", "")))
        self.has_committee.setChecked(bool(data.get("has_committee")))
        self.village.setChecked(bool(data.get("is_village_or_community")))
        self.groups.set_rows([{"name": g} for g in data.get("party_groups") or []])
        self.records_since.set_value(data.get("records_since"))
