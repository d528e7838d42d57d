"""设置 → 总部 → 附件: how this device pulls the branch's attachments (issue 14).

``lazy`` (按需下载): thumbnails come with each sync, a full file when the clerk opens it — a forest
office on a 2 Mbit/s link does not pull every photo of the branch. ``full`` (全部下载): every file is
kept here for work without any link. The sync engine reads the choice from the store
(``operations.settings.attachment_download_mode``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from desktop_app.operations import settings as ledger_settings
from desktop_app.ui.i18n import translate
from desktop_app.ui.operations import UiOp
from desktop_app.ui.session import Session


class DownloadModeChoice(QComboBox):
    """The two ways to pull attachments; a choice is stored at once (a small write, on a worker)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentDownloadMode")
        self.session = session
        self.addItem(translate("DownloadMode", "On demand: thumbnails first, a file when it is opened"), "lazy")
        self.addItem(translate("DownloadMode", "All files, for offline use"), "full")
        self.setToolTip(translate(
            "DownloadMode", "On a slow link, on demand saves time; choose all files if this laptop must work "
            "without any connection"))
        current = ledger_settings.attachment_download_mode(session.ledger)  # one meta read
        self.setCurrentIndex(max(0, self.findData(current)))
        self.currentIndexChanged.connect(self._changed)

    def _changed(self, _index: int) -> None:
        mode = str(self.currentData())
        UiOp(self, self.session, lambda ledger: ledger_settings.set_attachment_download_mode(ledger, mode)
             ).run_in_background()
