"""A combo box of the branch's 先锋岗, for the log-entry and evaluation editors."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from desktop_app.operations import records
from desktop_app.ui.editors.binding import Field
from desktop_app.ui.session import Session


class PostCombo(QComboBox):
    changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        posts = records.pioneer_posts(session.ledger)
        self.addItem("", "")
        for post in sorted(posts, key=lambda p: p.title):
            self.addItem(post.title, post.record_id)
        self.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def value(self) -> str:
        return str(self.currentData() or "")

    def set_value(self, post_id: str | None) -> None:
        index = self.findData(post_id or "")
        if index < 0 and post_id:
            self.addItem(post_id, post_id)
            index = self.count() - 1
        self.setCurrentIndex(max(index, 0))


def post_field(session: Session, label: str) -> Field[PostCombo]:
    """The ``post_id`` a log entry or an evaluation belongs to, chosen by the post's name."""
    return Field("post_id", label, lambda: PostCombo(session), PostCombo.value, PostCombo.set_value)
