"""A notice from head office, read-only (notices are written only by head office)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from desktop_app.operations import records
from desktop_app.ui.i18n import translate
from desktop_app.ui.review.notice_ack import NoticeAck
from desktop_app.ui.session import Session
from desktop_app.ui.widgets.screen import fit_to_screen
from domain.records import Notice


class NoticeView(QDialog):
    def __init__(self, session: Session, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        env = records.get_record(session.ledger, record_id)
        notice = env.body
        assert isinstance(notice, Notice)
        self.record_id = record_id
        self.setWindowTitle(translate("NoticeView", "Notice from head office"))
        title = QLabel(notice.title)
        title.setObjectName("noticeTitle")
        title.setWordWrap(True)
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        meta = QLabel(
            translate("NoticeView", "Issued by {0} on {1}").format(notice.issuer or "—", notice.issued_on.isoformat())
        )
        self.body = QTextBrowser()
        self.body.setPlainText(notice.body)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(meta)
        if notice.requires_ack:
            self.ack = NoticeAck(session, record_id, self)  # 确认已读, synced up as a receipt
            layout.addWidget(self.ack)
        layout.addWidget(self.body, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        fit_to_screen(self, 640, 480)
