"""Page geometry and paragraph styles: the house style after GB/T 9704-2012 (domain.md §8.1).

A4; top margin 37 mm, binding (left) margin 28 mm, text block 156 × 225 mm; title 22 pt (2号);
body 16 pt (3号) on a 22-line grid (one line = 225 mm / 22 ≈ 29 pt). A 会议记录 is an internal
record, not a 公文, so GB/T 9704 is the look people expect rather than a requirement: where a
record would become unwieldy at 3号 (long minutes), the body steps down to 14 pt (4号) on a 25 pt
grid — see :func:`body_size_for`.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from printing.fonts import FontSet

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP = 37 * mm
MARGIN_LEFT = 28 * mm
TEXT_WIDTH = 156 * mm
TEXT_HEIGHT = 225 * mm
MARGIN_BOTTOM = PAGE_HEIGHT - MARGIN_TOP - TEXT_HEIGHT  # ≈ 35 mm
PAGE_NUMBER_GAP = 7 * mm  # page number sits 7 mm below the text block (GB/T 9704 §7.5)

TITLE_PT = 22.0  # 2号
STANDARD_BODY_PT = 16.0  # 3号
COMPACT_BODY_PT = 14.0  # 4号
TABLE_PT = 12.0  # 小四: tables of names and grades
FOOTER_PT = 10.5  # 五号

# Above this many characters of free text a record is set at 4号: 3号 would run a 30 000-character
# record to about 50 pages. Below it, the standard 3号 grid.
LONG_RECORD_CHARS = 3000


def body_size_for(text_chars: int) -> float:
    """Body size for a record with ``text_chars`` characters of entered text."""
    return STANDARD_BODY_PT if text_chars <= LONG_RECORD_CHARS else COMPACT_BODY_PT


def leading_for(size: float) -> float:
    """Line pitch: the GB/T 9704 grid (22 lines in 225 mm) at 3号, the same proportion below."""
    return round(size * (TEXT_HEIGHT / 22) / STANDARD_BODY_PT, 2)


@dataclass(frozen=True)
class Styles:
    """Every paragraph style one document uses, for one font set and body size."""

    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    field: ParagraphStyle
    plain: ParagraphStyle
    center: ParagraphStyle
    right: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_head: ParagraphStyle
    fonts: FontSet
    body_pt: float

    @classmethod
    def build(cls, fonts: FontSet, body_pt: float = STANDARD_BODY_PT) -> Styles:
        leading = leading_for(body_pt)
        base = ParagraphStyle(
            "bl-base",
            fontName=fonts.body,
            fontSize=body_pt,
            leading=leading,
            wordWrap="CJK",  # break between any two hanzi, with the usual line-start rules
            alignment=TA_JUSTIFY,
        )
        cell_leading = round(TABLE_PT * 1.45, 2)
        cell = ParagraphStyle("bl-cell", parent=base, fontSize=TABLE_PT, leading=cell_leading, alignment=TA_LEFT)
        return cls(
            title=ParagraphStyle(
                "bl-title",
                parent=base,
                fontName=fonts.title,
                fontSize=TITLE_PT,
                leading=TITLE_PT * 1.45,
                alignment=TA_CENTER,
                spaceAfter=leading * 0.5,
            ),
            subtitle=ParagraphStyle("bl-subtitle", parent=base, alignment=TA_CENTER, spaceAfter=leading * 0.3),
            # 一级标题 in 黑体 per GB/T 9704; the bundled set has no 黑体 and uses the bold serif.
            # No keepWithNext: reportlab would push a heading and a long speech to a fresh page
            # together; Kit.section puts a conditional page break before the heading instead.
            heading=ParagraphStyle("bl-heading", parent=base, fontName=fonts.heading, spaceBefore=leading * 0.5),
            body=ParagraphStyle("bl-body", parent=base, firstLineIndent=2 * body_pt),
            # "标签：内容" lines: wrapped lines hang under the content, not under the label.
            field=ParagraphStyle("bl-field", parent=base, alignment=TA_LEFT),
            plain=ParagraphStyle("bl-plain", parent=base, alignment=TA_LEFT),
            center=ParagraphStyle("bl-center", parent=base, alignment=TA_CENTER),
            right=ParagraphStyle("bl-right", parent=base, alignment=TA_RIGHT),
            note=ParagraphStyle("bl-note", parent=base, fontSize=FOOTER_PT, leading=FOOTER_PT * 1.5, alignment=TA_LEFT),
            cell=cell,
            cell_center=ParagraphStyle("bl-cell-center", parent=cell, alignment=TA_CENTER),
            cell_head=ParagraphStyle("bl-cell-head", parent=cell, fontName=fonts.heading, alignment=TA_CENTER),
            fonts=fonts,
            body_pt=body_pt,
        )

    def hanging(self, label_chars: int) -> ParagraphStyle:
        """A field style whose continuation lines start under the value, ``label_chars`` in."""
        indent = label_chars * self.body_pt
        return ParagraphStyle(f"bl-hang-{label_chars}", parent=self.field, leftIndent=indent, firstLineIndent=-indent)
