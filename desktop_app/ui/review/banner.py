"""On a record head office reviewed: its verdict, and for a returned one the way to correct it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolBar, QWidget

from desktop_app.operations.reviews import ReviewInfo, review_of
from desktop_app.ui.i18n import local_time, translate
from domain.enums import ReviewDecision

if TYPE_CHECKING:
    from desktop_app.ui.editors.base import EditorWindow

RETURNED_STYLE = "background:#fde8e8; color:#7a0010; border:1px solid #f3b7b7; border-radius:4px; padding:6px;"
APPROVED_STYLE = "background:#e3f3e5; color:#1b5e20; border:1px solid #b5dcb9; border-radius:4px; padding:6px;"


class ReviewBanner(QWidget):
    """A strip under the editor's toolbar; hidden when head office has not reviewed the record."""

    def __init__(self, editor: EditorWindow) -> None:
        super().__init__(editor)
        self.editor = editor
        self.setObjectName("reviewBanner")
        self.info: ReviewInfo | None = None
        self.label = QLabel()
        self.label.setObjectName("reviewText")
        self.label.setWordWrap(True)
        self.amend_button = QPushButton(translate("ReviewBanner", "Correct (amend)…"))
        self.amend_button.setObjectName("reviewAmend")
        self.amend_button.clicked.connect(self._amend)
        self.open_button = QPushButton(translate("ReviewBanner", "Open the correction"))
        self.open_button.setObjectName("reviewOpenAmendment")
        self.open_button.clicked.connect(self._open_amendment)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.amend_button)
        layout.addWidget(self.open_button)
        self.refresh()

    @classmethod
    def attach(cls, editor: EditorWindow) -> ReviewBanner:
        """Put a banner on ``editor`` in its own toolbar row (outside the form, which is disabled
        for finalized records — the very ones that get returned)."""
        banner = cls(editor)
        bar = QToolBar(translate("ReviewBanner", "Head office review"), editor)
        bar.setMovable(False)
        bar.addWidget(banner)
        editor.addToolBarBreak()
        editor.addToolBar(bar)
        bar.setVisible(banner.info is not None)
        banner.bar = bar  # type: ignore[attr-defined]
        editor.saved.connect(lambda _rid: banner.refresh())
        return banner

    def refresh(self) -> None:
        record_id = self.editor.record_id
        session = self.editor.session
        self.info = None if record_id is None or session.closed else review_of(session.ledger, record_id)
        info = self.info
        bar = getattr(self, "bar", None)
        if bar is not None:
            bar.setVisible(info is not None)
        if info is None:
            return
        when = local_time(info.reviewed_at.isoformat())
        if info.decision is ReviewDecision.RETURNED:
            text = translate("ReviewBanner", "Returned by head office for correction ({0}, {1}): {2}").format(
                info.reviewer, when, info.comment)
            if info.corrected:
                text += "\n" + translate("ReviewBanner", "A correction has been written; head office will review it.")
            self.label.setStyleSheet(RETURNED_STYLE)
        else:
            text = translate("ReviewBanner", "Reviewed by head office ({0}, {1})").format(info.reviewer, when)
            if info.comment:
                text += f"：{info.comment}"
            self.label.setStyleSheet(APPROVED_STYLE)
        self.label.setText(text)
        returned = info.decision is ReviewDecision.RETURNED
        self.amend_button.setVisible(returned and not info.corrected)
        self.open_button.setVisible(returned and info.corrected)

    def _amend(self) -> None:
        """The editor's own 更正 (asks for the reason, opens the amendment prefilled)."""
        editor = self.editor.amend()
        if editor is not None:
            editor.saved.connect(lambda _rid: self.refresh())

    def _open_amendment(self) -> None:
        if self.info is None or self.info.amendment_id is None:
            return
        from desktop_app.ui.editors.meeting import MeetingEditor

        editor = MeetingEditor(self.editor.session, self.info.amendment_id)
        self.editor.opened_editor.emit(editor)
        editor.show()
