"""设置: language, auto-lock, the clerk's name, the data directory, the passphrase, the branch profile."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.operations import records
from desktop_app.operations import settings as ledger_settings
from desktop_app.ui import dialogs
from desktop_app.ui.i18n import translate
from desktop_app.ui.pages.attachment_settings import AttachmentLimit, DownloadModeChoice
from desktop_app.ui.pages.backup_panel import BackupPanel
from desktop_app.ui.pages.base import EditorHost, Page
from desktop_app.ui.passphrase import PassphraseFields
from desktop_app.ui.recovery_key import reissue
from desktop_app.ui.session import Session
from desktop_app.ui.ui_settings import UiSettings
from desktop_app.ui.workers import ProgressFn, start_worker


class SettingsPage(Page):
    autolock_changed = Signal(int)  # minutes
    sync_settings_changed = Signal()
    restore_requested = Signal(object, str)  # BackupInfo, passphrase (backup_panel.py)

    def __init__(self, session: Session, host: EditorHost, parent: QWidget | None = None) -> None:
        super().__init__(session, host, parent)
        self.settings = UiSettings()
        general = QGroupBox(translate("SettingsPage", "General"))
        form = QFormLayout(general)
        self.language = QComboBox()
        self.language.addItem("简体中文", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(self.language.findData(self.settings.language), 0))
        self.language.currentIndexChanged.connect(self._language_changed)
        self.autolock = QSpinBox()
        self.autolock.setRange(1, 240)
        self.autolock.setSuffix(translate("SettingsPage", " min"))
        self.autolock.setValue(self.settings.autolock_minutes)
        self.autolock.setToolTip(
            translate("SettingsPage", "Lock the ledger after this many minutes without keyboard or mouse")
        )
        self.autolock.valueChanged.connect(self._autolock_changed)
        for short in (self.language, self.autolock):
            short.setMaximumWidth(short.fontMetrics().horizontalAdvance("简体中文 English") * 2)
        self.clerk = QLineEdit(session.author if session.author != "clerk" else "")
        self.clerk.setToolTip(translate("SettingsPage", "Recorded in each record's history as its author"))
        self.clerk.editingFinished.connect(self._clerk_changed)
        data_dir = QLabel(str(ledger_settings.data_dir(session.ledger)))
        data_dir.setObjectName("dataDir")
        data_dir.setWordWrap(True)
        data_dir.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(translate("SettingsPage", "Language"), self.language)
        form.addRow(translate("SettingsPage", "Auto-lock after"), self.autolock)
        form.addRow(translate("SettingsPage", "Clerk's name"), self.clerk)
        form.addRow(translate("SettingsPage", "Data directory"), data_dir)
        self.language_note = QLabel()
        form.addRow(self.language_note)

        branch = QGroupBox(translate("SettingsPage", "Branch"))
        branch_layout = QVBoxLayout(branch)
        edit_branch = QPushButton(translate("SettingsPage", "Edit branch profile…"))
        edit_branch.clicked.connect(self.edit_branch)
        branch_layout.addWidget(edit_branch, 0, Qt.AlignmentFlag.AlignLeft)

        office = QGroupBox(translate("SettingsPage", "Head office"))
        office_form = QFormLayout(office)
        self.auto_sync = QCheckBox(translate("SettingsPage", "Sync automatically"))
        self.auto_sync.setToolTip(
            translate("SettingsPage", "Sync on a schedule, and as soon as head office can be reached again")
        )
        self.auto_sync.setChecked(self.settings.auto_sync)
        self.auto_sync.toggled.connect(self._auto_sync_changed)
        self.sync_interval = QSpinBox()
        self.sync_interval.setRange(1, 24 * 60)
        self.sync_interval.setSuffix(translate("SettingsPage", " min"))
        self.sync_interval.setValue(self.settings.sync_interval_minutes)
        self.sync_interval.setEnabled(self.settings.auto_sync)
        self.sync_interval.valueChanged.connect(self._sync_interval_changed)
        self.sync_interval.setMaximumWidth(self.sync_interval.fontMetrics().horizontalAdvance("简体中文 English") * 2)
        self.ca_bundle = QLineEdit(self.settings.ca_bundle)
        self.ca_bundle.setPlaceholderText(translate("SettingsPage", "Empty: the system's certificates"))
        self.ca_bundle.setToolTip(
            translate("SettingsPage", "Head office's own CA certificate (PEM file), if it does not use a public CA")
        )
        self.ca_bundle.editingFinished.connect(self._ca_bundle_changed)
        browse = QPushButton(translate("SettingsPage", "Choose…"))
        browse.clicked.connect(self.choose_ca_bundle)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_bundle, 1)
        ca_row.addWidget(browse)
        office_form.addRow(self.auto_sync)
        office_form.addRow(translate("SettingsPage", "Sync every"), self.sync_interval)
        office_form.addRow(translate("SettingsPage", "CA certificate"), ca_row)
        self.download_mode = DownloadModeChoice(session)
        office_form.addRow(translate("SettingsPage", "Attachments"), self.download_mode)
        self.attachment_limit = AttachmentLimit(session)
        self.attachment_limit.setMaximumWidth(self.sync_interval.maximumWidth())
        office_form.addRow(translate("SettingsPage", "Largest attachment"), self.attachment_limit)

        security = QGroupBox(translate("SettingsPage", "Change passphrase"))
        sec_form = QFormLayout(security)
        self.current = QLineEdit()
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        self.new = PassphraseFields()
        self.change_button = QPushButton(translate("SettingsPage", "Change passphrase"))
        self.change_button.clicked.connect(self.change_passphrase)
        sec_form.addRow(translate("SettingsPage", "Current passphrase"), self.current)
        sec_form.addRow(self.new)
        change_row = QHBoxLayout()
        change_row.addWidget(self.change_button)
        change_row.addStretch(1)
        sec_form.addRow("", change_row)

        # Backups and the recovery key (issue 9 / 11): their own modules, each a group box.
        self.backup_panel = BackupPanel(session, self)
        self.backup_panel.restore_requested.connect(self.restore_requested)
        recovery = QGroupBox(translate("SettingsPage", "Recovery key"))
        self.reissue_button = QPushButton(translate("SettingsPage", "Issue a new recovery key…"))
        self.reissue_button.clicked.connect(lambda: reissue(self, self.session))
        recovery_row = QHBoxLayout(recovery)
        recovery_row.addWidget(self.reissue_button)
        recovery_row.addStretch(1)

        # The groups scroll: at 1366×768 they are taller than the window.
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(general)
        layout.addWidget(branch)
        layout.addWidget(office)
        layout.addWidget(security)
        layout.addWidget(recovery)
        layout.addWidget(self.backup_panel)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _language_changed(self) -> None:
        self.settings.language = str(self.language.currentData())
        self.language_note.setText(translate("SettingsPage", "The new language is used after the program restarts."))

    def _autolock_changed(self, minutes: int) -> None:
        self.settings.autolock_minutes = minutes
        self.autolock_changed.emit(minutes)

    def _auto_sync_changed(self, on: bool) -> None:
        self.settings.auto_sync = on
        self.sync_interval.setEnabled(on)
        self.sync_settings_changed.emit()

    def _sync_interval_changed(self, minutes: int) -> None:
        self.settings.sync_interval_minutes = minutes
        self.sync_settings_changed.emit()

    def _ca_bundle_changed(self) -> None:
        self.settings.ca_bundle = self.ca_bundle.text().strip()

    def choose_ca_bundle(self) -> None:
        path = dialogs.open_file(
            self,
            translate("SettingsPage", "Head office's CA certificate"),
            translate("SettingsPage", "Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        if path is not None:
            self.ca_bundle.setText(str(path))
            self._ca_bundle_changed()

    def _clerk_changed(self) -> None:
        name = self.clerk.text().strip()
        ledger_settings.set_clerk_name(self.session.ledger, name)

    def edit_branch(self) -> None:
        profile = records.branch_profile(self.session.ledger)
        self.host.open_editor("branch_profile", profile[0] if profile else None)

    def change_passphrase(self) -> None:
        new = self.new.passphrase()
        if new is None:
            dialogs.error(self, self.new.problem())
            return
        current = self.current.text()
        ledger = self.session.ledger
        self.change_button.setEnabled(False)

        def job(_p: ProgressFn) -> None:
            # Proves the clerk knows the current passphrase first (settings.change_passphrase).
            ledger_settings.change_passphrase(ledger, current, new)

        def done(_r: object) -> None:
            self.change_button.setEnabled(True)
            self.current.clear()
            self.new.clear()
            dialogs.info(self, translate("SettingsPage", "The passphrase was changed."))

        def failed(exc: Exception) -> None:
            self.change_button.setEnabled(True)
            dialogs.error(self, dialogs.error_text(exc))

        start_worker(job, on_result=done, on_error=failed, owner=self)

