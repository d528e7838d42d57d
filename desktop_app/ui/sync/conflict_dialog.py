"""Resolve one conflict: the versions side by side, field by field, and the merged result.

Each top-level field is a row; differing rows are highlighted. The clerk picks a version per
field (radio buttons), or keeps a whole version, and may edit the merged text of text fields.
"解决冲突" writes a merge revision in a worker (through the controller, which then syncs it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.operations import records
from desktop_app.operations.conflicts import FieldRow, field_rows, merge
from desktop_app.operations.types import Conflict, ConflictVersion
from desktop_app.ui import dialogs
from desktop_app.ui.i18n import kind_name, local_time, translate
from desktop_app.ui.session import Session
from desktop_app.ui.sync.conflict_fields import display
from desktop_app.ui.sync.controller import SyncController
from desktop_app.ui.widgets.screen import fit_to_screen

DIFF_STYLE = "QFrame[differs=\"true\"] { background: #fff4ce; border-radius: 3px; }"
LONG_TEXT = 60


@dataclass
class RowWidgets:
    row: FieldRow
    group: QButtonGroup
    merged: QLineEdit | QPlainTextEdit | QLabel
    edited: bool = False
    cells: list[QWidget] = field(default_factory=list)


class ConflictDialog(QDialog):
    resolved = Signal(str)

    def __init__(
        self, session: Session, controller: SyncController, conflict: Conflict, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.session = session
        self.controller = controller
        self.conflict = conflict
        self.versions: list[ConflictVersion] = list(conflict.versions)
        self.bodies = [v.body if not v.deleted else None for v in self.versions]
        self.base = next((i for i, v in enumerate(self.versions) if v.is_server_current and v.body), 0)
        self.members = records.members(session.ledger)
        self.device_id = controller.ops.device_id()
        self.rows: dict[str, RowWidgets] = {}
        self.busy = False
        self.setWindowTitle(translate("ConflictDialog", "Resolve a sync conflict"))
        self.setStyleSheet(DIFF_STYLE)

        heading = QLabel(translate("ConflictDialog", "{0}: {1}").format(kind_name(conflict.kind), conflict.title))
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        heading.setWordWrap(True)
        explain = QLabel(
            translate(
                "ConflictDialog",
                "This record was changed on two devices before they synced. Nothing was lost: choose, "
                "field by field, which version to keep (highlighted fields differ), or edit the merged text.",
            )
        )
        explain.setWordWrap(True)
        self.only_differences = QCheckBox(translate("ConflictDialog", "Show only the fields that differ"))
        self.only_differences.toggled.connect(self._filter_rows)

        grid_widget = QWidget()
        self.grid = QGridLayout(grid_widget)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(6)
        self._build_headers()
        self._build_rows()
        for column in range(1, len(self.versions) + 2):
            self.grid.setColumnStretch(column, 1)
        self.grid.setRowStretch(self.grid.rowCount(), 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_widget)

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.resolve_button = QPushButton(translate("ConflictDialog", "Resolve with the merged version"))
        self.resolve_button.setDefault(True)
        self.resolve_button.clicked.connect(self.resolve)
        cancel = QPushButton(translate("ConflictDialog", "Cancel"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.resolve_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addWidget(self.only_differences)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 1000, 700)
        controller.resolved.connect(self._resolved)
        controller.resolve_failed.connect(self._resolve_failed)

    # ------------------------------------------------------------ layout

    def version_title(self, index: int) -> str:
        version = self.versions[index]
        parts = [translate("ConflictDialog", "Version {0}").format(index + 1)]
        if version.device_id == self.device_id:
            parts.append(translate("ConflictDialog", "this device"))
        if version.is_server_current:
            parts.append(translate("ConflictDialog", "current at head office"))
        lines = [" · ".join(parts)]
        when = local_time(version.device_time)
        lines.append(translate("ConflictDialog", "by {0}, {1}").format(version.author or "?", when))
        if version.deleted:
            lines.append(translate("ConflictDialog", "(deleted in this version)"))
        return "\n".join(lines)

    def _build_headers(self) -> None:
        self.grid.addWidget(self._bold(translate("ConflictDialog", "Field")), 0, 0)
        for i in range(len(self.versions)):
            cell = QWidget()
            box = QVBoxLayout(cell)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(self._bold(self.version_title(i)))
            keep = QPushButton(translate("ConflictDialog", "Keep this version"))
            keep.setObjectName(f"keepVersion{i}")
            keep.setEnabled(self.bodies[i] is not None)
            keep.clicked.connect(lambda _c=False, n=i: self.keep_version(n))
            box.addWidget(keep, 0, Qt.AlignmentFlag.AlignLeft)
            self.grid.addWidget(cell, 0, i + 1)
        self.grid.addWidget(self._bold(translate("ConflictDialog", "Merged result")), 0, len(self.versions) + 1)

    def _bold(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setStyleSheet("font-weight: bold;")
        label.setWordWrap(True)
        return label

    def _build_rows(self) -> None:
        for r, row in enumerate(field_rows(self.conflict.kind, self.bodies), start=1):
            label = QLabel(row.label)
            label.setWordWrap(True)
            if row.differs:
                label.setStyleSheet("font-weight: bold; color: #8a4b00;")
            group = QButtonGroup(self)
            frames: list[QWidget] = []
            for i, value in enumerate(row.values):
                frame = QFrame()
                frame.setProperty("differs", row.differs)
                box = QHBoxLayout(frame)
                box.setContentsMargins(4, 2, 4, 2)
                radio = QRadioButton()
                radio.setEnabled(self.bodies[i] is not None)
                radio.setToolTip(translate("ConflictDialog", "Keep this value"))
                group.addButton(radio, i)
                text = QLabel(display(value, self.members, row.key) or "—")
                text.setWordWrap(True)
                text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                box.addWidget(radio, 0, Qt.AlignmentFlag.AlignTop)
                box.addWidget(text, 1)
                frames.append(frame)
                self.grid.addWidget(frame, r, i + 1)
            merged = self._merged_widget(row)
            widgets = RowWidgets(row, group, merged, cells=[label, *frames, merged])
            self.rows[row.key] = widgets
            self.grid.addWidget(label, r, 0, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(merged, r, len(self.versions) + 1)
            group.idToggled.connect(lambda index, checked, key=row.key: self._toggled(key, index, checked))
            button = group.button(self.base)
            if button is not None:
                button.setChecked(True)

    def _merged_widget(self, row: FieldRow) -> QLineEdit | QPlainTextEdit | QLabel:
        if row.text_field:
            long = any(isinstance(v, str) and ("\n" in v or len(v) > LONG_TEXT) for v in row.values)
            widget: QLineEdit | QPlainTextEdit = QPlainTextEdit() if long else QLineEdit()
            if isinstance(widget, QPlainTextEdit):
                widget.setMaximumHeight(110)
                widget.textChanged.connect(lambda key=row.key: self._edited(key))
            else:
                widget.textEdited.connect(lambda _t, key=row.key: self._edited(key))
            widget.setToolTip(translate("ConflictDialog", "The merged text: edit it to combine both versions"))
            return widget
        label = QLabel()
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        label.setContentsMargins(4, 2, 4, 2)
        return label

    # ------------------------------------------------------------ choosing

    def _toggled(self, key: str, index: int, checked: bool) -> None:
        if checked:
            self._chosen(key, index)

    def _chosen(self, key: str, index: int) -> None:
        widgets = self.rows.get(key)
        if widgets is None:
            return
        value = widgets.row.values[index]
        if widgets.row.text_field:
            text = value if isinstance(value, str) else ""
        else:
            text = display(value, self.members, key)
        merged = widgets.merged
        merged.blockSignals(True)
        if isinstance(merged, QPlainTextEdit):
            merged.setPlainText(text)
        else:
            merged.setText(text)
        merged.blockSignals(False)
        widgets.edited = False

    def _edited(self, key: str) -> None:
        self.rows[key].edited = True

    def choose(self, key: str, index: int) -> None:
        """Keep version ``index``'s value of field ``key``."""
        button = self.rows[key].group.button(index)
        button.setChecked(True)
        self._chosen(key, index)

    def keep_version(self, index: int) -> None:
        for key in self.rows:
            self.choose(key, index)

    def set_merged_text(self, key: str, text: str) -> None:
        merged = self.rows[key].merged
        if isinstance(merged, QPlainTextEdit):
            merged.setPlainText(text)
        elif isinstance(merged, QLineEdit):
            merged.setText(text)
        else:
            raise ValueError(f"{key} is not a text field")
        self.rows[key].edited = True

    def differing_fields(self) -> list[str]:
        return [key for key, w in self.rows.items() if w.row.differs]

    def _filter_rows(self, only_differences: bool) -> None:
        for widgets in self.rows.values():
            for cell in widgets.cells:
                cell.setVisible(widgets.row.differs or not only_differences)

    # ------------------------------------------------------------ result

    def merged_body(self) -> dict[str, Any]:
        choices = {key: w.group.checkedId() for key, w in self.rows.items() if w.group.checkedId() >= 0}
        edits: dict[str, str] = {}
        for key, widgets in self.rows.items():
            if widgets.edited:
                merged = widgets.merged
                edits[key] = merged.toPlainText() if isinstance(merged, QPlainTextEdit) else merged.text()
        return merge(self.bodies, choices, edits, base=self.base)

    def resolve(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.resolve_button.setEnabled(False)
        self.note.setText(translate("ConflictDialog", "Saving the merged version…"))
        self.controller.resolve(self.conflict.record_id, self.merged_body())

    def _resolved(self, record_id: str) -> None:
        if record_id != self.conflict.record_id:
            return
        self.busy = False
        self.resolved.emit(record_id)
        self.accept()

    def _resolve_failed(self, record_id: str, message: str) -> None:
        if record_id != self.conflict.record_id:
            return
        self.busy = False
        self.resolve_button.setEnabled(True)
        self.note.setText(message)
        dialogs.error(self, translate("ConflictDialog", "The merged version was not saved:\n{0}").format(message))
