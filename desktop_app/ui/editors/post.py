"""A 党员先锋岗 / 示范岗 / 责任区: holders, duties, annual tasks, pledges, plaque (domain.md §5.2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.operations.printing import PrintRequest
from desktop_app.ui.editors.base import EditorWindow
from desktop_app.ui.i18n import translate
from desktop_app.ui.widgets.fields import DateEdit, EnumCombo
from desktop_app.ui.widgets.row_table import RowColumn, RowTable
from domain.enums import MembershipState, PlaqueStatus, PostCategory, PostType


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
        self.name = QLineEdit()
        self.category = EnumCombo(PostCategory)
        self.post_type = EnumCombo(PostType)
        self.scope = QLineEdit()
        self.scope.setPlaceholderText(translate("PostEditor", "Area, section or equipment the post answers for"))
        self.period_start = DateEdit()
        self.period_end = DateEdit()
        self.period_end.anchor = lambda: self._period_start()
        self.plaque = EnumCombo(PlaqueStatus)
        self.add_row(form, "name", translate("PostEditor", "Name"), self.name)
        self.add_row(form, "category", translate("PostEditor", "Category"), self.category)
        self.add_row(form, "post_type", translate("PostEditor", "Type"), self.post_type)
        self.add_row(form, "scope", translate("PostEditor", "Scope"), self.scope)
        self.add_row(form, "period_start", translate("PostEditor", "From"), self.period_start)
        self.add_row(form, "period_end", translate("PostEditor", "Until"), self.period_end)
        self.add_row(form, "plaque", translate("PostEditor", "Plaque"), self.plaque)
        self.holders = QListWidget()
        self.holders.setMaximumHeight(140)
        for member_id, member in sorted(self.members.items(), key=lambda kv: kv[1].name):
            if member.state is MembershipState.ACTIVE:
                self._add_holder_item(member_id, member.name)
        self.holders.itemChanged.connect(self.on_changed)
        self.add_row(
            form,
            "holder_member_ids",
            translate("PostEditor", "Holders"),
            self.holders,
            translate("PostEditor", "Tick the members who hold this post"),
        )
        outer.addWidget(box)

        box = QGroupBox(translate("PostEditor", "Duties and tasks"))
        layout = QVBoxLayout(box)
        self.duties = self.add_table(
            layout,
            "duties",
            RowTable(
                [RowColumn("text", translate("PostEditor", "Duty"))], add_text=translate("PostEditor", "Add duty")
            ),
        )
        self.tasks = self.add_table(
            layout,
            "annual_tasks",
            RowTable(
                [RowColumn("text", translate("PostEditor", "Annual task"))],
                add_text=translate("PostEditor", "Add task"),
            ),
        )
        outer.addWidget(box)

        box = QGroupBox(translate("PostEditor", "Pledges"))
        layout = QVBoxLayout(box)
        self.pledges = self.add_table(
            layout,
            "pledges",
            RowTable(
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
        )
        outer.addWidget(box)
        outer.addStretch(1)

    def _period_start(self) -> dt.date | None:
        day = self.period_start.parsed()
        return day if isinstance(day, dt.date) else None

    def _add_holder_item(self, member_id: str, name: str, *, inactive: bool = False) -> None:
        text = name + translate("PostEditor", " (not on the active roster)") if inactive else name
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, member_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        self.holders.addItem(item)

    def form_data(self) -> dict[str, Any]:
        holders = []
        for i in range(self.holders.count()):
            item = self.holders.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                holders.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return {
            "name": self.name.text().strip(),
            "category": self.category.value(),
            "post_type": self.post_type.value(),
            "holder_member_ids": holders,
            "scope": self.scope.text().strip(),
            "duties": [r["text"] for r in self.duties.rows() if r["text"]],
            "annual_tasks": [r["text"] for r in self.tasks.rows() if r["text"]],
            "pledges": [{**r, "deadline": r["deadline"] or None} for r in self.pledges.filled_rows()],
            "period_start": self.period_start.value(),
            "period_end": self.period_end.value(),
            "plaque": self.plaque.value(),
        }

    def load_data(self, data: dict[str, Any]) -> None:
        self.name.setText(str(data.get("name", "")))
        self.category.set_value(data.get("category"))
        self.post_type.set_value(data.get("post_type"))
        self.scope.setText(str(data.get("scope", "")))
        self.period_start.set_value(data.get("period_start"))
        self.period_end.set_value(data.get("period_end"))
        self.plaque.set_value(data.get("plaque"))
        holders = [str(h) for h in data.get("holder_member_ids") or []]
        listed = {self.holders.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.holders.count())}
        for member_id in holders:
            if member_id not in listed:
                # A holder who has left the active roster (transferred out) or is not on this
                # device's roster yet stays a holder until the clerk unticks them: saving must
                # never drop data the form did not show.
                member = self.members.get(member_id)
                self._add_holder_item(member_id, member.name if member else member_id, inactive=True)
                listed.add(member_id)
        for i in range(self.holders.count()):
            item = self.holders.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in holders
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.duties.set_rows([{"text": t} for t in data.get("duties") or []])
        self.tasks.set_rows([{"text": t} for t in data.get("annual_tasks") or []])
        self.pledges.set_rows([{**p, "deadline": p.get("deadline") or ""} for p in data.get("pledges") or []])
