"""设置 → 总部: how this device pulls the branch's attachments, and the largest file it takes (issue 14).

``lazy`` (按需下载): thumbnails come with each sync, a full file when the clerk opens it — a forest
office on a 2 Mbit/s link does not pull every photo of the branch. ``full`` (全部下载): every file is
kept here for work without any link. The sync engine reads the choice from the store
(``operations.sync_blobs.download_mode``).

单个附件上限: files over it are refused on attach with a message naming the file (default 20 MB,
1–200 MB; ``operations.attachments.attachment_limit``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QSpinBox, QWidget

from desktop_app.operations import attachments as attachment_ops
from desktop_app.operations import sync_blobs
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
        current = sync_blobs.download_mode(session.ledger)  # one meta read
        self.setCurrentIndex(max(0, self.findData(current)))
        self.currentIndexChanged.connect(self._changed)

    def _changed(self, _index: int) -> None:
        mode: sync_blobs.DownloadMode = "full" if self.currentData() == "full" else "lazy"
        UiOp(self, self.session, lambda ledger: sync_blobs.set_download_mode(ledger, mode)).run_in_background()


class AttachmentLimit(QSpinBox):
    """单个附件上限 in MB; stored when the clerk leaves the field (or presses Enter)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentLimit")
        self.session = session
        self.setRange(1, 200)
        self.setSuffix(" MB")
        self.setToolTip(translate("DownloadMode", "A larger file is refused when it is attached"))
        self.setValue(attachment_ops.attachment_limit(session.ledger) // (1024 * 1024))
        self.stored = self.value()
        self.editingFinished.connect(self._changed)

    def _changed(self) -> None:
        megabytes = self.value()
        if megabytes == self.stored:
            return
        self.stored = megabytes
        UiOp(self, self.session, lambda ledger: attachment_ops.set_attachment_limit(ledger, megabytes)
             ).run_in_background()
