"""A 党员先锋岗 / 示范岗 / 责任区: holders, duties, annual tasks, pledges, plaque (domain.md §5.2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.operations.printing import PrintRequest
from desktop_app.ui.editors import binding as field
from desktop_app.ui.editors.base import EditorWindow
from desktop_app.ui.i18n import translate
from desktop_app.ui.widgets.row_table import RowColumn, RowTable
from domain.enums import MembershipState, PlaqueStatus, PostCategory, PostType
from domain.records import Member


class PostEditor(EditorWindow):
    KIND = "pioneer_post"

    def title_text(self) -> str:
        return (self.name.text().strip() if hasattr(self, "name") else "") or translate("PostEditor", "Pioneer post")

    def print_request(self) -> PrintRequest | None:
        return PrintRequest.post_report(self.record_id, self.title_text()) if self.record_id else None

    def build_form(self, container: QWidget) -> None:
        outer = QVBoxLayout(container)
        box = QGroupBox(translate("PostEditor", "Pioneer post"))
        form = QFormLayout(box)
        self.name = self.form.row(form, field.text("name", translate("PostEditor", "Name")))
        self.category = self.form.row(
            form, field.enum_choice("category", translate("PostEditor", "Category"), PostCategory)
        )
        self.post_type = self.form.row(form, field.enum_choice("post_type", translate("PostEditor", "Type"), PostType))
        self.scope = self.form.row(
            form,
            field.text(
                "scope",
                translate("PostEditor", "Scope"),
                placeholder=translate("PostEditor", "Area, section or equipment the post answers for"),
            ),
        )
        self.period_start = self.form.row(form, field.date("period_start", translate("PostEditor", "From")))
        self.period_end = self.form.row(form, field.date("period_end", translate("PostEditor", "Until")))
        self.period_end.anchor = lambda: self._period_start()
        self.plaque = self.form.row(form, field.enum_choice("plaque", translate("PostEditor", "Plaque"), PlaqueStatus))
        self.holders = self.form.row(
            form,
            field.Field(
                "holder_member_ids",
                translate("PostEditor", "Holders"),
                lambda: HolderList(self.members),
                HolderList.value,
                HolderList.set_value,
                translate("PostEditor", "Tick the members who hold this post"),
            ),
        )
        outer.addWidget(box)

        box = QGroupBox(translate("PostEditor", "Duties and tasks"))
        layout = QVBoxLayout(box)
        self.duties = self.form.table(
            layout,
            field.text_list(
                "duties",
                lambda: RowTable(
                    [RowColumn("text", translate("PostEditor", "Duty"))], add_text=translate("PostEditor", "Add duty")
                ),
                "text",
            ),
        )
        self.tasks = self.form.table(
            layout,
            field.text_list(
                "annual_tasks",
                lambda: RowTable(
                    [RowColumn("text", translate("PostEditor", "Annual task"))],
                    add_text=translate("PostEditor", "Add task"),
                ),
                "text",
            ),
        )
        outer.addWidget(box)

        box = QGroupBox(translate("PostEditor", "Pledges"))
        layout = QVBoxLayout(box)
        self.pledges = self.form.table(
            layout,
            field.table(
                "pledges",
                lambda: RowTable(
                    [
                        RowColumn("content", translate("PostEditor", "Pledge")),
                        RowColumn(
                            "deadline",
                            translate("PostEditor", "Deadline"),
                            "date",
                            width=110,
                            tooltip=translate("PostEditor", "2026-12-31, 2026/12/31 or 2026年12月31日"),
                        ),
                        RowColumn("owner_member_id", translate("PostEditor", "Responsible"), "member"),
                        RowColumn("fulfilled", translate("PostEditor", "Fulfilled"), "bool"),
                        RowColumn("note", translate("PostEditor", "Note"), width=120),
                    ],
                    self.members,
                    add_text=translate("PostEditor", "Add pledge"),
                ),
                read=lambda row: {**row, "deadline": row["deadline"] or None},
                write=lambda pledge: {**pledge, "deadline": pledge.get("deadline") or ""},
            ),
        )
        outer.addWidget(box)
        outer.addStretch(1)

    def _period_start(self) -> dt.date | None:
        day = self.period_start.parsed()
        return day if isinstance(day, dt.date) else None


class HolderList(QListWidget):
    """The active members, ticked if they hold the post; the value is the ticked members' ids."""

    changed = Signal()

    def __init__(self, members: Mapping[str, Member]) -> None:
        super().__init__()
        self.members = members
        self._loaded: list[str] = []
        self.setMaximumHeight(140)
        self.itemChanged.connect(lambda _item: self.changed.emit())
        for member_id, member in sorted(members.items(), key=lambda kv: kv[1].name):
            if member.state is MembershipState.ACTIVE:
                self._add_item(member_id, member.name)

    def _add_item(self, member_id: str, name: str, *, inactive: bool = False) -> None:
        text = name + translate("PostEditor", " (not on the active roster)") if inactive else name
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, member_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        self.addItem(item)

    def value(self) -> list[str]:
        """The ticked members: those loaded in their order (an unchanged post saves unchanged),
        then the newly ticked in the list's order."""
        ticked = [
            str(self.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]
        kept = [h for h in self._loaded if h in ticked]
        return kept + [h for h in ticked if h not in kept]

    def set_value(self, value: Any) -> None:
        holders = [str(h) for h in value or []]
        self._loaded = holders
        listed = {self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())}
        for member_id in holders:
            if member_id not in listed:
                # A holder who has left the active roster (transferred out) or is not on this
                # device's roster yet stays a holder until the clerk unticks them: saving must
                # never drop data the form did not show.
                member = self.members.get(member_id)
                self._add_item(member_id, member.name if member else member_id, inactive=True)
                listed.add(member_id)
        for i in range(self.count()):
            item = self.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in holders
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
