"""The 附件 panel every record editor has: 签到表 scans, activity photos, 讲稿 (issue 14).

The clerk adds files with 添加附件… (a file dialog), by dropping files on the panel, or by pasting an
image (Ctrl+V with the thumbnail strip focused); each one is checked and encrypted into the store by
an operation on a worker (``operations.attachments``), never on the UI thread. A refused file (a
type we do not take, too large, a ``.jpg`` that is not one) gets a message naming the file and the
reason, and nothing is stored. 保留原图 keeps a photo's original bytes; by default photos are
downscaled to about 2000 px so a day's photos fit the link.

The panel holds the record's attachment references (``AttachmentRef`` as JSON dicts) beside the
form: :meth:`merge_into` adds them to what the form reads, :meth:`load` takes them from a body. Each
reference has a role (签到表, 活动照片, 讲稿/课件, 其他) and a caption, edited under the strip. A
finalized record's attachments are shown and opened, never changed; an amendment starts with the
original's and may remove or add. 打开 shows images and PDFs in the in-app viewer (no plaintext
copy on disk); Office files can only be saved as a copy (另存为…), with a warning that the copy is
not encrypted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QIcon,
    QImage,
    QKeySequence,
    QPainter,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.operations import attachments as ops
from desktop_app.operations.attachment_sync import uploads_pending
from desktop_app.ui import dialogs
from desktop_app.ui.i18n import translate
from desktop_app.ui.operations import UiOp
from desktop_app.ui.session import Session
from domain.attachments import DOCX, IMAGE_MIME, PDF, PPTX, XLSX, AttachmentRef, AttachmentRefused, AttachmentRole

THUMB = QSize(120, 96)
# The records that carry evidence (issue 14): every meeting kind, the 先锋岗, its log and evaluations.
# A member's or the branch profile's editor shows no panel.
ATTACHMENT_KINDS = frozenset({"meeting", "pioneer_post", "post_log", "post_evaluation"})
OFFICE_MIME = frozenset({DOCX, PPTX, XLSX})
_TYPE_BADGE = {PDF: "PDF", DOCX: "Word", PPTX: "PPT", XLSX: "Excel"}
FILE_FILTER = "*.jpg *.jpeg *.png *.heic *.heif *.pdf *.docx *.pptx *.xlsx"


def _roles() -> list[tuple[AttachmentRole, str]]:
    return [
        (AttachmentRole.SIGN_IN_SHEET, translate("Attachments", "Sign-in sheet")),
        (AttachmentRole.PHOTO, translate("Attachments", "Activity photo")),
        (AttachmentRole.LECTURE, translate("Attachments", "Lecture notes / slides")),
        (AttachmentRole.OTHER, translate("Attachments", "Other")),
    ]


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, size // 1024)} KB"


def placeholder_icon(mime: str, note: str = "") -> QIcon:
    """A tile for a file without a thumbnail: its type in large letters (and a note under it)."""
    pixmap = QPixmap(THUMB)
    pixmap.fill(QColor("#eef1f5"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#4a5a70"))
    font = QFont(painter.font())
    font.setPointSize(15)
    font.setBold(True)
    painter.setFont(font)
    badge = _TYPE_BADGE.get(mime, translate("Attachments", "Image"))
    painter.drawText(pixmap.rect().adjusted(0, 0, 0, -18 if note else 0), Qt.AlignmentFlag.AlignCenter, badge)
    if note:
        small = QFont(painter.font())
        small.setPointSize(8)
        small.setBold(False)
        painter.setFont(small)
        painter.drawText(pixmap.rect().adjusted(2, 0, -2, -6),
                         Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, note)
    painter.end()
    return QIcon(pixmap)


def local_files(mime: QMimeData) -> list[Path]:
    """The local files a drop or the clipboard carries (URLs of other kinds are ignored)."""
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


def png_bytes(image: QImage) -> bytes:
    """A pasted image as PNG bytes, encoded in memory (a screenshot: tens of milliseconds)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # PySide6 takes a str at run time
    buffer.close()
    return bytes(data.data())


class AttachmentStrip(QListWidget):
    """The thumbnails, left to right; accepts dropped files for the panel."""

    files_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentList")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setIconSize(THUMB)
        self.setGridSize(QSize(THUMB.width() + 28, THUMB.height() + 44))
        self.setWordWrap(True)
        self.setUniformItemSizes(True)
        self.fit(0)
        # Drops land on the viewport (the widget under the pointer): it must take them, not the view.
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragEnabled(False)
        self.accepting = True

    def fit(self, count: int) -> None:
        """A row of thumbnails when there are files; a slim drop zone when there are none, so an
        editor without attachments keeps its height for the form (1366×768 screens)."""
        self.setFixedHeight(THUMB.height() + 52 if count else 44)

    def _wanted(self, mime: QMimeData) -> bool:
        return self.accepting and bool(local_files(mime))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._wanted(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._wanted(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = local_files(event.mimeData()) if self.accepting else []
        if not files:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(files)


class AttachmentsPanel(QGroupBox):
    """The record's attachments beside its form (see the module docstring)."""

    changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(translate("Attachments", "Attachments"), parent)
        self.setObjectName("attachmentsPanel")
        self.session = session
        self.refs: list[dict[str, Any]] = []
        self.editable = True
        self.pending = 0  # attach operations still running
        self._loading = False

        self.add_button = QPushButton(translate("Attachments", "Add attachment…"))
        self.add_button.setToolTip(translate(
            "Attachments",
            "Attach sign-in sheet scans, photos, lecture notes or slides (JPEG, PNG, PDF, Word, PowerPoint, Excel)"))
        self.add_button.clicked.connect(lambda: self.choose_files())
        self.keep_original = QCheckBox(translate("Attachments", "Keep original photos"))
        self.keep_original.setToolTip(translate(
            "Attachments", "Unticked, photos are reduced to about 2000 pixels so they sync quickly over a slow link"))
        self.hint = QLabel(translate("Attachments", "Drop files here, or paste an image with Ctrl+V"))
        self.hint.setObjectName("attachmentsHint")
        self.hint.setStyleSheet("color: #666;")
        self.busy = QLabel(translate("Attachments", "Adding…"))
        self.busy.setVisible(False)
        self.badge = QLabel(translate("Attachments", "Attachments not uploaded yet"))
        self.badge.setObjectName("attachmentsBadge")
        self.badge.setToolTip(translate(
            "Attachments",
            "Some attachments of this record have not reached head office yet; they are sent with the next sync"))
        self.badge.setStyleSheet("color: #9a5b00; font-weight: bold;")
        self.badge.setVisible(False)
        self.record_id: str | None = None
        session.changed.connect(self._written)  # a sync run, a save
        top = QHBoxLayout()
        for widget in (self.add_button, self.keep_original, self.hint):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.busy)
        top.addWidget(self.badge)

        self.strip = AttachmentStrip(self)
        self.strip.files_dropped.connect(self.attach_paths)
        self.strip.currentRowChanged.connect(self._selected)
        self.strip.itemActivated.connect(lambda _item: self.open_selected())
        paste = QShortcut(QKeySequence(QKeySequence.StandardKey.Paste), self.strip)
        paste.setContext(Qt.ShortcutContext.WidgetShortcut)
        paste.activated.connect(self.paste)

        self.role = QComboBox()
        self.role.setObjectName("attachmentRole")
        for role, label in _roles():
            self.role.addItem(label, role.value)
        self.role.currentIndexChanged.connect(lambda _i: self._edited())
        self.caption = QLineEdit()
        self.caption.setObjectName("attachmentCaption")
        self.caption.setPlaceholderText(translate("Attachments", "Caption, e.g. 重温入党誓词"))
        self.caption.textEdited.connect(lambda _t: self._edited())
        self.open_button = QPushButton(translate("Attachments", "Open"))
        self.open_button.clicked.connect(lambda: self.open_selected())
        self.remove_button = QPushButton(translate("Attachments", "Remove"))
        self.remove_button.setToolTip(translate("Attachments", "Remove this attachment from the record (drafts only)"))
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        self.details = QWidget(self)  # one attachment's kind, caption, open, remove: shown once there is one
        details = QHBoxLayout(self.details)
        details.setContentsMargins(0, 0, 0, 0)
        details.addWidget(QLabel(translate("Attachments", "Kind")))
        details.addWidget(self.role)
        details.addWidget(QLabel(translate("Attachments", "Caption")))
        details.addWidget(self.caption, 1)
        details.addWidget(self.open_button)
        details.addWidget(self.remove_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.strip)
        layout.addWidget(self.details)
        self._selected(-1)
        self._fit()

    # ------------------------------------------------------------ the record's references

    def load(self, body: dict[str, Any]) -> None:
        """Show the attachments of ``body`` (a record body or editor data in JSON form)."""
        self.refs = [dict(ref) for ref in body.get("attachments") or []]
        self.strip.clear()
        for ref in self.refs:
            self._add_item(ref)
        self._selected(self.strip.currentRow())
        self._fit()
        self.refresh_upload_state()

    # The panel owns the body's ``attachments`` in every editor (tests/ui/test_editor_binding.py).
    holds_references = True

    def merge_into(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` (what the form reads) with the attachments, always under its key: an empty list
        is what removes the last one (save_record keeps a record's files when the key is absent),
        and a body without attachments still dumps exactly as before (the field is left out)."""
        return {**data, "attachments": [dict(ref) for ref in self.refs]}

    def set_editable(self, editable: bool, record_id: str | None = None) -> None:
        """Drafts take additions, removals and edits; a finalized record is shown read-only.
        ``record_id`` is the saved record (None before the first 保存), for 附件未上传完."""
        self.editable = editable
        self.strip.accepting = editable
        for widget in (self.add_button, self.keep_original, self.hint):
            widget.setVisible(editable)
        self._selected(self.strip.currentRow())
        if record_id != self.record_id:
            self.record_id = record_id
            self.refresh_upload_state()

    def refresh_upload_state(self) -> None:
        """附件未上传完 while head office lacks a file of the saved record (asked on a worker)."""
        digests, record_id = [str(ref["sha256"]) for ref in self.refs], self.record_id
        if not digests or record_id is None or self.isHidden() or self.session.closed:
            self.badge.setVisible(False)
            return
        UiOp(self, self.session, lambda ledger: uploads_pending(ledger, record_id, digests)).success(
            self.badge.setVisible).failure(lambda _exc: None).run_in_background()

    def _written(self, _changes: object) -> None:
        self.refresh_upload_state()

    # ------------------------------------------------------------ adding

    def choose_files(self) -> None:
        if not self.editable:
            return
        paths = dialogs.open_files(
            self, translate("Attachments", "Add attachment"),
            translate("Attachments", "Attachments ({0})").format(FILE_FILTER),
        )
        if paths:
            self.attach_paths(paths)

    def paste(self) -> None:
        """Ctrl+V on the strip: an image on the clipboard (a screenshot, a photo copied from a
        viewer) or files copied in the file manager."""
        if not self.editable:
            return
        mime = QApplication.clipboard().mimeData()
        files = local_files(mime) if mime is not None else []
        if files:
            self.attach_paths(files)
            return
        image = QApplication.clipboard().image()
        if image.isNull():
            self._status(translate("Attachments", "The clipboard holds no image or file to attach."))
            return
        data = png_bytes(image)
        name = dt.datetime.now().strftime("粘贴的图片-%Y%m%d-%H%M%S.png")
        downscale = not self.keep_original.isChecked()
        self._run_attach(lambda ledger: ops.attach_pasted_image(ledger, data, name=name, downscale=downscale))

    def attach_paths(self, paths: list[Path]) -> None:
        if not self.editable or not paths:
            return
        chosen, downscale = list(paths), not self.keep_original.isChecked()
        self._run_attach(lambda ledger: ops.attach_files(ledger, chosen, downscale=downscale))

    def _run_attach(self, op: Any) -> None:
        self.pending += 1
        self._show_busy()
        UiOp(self, self.session, op).success(self._attached).failure(self._attach_failed).run_in_background()

    def _show_busy(self) -> None:
        self.busy.setVisible(self.pending > 0)
        self.add_button.setEnabled(self.pending == 0 and self.editable)

    def _attached(self, result: ops.AttachResult | AttachmentRef) -> None:
        self.pending -= 1
        self._show_busy()
        refs = result.attached if isinstance(result, ops.AttachResult) else [result]
        refused = result.refused if isinstance(result, ops.AttachResult) else []
        known = {str(ref["sha256"]) for ref in self.refs}
        added = 0
        for ref in refs:
            if ref.sha256 in known:
                continue  # the same file twice in one record: once is enough
            known.add(ref.sha256)
            data = ref.model_dump(mode="json")
            if "签到" in ref.name:
                data["role"] = AttachmentRole.SIGN_IN_SHEET.value
            self.refs.append(data)
            self._add_item(data)
            added += 1
        if added:
            self.strip.setCurrentRow(self.strip.count() - 1)
            self.changed.emit()
        if refused:
            dialogs.error(self, "\n".join(str(r) for r in refused))

    def _attach_failed(self, exc: Exception) -> None:
        self.pending -= 1
        self._show_busy()
        dialogs.error(self, str(exc) if isinstance(exc, AttachmentRefused) else dialogs.error_text(exc))

    # ------------------------------------------------------------ the strip

    def _fit(self) -> None:
        count = self.strip.count()
        self.strip.fit(count)
        self.details.setVisible(count > 0)

    def _add_item(self, ref: dict[str, Any]) -> None:
        item = QListWidgetItem(self._item_text(ref))
        item.setData(Qt.ItemDataRole.UserRole, ref["sha256"])
        item.setToolTip(f"{ref['name']}\n{_size_text(int(ref['size']))}")
        item.setIcon(placeholder_icon(str(ref["mime"])))
        item.setSizeHint(self.strip.gridSize())
        self.strip.addItem(item)
        self._fit()
        if ref["mime"] in IMAGE_MIME:
            digest = str(ref["sha256"])
            UiOp(self, self.session, lambda ledger: ops.attachment_thumbnail(ledger, digest)).success(
                lambda data: self._thumbnail(digest, data)
            ).failure(lambda _exc: self._thumbnail(digest, None)).run_in_background()

    def _item_text(self, ref: dict[str, Any]) -> str:
        role = dict(_roles()).get(AttachmentRole(ref.get("role", "other")), "")
        caption = str(ref.get("caption") or "") or str(ref["name"])
        return f"{role}\n{caption}"

    def _thumbnail(self, digest: str, data: bytes | None) -> None:
        for row in range(self.strip.count()):
            item = self.strip.item(row)
            if item.data(Qt.ItemDataRole.UserRole) != digest:
                continue
            pixmap = QPixmap()
            if data and pixmap.loadFromData(data):
                item.setIcon(QIcon(pixmap))
                item.setData(Qt.ItemDataRole.UserRole + 1, "thumb")
            else:
                item.setIcon(placeholder_icon("image/jpeg", translate("Attachments", "not on this computer")))

    def thumbnails_shown(self) -> int:
        """How many tiles show a real thumbnail (for the window's own checks and the tests)."""
        return sum(1 for row in range(self.strip.count())
                   if self.strip.item(row).data(Qt.ItemDataRole.UserRole + 1) == "thumb")

    def _selected(self, row: int) -> None:
        has = 0 <= row < len(self.refs)
        self._loading = True
        if has:
            ref = self.refs[row]
            self.role.setCurrentIndex(max(0, self.role.findData(ref.get("role", "other"))))
            self.caption.setText(str(ref.get("caption") or ""))
        else:
            self.caption.clear()
        self._loading = False
        self.role.setEnabled(has and self.editable)
        self.caption.setEnabled(has and self.editable)
        self.caption.setReadOnly(not self.editable)
        self.open_button.setEnabled(has)
        self.remove_button.setVisible(self.editable)
        self.remove_button.setEnabled(has and self.editable)

    def _edited(self) -> None:
        row = self.strip.currentRow()
        if self._loading or not self.editable or not 0 <= row < len(self.refs):
            return
        ref = self.refs[row]
        ref["role"] = self.role.currentData()
        caption = self.caption.text().strip()
        if caption:
            ref["caption"] = caption
        else:
            ref.pop("caption", None)
        item = self.strip.item(row)
        item.setText(self._item_text(ref))
        self.changed.emit()

    def remove_selected(self) -> None:
        row = self.strip.currentRow()
        if not self.editable or not 0 <= row < len(self.refs):
            return
        ref = self.refs.pop(row)
        self.strip.takeItem(row)
        self._selected(self.strip.currentRow())
        self._fit()
        self.changed.emit()
        self._status(translate("Attachments", "Removed {0}").format(ref["name"]))

    # ------------------------------------------------------------ opening

    def open_selected(self) -> None:
        from desktop_app.ui.editors.attachment_viewer import open_attachment

        row = self.strip.currentRow()
        if 0 <= row < len(self.refs):
            open_attachment(self, self.session, self.refs[row])

    def _status(self, text: str) -> None:
        window = self.window()
        bar = getattr(window, "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 5000)
