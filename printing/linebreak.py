"""Chinese line breaking (禁则) for reportlab paragraphs.

reportlab's CJK wrapping knows the Japanese line-start rules but not the full-width Chinese
punctuation (，：；？！” are missing from its table), never keeps an opening bracket off a line end,
and cuts numbers in two ("1|0人"). On a printed record that puts "：2人" or "，指导）" at the start
of a line. :class:`CJKParagraph` uses :func:`split_cjk_frags` instead, which follows the usual
rules of GB/T 15834 practice:

* closing punctuation never starts a line: the character before it moves down with it (推出),
  or, when that is impossible, it hangs in the right margin;
* opening punctuation never ends a line: it moves to the next line;
* a run of Latin letters or digits is not cut, unless it is longer than half a line.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus.paragraph import (
    Paragraph,
    ParaLines,
    _handleBulletWidth,  # type: ignore[attr-defined]
    cjkU,  # type: ignore[attr-defined]
    makeCJKParaLine,  # type: ignore[attr-defined]
)

CANNOT_START = frozenset("，。、；：？！）】》〉」』”’…—～·％‰℃°′″!),.:;?]}%々ー゛゜ヽヾゝゞ〕］｝")
CANNOT_END = frozenset("（【《〈「『“‘〔［｛([{＄￥$£")
_FUZZ = 1e-6


def _is_word_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "._-/:@")


def split_cjk_frags(frags: list[Any], max_widths: list[float], calc_bounds: bool) -> Any:
    """Greedy character wrapping of ``frags`` with the rules in the module docstring."""
    units: list[Any] = []
    for frag in frags:
        text = getattr(frag, "text", "")
        if isinstance(text, bytes):
            text = text.decode("utf8")
        if text:
            units.extend(cjkU(ch, frag, "utf8") for ch in text)
        else:
            units.append(cjkU(text, frag, "utf8"))

    lines: list[Any] = []
    start = 0
    count = len(units)
    while start < count:
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        used = 0.0
        end = start
        line_break = False
        while end < count:
            unit = units[end]
            if hasattr(unit.frag, "lineBreak"):
                end += 1
                line_break = True
                break
            if used + unit.width > max_width + _FUZZ and end > start:
                break
            used += unit.width
            end += 1
        if not line_break and end < count:
            end = _adjust_break(units, start, end)
        width = sum(u.width for u in units[start:end])
        lines.append(makeCJKParaLine(units[start:end], max_width, width, max_width - width, line_break, calc_bounds))
        start = end
    return ParaLines(kind=1, lines=lines)


def _adjust_break(units: list[Any], start: int, end: int) -> int:
    """Move the break at ``end`` (first character of the next line) so no rule is broken."""
    if str(units[end]) in CANNOT_START:
        # push the last characters down with the punctuation (推出), at most three
        pos = end - 1
        while pos > start + 1 and end - pos <= 3 and str(units[pos]) in CANNOT_START:
            pos -= 1
        if not (pos > start and str(units[pos]) not in CANNOT_START and end - pos <= 3):
            return end + 1  # nothing sensible to push: hang the punctuation in the margin
        end = pos
    before, after = str(units[end - 1]), str(units[end])
    if _is_word_char(before) and (_is_word_char(after) or (before.isdigit() and after not in CANNOT_END)):
        # keep a number or Latin word whole, and a number with its unit ("10人", "2025年"),
        # unless it is longer than half a line
        limit = start + (end - start) // 2
        pos = end
        while pos > limit and _is_word_char(str(units[pos - 1])):
            pos -= 1
        if pos > limit:
            end = pos
    while end - 1 > start and str(units[end - 1]) in CANNOT_END:
        end -= 1  # an opening bracket goes down with what it opens
    return end


class CJKParagraph(Paragraph):
    """A Paragraph that wraps Chinese text with :func:`split_cjk_frags`."""

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara
        _handleBulletWidth(self.bulletText, self.style, maxWidths)
        self.height = 0
        frags = self.frags
        if not frags:
            style = self.style
            return ParaLines(
                kind=0,
                fontSize=style.fontSize,
                fontName=style.fontName,
                textColor=style.textColor,
                lines=[],
                ascent=style.fontSize,
                descent=-0.2 * style.fontSize,
            )
        auto_leading = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        return split_cjk_frags(frags, list(maxWidths), auto_leading not in ("", "off"))
