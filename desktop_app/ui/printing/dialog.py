"""The print dialog: one document, three outputs — preview, the system print dialog, a PDF file.

The PDF is rendered once in a worker and reused by all three outputs while the options stay the
same. Preview pages are rasterized and the page sizes measured in the worker too, so the UI
thread never opens the PDF (nor waits for the pdfium lock a print job holds) and Qt's preview
only paints finished images; printing — from this dialog or the preview's own print button —
rasterizes at the printer's resolution in a worker. Every worker is owned by the dialog: closing
it mid-job drops the callbacks. The ``preview``,
``print_document`` and ``save_pdf`` methods take the printer or path as an argument so tests run
them without any modal dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QImage, QPaintEngine
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.operations.printing import PrintRequest, is_nothing_to_print, missing_chars_text, render_document
from desktop_app.ui import dialogs
from desktop_app.ui.i18n import QT_TRANSLATE_NOOP, translate
from desktop_app.ui.printing.period_picker import PeriodPicker
from desktop_app.ui.printing.raster import (
    PREVIEW_DPI,
    PageSize,
    PrinterError,
    page_sizes,
    paint_images,
    print_pdf,
    rasterize,
    setup_printer,
)
from desktop_app.ui.session import Session
from desktop_app.ui.widgets.screen import fit_to_screen
from desktop_app.ui.workers import ProgressFn, start_worker

if TYPE_CHECKING:
    from printing import PrintResult

DOCUMENT_NAMES = {
    "minutes": QT_TRANSLATE_NOOP("PrintDialog", "Meeting minutes"),
    "signin": QT_TRANSLATE_NOOP("PrintDialog", "Sign-in sheet"),
    "ledger": QT_TRANSLATE_NOOP("PrintDialog", "Branch ledger"),
    "post_report": QT_TRANSLATE_NOOP("PrintDialog", "Pioneer post report"),
}


def _t(text: str) -> str:
    return QCoreApplication.translate("PrintDialog", text)


@dataclass
class Rendered:
    request: PrintRequest
    result: PrintResult
    page_sizes: list[PageSize]  # measured in the worker: the UI thread never opens the PDF
    preview: list[QImage] | None = None

    @property
    def pdf(self) -> bytes:
        return self.result.data or b""


class PrintDialog(QDialog):
    """Preview, print or save one document as PDF."""

    output_done = Signal(str)  # "preview", "print" or "save", when that output has finished

    def __init__(self, session: Session, request: PrintRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.session = session
        self.request = request
        self.rendered: Rendered | None = None
        self.busy = False
        self.printer: QPrinter | None = None
        self._preview: QPrintPreviewDialog | None = None
        self.setWindowTitle(translate("PrintDialog", "Print"))
        self.heading = QLabel()
        self.heading.setObjectName("printHeading")
        self.heading.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.heading.setWordWrap(True)
        self.options = QFormLayout()
        self.attachments = QCheckBox(
            translate("PrintDialog", "Print the signed sheet's scan instead of the blank sheet, if attached")
            if request.kind == "signin"
            else translate("PrintDialog", "Append the attachments (photos, sign-in sheet scans, PDF pages)")
        )
        self.attachments.setObjectName("printAttachments")
        self.attachments.setChecked(request.attachments)
        self.attachments.toggled.connect(lambda _c: self._options_changed())
        self.note = QLabel()
        self.note.setObjectName("printNote")
        self.note.setWordWrap(True)
        self.preview_button = QPushButton(translate("PrintDialog", "Preview…"))
        self.preview_button.setToolTip(translate("PrintDialog", "See the pages as they will be printed"))
        self.preview_button.clicked.connect(lambda: self.preview())
        self.print_button = QPushButton(translate("PrintDialog", "Print…"))
        self.print_button.setToolTip(translate("PrintDialog", "Choose a printer and print"))
        self.print_button.clicked.connect(lambda: self.print_document())
        self.save_button = QPushButton(translate("PrintDialog", "Save as PDF…"))
        self.save_button.setToolTip(translate("PrintDialog", "Save the document as a PDF file"))
        self.save_button.clicked.connect(lambda: self.save_pdf())
        close = QPushButton(translate("PrintDialog", "Close"))
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for button in (self.preview_button, self.print_button, self.save_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.options)
        layout.addWidget(self.attachments)
        layout.addWidget(self.note)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.preview_button.setDefault(True)
        self.setMinimumWidth(480)
        self._update_heading()

    # ------------------------------------------------------------ what to print

    def current_request(self) -> PrintRequest:
        """The document as the options now stand (subclasses read their controls here)."""
        return replace(self.request, attachments=self.attachments.isChecked())

    def with_attachments(self) -> bool:
        box = getattr(self, "attachments", None)
        return box.isChecked() if isinstance(box, QCheckBox) else True

    def _update_heading(self) -> None:
        request = self.current_request()
        name = _t(DOCUMENT_NAMES[request.kind])
        heading = translate("PrintDialog", "{0}: {1}").format(name, request.title) if request.title else name
        self.heading.setText(heading)

    def _options_changed(self) -> None:
        self.rendered = None
        self._update_heading()

    # ------------------------------------------------------------ rendering

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        for button in (self.preview_button, self.print_button, self.save_button):
            button.setEnabled(not busy)
        if text:
            self.note.setText(text)

    def _render(self, then: Callable[[Rendered], None], *, preview: bool = False) -> None:
        """Render (or reuse) the PDF in a worker, warn about missing characters, then ``then``."""
        request = self.current_request()
        cached = self.rendered
        if cached is not None and cached.request == request and (cached.preview is not None or not preview):
            then(cached)
            return
        session = self.session
        reuse = cached if cached is not None and cached.request == request else None

        def job(_progress: ProgressFn) -> Rendered:
            if reuse is not None:
                result, sizes = reuse.result, reuse.page_sizes
            else:
                result = render_document(session.ledger, request)
                sizes = page_sizes(result.data or b"")
            images = rasterize(result.data or b"", PREVIEW_DPI) if preview else None
            return Rendered(request, result, sizes, images)

        def done(value: object) -> None:
            assert isinstance(value, Rendered)
            fresh = reuse is None
            self.rendered = value
            self._set_busy(False, self._result_note(value.result))
            if fresh:
                self._warn_missing(value.result)
            then(value)

        self._set_busy(True, translate("PrintDialog", "Preparing the document…"))
        start_worker(job, on_result=done, on_error=self._failed, owner=self)

    def _result_note(self, result: PrintResult) -> str:
        lines = [translate("PrintDialog", "{0} pages").format(result.pages)]
        lines += result.warnings
        return "\n".join(lines)

    def _warn_missing(self, result: PrintResult) -> None:
        chars = missing_chars_text(result)
        if chars:
            dialogs.error(
                self,
                translate(
                    "PrintDialog",
                    "The printing fonts have no glyph for these characters; they print as 〓: {0}\n"
                    "Write them in by hand on the paper, or use a common form of the character.",
                ).format(chars),
            )

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        if is_nothing_to_print(exc) or isinstance(exc, PrinterError):  # already a sentence for the clerk
            message = str(exc)
        else:
            message = translate("PrintDialog", "The document could not be made: {0}").format(
                dialogs.error_text(exc)
            )
        self.note.setText(message)
        dialogs.error(self, message)

    # ------------------------------------------------------------ outputs

    @property
    def preview_dialog(self) -> QPrintPreviewDialog | None:
        """The open preview, if any (it deletes itself when closed)."""
        preview = self._preview
        return preview if preview is not None and shiboken6.isValid(preview) else None

    def preview(self, *, modal: bool = True) -> None:
        """Qt's print preview of the rendered pages (its own print button prints them)."""
        self._render(lambda r: self._show_preview(r, modal), preview=True)

    def _show_preview(self, rendered: Rendered, modal: bool) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        setup_printer(printer, rendered.page_sizes)
        self.printer = printer
        preview = QPrintPreviewDialog(printer, self)
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        preview.setWindowTitle(self.heading.text())
        fit_to_screen(preview, 900, 760)
        preview.paintRequested.connect(lambda p: self._paint_for_preview(p, rendered))
        self._preview = preview
        self.output_done.emit("preview")
        if modal:
            preview.exec()
        else:
            preview.show()

    def _paint_for_preview(self, printer: QPrinter, rendered: Rendered) -> None:
        engine = printer.paintEngine()
        if engine is not None and engine.type() == QPaintEngine.Type.Picture and rendered.preview is not None:
            paint_images(rendered.preview, printer)  # the preview itself: the prepared images
        else:
            self._print(printer, rendered)  # the preview's print button: in a worker, like print_document

    def print_document(self, printer: QPrinter | None = None) -> None:
        """The system print dialog, then printing in a worker. With ``printer`` given, no dialog."""

        def go(rendered: Rendered) -> None:
            target = printer
            if target is None:
                target = QPrinter(QPrinter.PrinterMode.HighResolution)
                setup_printer(target, rendered.page_sizes)
                dialog = QPrintDialog(target, self)
                dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)  # exec() deletes it
                dialog.setWindowTitle(self.heading.text())
                if dialog.exec() != QDialog.DialogCode.Accepted:
                    return
            else:
                setup_printer(target, rendered.page_sizes)
            self._print(target, rendered)

        self._render(go)

    def _print(self, printer: QPrinter, rendered: Rendered) -> None:
        """Rasterize at ``printer``'s resolution and print, in a worker (painting on a QPrinter off
        the UI thread is allowed; the worker's closure keeps the printer alive)."""
        self.printer = printer
        pdf, total = rendered.pdf, rendered.result.pages

        def job(progress: ProgressFn) -> int:
            return print_pdf(pdf, printer, lambda n: progress(n, total, ""))

        def done(pages: object) -> None:
            self._set_busy(False, translate("PrintDialog", "Sent {0} pages to the printer.").format(pages))
            self.output_done.emit("print")

        self._set_busy(True, translate("PrintDialog", "Printing…"))
        start_worker(job, on_result=done, on_error=self._failed, owner=self)

    def save_pdf(self, path: Path | None = None) -> None:
        """Write the renderer's PDF to ``path`` (asked for when None)."""
        request = self.current_request()
        if path is None:
            chosen = dialogs.save_file(
                self,
                translate("PrintDialog", "Save as PDF"),
                request.suggested_file_name(),
                translate("PrintDialog", "PDF documents (*.pdf)"),
                "pdf",
            )
            if chosen is None:
                return
            path = chosen if chosen.suffix.lower() == ".pdf" else chosen.with_name(chosen.name + ".pdf")
        session, target = self.session, path

        def job(_p: ProgressFn) -> PrintResult:
            return render_document(session.ledger, request, target)

        def done(result: PrintResult) -> None:
            self._set_busy(False, translate("PrintDialog", "Saved {0} pages to {1}").format(result.pages, target))
            self._warn_missing(result)
            self.output_done.emit("save")

        self._set_busy(True, translate("PrintDialog", "Saving the PDF…"))
        start_worker(job, on_result=done, on_error=self._failed, owner=self)


class LedgerPrintDialog(PrintDialog):
    """The 台账 of a month, quarter or year, with or without the full minutes."""

    def __init__(self, session: Session, period: str | None = None, parent: QWidget | None = None) -> None:
        picker = PeriodPicker()
        if period:
            picker.set_period(period)
        super().__init__(session, PrintRequest.ledger(picker.period_code() or ""), parent)
        self.period = picker
        self.include_minutes = QCheckBox(translate("PrintDialog", "Include the full minutes of each meeting"))
        self.include_minutes.setChecked(True)
        self.setWindowTitle(translate("PrintDialog", "Print the branch ledger"))
        self.options.addRow(translate("PrintDialog", "Period"), self.period)
        self.options.addRow("", self.include_minutes)
        self.period.changed.connect(self._options_changed)
        self.include_minutes.toggled.connect(lambda _c: self._options_changed())
        self._update_heading()

    def current_request(self) -> PrintRequest:
        if not hasattr(self, "include_minutes"):
            return self.request
        return PrintRequest.ledger(self.period.period_code() or "", self.include_minutes.isChecked(),
                                   self.with_attachments())


class PostReportDialog(PrintDialog):
    """A 先锋岗's report: its whole history, or one period's work log and evaluations."""

    def __init__(self, session: Session, request: PrintRequest, parent: QWidget | None = None) -> None:
        super().__init__(session, request, parent)
        self.period = PeriodPicker(allow_all=True)
        if request.period:
            self.period.set_period(request.period)
        self.options.addRow(translate("PrintDialog", "Period"), self.period)
        self.period.changed.connect(self._options_changed)
        self._update_heading()

    def current_request(self) -> PrintRequest:
        if not hasattr(self, "period"):
            return self.request
        return PrintRequest.post_report(self.request.target, self.request.title, self.period.period_code(),
                                        self.with_attachments())


def open_print_dialog(parent: QWidget, session: Session, request: PrintRequest) -> PrintDialog:
    """Show the print dialog for ``request`` (window-modal, non-blocking) and return it."""
    if request.kind == "ledger":
        dialog: PrintDialog = LedgerPrintDialog(session, request.target, parent)
    elif request.kind == "post_report":
        dialog = PostReportDialog(session, request, parent)
    else:
        dialog = PrintDialog(session, request, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    return dialog


def open_ledger_dialog(parent: QWidget, session: Session, period: str | None = None) -> PrintDialog:
    dialog = LedgerPrintDialog(session, period, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    return dialog
