"""Font fallback, placeholders and escaping (printing.text) and Chinese line breaking (printing.linebreak)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle

from printing.fonts import PLACEHOLDER, FontSet, glyph_map
from printing.linebreak import CANNOT_END, CANNOT_START, CJKParagraph
from printing.text import TextSetter


def test_character_missing_from_every_font_is_replaced_and_reported(fonts: FontSet) -> None:
    setter = TextSetter(fonts)
    markup = setter.markup("王𪚥明、李𪚥")
    assert "𪚥" not in markup and markup.count(PLACEHOLDER) == 2
    assert setter.missing == ["𪚥"]


def test_extension_b_outside_the_bundled_subset_is_reported(fonts: FontSet) -> None:
    setter = TextSetter(fonts)
    setter.markup("𠀾")
    assert setter.missing == ["𠀾"]


def test_symbols_fall_back_to_the_symbol_font(fonts: FontSet) -> None:
    setter = TextSetter(fonts)
    symbol_font = fonts.fallbacks[-1]
    assert ord("☑") not in glyph_map(fonts.body) and ord("☑") in glyph_map(symbol_font)
    assert setter.markup("☑交纳党费") == f'<font face="{symbol_font}">☑</font>交纳党费'
    assert setter.missing == []


def test_rare_title_character_falls_back_from_bold_to_regular(fonts: FontSet) -> None:
    setter = TextSetter(fonts)
    assert ord("䶮") not in glyph_map(fonts.title)  # the bold face keeps GB2312 only
    assert setter.runs("刘䶮", fonts.title) == [(fonts.title, "刘"), (fonts.body, "䶮")]


def test_markup_is_escaped_and_invisible_characters_dropped(fonts: FontSet) -> None:
    setter = TextSetter(fonts)
    assert setter.markup("<b>A&B</b>\u200b\nC") == "&lt;b&gt;A&amp;B&lt;/b&gt;<br/>C"
    assert setter.markup("甲\u3000乙") == "甲&#12288;乙"


def _lines(fonts: FontSet, text: str, width: float) -> list[str]:
    style = ParagraphStyle("t", fontName=fonts.body, fontSize=12, leading=16, wordWrap="CJK")
    para = CJKParagraph(TextSetter(fonts).markup(text), style)
    para.wrap(width, 10_000)
    return ["".join(word.text for word in line.words) for line in para.blPara.lines]


def test_known_breaks(fonts: FontSet) -> None:
    lines = _lines(fonts, "应到：12人（其中有表决权10人）实到：10人缺席：2人", 12 * 13)
    assert "".join(lines) == "应到：12人（其中有表决权10人）实到：10人缺席：2人"
    for line in lines:
        assert line[0] not in CANNOT_START and line[-1] not in CANNOT_END
    assert not any(a.endswith("1") and b.startswith("0") for a, b in itertools.pairwise(lines))


_TEXT = st.text(
    alphabet=st.sampled_from(
        list("党支部会议记录林场防火同志学习") + list("，。；：、）（《》“”") + list("0123456789ab")
    ),
    min_size=1,
    max_size=200,
)


@settings(max_examples=60, deadline=None)
@given(text=_TEXT, chars_per_line=st.integers(min_value=4, max_value=30))
def test_line_breaking_keeps_every_character_and_the_rules(fonts: FontSet, text: str, chars_per_line: int) -> None:
    width = 12 * chars_per_line
    lines = _lines(fonts, text, width)
    assert "".join(lines) == text
    for index, line in enumerate(lines):
        if index > 0 and line[0] in CANNOT_START:
            # allowed only when the previous line could give nothing away (all punctuation)
            assert all(ch in CANNOT_START for ch in lines[index - 1][-3:])
        if index < len(lines) - 1:
            assert line[-1] not in CANNOT_END or len(line) == 1
