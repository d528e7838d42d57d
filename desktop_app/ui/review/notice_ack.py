"""确认已读 on a notice that asks for acknowledgement; the receipt syncs up to head office."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_app.operations.reviews import acknowledge_notice, receipt_of
from desktop_app.ui import dialogs
from desktop_app.ui.i18n import local_time, translate
from desktop_app.ui.operations import UiOp
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
        receipt = receipt_of(self.session.ledger, self.notice_id)
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
        notice_id = self.notice_id
        done = UiOp(self, self.session, lambda ledger: acknowledge_notice(ledger, notice_id)).failure(
            lambda exc: dialogs.error(self, str(exc) if isinstance(exc, ValueError) else dialogs.error_text(exc))
        ).run_now()
        if done is not None:
            self.refresh()
