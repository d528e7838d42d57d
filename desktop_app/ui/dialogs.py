"""Every question the UI asks the clerk goes through these functions.

One place for modal questions keeps their wording consistent: a confirmation's button names the
action it confirms (「定稿」, 「放弃」), never a generic word that may be translated as something
else (the vote word 赞成 once stood on every "Yes"). File dialogs are Qt's own, not the
platform's: they are translated with the rest of the program (qtbase's catalogue) and behave
the same on Windows, 统信UOS and 麒麟. Tests answer these dialogs by clicking their buttons.
"""

from __future__ import annotations

import errno
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from desktop_app.operations.errors import DiskFull, ReadOnlyMedia, medium_error
from desktop_app.ui.failures import os_reason, unexpected_error
from desktop_app.ui.i18n import translate
from desktop_app.ui.ui_settings import UiSettings
from domain.errors import LedgerError


def error_text(exc: BaseException) -> str:
    """The clerk's message for a failure shown in a dialog.

    Any :class:`~domain.errors.LedgerError` — store, sync, rules (each field's message, one per
    line), printing, operations — is shown by its ``user_message()``, the one place its text is
    chosen. An OS error outside the store's calls is a file the clerk picked, or the medium.
    Anything else is a bug: the clerk gets a plain message and a crash report is written
    (:func:`desktop_app.ui.failures.unexpected_error`) — never the raw exception text.
    """
    if isinstance(exc, LedgerError):
        return exc.user_message()
    translated = medium_error(exc)  # a full disk or a pulled stick outside the store's own calls
    # A file the clerk picked that is gone or is a folder says so, not "the disk may be pulled".
    if (isinstance(exc, OSError) and not isinstance(translated, (DiskFull, ReadOnlyMedia))
            and exc.errno not in (errno.EIO, errno.ENXIO, errno.ENODEV)):
        return translate("Dialogs", "The file could not be used: {0}").format(os_reason(exc))
    if translated is not None:
        return translated.user_message()
    return unexpected_error(exc)


def confirm(parent: QWidget | None, title: str, text: str, action: str = "") -> bool:
    """Ask before doing something; the affirmative button says what will be done (``action``)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton(action or translate("Dialogs", "OK"), QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(translate("Dialogs", "Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is yes


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setTextValue(text)
    dialog.setOkButtonText(translate("Dialogs", "OK"))
    dialog.setCancelButtonText(translate("Dialogs", "Cancel"))
    dialog.resize(max(dialog.sizeHint().width(), 420), dialog.sizeHint().height())
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.textValue()


def ask_save(parent: QWidget | None, title: str) -> str:
    """'save', 'discard' or 'cancel' for a window with unsaved changes."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, translate("Dialogs", "This record has unsaved changes."), parent=parent
    )
    save = box.addButton(translate("Dialogs", "Save"), QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(translate("Dialogs", "Discard changes"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(translate("Dialogs", "Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.exec()
    if box.clickedButton() is save:
        return "save"
    if box.clickedButton() is discard:
        return "discard"
    return "cancel"


def _message(parent: QWidget | None, icon: QMessageBox.Icon, text: str) -> None:
    box = QMessageBox(icon, translate("Dialogs", "BranchLedger"), text, parent=parent)
    box.addButton(translate("Dialogs", "OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def error(parent: QWidget | None, text: str) -> None:
    _message(parent, QMessageBox.Icon.Warning, text)


def info(parent: QWidget | None, text: str) -> None:
    _message(parent, QMessageBox.Icon.Information, text)


# ---------------------------------------------------------------- files


def _file_dialog(parent: QWidget | None, title: str, directory: str, name_filter: str) -> QFileDialog:
    dialog = QFileDialog(parent, title, directory, name_filter)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setLabelText(QFileDialog.DialogLabel.Reject, translate("Dialogs", "Cancel"))
    return dialog


def open_file(parent: QWidget | None, title: str, name_filter: str, directory: str = "") -> Path | None:
    """The file the clerk picks to read (None when cancelled)."""
    dialog = _file_dialog(parent, title, directory, name_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, translate("Dialogs", "Open"))
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])


def open_files(parent: QWidget | None, title: str, name_filter: str, directory: str = "") -> list[Path]:
    """The files the clerk picks to read, one or several ([] when cancelled)."""
    dialog = _file_dialog(parent, title, directory or UiSettings().last_folder, name_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, translate("Dialogs", "Open"))
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return []
    chosen = [Path(name) for name in dialog.selectedFiles()]
    UiSettings().last_folder = str(chosen[0].parent)
    return chosen


def save_file(
    parent: QWidget | None, title: str, suggested: str, name_filter: str, default_suffix: str = ""
) -> Path | None:
    """Where the clerk wants a file written (None when cancelled); asks before overwriting.

    The dialog opens in the folder used last (else the documents folder) with ``suggested`` as
    the name, so saving usually means typing a name, or nothing at all.
    """
    folder = UiSettings().last_folder or QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation
    )
    start = str(Path(folder) / suggested) if folder and Path(folder).is_dir() else suggested
    dialog = _file_dialog(parent, title, start, name_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    if default_suffix:
        dialog.setDefaultSuffix(default_suffix)
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, translate("Dialogs", "Save"))
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    chosen = Path(dialog.selectedFiles()[0])
    UiSettings().last_folder = str(chosen.parent)
    return chosen


def choose_directory(parent: QWidget | None, title: str, directory: str = "") -> Path | None:
    dialog = _file_dialog(parent, title, directory, "")
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, translate("Dialogs", "Choose"))
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])
