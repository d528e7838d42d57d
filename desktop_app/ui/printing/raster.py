"""The renderer's PDF on paper: each page rasterized with pypdfium2 and painted on a ``QPrinter``.

PySide6-Essentials has no QtPdf, and Qt cannot send a PDF to a printer as is, so each page is
rasterized at the printer's resolution (capped: a 1200 dpi A4 page would take 140 MB) and drawn
to fill the printable page. One page is held in memory at a time. Painting on a ``QPrinter`` or a
``QImage`` is allowed off the GUI thread (Qt, "Threads and QObjects"), so printing runs in a
worker; pdfium itself is not thread-safe, hence the process-wide lock (printing.pdfium). A print job holds that lock for
all its pages, so the UI thread never opens a PDF: page sizes are measured in the render worker
(:func:`page_sizes`) and handed to :func:`setup_printer`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPagedPaintDevice, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from desktop_app.ui.i18n import translate
from domain.errors import LedgerError
from printing.pdfium import PDFIUM_LOCK as _PDFIUM  # shared with the printing package's PDF embedding

MAX_PRINT_DPI = 600
PREVIEW_DPI = 150
POINTS_PER_INCH = 72.0

PdfSource = bytes | Path
PageSize = tuple[float, float]  # (width, height) in points


class PrinterError(LedgerError, RuntimeError):
    """The printer refused the job; the message is translated, ready for the clerk."""


def _open(pdf: PdfSource) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(str(pdf) if isinstance(pdf, Path) else pdf)


def page_sizes(pdf: PdfSource) -> list[PageSize]:
    """Each page's (width, height) in points (call it in a worker: it waits for the pdfium lock)."""
    with _PDFIUM:
        doc = _open(pdf)
        try:
            return [tuple(doc[i].get_size()) for i in range(len(doc))]  # type: ignore[misc]
        finally:
            doc.close()


def iter_page_images(pdf: PdfSource, dpi: float) -> Iterator[QImage]:
    """Each page as an RGB image at ``dpi``, one at a time."""
    scale = dpi / POINTS_PER_INCH
    with _PDFIUM:
        doc = _open(pdf)
        try:
            for i in range(len(doc)):
                page = doc[i]
                bitmap = page.render(scale=scale, rev_byteorder=True, prefer_bgrx=True, optimize_mode="print")
                image = QImage(
                    bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGBX8888
                ).copy()  # the copy owns its pixels: pdfium's buffer is freed with the bitmap
                bitmap.close()
                page.close()
                yield image
        finally:
            doc.close()


def rasterize(pdf: PdfSource, dpi: float = PREVIEW_DPI) -> list[QImage]:
    """Every page at ``dpi`` (for the preview, which repaints them as the clerk zooms)."""
    return list(iter_page_images(pdf, dpi))


def setup_printer(printer: QPrinter, sizes: Sequence[PageSize]) -> None:
    """Paper and orientation from the first page's size (from :func:`page_sizes`); no extra
    margins (the PDF has its own). Touches no PDF, so it is safe on the UI thread."""
    if not sizes:
        return
    width, height = sizes[0]
    size = QPageSize(
        QSizeF(min(width, height), max(width, height)), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch
    )
    orientation = QPageLayout.Orientation.Landscape if width > height else QPageLayout.Orientation.Portrait
    printer.setFullPage(True)
    printer.setPageLayout(QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0)))


def print_dpi(printer: QPrinter) -> float:
    return float(min(max(printer.resolution(), 72), MAX_PRINT_DPI))


def paint_images(images: list[QImage] | Iterator[QImage], device: QPagedPaintDevice,
                 progress: Callable[[int], None] | None = None) -> int:
    """Paint one image per page on ``device`` (a QPrinter), scaled to fit; returns the page count."""
    painter = QPainter()
    pages = 0
    try:
        for image in images:
            if pages == 0:
                if not painter.begin(device):
                    raise PrinterError(translate("PrintDialog", "The printer could not be opened."))
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            elif not device.newPage():
                raise PrinterError(translate("PrintDialog", "The printer refused to start a new page."))
            painter.drawImage(_fit(image, QRectF(painter.viewport())), image)
            pages += 1
            if progress is not None:
                progress(pages)
    finally:
        if painter.isActive():
            painter.end()
    return pages


def print_pdf(pdf: PdfSource, printer: QPrinter, progress: Callable[[int], None] | None = None) -> int:
    """Rasterize ``pdf`` at the printer's resolution and print it; returns the pages printed."""
    return paint_images(iter_page_images(pdf, print_dpi(printer)), printer, progress)


def _fit(image: QImage, area: QRectF) -> QRectF:
    """``image``'s rectangle scaled to fit ``area`` (aspect kept, centred)."""
    if image.width() == 0 or image.height() == 0:
        return area
    scale = min(area.width() / image.width(), area.height() / image.height())
    width, height = image.width() * scale, image.height() * scale
    return QRectF(area.x() + (area.width() - width) / 2, area.y() + (area.height() - height) / 2, width, height)
