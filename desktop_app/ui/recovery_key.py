"""Showing a recovery key until the clerk confirms having written it down.

:class:`RecoveryKeyPanel` is the key with its save button and confirmation box, shared with the
first-run wizard. :class:`RecoveryKeyDialog` shows it after a re-issue in 设置 and at unlock when a
key was never confirmed (the program stopped between creating the ledger and the wizard's
recovery-key page). The key stays (encrypted) in the store until :attr:`confirmed` — closing the
dialog without ticking the box shows it again next time.
"""

from __future__ import annotations

import errno

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.operations import settings as ledger_settings
from desktop_app.operations.files import atomic_write_text
from desktop_app.ui import dialogs
from desktop_app.ui.failures import os_reason
from desktop_app.ui.i18n import translate
from desktop_app.ui.session import Session


def recovery_key_field(key: str = "") -> QPlainTextEdit:
    """The key as the clerk copies it onto paper: read-only, large monospace, one shape wherever it
    is shown (this dialog and the first-run wizard's recovery-key page)."""
    field = QPlainTextEdit(key)
    field.setObjectName("recoveryKey")
    field.setReadOnly(True)
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSize(16)
    field.setFont(font)
    field.setMaximumHeight(80)
    return field


class RecoveryKeyPanel(QWidget):
    """The key, a button that saves it to a file for printing, and the box the clerk ticks once it
    is on paper — one widget for the first-run wizard's recovery-key page and
    :class:`RecoveryKeyDialog`, so both save the same sheet and refuse the same way.

    A save that fails (a read-only folder, a full stick) says so in the clerk's language, naming
    the file, and the key stays on screen: it is never lost because a file could not be written.
    """

    confirmed_changed = Signal(bool)

    def __init__(self, key: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = recovery_key_field(key)
        self.save_button = QPushButton(translate("RecoveryKeyDialog", "Save to a file for printing…"))
        self.save_button.setObjectName("saveRecoveryKey")
        self.save_button.clicked.connect(self.save)
        self.confirm = QCheckBox(
            translate("RecoveryKeyDialog", "I have written down or printed the recovery key and will keep it safe")
        )
        self.confirm.setObjectName("recoveryConfirm")
        self.confirm.toggled.connect(self.confirmed_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.key)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.confirm)

    def set_key(self, key: str) -> None:
        self.key.setPlainText(key)

    def is_confirmed(self) -> bool:
        return self.confirm.isChecked()

    def save(self) -> None:
        """保存为文件…: the clerk picks where; the sheet is written whole or not at all."""
        path = dialogs.save_file(
            self,
            translate("RecoveryKeyDialog", "Save the recovery key"),
            translate("RecoveryKeyDialog", "branchledger-recovery-key.txt"),
            translate("RecoveryKeyDialog", "Text files (*.txt)"),
            "txt",
        )
        if path is None:
            return
        sheet = translate("RecoveryKeyDialog", "BranchLedger recovery key") + "\n\n" + self.key.toPlainText() + "\n"
        try:
            atomic_write_text(path, sheet)
        except OSError as exc:
            dialogs.error(self, translate(
                "RecoveryKeyDialog",
                "The recovery key was not saved: {0} could not be written ({1}). The key is still shown "
                "here: write it down, or save it to another folder.",
            ).format(path, _write_reason(exc)))


def _write_reason(exc: OSError) -> str:
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return translate("RecoveryKeyDialog", "the folder is read-only or may not be written to")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return translate("RecoveryKeyDialog", "the disk is full")
    return os_reason(exc)


class RecoveryKeyDialog(QDialog):
    confirmed = Signal()

    def __init__(self, session: Session, key: str, parent: QWidget | None = None, *, reissued: bool = False) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(translate("RecoveryKeyDialog", "Recovery key"))
        intro = QLabel(
            translate("RecoveryKeyDialog", "This is the new recovery key. The old one no longer works.")
            if reissued
            else translate("RecoveryKeyDialog", "This ledger's recovery key was never confirmed. Write it down now.")
        )
        intro.setWordWrap(True)
        self.panel = RecoveryKeyPanel(key)
        self.key = self.panel.key
        self.check = self.panel.confirm
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.panel.confirmed_changed.connect(self.ok.setEnabled)
        self.buttons.accepted.connect(self._confirm)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.panel)
        layout.addWidget(self.buttons)

    def _confirm(self) -> None:
        if not self.panel.is_confirmed():
            return
        try:
            ledger_settings.confirm_recovery_key(self.session.ledger)  # one small write
        except Exception as exc:  # a full disk: the key stays pending and is shown again
            dialogs.error(self, dialogs.error_text(exc))
            return
        self.confirmed.emit()
        self.accept()


class PassphrasePrompt(QDialog):
    """Ask the current passphrase before something sensitive; checked in a worker (Argon2id)."""

    verified = Signal(str)  # the passphrase, once it proved right

    def __init__(self, session: Session, title: str, text: str, action: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtWidgets import QLineEdit

        self.session = session
        self.setWindowTitle(title)
        label = QLabel(text)
        label.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("promptPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(translate("RecoveryKeyDialog", "Current passphrase"))
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setEnabled(False)
        self.passphrase.textChanged.connect(lambda text: self.ok.setEnabled(bool(text)))
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.passphrase)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _check(self) -> None:
        from desktop_app.ui.workers import ProgressFn, start_worker

        passphrase, ledger = self.passphrase.text(), self.session.ledger
        self.ok.setEnabled(False)
        self.message.setText(translate("RecoveryKeyDialog", "Checking…"))

        def job(_p: ProgressFn) -> bool:
            return ledger_settings.verify_passphrase(ledger, passphrase)  # the key file only: no lock needed

        def done(ok: object) -> None:
            if ok:
                self.accept()
                self.verified.emit(passphrase)
            else:
                self.ok.setEnabled(True)
                self.message.setText(translate("RecoveryKeyDialog", "That passphrase is not correct."))

        start_worker(job, on_result=done, on_error=lambda exc: self.message.setText(dialogs.error_text(exc)),
                     owner=self)


def reissue(parent: QWidget, session: Session) -> PassphrasePrompt:
    """设置 → issue a new recovery key: passphrase, then the new key shown until confirmed."""
    from desktop_app.ui.workers import ProgressFn, start_worker

    prompt = PassphrasePrompt(
        session,
        translate("RecoveryKeyDialog", "Issue a new recovery key"),
        translate("RecoveryKeyDialog", "A new recovery key replaces the old one, which stops working. "
                  "Enter the current passphrase."),
        translate("RecoveryKeyDialog", "Issue a new key"),
        parent,
    )

    def issue(_passphrase: str) -> None:
        ledger = session.ledger

        def job(_p: ProgressFn) -> str:
            return ledger_settings.reissue_recovery_key(ledger)

        def done(key: object) -> None:
            dialog = RecoveryKeyDialog(session, str(key), parent, reissued=True)
            parent.recovery_dialog = dialog  # type: ignore[attr-defined]  # kept alive, found by tests
            dialog.open()

        start_worker(job, on_result=done, on_error=lambda exc: dialogs.error(parent, dialogs.error_text(exc)),
                     owner=parent)

    prompt.verified.connect(issue)
    prompt.open()
    return prompt
