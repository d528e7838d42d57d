"""Opening an attachment inside the program: images and PDFs in a viewer, Office files as a copy.

An attachment is decrypted only into memory (``operations.attachments.attachment_content``, on a
worker): no plaintext file is written, not even in the temp directory, so the viewer shows images
with Qt's decoder from a buffer — turned upright by their EXIF orientation (``QImageReader``'s
auto-transform), as a phone photo kept with 保留原图 is stored sideways — and renders PDF pages
with pypdfium2 one page at a time on a worker (the process-wide pdfium lock, printing.pdfium).

DOCX/PPTX/XLSX have no renderer in the program; they can only be saved as a copy to a place the
clerk picks (另存为…), with the warning that the copy is not encrypted. The viewer offers 另存为…
for images and PDFs too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage, QImageReader, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.operations import attachments as ops
from desktop_app.operations.attachment_sync import viewable_content
from desktop_app.ui import dialogs
from desktop_app.ui.i18n import translate
from desktop_app.ui.operations import UiOp
from desktop_app.ui.session import Session
from desktop_app.ui.widgets.screen import fit_to_screen
from desktop_app.ui.workers import ProgressFn, start_worker
from domain.attachments import IMAGE_MIME, PDF
from printing.pdfium import PDFIUM_LOCK

PDF_VIEW_DPI = 110.0


def decode_image(data: bytes) -> QImage:
    """``data`` decoded in memory, upright by its EXIF orientation (a null image if unreadable)."""
    array = QByteArray(data)
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    image = reader.read()
    buffer.close()
    return image


def render_pdf_page(data: bytes, index: int, dpi: float = PDF_VIEW_DPI) -> tuple[QImage, int]:
    """Page ``index`` of ``data`` as an image, and the page count (call it on a worker)."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(data)
        try:
            count = len(doc)
            page = doc[max(0, min(index, count - 1))]
            bitmap = page.render(scale=dpi / 72.0, rev_byteorder=True, prefer_bgrx=True)
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGBX8888).copy()
            bitmap.close()
            page.close()
            return image, count
        finally:
            doc.close()


def open_attachment(parent: QWidget, session: Session, ref: dict[str, Any]) -> QDialog | None:
    """打开: the viewer for an image or a PDF; for an Office file, 另存为… straight away."""
    if ref["mime"] in IMAGE_MIME or ref["mime"] == PDF:
        viewer = AttachmentViewer(session, ref, parent)
        viewer.show()
        return viewer
    save_copy(parent, session, ref)
    return None


def save_copy(parent: QWidget, session: Session, ref: dict[str, Any]) -> None:
    """另存为…: write a decrypted copy where the clerk says, after saying it will not be encrypted."""
    if not dialogs.confirm(
        parent,
        translate("AttachmentViewer", "Save a copy"),
        translate(
            "AttachmentViewer",
            "“{0}” cannot be shown inside BranchLedger. You can save a copy and open it with another "
            "program.\nThe copy is NOT encrypted: anyone with access to that folder can read it. "
            "Delete it when you no longer need it.",
        ).format(ref["name"]),
        translate("AttachmentViewer", "Save as…"),
    ):
        return
    suffix = Path(str(ref["name"])).suffix.lstrip(".")
    target = dialogs.save_file(parent, translate("AttachmentViewer", "Save a copy"), str(ref["name"]),
                               f"*.{suffix}" if suffix else "", suffix)
    if target is None:
        return
    digest, name = str(ref["sha256"]), str(ref["name"])
    UiOp(parent, session, lambda ledger: ops.export_attachment(ledger, digest, target, name=name)).success(
        lambda _r: dialogs.info(parent, translate(
            "AttachmentViewer", "Saved an unencrypted copy to {0}").format(target))
    ).run_in_background()


class AttachmentViewer(QDialog):
    """One attachment on screen: an image fitted to the window, or a PDF page by page."""

    def __init__(self, session: Session, ref: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentViewer")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.session = session
        self.ref = ref
        self.data: bytes | None = None
        self.image = QImage()
        self.page = 0
        self.pages = 0
        caption = str(ref.get("caption") or "")
        self.setWindowTitle(f"{ref['name']}" + (f" — {caption}" if caption else ""))
        self.picture = QLabel(translate("AttachmentViewer", "Opening…"))
        self.picture.setObjectName("attachmentPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view_area = QScrollArea(self)
        self.view_area.setWidgetResizable(True)
        self.view_area.setWidget(self.picture)
        self.previous_button = QPushButton(translate("AttachmentViewer", "Previous page"))
        self.previous_button.clicked.connect(lambda: self.show_page(self.page - 1))
        self.next_button = QPushButton(translate("AttachmentViewer", "Next page"))
        self.next_button.clicked.connect(lambda: self.show_page(self.page + 1))
        self.page_label = QLabel()
        self.page_label.setObjectName("attachmentPage")
        is_pdf = ref["mime"] == PDF
        for widget in (self.previous_button, self.next_button, self.page_label):
            widget.setVisible(is_pdf)
        self.save_button = QPushButton(translate("AttachmentViewer", "Save as…"))
        self.save_button.clicked.connect(lambda: save_copy(self, self.session, self.ref))
        close = QPushButton(translate("AttachmentViewer", "Close"))
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous_button)
        buttons.addWidget(self.page_label)
        buttons.addWidget(self.next_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view_area, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 900, 700)
        wanted = dict(ref)
        UiOp(self, session, lambda ledger: viewable_content(ledger, wanted)).success(
            self._loaded).failure(self._failed).run_in_background()

    def _failed(self, exc: Exception) -> None:
        self.picture.setText(dialogs.error_text(exc))
        dialogs.error(self, dialogs.error_text(exc))

    def _loaded(self, data: bytes) -> None:
        self.data = data
        if self.ref["mime"] == PDF:
            self.show_page(0)
            return
        self.image = decode_image(data)
        if self.image.isNull():
            self.picture.setText(translate("AttachmentViewer", "This image cannot be shown."))
            return
        self._fit()

    def show_page(self, index: int) -> None:
        """Render PDF page ``index`` on a worker and show it."""
        data = self.data
        if data is None or (self.pages and not 0 <= index < self.pages):
            return
        self.previous_button.setEnabled(False)
        self.next_button.setEnabled(False)

        def job(_p: ProgressFn) -> tuple[QImage, int, int]:
            image, count = render_pdf_page(data, index)
            return image, count, index

        start_worker(job, on_result=self._page_ready, on_error=self._failed, owner=self)

    def _page_ready(self, value: tuple[QImage, int, int]) -> None:
        self.image, self.pages, self.page = value
        self.page_label.setText(translate("AttachmentViewer", "Page {0} of {1}").format(self.page + 1, self.pages))
        self.previous_button.setEnabled(self.page > 0)
        self.next_button.setEnabled(self.page + 1 < self.pages)
        self._fit()

    def _fit(self) -> None:
        if self.image.isNull():
            return
        area = self.view_area.viewport().size()
        pixmap = QPixmap.fromImage(self.image)
        if pixmap.width() > area.width() or pixmap.height() > area.height():
            pixmap = pixmap.scaled(area, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        self.picture.setPixmap(pixmap)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()
