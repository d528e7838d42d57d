"""The lock screen: passphrase in, store out — with a growing delay after repeated failures.

Key derivation (Argon2id, ~0.35 s) and opening the database run in a worker so the window keeps
painting. After the second wrong passphrase in a row the clerk must wait 1 s, then 2, 4, 8 …
up to 5 minutes. The count lives beside the key file (desktop_app/store/attempts.py), shared with
the CLI; deleting or editing it lengthens the wait instead of resetting it. When the data was
found damaged, "Salvage the data…" offers what can be done (salvage_dialog.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.operations import opening
from desktop_app.operations.errors import (
    StoreCorrupted,
    StoreDamaged,
    StoreNotFound,
    UnlockThrottled,
    WrongPassphrase,
    WrongRecoveryKey,
)
from desktop_app.operations.ledger import Ledger
from desktop_app.operations.opening import UnlockAttempts, delay_after
from desktop_app.ui import dialogs
from desktop_app.ui.i18n import translate
from desktop_app.ui.passphrase import PassphraseFields
from desktop_app.ui.ui_settings import UiSettings
from desktop_app.ui.workers import start_worker

__all__ = ["UnlockScreen", "delay_after", "error_text"]


def error_text(exc: Exception) -> str:
    """The clerk's message for a failed unlock (translated for the known store errors)."""
    if isinstance(exc, WrongPassphrase):
        return translate(
            "UnlockScreen", "Wrong passphrase. Please check the keyboard layout and Caps Lock, and try again."
        )
    if isinstance(exc, WrongRecoveryKey):
        return translate("UnlockScreen", "That recovery key is not correct.")
    if isinstance(exc, StoreNotFound):
        return translate("UnlockScreen", "No ledger was found in the data directory.")
    if isinstance(exc, StoreDamaged):
        return translate(
            "UnlockScreen",
            "The data file is damaged. It was moved aside unchanged; use \"Salvage the data…\" below.",
        )
    if isinstance(exc, StoreCorrupted):
        return translate("UnlockScreen", "The data file is damaged or is not a BranchLedger file. Nothing was changed.")
    return dialogs.error_text(exc)


class UnlockScreen(QWidget):
    unlocked = Signal(object)  # the opened Ledger

    def __init__(self, data_dir: Path, settings: UiSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.settings = settings
        self.busy = False
        self._remaining = 0
        title = QLabel(translate("UnlockScreen", "BranchLedger is locked"))
        title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.where = where = QLabel(str(data_dir))
        where.setAlignment(Qt.AlignmentFlag.AlignCenter)
        where.setStyleSheet("color: #666;")
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("unlockPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(translate("UnlockScreen", "Passphrase"))
        self.passphrase.setMinimumWidth(320)
        self.passphrase.returnPressed.connect(self.try_unlock)
        self.button = QPushButton(translate("UnlockScreen", "Unlock"))
        self.button.setDefault(True)
        self.button.clicked.connect(self.try_unlock)
        self.message = QLabel()
        self.message.setObjectName("unlockMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("color: #b00020;")
        self.recover = QPushButton(translate("UnlockScreen", "Forgot the passphrase? Use the recovery key…"))
        self.recover.setFlat(True)
        self.recover.clicked.connect(self.recover_with_key)
        self.salvage = QPushButton(translate("UnlockScreen", "Salvage the data…"))
        self.salvage.setObjectName("salvage")
        self.salvage.clicked.connect(self.open_salvage)
        self.salvage.hide()  # until the data was found damaged
        self.salvage_dialog: QWidget | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)

        box = QVBoxLayout()
        box.addWidget(title)
        box.addWidget(where)
        box.addSpacing(16)
        box.addWidget(self.passphrase)
        box.addWidget(self.button)
        box.addWidget(self.message)
        box.addWidget(self.recover)
        box.addWidget(self.salvage)
        holder = QWidget()
        holder.setLayout(box)
        holder.setMaximumWidth(460)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(holder, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self._resume_delay()

    # ------------------------------------------------------------ unlocking

    @property
    def waiting(self) -> bool:
        return self._remaining > 0

    def set_data_dir(self, data_dir: Path) -> None:
        """The ledger this screen opens (the first-run wizard may have chosen another directory)."""
        self.data_dir = data_dir
        self.where.setText(str(data_dir))
        self._resume_delay()

    def attempts(self) -> UnlockAttempts:
        """The back-off state beside this ledger's key file."""
        return opening.unlock_attempts(self.data_dir)

    def _resume_delay(self) -> None:
        """A wait that is still running (wrong passphrases before a restart) goes on."""
        if not (self.data_dir / "ledger.keys").exists():
            return
        wait = self.attempts().wait_seconds()
        if wait:
            self._start_delay(wait)

    def reset(self) -> None:
        """Shown again after locking: empty field, no old message."""
        self.passphrase.clear()
        if not self.waiting:
            self.message.clear()
        self.passphrase.setFocus()

    def try_unlock(self) -> None:
        if self.busy or self.waiting:
            return
        passphrase = self.passphrase.text()
        if not passphrase:
            self.message.setText(translate("UnlockScreen", "Enter the passphrase."))
            return
        data_dir = self.data_dir
        self.run_opening(lambda: opening.open_ledger(data_dir, passphrase))

    def run_opening(self, opener: Callable[[], Ledger], text: str | None = None) -> None:
        """Run ``opener`` (unlock, restore, salvage) in a worker; the ledger it returns is emitted
        as :attr:`unlocked`, a failure shown here."""
        self._set_busy(True)
        if text:
            self.message.setText(text)
        start_worker(lambda _p: opener(), on_result=self._opened, on_error=self._failed, owner=self)

    def _opened(self, ledger: object) -> None:
        self._set_busy(False)
        self.salvage.hide()
        self.passphrase.clear()
        self.message.clear()
        self.unlocked.emit(ledger)

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        self.passphrase.selectAll()
        self.message.setText(error_text(exc))
        if isinstance(exc, StoreDamaged):
            self.salvage.show()
        if isinstance(exc, UnlockThrottled):
            self._start_delay(exc.wait_seconds)
        elif isinstance(exc, WrongPassphrase | WrongRecoveryKey):
            wait = self.attempts().wait_seconds()  # the store counted the failure beside the key file
            if wait:
                self._start_delay(wait)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.button.setEnabled(not busy and not self.waiting)
        self.passphrase.setEnabled(not busy and not self.waiting)
        if busy:
            self.message.setStyleSheet("color: #555;")
            self.message.setText(translate("UnlockScreen", "Unlocking…"))
        else:
            self.message.setStyleSheet("color: #b00020;")

    # ------------------------------------------------------------ delay

    def _start_delay(self, seconds: int) -> None:
        self._remaining = seconds
        self.button.setEnabled(False)
        self.passphrase.setEnabled(False)
        self._show_wait()
        self._timer.start()

    def _tick(self) -> None:
        self._remaining -= 1
        if self._remaining <= 0:
            # The wait beside the key file is the one that counts (a timer may fire a little early).
            left = self.attempts().wait_seconds() if (self.data_dir / "ledger.keys").exists() else 0
            if left > 0:
                self._remaining = left
                self._show_wait()
                return
            self._remaining = 0
            self._timer.stop()
            self.button.setText(translate("UnlockScreen", "Unlock"))
            self.button.setEnabled(True)
            self.passphrase.setEnabled(True)
            self.passphrase.setFocus()
            self.message.setText(translate("UnlockScreen", "Wrong passphrase. You can try again now."))
            return
        self._show_wait()

    def _show_wait(self) -> None:
        self.button.setText(translate("UnlockScreen", "Wait {0} s").format(self._remaining))
        self.message.setText(
            translate("UnlockScreen", "Wrong passphrase entered {0} times. Please wait {1} seconds.").format(
                self.attempts().state().failures, self._remaining
            )
        )

    # ------------------------------------------------------------ recovery key

    def recover_with_key(self) -> None:
        dialog = RecoveryDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        key, new = dialog.key.text().strip(), dialog.fields.passphrase()
        if new is None:
            return
        data_dir = self.data_dir

        self.run_opening(lambda: opening.reset_passphrase(data_dir, key, new))

    # ------------------------------------------------------------ salvage

    def open_salvage(self) -> QWidget:
        """The salvage choices for a ledger whose data was found damaged (non-blocking dialog)."""
        from desktop_app.ui.salvage_dialog import SalvageDialog

        dialog = SalvageDialog(self.data_dir, self)
        dialog.opened.connect(self._opened)
        self.salvage_dialog = dialog
        dialog.open()
        return dialog


class RecoveryDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("UnlockScreen", "Unlock with the recovery key"))
        self.key = QLineEdit()
        self.key.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.fields = PassphraseFields()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                translate(
                    "UnlockScreen",
                    "Enter the recovery key you wrote down when the ledger was created, and choose a new passphrase.",
                )
            )
        )
        form.addRow(translate("UnlockScreen", "Recovery key"), self.key)
        form.addRow(self.fields)
        form.addRow(buttons)

    def _accept(self) -> None:
        if self.key.text().strip() and self.fields.passphrase() is not None:
            self.accept()
