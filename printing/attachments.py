"""A record's attachments on paper: 签到表 scans, activity photos two to a page, PDF pages embedded.

Inspections of 三会一课 look for the evidence behind a record (the signed 签到表, photos of the
activity, the 讲稿), so a printed record — alone or bound in a 台账 — can carry its attachments
after the minutes: first an index (附件目录) of every attachment, then

* 签到表 scans, one page each, as large as the text block allows;
* photos (and any other image) two to a page, each with its caption (图1 …);
* PDF attachments page by page, embedded as vector pages (pdfium imports each page as a form
  XObject into the finished PDF, so the text of a 讲稿 stays sharp and searchable);
* DOCX/PPTX/XLSX are listed in the index only: no renderer for them is bundled.

Images are decoded with Pillow in memory, turned upright by their EXIF orientation (a phone photo
stored with ``Orientation=6`` prints upright) and re-encoded at print resolution, so a 台账 of a
year's photos stays a reasonable size. An attachment that is not on this machine yet (lazy
download), or that fails its integrity check, is named in the index and in the print result's
warnings — never silently left out, never printed as something else.

The input is plain data (:class:`PrintAttachment`: the reference's fields plus a ``load`` that
returns the verified bytes), so the desktop client, the CLI and head office print the same pages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, PageBreak

from domain.errors import LedgerError
from printing.blocks import Kit
from printing.linebreak import CJKParagraph
from printing.pdfium import PDFIUM_LOCK
from printing.styles import TEXT_HEIGHT, TEXT_WIDTH

ROLE_LABELS = {"sign_in_sheet": "签到表", "photo": "活动照片", "lecture": "讲稿/课件", "other": "其他"}
ROLE_ORDER = ("sign_in_sheet", "photo", "lecture", "other")
IMAGE_MIME = frozenset({"image/jpeg", "image/png", "image/heic", "image/heif"})
PDF_MIME = "application/pdf"
OFFICE_KIND = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "演示文稿",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel 表格",
}
PRINT_LONG_EDGE_PX = 1600  # ≈ 180 dpi over the 225 mm text block: a scanned 签到表 stays legible
MAX_EMBEDDED_PAGES = 200  # pages of one attached PDF; the rest are named, not printed
_SLACK = 6.0  # points left free on a page so rounding never pushes a box to the next one
_FRAME = Color(0.6, 0.6, 0.6)


class AttachmentUnavailable(LedgerError):
    """``load`` could not give the bytes; ``str(exc)`` says why in Chinese (未下载到本机, 已损坏)."""


@dataclass(frozen=True)
class PrintAttachment:
    """One attachment to print: the fields of its reference and a way to get its verified bytes.

    ``role`` is an ``AttachmentRole`` value (``sign_in_sheet``, ``photo``, ``lecture``, ``other``).
    ``owner`` names what the attachment belongs to when several records print together (a 先锋岗
    log entry's date); it is prefixed to the caption. ``load`` raises :class:`AttachmentUnavailable`
    when the file is not here or is damaged; it is called once, while the document is laid out
    (and once more for a PDF, when its pages are embedded).
    """

    name: str
    mime: str
    role: str
    load: Callable[[], bytes]
    caption: str = ""
    owner: str = ""

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(str(getattr(self.role, "value", self.role)), "其他")

    @property
    def role_key(self) -> str:
        key = str(getattr(self.role, "value", self.role))
        return key if key in ROLE_LABELS else "other"

    @property
    def shown_caption(self) -> str:
        caption = self.caption.strip()
        return f"{self.owner}：{caption}" if self.owner and caption else (caption or self.owner)

    @classmethod
    def from_ref(cls, ref: Any, load: Callable[[], bytes], owner: str = "") -> PrintAttachment:
        """From an ``AttachmentRef`` (any object with name, mime, role and caption)."""
        return cls(name=ref.name, mime=ref.mime, role=str(getattr(ref.role, "value", ref.role)),
                   caption=getattr(ref, "caption", "") or "", load=load, owner=owner)


# ---------------------------------------------------------------- images


@dataclass(frozen=True)
class PrintImage:
    """An image ready for the page: upright, RGB, JPEG at print resolution."""

    jpeg: bytes
    width: int
    height: int


def prepare_image(data: bytes, long_edge: int = PRINT_LONG_EDGE_PX) -> PrintImage:
    """Decode ``data`` in memory, apply its EXIF orientation, flatten transparency on white and
    re-encode as JPEG with the long edge at most ``long_edge`` pixels. Raises on an image Pillow
    cannot read (the caller prints a note instead)."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened)
        image.draft("RGB", (long_edge, long_edge))  # JPEG: decode at a reduced scale, cheaply
        if image.mode in ("RGBA", "LA", "P"):
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            image = flat
        elif image.mode != "RGB":
            image = image.convert("RGB")
        image.thumbnail((long_edge, long_edge), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85, optimize=True)
        return PrintImage(out.getvalue(), image.width, image.height)


def turned_to_fit(image: PrintImage, box_width: float, box_height: float) -> PrintImage:
    """``image`` turned a quarter (counter-clockwise, as printers' auto-rotate does) when it then fills
    more of the box: a landscape 签到表 scan on a portrait page prints at full size, not a third."""
    upright = min(box_width / image.width, box_height / image.height)
    turned = min(box_width / image.height, box_height / image.width)
    if turned <= upright * 1.15:
        return image
    from PIL import Image

    with Image.open(io.BytesIO(image.jpeg)) as opened:
        rotated = opened.transpose(Image.Transpose.ROTATE_90)
        out = io.BytesIO()
        rotated.save(out, "JPEG", quality=85, optimize=True)
        return PrintImage(out.getvalue(), rotated.width, rotated.height)


class _Box(Flowable):
    """A fixed-size box whose content (of ``size``) is centred in it, with a thin frame around it."""

    def __init__(self, width: float, height: float) -> None:
        super().__init__()
        self.box_width = width
        self.box_height = height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.box_width, self.box_height

    def framed(self, size: tuple[float, float]) -> tuple[float, float, float, float]:
        """Draw the frame of content of ``size`` fitted in the box; returns its x, y, width, height."""
        w, h = _fit(size[0], size[1], self.box_width, self.box_height)
        x, y = (self.box_width - w) / 2, (self.box_height - h) / 2
        self.canv.setStrokeColor(_FRAME)
        self.canv.setLineWidth(0.4)
        self.canv.rect(x, y, w, h)
        return x, y, w, h


class ImageBox(_Box):
    """An image scaled to fit a fixed box (aspect kept, centred)."""

    def __init__(self, image: PrintImage, width: float, height: float) -> None:
        super().__init__(width, height)
        self.image = image

    def draw(self) -> None:
        x, y, w, h = self.framed((self.image.width, self.image.height))
        self.canv.drawImage(ImageReader(io.BytesIO(self.image.jpeg)), x, y, w, h)


def _fit(width: float, height: float, box_width: float, box_height: float) -> tuple[float, float]:
    if width <= 0 or height <= 0:
        return box_width, box_height
    scale = min(box_width / width, box_height / height)
    return width * scale, height * scale


# ---------------------------------------------------------------- PDF pages


@dataclass
class _Placement:
    source: int
    page_index: int
    page: int  # 1-based page of the finished document
    x: float
    y: float
    width: float
    height: float


@dataclass
class PdfEmbedder:
    """Collects where attached PDF pages go while the story is laid out, then stamps them in.

    reportlab cannot read a PDF, so the story holds an :class:`EmbeddedPage` box for each page;
    when the box is drawn it records its page and position here, and :meth:`apply` opens the
    finished document with pdfium and places each source page there as a form XObject. Each
    source is loaded again at that point, one at a time, so only one attached PDF is in memory.
    """

    sources: list[Callable[[], bytes]] = field(default_factory=list)
    placements: list[_Placement] = field(default_factory=list)

    def add_source(self, load: Callable[[], bytes]) -> int:
        self.sources.append(load)
        return len(self.sources) - 1

    def apply(self, pdf: bytes) -> bytes:
        """The finished document with every recorded page stamped in (``pdf`` itself if none)."""
        if not self.placements:
            return pdf
        import pypdfium2 as pdfium

        with PDFIUM_LOCK:
            dest = pdfium.PdfDocument(pdf)
            try:
                for source in sorted({p.source for p in self.placements}):
                    src = pdfium.PdfDocument(self.sources[source]())
                    try:
                        for placement in (p for p in self.placements if p.source == source):
                            _stamp(pdfium, dest, src, placement)
                    finally:
                        src.close()
                out = io.BytesIO()
                dest.save(out)
            finally:
                dest.close()
        return _stable_id(out.getvalue())


def _stamp(pdfium: Any, dest: Any, src: Any, placement: _Placement) -> None:
    page = src[placement.page_index]
    width, height = page.get_size()  # as displayed, i.e. after /Rotate
    rotation = page.get_rotation() % 360
    page.close()
    raw_w, raw_h = (height, width) if rotation in (90, 270) else (width, height)
    # The XObject is the unrotated page; turn it as the viewer would (clockwise), then fit the box.
    turn = {
        0: pdfium.PdfMatrix(),
        90: pdfium.PdfMatrix(0, -1, 1, 0, 0, raw_w),
        180: pdfium.PdfMatrix(-1, 0, 0, -1, raw_w, raw_h),
        270: pdfium.PdfMatrix(0, 1, -1, 0, raw_h, 0),
    }.get(rotation, pdfium.PdfMatrix())
    fitted_w, fitted_h = _fit(width, height, placement.width, placement.height)
    scale = fitted_w / width if width else 1.0
    x = placement.x + (placement.width - fitted_w) / 2
    y = placement.y + (placement.height - fitted_h) / 2
    obj = src.page_as_xobject(placement.page_index, dest).as_pageobject()
    obj.transform(turn.multiply(pdfium.PdfMatrix().scale(scale, scale)).multiply(pdfium.PdfMatrix().translate(x, y)))
    target = dest[placement.page - 1]
    target.insert_obj(obj)
    target.gen_content()
    target.close()


_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")


def _stable_id(pdf: bytes) -> bytes:
    """pdfium gives a saved document a random second file identifier; printing is reproducible
    (the same record prints the same bytes), so the second identifier repeats the first."""
    matches = list(_ID.finditer(pdf))
    if not matches:
        return pdf
    last = matches[-1]
    first = last.group(1)
    return pdf[: last.start(2)] + first + pdf[last.end(2):]


def pdf_page_sizes(data: bytes) -> list[tuple[float, float]]:
    """Each page's displayed size in points (raises when pdfium cannot open ``data``)."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(data)
        try:
            sizes = []
            for index in range(len(doc)):
                page = doc[index]
                sizes.append(tuple(page.get_size()))
                page.close()
            return sizes  # type: ignore[return-value]
        finally:
            doc.close()


class EmbeddedPage(_Box):
    """A box where page ``page_index`` of an attached PDF will be stamped (see PdfEmbedder)."""

    def __init__(self, embedder: PdfEmbedder, source: int, page_index: int, width: float, height: float,
                 page_size: tuple[float, float]) -> None:
        super().__init__(width, height)
        self.embedder = embedder
        self.source = source
        self.page_index = page_index
        self.page_size = page_size

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        self.embedder.placements.append(
            _Placement(self.source, self.page_index, self.canv.getPageNumber(), x, y, self.box_width, self.box_height)
        )
        self.framed(self.page_size)  # the edge of the embedded sheet, so it reads as a page on the page


# ---------------------------------------------------------------- the story


@dataclass
class _Prepared:
    item: PrintAttachment
    number: int
    image: PrintImage | None = None
    pdf_pages: list[tuple[float, float]] = field(default_factory=list)
    source: int | None = None
    problem: str = ""  # why it is not printed ("" when it is)


def _prepare(items: Sequence[PrintAttachment], embedder: PdfEmbedder, warnings: list[str]) -> list[_Prepared]:
    prepared: list[_Prepared] = []
    for number, item in enumerate(items, start=1):
        entry = _Prepared(item, number)
        prepared.append(entry)
        if item.mime in OFFICE_KIND:
            entry.problem = f"{OFFICE_KIND[item.mime]}，电子文件不打印"
            continue
        if item.mime not in IMAGE_MIME and item.mime != PDF_MIME:
            entry.problem = "该类型不能打印"
            continue
        try:
            data = item.load()
        except AttachmentUnavailable as exc:
            entry.problem = f"{exc}，未打印"
            warnings.append(f"附件《{item.name}》{exc}，未打印")
            continue
        try:
            if item.mime == PDF_MIME:
                entry.pdf_pages = pdf_page_sizes(data)
                entry.source = embedder.add_source(item.load)
            else:
                entry.image = prepare_image(data)
        except ImportError:
            entry.problem = "本机缺少 PDF 组件，未打印"
            warnings.append(f"附件《{item.name}》未打印：本机缺少 PDF 组件")
        except Exception:  # any decoder failure is a note on paper, never a crash
            entry.problem = "文件无法读取，未打印"
            warnings.append(f"附件《{item.name}》无法读取，未打印")
        del data
    return prepared


def attachments_story(items: Sequence[PrintAttachment], kit: Kit, embedder: PdfEmbedder,
                      warnings: list[str], *, heading: str = "附件") -> list[Flowable]:
    """The pages that follow a record: the 附件目录, then the attachments by role (module note).

    Starts with a page break; returns ``[]`` when there is nothing attached.
    """
    if not items:
        return []
    ordered = sorted(items, key=lambda a: ROLE_ORDER.index(a.role_key))
    prepared = _prepare(ordered, embedder, warnings)
    story: list[Flowable] = [PageBreak(), kit.heading(f"{heading}（共{len(prepared)}件）")]
    rows = [
        [str(p.number), p.item.role_label, p.item.name, p.item.shown_caption, _where(p)] for p in prepared
    ]
    story.append(kit.table(["序号", "类别", "文件名", "说明", "打印"], rows, [0.08, 0.14, 0.32, 0.28, 0.18],
                           centered=(0, 1)))
    for role in ROLE_ORDER:
        group = [p for p in prepared if p.item.role_key == role and not p.problem]
        if role == "sign_in_sheet":
            story += _full_pages(kit, embedder, group, "签到表扫描件")
            continue
        images = [p for p in group if p.image is not None]
        story += _two_up(kit, images, ROLE_LABELS[role])
        story += _full_pages(kit, embedder, [p for p in group if p.image is None], ROLE_LABELS[role])
    return story


def sign_in_scan_story(items: Sequence[PrintAttachment], kit: Kit, embedder: PdfEmbedder,
                       warnings: list[str], title: Sequence[Flowable] = ()) -> list[Flowable]:
    """The signed 签到表 scans alone, page after page — printed in place of the blank sheet,
    ``title`` on the first page above the first scan.

    Returns ``[]`` when none of ``items`` is a 签到表 scan that can be printed (the caller then
    prints the blank sheet)."""
    scans = [a for a in items if a.role_key == "sign_in_sheet"]
    prepared = [p for p in _prepare(scans, embedder, warnings) if not p.problem]
    story = _full_pages(kit, embedder, prepared, "签到表扫描件", lead=list(title))
    return story[1:] if story and isinstance(story[0], PageBreak) else story


def _where(entry: _Prepared) -> str:
    if entry.problem:
        return entry.problem
    if entry.pdf_pages:
        shown = min(len(entry.pdf_pages), MAX_EMBEDDED_PAGES)
        more = f"（仅前{shown}页）" if len(entry.pdf_pages) > shown else ""
        return f"附后，{len(entry.pdf_pages)}页{more}"
    return "附后"


def _height(flowable: Flowable) -> float:
    """The height ``flowable`` takes in the frame, with the space its style puts around it."""
    height = flowable.wrap(TEXT_WIDTH, TEXT_HEIGHT)[1]
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def _caption(kit: Kit, text: str) -> CJKParagraph:
    return kit.para(text, kit.styles.cell_center)


def _two_up(kit: Kit, entries: list[_Prepared], label: str) -> list[Flowable]:
    """Images two to a page, each with 图N and its caption under it."""
    story: list[Flowable] = []
    total = len(entries)
    for start in range(0, total, 2):
        pair = entries[start:start + 2]
        span = f"第{start + 1}张" if len(pair) == 1 else f"第{start + 1}—{start + 2}张"
        header = kit.para(f"{label}（{span}，共{total}张）", kit.styles.field)
        captions = [
            _caption(kit, f"图{start + i + 1}　{p.item.shown_caption or p.item.name}") for i, p in enumerate(pair)
        ]
        gap = kit.gap(0.4)
        free = TEXT_HEIGHT - _height(header) - sum(_height(c) for c in captions) - _height(gap) * 2 - _SLACK
        box_height = free / 2
        story += [PageBreak(), header]
        for entry, caption in zip(pair, captions, strict=True):
            assert entry.image is not None
            story += [ImageBox(entry.image, TEXT_WIDTH, box_height), caption, kit.gap(0.4)]
    return story


def _full_pages(kit: Kit, embedder: PdfEmbedder, entries: list[_Prepared], label: str,
                lead: list[Flowable] | None = None) -> list[Flowable]:
    """One page per scanned image or per PDF page, as large as the text block allows (``lead``
    goes above the first one)."""
    story: list[Flowable] = []
    pages = [(entry, index) for entry in entries
             for index in (range(min(len(entry.pdf_pages), MAX_EMBEDDED_PAGES)) if entry.pdf_pages else [None])]
    total = len(pages)
    for number, (entry, index) in enumerate(pages, start=1):
        item = entry.item
        if entry.pdf_pages:
            text = f"{label}《{item.name}》第{(index or 0) + 1}页（共{len(entry.pdf_pages)}页）"
        else:
            text = f"{label}（第{number}页，共{total}页）" if label == "签到表扫描件" else f"{label}《{item.name}》"
        header = kit.para(text, kit.styles.field)
        caption = _caption(kit, item.shown_caption) if item.shown_caption else None
        first = lead if lead and number == 1 else []
        used = _height(header) + (_height(caption) if caption is not None else 0) + _SLACK
        used += sum(_height(f) for f in first)
        box: Flowable
        if entry.image is not None:
            box = ImageBox(turned_to_fit(entry.image, TEXT_WIDTH, TEXT_HEIGHT - used), TEXT_WIDTH, TEXT_HEIGHT - used)
        else:
            assert entry.source is not None and index is not None
            box = EmbeddedPage(embedder, entry.source, index, TEXT_WIDTH, TEXT_HEIGHT - used, entry.pdf_pages[index])
        story += [PageBreak(), *first, header, box]
        if caption is not None:
            story.append(caption)
    return story
