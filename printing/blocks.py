"""Building blocks shared by every document: field lines, tables, signature lines.

Every helper takes plain text and runs it through the document's :class:`TextSetter`, so no
caller can forget the font fallback or the escaping. Empty optional values produce nothing at
all — a printed "地点：" followed by nothing, or "None", reads as a mistake on paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import black
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table, TableStyle

from printing.fonts import FontSet
from printing.linebreak import CJKParagraph
from printing.styles import TEXT_WIDTH, Styles
from printing.text import TextSetter


@dataclass
class Kit:
    """The styles and the text setter of one document, passed to every section builder."""

    styles: Styles
    setter: TextSetter

    @classmethod
    def build(cls, fonts: FontSet, body_pt: float, setter: TextSetter | None = None) -> Kit:
        """A kit for body text of ``body_pt``; documents bound into one PDF share one ``setter``."""
        return cls(Styles.build(fonts, body_pt), setter or TextSetter(fonts))

    # ------------------------------------------------------------- inline markup

    def text(self, value: str, font: str | None = None) -> str:
        """Markup for ``value`` set in ``font`` (the body font by default)."""
        font = font or self.styles.fonts.body
        inner = self.setter.markup(value, font)
        return inner if font == self.styles.fonts.body else f'<font face="{font}">{inner}</font>'

    def label(self, value: str) -> str:
        """A label in the heading font, like the 黑体 "出席：" of a GB/T 9704 纪要."""
        return self.text(value, self.styles.fonts.heading)

    # ------------------------------------------------------------- paragraphs

    def para(self, value: str, style: ParagraphStyle | None = None) -> CJKParagraph:
        style = style or self.styles.body
        return CJKParagraph(self.setter.markup(value, style.fontName), style)

    def paras(self, value: str, style: ParagraphStyle | None = None) -> list[Flowable]:
        """One paragraph per line of ``value`` (blank lines dropped)."""
        return [self.para(line.strip(), style) for line in value.splitlines() if line.strip()]

    def title(self, branch: str, document: str) -> list[Flowable]:
        """The 22 pt title: one line if branch name and document name fit, else two lines."""
        style = self.styles.title
        branch = branch.strip()
        combined = f"{branch} {document}" if branch else document
        if stringWidth(combined, style.fontName, style.fontSize) <= TEXT_WIDTH:
            return [self.para(combined, style)]
        first = ParagraphStyle("bl-title-first", parent=style, spaceAfter=0)
        return [self.para(branch, first), self.para(document, style)]

    def section(self, value: str, min_lines: float = 5) -> list[Flowable]:
        """A heading that starts a new page when fewer than ``min_lines`` lines remain.

        ``keepWithNext`` would drag a whole table or a long speech onto the next page with the
        heading and leave the rest of this one empty; this only avoids an orphaned heading.
        """
        return [CondPageBreak(self.styles.body.leading * min_lines), self.heading(value)]

    def heading(self, value: str) -> CJKParagraph:
        return CJKParagraph(self.setter.markup(value, self.styles.heading.fontName), self.styles.heading)

    def field(self, label: str, value: str, *, always: bool = False) -> CJKParagraph | None:
        """'标签：内容' with continuation lines hanging under the content; None when empty."""
        value = value.strip()
        if not value and not always:
            return None
        style = self.styles.hanging(len(label) + 1)
        return CJKParagraph(self.label(f"{label}：") + self.text(value), style)

    def field_pair(self, left: tuple[str, str], right: tuple[str, str]) -> Flowable | None:
        """Two short fields side by side; separate lines if either is empty or would wrap."""
        filled = [(lab, val.strip()) for lab, val in (left, right) if val.strip()]
        widths = [TEXT_WIDTH * 0.55, TEXT_WIDTH * 0.45]
        fits = len(filled) == 2 and all(
            self._width(lab, val) <= width - 4 for (lab, val), width in zip(filled, widths, strict=True)
        )
        if not fits:
            lines = [self.field(lab, val) for lab, val in filled]
            if not lines:
                return None
            return lines[0] if len(lines) == 1 else KeepTogether(lines)  # type: ignore[arg-type]
        cells = [[self.field(lab, val) for lab, val in filled]]
        table = Table(cells, colWidths=widths)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return table

    def _width(self, label: str, value: str) -> float:
        size = self.styles.field.fontSize
        label_width = stringWidth(f"{label}：", self.styles.fonts.heading, size)
        value_width = sum(
            stringWidth(chunk, font, size) for font, chunk in self.setter.runs(value, self.styles.fonts.body)
        )
        return label_width + value_width

    def numbered(self, items: Sequence[str], style: ParagraphStyle | None = None) -> list[Flowable]:
        """'1. …' lines with wrapped lines hanging under the text."""
        base = style or self.styles.field
        out: list[Flowable] = []
        for number, item in enumerate(items, start=1):
            prefix = f"{number}. "
            indent = stringWidth(prefix, self.styles.fonts.body, base.fontSize)
            hang = ParagraphStyle(f"{base.name}-num", parent=base, leftIndent=indent, firstLineIndent=-indent)
            out.append(CJKParagraph(self.text(prefix) + self.text(item.strip()), hang))
        return out

    # ------------------------------------------------------------- tables

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        centered: Sequence[int] = (),
        min_row_height: float | None = None,
        header: bool = True,
    ) -> Table:
        """A ruled table with a repeated header row; ``widths`` are fractions of the text width.

        ``min_row_height`` pads one-line rows up to that height (room to write by hand); rows
        with more text grow instead of overflowing their cell. ``header=False`` leaves the header
        row out (the rest of a table continued from above).
        """
        styles = self.styles
        head = [CJKParagraph(self.text(h, styles.fonts.heading), styles.cell_head) for h in headers]
        body: list[list[CJKParagraph]] = []
        for row in rows:
            body.append(
                [
                    CJKParagraph(
                        self.setter.markup(str(cell), styles.fonts.body),
                        styles.cell_center if index in centered else styles.cell,
                    )
                    for index, cell in enumerate(row)
                ]
            )
        first = 1 if header else 0
        table = Table(
            [head, *body] if header else body, colWidths=[TEXT_WIDTH * w for w in widths], repeatRows=first
        )
        commands: list[tuple[object, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.6, black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
        if min_row_height is not None and body:
            pad = max(3.0, (min_row_height - styles.cell.leading) / 2)
            commands += [("TOPPADDING", (0, first), (-1, -1), pad), ("BOTTOMPADDING", (0, first), (-1, -1), pad)]
        table.setStyle(TableStyle(commands))
        return table

    # ------------------------------------------------------------- signatures

    def signatures(self, labels: Sequence[str], date_line: bool = False) -> Flowable:
        """Handwriting lines ('主持人（签字）：＿＿＿') side by side, with an optional date line."""
        return SignatureLines(self, labels, date_line)

    def gap(self, lines: float = 0.5) -> Spacer:
        return Spacer(1, self.styles.body.leading * lines)


class SignatureLines(Flowable):
    """Labels followed by ruled blanks drawn on the text baseline, kept on one page.

    Drawn directly rather than as a table so that the rule sits on the baseline of the label
    and the blanks of "年　月　日" keep their width (paragraphs collapse runs of spaces).
    """

    def __init__(self, kit: Kit, labels: Sequence[str], date_line: bool) -> None:
        super().__init__()
        self.kit = kit
        self.labels = [f"{label}（签字）：" for label in labels]
        self.date_line = date_line
        self.size = kit.styles.plain.fontSize
        self.leading = kit.styles.plain.leading
        for label in self.labels:
            kit.setter.check(label, kit.styles.fonts.heading)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.leading * (2.6 if self.date_line else 1.6)
        return self.width, self.height

    def _text(self, x: float, y: float, text: str, font: str) -> float:
        for run_font, chunk in self.kit.setter.runs(text, font):
            self.canv.setFont(run_font, self.size)
            self.canv.drawString(x, y, chunk)
            x += stringWidth(chunk, run_font, self.size)
        return x

    def draw(self) -> None:
        canvas = self.canv
        fonts = self.kit.styles.fonts
        slot = self.width / len(self.labels)
        baseline = self.height - self.leading * 1.3
        canvas.setLineWidth(0.6)
        for index, label in enumerate(self.labels):
            x = self._text(index * slot, baseline, label, fonts.heading)
            canvas.line(x + 2, baseline - 2, (index + 1) * slot - self.size, baseline - 2)
        if self.date_line:
            gap = self.size * 2.5
            y = baseline - self.leading
            x = self.width - self.size * 3 - gap * 3
            for word in ("年", "月", "日"):
                x = self._text(x + gap, y, word, fonts.body)


def compact(items: Sequence[Flowable | None]) -> list[Flowable]:
    """Drop the ``None`` an empty optional field produced."""
    return [item for item in items if item is not None]
