"""Plain text → reportlab paragraph markup, with a font chosen for every character.

reportlab draws a character its font lacks as an empty box (or nothing), and the clerk would not
notice until the printed 会议记录 is filed with a member's name missing a character. So every
piece of text goes through :class:`TextSetter`: a character the role's font lacks is set in the
first fallback font that has it; a character no font has becomes :data:`PLACEHOLDER` and is
collected in :attr:`TextSetter.missing`, which the render functions return so the CLI and the UI
can warn.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from printing.fonts import PLACEHOLDER, FontSet, glyph_map

# Invisible characters that carry no glyph of their own; dropping them loses nothing.
_IGNORABLE = frozenset(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]
)


class TextSetter:
    """Turns clerk-entered text into safe markup for one document, remembering missing glyphs."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        self._missing: dict[str, None] = {}  # insertion-ordered set

    @property
    def missing(self) -> list[str]:
        """Characters no available font could draw, in order of first appearance."""
        return list(self._missing)

    def font_for(self, char: str, primary: str) -> str | None:
        """The first font of ``primary``'s chain that has ``char``; None if none has it."""
        cp = ord(char)
        for name in self.fonts.chain(primary):
            if cp in glyph_map(name):
                return name
        return None

    def runs(self, text: str, primary: str) -> list[tuple[str, str]]:
        """Split ``text`` into (font, text) runs; line breaks are kept as ``\\n``."""
        out: list[tuple[str, str]] = []
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
        for char in text:
            cp = ord(char)
            if char == "\n":
                font = primary
            elif cp in _IGNORABLE or cp < 0x20 or 0x7F <= cp < 0xA0:
                continue
            else:
                found = self.font_for(char, primary)
                if found is None:
                    self._missing.setdefault(char, None)
                    char = PLACEHOLDER
                    found = self.font_for(char, primary)
                font = found or primary
            if out and out[-1][0] == font:
                out[-1] = (font, out[-1][1] + char)
            else:
                out.append((font, char))
        return out

    def markup(self, text: str, primary: str | None = None) -> str:
        """Paragraph markup for ``text`` in ``primary`` (the body font by default).

        Runs in another font are wrapped in ``<font face=...>``; ``<``, ``>`` and ``&`` typed by
        the clerk are escaped, so nothing entered can inject markup.
        """
        primary = primary or self.fonts.body
        parts: list[str] = []
        for font, chunk in self.runs(text, primary):
            # &#12288;: reportlab collapses a literal U+3000 like any space, an entity survives
            body = escape(chunk).replace("\n", "<br/>").replace("\u3000", "&#12288;")
            parts.append(body if font == primary else f'<font face="{font}">{body}</font>')
        return "".join(parts)

    def check(self, text: str, primary: str | None = None) -> None:
        """Record missing characters of text drawn directly on the canvas (footers, watermarks)."""
        self.runs(text, primary or self.fonts.body)
