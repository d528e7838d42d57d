"""Every question the UI asks the clerk goes through these functions.

One place for modal questions keeps their wording consistent, and lets GUI tests answer them
(``monkeypatch.setattr(dialogs, "confirm", ...)``) without clicking a nested event loop.
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from desktop_app.store.io_errors import translate as medium_error
from desktop_app.ui.i18n import translate
from domain.violations import RuleViolation


def error_text(exc: BaseException) -> str:
    """The clerk's message for a failure shown in a dialog.

    Rule violations list each field's message; store, sync and print errors carry a clerk-facing
    ``message``; anything else (a bug) shows its text rather than nothing.
    """
    if isinstance(exc, RuleViolation):
        return "\n".join(v.message for v in exc.violations)
    message = getattr(exc, "message", None)
    if message:
        return str(message)
    translated = medium_error(exc)  # a full disk or a pulled stick outside the store's own calls
    return translated.message if translated is not None else str(exc)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton(translate("Dialogs", "Yes"), QMessageBox.ButtonRole.YesRole)
    box.addButton(translate("Dialogs", "Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is yes


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    return value if ok else None


def ask_save(parent: QWidget | None, title: str) -> str:
    """'save', 'discard' or 'cancel' for a window with unsaved changes."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, translate("Dialogs", "This record has unsaved changes."), parent=parent
    )
    save = box.addButton(translate("Dialogs", "Save"), QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(translate("Dialogs", "Discard changes"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(translate("Dialogs", "Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is save:
        return "save"
    if box.clickedButton() is discard:
        return "discard"
    return "cancel"


def error(parent: QWidget | None, text: str) -> None:
    QMessageBox.warning(parent, translate("Dialogs", "BranchLedger"), text)


def info(parent: QWidget | None, text: str) -> None:
    QMessageBox.information(parent, translate("Dialogs", "BranchLedger"), text)
