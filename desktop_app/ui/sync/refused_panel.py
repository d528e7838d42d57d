"""同步 → edits that did not reach head office, with their text, and what to do with each (issue 11).

Lists every local edit head office refused (e.g. an offline edit of a record another device
finalized meanwhile) or that could not be sent (quarantined), with head office's reason and how the
refused text differs from the current version; and the changes from head office this device could
not accept. The clerk can file a refused edit as an amendment (更正) of the final version, apply it
again over a draft, retry one head office failed on, or dismiss it (it stays in the database).
The work is :mod:`desktop_app.operations.refused`; this view only shows and starts it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.operations.refused import act_on_refused
from desktop_app.operations.types import RefusedEdit
from desktop_app.ui.i18n import translate
from desktop_app.ui.operations import UiOp
from desktop_app.ui.session import Session
from desktop_app.ui.sync.controller import SyncController
from desktop_app.ui.sync.rejected_model import RejectedModel
from domain.labels import field_label


def _value(value: Any) -> str:
    if value is None or value == "":
        return translate("RefusedPanel", "(empty)")
    if isinstance(value, list):
        return translate("RefusedPanel", "{0} entries").format(len(value))
    if isinstance(value, dict):
        return "…"
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"


class AmendDialog(QDialog):
    """The reason for the amendment (更正原因), then the refused text is filed as one."""

    def __init__(self, edit: RefusedEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = edit
        self.setWindowTitle(translate("RefusedPanel", "File as an amendment"))
        label = QLabel(translate(
            "RefusedPanel",
            '"{0}" was finalized on another device before this edit reached head office. Filing the edit as '
            "an amendment (更正) keeps the final version and adds a correction that points to it.",
        ).format(edit.title or edit.record_id))
        label.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setObjectName("amendReason")
        self.reason.setPlaceholderText(translate("RefusedPanel", "Reason for the amendment"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton(translate("RefusedPanel", "File as amendment"),
                                         QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)


class RefusedPanel(QGroupBox):
    def __init__(self, session: Session, controller: SyncController, make_table: Callable[[Any], QTableView],
                 parent: QWidget | None = None) -> None:
        super().__init__(translate("RefusedPanel", "Changes that did not reach head office"), parent)
        self.session = session
        self.controller = controller
        self.rows: list[dict[str, Any]] = []
        self.amend_dialog: AmendDialog | None = None
        self.model = RejectedModel()
        self.table = make_table(self.model)
        self.table.setObjectName("refused")
        self.details = QPlainTextEdit()
        self.details.setObjectName("refusedDetails")
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(90)
        self.table.setMinimumHeight(60)
        self.amend_button = QPushButton(translate("RefusedPanel", "File as amendment…"))
        self.reapply_button = QPushButton(translate("RefusedPanel", "Apply again"))
        self.retry_button = QPushButton(translate("RefusedPanel", "Send again"))
        self.dismiss_button = QPushButton(translate("RefusedPanel", "Do not show again"))
        self.amend_button.clicked.connect(self.ask_amend)
        self.reapply_button.clicked.connect(lambda: self._act("reapply"))
        self.retry_button.clicked.connect(lambda: self._act("retry"))
        self.dismiss_button.clicked.connect(lambda: self._act("dismiss"))
        self.pulled = QLabel()
        self.pulled.setObjectName("refusedPulled")
        self.pulled.setWordWrap(True)
        self.pulled.setStyleSheet("color: #b00020;")
        note = QLabel(translate("RefusedPanel", "Nothing here was discarded: select a change to see its text."))
        note.setWordWrap(True)
        top = QHBoxLayout()  # the note and the actions on one line, so the list keeps its height
        top.addWidget(note, 1)
        for button in (self.amend_button, self.reapply_button, self.retry_button, self.dismiss_button):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.pulled)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self._show_selected()

    def set_rows(self, rows: list[dict[str, Any]], pulled: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
        text = translate("RefusedPanel", "Not accepted from head office: {0}: {1}")
        lines = [text.format(p["record_id"], p["message"]) for p in pulled]
        self.pulled.setText("\n".join(lines))
        self.pulled.setVisible(bool(lines))
        self.setVisible(bool(rows or pulled))
        self._show_selected()

    def selected(self) -> dict[str, Any] | None:
        indexes = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        row = indexes[0].row() if indexes else -1
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _show_selected(self) -> None:
        row = self.selected()
        edit: RefusedEdit | None = row["edit"] if row else None
        self.amend_button.setEnabled(bool(edit and edit.can_amend))
        self.reapply_button.setEnabled(bool(edit and edit.can_reapply))
        self.retry_button.setEnabled(bool(edit and edit.can_retry))
        self.dismiss_button.setEnabled(edit is not None)
        if row is None or edit is None:
            self.details.setPlainText("")
            return
        lines = [translate("RefusedPanel", "Saved by {0} at {1}. Where this edit differs from the current version:")
                 .format(edit.author or "—", edit.device_time[:19].replace("T", " "))]
        for field, mine, current in row["differences"]:
            lines.append(f"{field_label(field)}：{_value(mine)}")
            lines.append("    " + translate("RefusedPanel", "current version: {0}").format(_value(current)))
        if len(lines) == 1:
            lines.append(translate("RefusedPanel", "(no difference in the text)"))
        self.details.setPlainText("\n".join(lines))

    # ------------------------------------------------------------ actions

    def ask_amend(self) -> AmendDialog | None:
        row = self.selected()
        if row is None or not row["edit"].can_amend:
            return None
        dialog = AmendDialog(row["edit"], self)
        dialog.accepted.connect(lambda: self._act("amend", reason=dialog.reason.text().strip()))
        self.amend_dialog = dialog
        dialog.open()
        return dialog

    def _act(self, action: str, **options: Any) -> None:
        row = self.selected()
        if row is None:
            return
        change_id = row["edit"].change_id
        reason = str(options.get("reason", ""))

        def done(_changes: object) -> None:
            self.controller.status_changed.emit()
            if action != "dismiss":
                self.controller.sync_now("resolved")  # the amendment (or retry) goes to head office

        UiOp(self, self.session, lambda ledger: act_on_refused(ledger, change_id, action, reason=reason)  # type: ignore[arg-type]
             ).success(done).run_in_background()


__all__ = ["AmendDialog", "RefusedPanel"]
