"""The page machinery every document shares: frame, "第 X 页 共 Y 页", the 草稿 watermark.

"共 Y 页" is only known when the story has been laid out, so the canvas keeps each finished page
and draws the footers when the document is saved (the usual reportlab two-stage canvas). What a
page needs — watermark or not, the record-number line — is set by :class:`PageMark` flowables
placed in the story; a ledger that prints a draft record after a final one switches the
watermark on exactly for that record's pages.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from reportlab.lib.colors import Color, black
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from printing.fonts import FontSet
from printing.styles import (
    FOOTER_PT,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_NUMBER_GAP,
    PAGE_WIDTH,
    TEXT_HEIGHT,
    TEXT_WIDTH,
)
from printing.text import TextSetter

if TYPE_CHECKING:
    from printing.attachments import PdfEmbedder

Output = Path | str | BinaryIO | None

DRAFT_WATERMARK = "草稿"
_WATERMARK_COLOR = Color(0.55, 0.55, 0.55, alpha=0.22)
_NOTE_COLOR = Color(0.35, 0.35, 0.35)


@dataclass
class PrintResult:
    """What a render call produced.

    ``missing_chars`` lists characters no font could draw (printed as 〓): show them to the clerk
    before the paper is filed. ``data`` holds the PDF when no output path or stream was given.
    ``warnings`` are problems found while printing (a vote whose counts do not add up).
    """

    pages: int
    missing_chars: list[str]
    size_bytes: int
    path: Path | None = None
    data: bytes | None = None
    warnings: list[str] = field(default_factory=list)
    fonts: dict[str, str] = field(default_factory=dict)


class PageMark(Flowable):
    """Zero-size marker: from the page it lands on, pages get this watermark and footer note."""

    def __init__(self, watermark: str | None, note: str = "") -> None:
        super().__init__()
        self.watermark = watermark
        self.note = note
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bl_watermark = self.watermark  # type: ignore[attr-defined]
        self.canv.bl_note = self.note  # type: ignore[attr-defined]


def _canvas_factory(fonts: FontSet, setter: TextSetter, totals: list[int]) -> Callable[..., Canvas]:
    class DecoratedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Start in our own font, or reportlab references a non-embedded Helvetica.
            # (BaseDocTemplate passes initialFontName=None explicitly, so setdefault is not enough.)
            if kwargs.get("initialFontName") is None:
                kwargs["initialFontName"] = fonts.body
            super().__init__(*args, **kwargs)
            self.bl_watermark: str | None = None
            self.bl_note = ""
            self._bl_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._bl_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._bl_pages)
            for number, state in enumerate(self._bl_pages, start=1):
                self.__dict__.update(state)
                _decorate(self, fonts, setter, number, total)
                Canvas.showPage(self)
            totals.append(total)
            Canvas.save(self)

    return DecoratedCanvas


def _decorate(canvas: Canvas, fonts: FontSet, setter: TextSetter, number: int, total: int) -> None:
    watermark = getattr(canvas, "bl_watermark", None)
    note = getattr(canvas, "bl_note", "")
    canvas.saveState()
    if watermark:
        setter.check(watermark, fonts.title)
        canvas.setFillColor(_WATERMARK_COLOR)
        canvas.setFont(fonts.title, 150)
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canvas.rotate(45)
        canvas.drawCentredString(0, -50, watermark)
        canvas.rotate(-45)
        canvas.translate(-PAGE_WIDTH / 2, -PAGE_HEIGHT / 2)
    text = f"第 {number} 页 共 {total} 页"
    baseline = MARGIN_BOTTOM - PAGE_NUMBER_GAP - FOOTER_PT
    canvas.setFillColor(black)
    canvas.setFont(fonts.body, FOOTER_PT)
    canvas.drawCentredString(PAGE_WIDTH / 2, baseline, text)
    if note:
        _draw_note(canvas, fonts, setter, note, baseline - FOOTER_PT * 1.6)
    canvas.restoreState()


def _draw_note(canvas: Canvas, fonts: FontSet, setter: TextSetter, note: str, baseline: float) -> None:
    """The small record-identity line under the page number, run by run for fallback fonts."""
    size = 7.5
    runs = setter.runs(note.replace("\n", " "), fonts.body)
    width = sum(stringWidth(chunk, font, size) for font, chunk in runs)
    x = (PAGE_WIDTH - width) / 2
    canvas.setFillColor(_NOTE_COLOR)
    for font, chunk in runs:
        canvas.setFont(font, size)
        canvas.drawString(x, baseline, chunk)
        x += stringWidth(chunk, font, size)


def build_pdf(
    story: Sequence[Flowable],
    out: Output,
    *,
    fonts: FontSet,
    setter: TextSetter,
    title: str,
    author: str = "",
    subject: str = "",
    warnings: Sequence[str] = (),
    embedder: PdfEmbedder | None = None,
) -> PrintResult:
    """Lay ``story`` out on the house-style A4 page and write it to ``out`` (None: return bytes).

    Output is byte-for-byte reproducible (reportlab's invariant mode: fixed creation date and
    document id), so head office and the client produce the same file from the same record.
    ``embedder`` stamps attached PDF pages into the laid-out document (printing.attachments).
    """
    if embedder is not None and embedder.sources:
        return _build_with_embedded(story, out, embedder, fonts=fonts, setter=setter, title=title,
                                    author=author, subject=subject, warnings=warnings)
    target: Any
    buffer: io.BytesIO | None = None
    path: Path | None = None
    if out is None:
        buffer = io.BytesIO()
        target = buffer
    elif isinstance(out, str | Path):
        path = Path(out)
        target = str(path)
    else:
        target = out
    totals: list[int] = []
    doc = BaseDocTemplate(
        target,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        leftMargin=MARGIN_LEFT,
        rightMargin=PAGE_WIDTH - MARGIN_LEFT - TEXT_WIDTH,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author,
        subject=subject,
        creator="BranchLedger 支部台账",
        invariant=1,
        pageCompression=1,
    )
    frame = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        TEXT_WIDTH,
        TEXT_HEIGHT,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="text-block",
    )
    doc.addPageTemplates([PageTemplate(id="a4", frames=[frame])])
    doc.build(list(story), canvasmaker=_canvas_factory(fonts, setter, totals))
    data = buffer.getvalue() if buffer is not None else None
    if data is not None:
        size = len(data)
    elif path is not None:
        size = path.stat().st_size
    else:
        size = _stream_size(target)
    return PrintResult(
        pages=totals[-1] if totals else 0,
        missing_chars=setter.missing,
        size_bytes=size,
        path=path,
        data=data,
        warnings=list(dict.fromkeys(warnings)),
        fonts=dict(fonts.descriptions),
    )


def _build_with_embedded(story: Sequence[Flowable], out: Output, embedder: PdfEmbedder, **options: Any) -> PrintResult:
    """Lay out to memory, stamp the attached PDF pages in, then write ``out``."""
    laid_out = build_pdf(story, None, **options)
    data = embedder.apply(laid_out.data or b"")
    if out is None:
        return replace(laid_out, data=data, size_bytes=len(data))
    if isinstance(out, str | Path):
        path = Path(out)
        path.write_bytes(data)
        return replace(laid_out, data=None, path=path, size_bytes=len(data))
    out.write(data)
    return replace(laid_out, data=None, size_bytes=len(data))


def _stream_size(stream: Any) -> int:
    try:
        return int(stream.tell())
    except (AttributeError, OSError, ValueError):
        return 0
