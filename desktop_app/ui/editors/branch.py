"""The branch profile: name, higher organisation, committee and 党小组 (what the rules depend on)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QVBoxLayout, QWidget

from desktop_app.ui.editors import binding as field
from desktop_app.ui.editors.base import EditorWindow
from desktop_app.ui.i18n import translate
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
        self.name = self.form.row(form, field.text("name", translate("BranchEditor", "Branch name")))
        self.form.row(form, field.text("org_code", translate("BranchEditor", "Organisation code")))
        self.form.row(form, field.text("parent_org", translate("BranchEditor", "Higher Party organisation")))
        self.form.row(
            form,
            field.check(
                "has_committee",
                translate("BranchEditor", "The branch has a committee (支委会)"),
                tooltip=translate("BranchEditor", "Branches with 7 or more full members must elect a committee"),
            ),
        )
        self.form.row(
            form,
            field.check(
                "is_village_or_community", translate("BranchEditor", "Village or community branch (5-year term)")
            ),
        )
        self.records_since = self.form.row(
            form,
            field.date(
                "records_since",
                translate("BranchEditor", "Records kept from"),
                tooltip=translate(
                    "BranchEditor",
                    "台账起始日期: required activities are checked from this day; meetings entered for earlier "
                    "dates (补录) still count",
                ),
            ),
        )
        outer.addWidget(box)
        box = QGroupBox(translate("BranchEditor", "Party groups"))
        layout = QVBoxLayout(box)
        self.groups = self.form.table(
            layout,
            field.text_list(
                "party_groups",
                lambda: RowTable(
                    [RowColumn("name", translate("BranchEditor", "Party group"))],
                    add_text=translate("BranchEditor", "Add group"),
                ),
                "name",
            ),
        )
        outer.addWidget(box)
        outer.addStretch(1)
