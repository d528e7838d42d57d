"""确认已读 on a notice that asks for acknowledgement; the receipt syncs up to head office."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_app.reviews import acknowledge_notice, receipt_of
from desktop_app.store import StoreError
from desktop_app.ui import dialogs
from desktop_app.ui.i18n import local_time, translate
from desktop_app.ui.session import Session


class NoticeAck(QWidget):
    def __init__(self, session: Session, notice_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.notice_id = notice_id
        self.label = QLabel()
        self.label.setObjectName("ackState")
        self.label.setWordWrap(True)
        self.button = QPushButton(translate("NoticeAck", "Confirm read"))
        self.button.setObjectName("ackButton")
        self.button.clicked.connect(self.acknowledge)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.refresh()

    def refresh(self) -> None:
        receipt = self.session.read(lambda s: receipt_of(s, self.notice_id))
        if receipt is None:
            self.label.setText(translate("NoticeAck", "Head office asks branches to acknowledge this notice."))
            self.button.setEnabled(True)
        else:
            self.label.setText(translate("NoticeAck", "Read, confirmed by {0} on {1}; head office sees it after the "
                                                      "next sync.").format(receipt.acknowledged_by,
                                                                           local_time(receipt.acknowledged_at
                                                                                      .isoformat())))
            self.button.setEnabled(False)

    def acknowledge(self) -> None:
        author = self.session.author
        try:
            with self.session.lock:
                acknowledge_notice(self.session.store, self.notice_id, author=author)
        except (StoreError, ValueError) as exc:
            dialogs.error(self, str(exc))
            return
        self.session.notify("notice_receipt")
        self.refresh()
