"""抢救数据: the choices after the ledger's data was found damaged (issue 11).

The damaged files were already moved aside untouched. The clerk can restore a backup, export the
records that are still readable (to keep, or to put back after a restore), or start a new empty
database that the next sync fills from head office. Everything runs in workers; the backups are
listed in one too (the location may be a slow USB stick).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.operations import opening
from desktop_app.operations.opening import AsideSet, BackupInfo
from desktop_app.ui import dialogs
from desktop_app.ui.i18n import translate
from desktop_app.ui.workers import ProgressFn, start_worker


class SalvageDialog(QDialog):
    opened = Signal(object)  # the Ledger a restore or a fresh start opened

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.busy = False
        self.loaded = False
        self.has_damaged = False
        self.setWindowTitle(translate("SalvageDialog", "Salvage the data"))
        self.resize(620, 520)
        self.where = QLabel(translate("SalvageDialog", "Looking for the damaged files and the backups…"))
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("salvagePassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.backup_list = QListWidget()
        self.backup_list.setObjectName("salvageBackups")
        self.restore_button = QPushButton(translate("SalvageDialog", "Restore the selected backup"))
        self.restore_button.clicked.connect(self.restore)
        self.out = QLineEdit(str(self.data_dir.parent / f"BranchLedger-readable-{dt.date.today():%Y%m%d}.json"))
        choose = QPushButton(translate("SalvageDialog", "Choose…"))
        choose.clicked.connect(self._choose_out)
        self.export_button = QPushButton(translate("SalvageDialog", "Export the readable records"))
        self.export_button.clicked.connect(self.export)
        self.fresh_button = QPushButton(translate("SalvageDialog", "Start empty and download from head office"))
        self.fresh_button.clicked.connect(self.fresh)
        self.outcome = QLabel()
        self.outcome.setObjectName("salvageResult")
        self.outcome.setWordWrap(True)
        close = QPushButton(translate("SalvageDialog", "Close"))
        close.clicked.connect(self.reject)

        form = QFormLayout()
        form.addRow(translate("SalvageDialog", "Passphrase"), self.passphrase)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out, 1)
        out_row.addWidget(choose)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addLayout(form)
        layout.addWidget(QLabel(translate("SalvageDialog", "1. Restore a backup (changes made after it that "
                                          "reached head office come back with the next sync):")))
        layout.addWidget(self.backup_list, 1)
        layout.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(QLabel(translate("SalvageDialog", "2. Export the records that can still be read, to "
                                          "keep them or to import what is missing after a restore:")))
        layout.addLayout(out_row)
        layout.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(QLabel(translate("SalvageDialog", "3. Without a backup: start with an empty ledger "
                                          "(same passphrase); the next sync downloads the branch again.")))
        layout.addWidget(self.fresh_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.outcome)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self._set_busy(True)
        self._load()

    # ------------------------------------------------------------ loading

    def _load(self) -> None:
        data_dir = self.data_dir

        def job(_p: ProgressFn) -> tuple[AsideSet | None, list[BackupInfo]]:
            return opening.damaged_set(data_dir), opening.list_backups(data_dir)

        start_worker(job, on_result=self._loaded, on_error=self._failed, owner=self)

    def _loaded(self, result: Any) -> None:
        damaged, found = result
        self.loaded = True
        if damaged is not None:
            self.where.setText(translate("SalvageDialog", "The damaged files were moved, unchanged, to {0}.")
                               .format(damaged.path))
        else:
            self.where.setText(translate("SalvageDialog", "No damaged files were kept aside."))
        self.has_damaged = damaged is not None
        self.backup_list.clear()
        for info in found:
            item = QListWidgetItem(info.describe())
            item.setData(Qt.ItemDataRole.UserRole, info)
            self.backup_list.addItem(item)
        if found:
            self.backup_list.setCurrentRow(0)
        self._set_busy(False)

    # ------------------------------------------------------------ actions

    def _need_passphrase(self) -> str | None:
        text = self.passphrase.text()
        if not text:
            self.outcome.setText(translate("SalvageDialog", "Enter the passphrase first."))
            self.passphrase.setFocus()
            return None
        return text

    def restore(self) -> None:
        item = self.backup_list.currentItem()
        passphrase = self._need_passphrase()
        if item is None or passphrase is None or self.busy:
            return
        info: BackupInfo = item.data(Qt.ItemDataRole.UserRole)
        data_dir = self.data_dir
        self._run(lambda _p: opening.restore_closed(data_dir, info, passphrase), self._opened)

    def fresh(self) -> None:
        passphrase = self._need_passphrase()
        if passphrase is None or self.busy:
            return
        data_dir = self.data_dir
        self._run(lambda _p: opening.salvage_fresh(data_dir, passphrase), self._opened)

    def export(self) -> None:
        passphrase = self._need_passphrase()
        out = Path(self.out.text().strip()).expanduser()
        if passphrase is None or self.busy or not self.out.text().strip():
            return
        data_dir = self.data_dir

        def job(_p: ProgressFn) -> Any:
            return opening.salvage_export(data_dir, passphrase, out)

        def done(report: Any) -> None:
            self._set_busy(False)
            text = translate("SalvageDialog", "{0} readable records were exported to {1}.").format(report.readable, out)
            if report.unreadable:
                text += " " + translate("SalvageDialog", "{0} could not be read.").format(report.unreadable)
            self.outcome.setText(text)

        self._run(job, done)

    def _choose_out(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, translate("SalvageDialog", "Export to"), self.out.text(),
                                              "JSON (*.json)")
        if name:
            self.out.setText(name)

    def _run(self, job: Any, done: Any) -> None:
        self._set_busy(True)
        self.outcome.setText(translate("SalvageDialog", "Working…"))
        start_worker(job, on_result=done, on_error=self._failed, owner=self)

    def _opened(self, ledger: object) -> None:
        self._set_busy(False)
        self.opened.emit(ledger)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        self.outcome.setText(dialogs.error_text(exc))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        ready = not busy and self.loaded
        self.restore_button.setEnabled(ready and self.backup_list.count() > 0)
        self.export_button.setEnabled(ready and self.has_damaged)
        self.fresh_button.setEnabled(ready)
