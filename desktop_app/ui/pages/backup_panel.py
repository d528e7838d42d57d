"""设置 → 备份: where the encrypted backups go, how many are kept, back up now, restore one.

Everything that touches the disk runs in a worker — the location may be a USB stick that is slow,
or gone. Restoring asks for the passphrase (checked first), then the shell locks, swaps the data
and opens the restored ledger (restore_flow.py).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QWidget,
)

from desktop_app.operations.backups import (
    BackupFolderMissing,
    BackupState,
    back_up_now,
    backup_state,
    save_backup_config,
)
from desktop_app.operations.types import BackupConfig, BackupInfo
from desktop_app.ui import dialogs
from desktop_app.ui.i18n import local_time, translate
from desktop_app.ui.operations import UiOp
from desktop_app.ui.recovery_key import PassphrasePrompt
from desktop_app.ui.session import Session


class BackupPanel(QGroupBox):
    restore_requested = Signal(object, str)  # BackupInfo, verified passphrase

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(translate("BackupPanel", "Backups"), parent)
        self.session = session
        self.config = BackupConfig()
        self.loading = False
        self.prompt: PassphrasePrompt | None = None
        self.location = QLineEdit()
        self.location.setObjectName("backupLocation")
        self.location.setPlaceholderText(translate("BackupPanel", "Empty: the data directory's backups folder"))
        self.location.editingFinished.connect(self._location_typed)
        choose = QPushButton(translate("BackupPanel", "Choose…"))
        choose.clicked.connect(self.choose_location)
        self.keep = QSpinBox()
        self.keep.setRange(1, 100)
        self.keep.setSuffix(translate("BackupPanel", " backups"))
        self.keep.valueChanged.connect(self._keep_changed)
        self.on_close = QCheckBox(translate("BackupPanel", "Back up when the ledger is closed or locked"))
        self.on_close.toggled.connect(self._on_close_changed)
        self.status = QLabel()
        self.status.setObjectName("backupStatus")
        self.status.setWordWrap(True)
        self.backup_button = QPushButton(translate("BackupPanel", "Back up now"))
        self.backup_button.clicked.connect(self.back_up_now)
        self.list = QListWidget()
        self.list.setObjectName("backupList")
        self.list.setMaximumHeight(120)
        self.restore_button = QPushButton(translate("BackupPanel", "Restore the selected backup…"))
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.ask_restore)
        self.list.currentRowChanged.connect(lambda row: self.restore_button.setEnabled(row >= 0))
        note = QLabel(translate(
            "BackupPanel",
            "Backups are encrypted like the ledger. Choose a folder on a USB stick so that a laptop whose "
            "disk fails loses at most a day, even if it never synced.",
        ))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555555;")
        row = QHBoxLayout()
        row.addWidget(self.location, 1)
        row.addWidget(choose)
        actions = QHBoxLayout()
        actions.addWidget(self.backup_button)
        actions.addWidget(self.restore_button)
        actions.addStretch(1)
        form = QFormLayout(self)
        form.addRow(note)
        form.addRow(translate("BackupPanel", "Location"), row)
        form.addRow(translate("BackupPanel", "Keep the last"), self.keep)
        form.addRow("", self.on_close)
        form.addRow(self.status)
        form.addRow(self.list)
        form.addRow(actions)
        self._controls(False)
        self.refresh()

    # ------------------------------------------------------------ loading

    def refresh(self) -> None:
        if self.loading or self.session.closed:
            return
        self.loading = True
        UiOp(self, self.session, backup_state).success(self._loaded).failure(self._load_failed).run_in_background()

    def _loaded(self, result: BackupState) -> None:
        self.loading = False
        config, found, status = result.config, result.backups, result.status
        self.config = config
        for widget in (self.location, self.keep, self.on_close):
            widget.blockSignals(True)
        if not self.location.isModified():  # a path the clerk is typing is not overwritten by a reload
            self.location.setText(config.location)
        self.keep.setValue(config.keep)
        self.on_close.setChecked(config.on_close)
        for widget in (self.location, self.keep, self.on_close):
            widget.blockSignals(False)
        self.list.clear()
        for info in found:
            item = QListWidgetItem(info.describe())
            item.setData(Qt.ItemDataRole.UserRole, info)
            self.list.addItem(item)
        lines = []
        last, error = status.get("last"), status.get("error")
        if isinstance(last, dict):
            lines.append(translate("BackupPanel", "Last backup: {0}").format(local_time(last.get("at"))))
        else:
            lines.append(translate("BackupPanel", "No backup was made yet."))
        if isinstance(error, dict):
            lines.append(translate("BackupPanel", "Last failure: {0}").format(error.get("message", "")))
        self.status.setText("\n".join(lines))
        self.status.setStyleSheet("color: #b00020;" if isinstance(error, dict) else "")
        self._controls(True)

    def _load_failed(self, exc: Exception) -> None:
        self.loading = False
        self.status.setText(dialogs.error_text(exc))
        self._controls(True)

    def _controls(self, enabled: bool) -> None:
        for widget in (self.location, self.keep, self.on_close, self.backup_button):
            widget.setEnabled(enabled)
        self.restore_button.setEnabled(enabled and self.list.currentRow() >= 0)

    # ------------------------------------------------------------ settings

    def choose_location(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, translate("BackupPanel", "Backup location"),
                                                  self.location.text())
        if chosen:
            self.location.setText(chosen)
            self._location_typed()

    def _location_typed(self) -> None:
        self.location.setModified(False)  # taken: from now on the reload shows what was saved
        self._save(location=self.location.text().strip())

    def _keep_changed(self, value: int) -> None:
        self._save(keep=value)

    def _on_close_changed(self, on: bool) -> None:
        self._save(on_close=on)

    def _save(self, **changes: Any) -> None:
        config = BackupConfig(**{**self.config.__dict__, **changes})
        def done(saved: BackupConfig) -> None:
            self.config = saved
            self.refresh()

        def failed(exc: Exception) -> None:
            if isinstance(exc, BackupFolderMissing):
                message = translate("BackupPanel", "The folder {0} does not exist (is the USB stick "
                                    "plugged in?).").format(exc.folder)
            else:
                message = dialogs.error_text(exc)
            dialogs.error(self, message)
            self.refresh()  # show what is really configured

        UiOp(self, self.session, lambda ledger: save_backup_config(ledger, config)).success(done).failure(
            failed).run_in_background()

    # ------------------------------------------------------------ actions

    def back_up_now(self) -> None:
        self.backup_button.setEnabled(False)
        self.status.setText(translate("BackupPanel", "Backing up…"))
        def failed(exc: Exception) -> None:
            dialogs.error(self, dialogs.error_text(exc))
            self.refresh()

        UiOp(self, self.session, back_up_now).success(lambda _info: self.refresh()).failure(failed).run_in_background()

    def selected(self) -> BackupInfo | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def ask_restore(self) -> PassphrasePrompt | None:
        info = self.selected()
        if info is None:
            return None
        prompt = PassphrasePrompt(
            self.session,
            translate("BackupPanel", "Restore a backup"),
            translate("BackupPanel", "The ledger goes back to the backup of {0}. The current data is kept aside, "
                      "not deleted. Changes since the backup that reached head office come back with the next "
                      "sync; changes never synced are lost. Enter the passphrase to restore.").format(info.describe()),
            translate("BackupPanel", "Restore"),
            self,
        )
        prompt.verified.connect(lambda passphrase: self.restore_requested.emit(info, passphrase))
        self.prompt = prompt
        prompt.open()
        return prompt
