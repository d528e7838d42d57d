"""Two-character search terms for Chinese text.

The trigram index cannot answer a 2-character term, yet 2-character words and names are the most
common things a clerk types (党员, 学习, 王芳). Each record also gets the set of its CJK bigrams,
space-separated, in a second FTS5 table (``detail=none``: only "which records contain it" is
needed), so such a term is one index lookup instead of a scan of all text (~520 ms → a few ms on
10 000 meetings).
"""

from __future__ import annotations


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3400 <= code <= 0x9FFF  # Extension A + Unified Ideographs
        or 0xF900 <= code <= 0xFAFF  # Compatibility Ideographs
        or 0x20000 <= code <= 0x3134F  # Extensions B–G (rare name characters)
    )


def cjk_bigrams(text: str) -> str:
    """The distinct bigrams of every run of CJK characters in ``text``, space-separated."""
    seen: dict[str, None] = {}
    previous = ""
    for char in text:
        if _is_cjk(char):
            if previous:
                seen[previous + char] = None
            previous = char
        else:
            previous = ""
    return " ".join(seen)


def is_cjk_bigram(term: str) -> bool:
    return len(term) == 2 and all(_is_cjk(c) for c in term)
