"""Text from branches, made safe to print on an admin's terminal.

Device names, record titles and org names come from branch laptops (or anyone holding a code).
Printed raw, an escape sequence in them can recolour, hide or rewrite what the admin reads
(``ESC]…`` even sets the window title, some terminals answer queries into the input). Every
control character (C0, DEL, C1) and the Unicode bidirectional overrides are shown as visible
``\\xNN``/``\\uNNNN`` escapes instead; JSON output escapes the same characters as ``\\uNNNN``.
"""

from __future__ import annotations

import json
import re
from typing import Any

_BIDI_AND_C1 = "\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0a-\x1f{_BIDI_AND_C1}]")  # a tab is harmless
_UNSAFE_IN_JSON = re.compile(f"[{_BIDI_AND_C1}]")  # json.dumps already escapes C0 inside strings


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_line(text: object) -> str:
    """``text`` with every control or bidi character shown as an escape (newlines included)."""
    return _UNSAFE.sub(_escape, str(text))


def safe_text(text: str) -> str:
    """Like :func:`safe_line` for each line of ``text``, keeping the line breaks."""
    return "\n".join(safe_line(line) for line in text.split("\n"))


def safe_json(value: Any) -> str:
    """Indented JSON in which no string can carry a terminal control sequence."""
    dumped = json.dumps(value, ensure_ascii=False, indent=2)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
