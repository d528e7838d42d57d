"""Parsing untrusted JSON with limits on depth, container count and integer size.

``json.loads`` alone is not safe for a server: 31 KiB of gzip can inflate to millions of tiny
objects (seconds of CPU and a gigabyte of memory), nesting past ~990 levels overflows the C
scanner's recursion guard, and an integer of more than 4 300 digits raises a ``ValueError`` that
is neither a decode error nor cheap to produce. Here the document is measured *before* it is
parsed, with C-speed byte operations only (a regex that blanks string contents, ``bytes.count``
and a few passes that strip innermost bracket pairs), so a bomb is refused after a scan of its
bytes, not after it has been built in memory. Integers longer than :data:`MAX_INT_DIGITS` are
never converted: they are parsed as :class:`HugeInt` markers, which no wire model accepts, so
the change carrying one is refused on its own (see ``sync/server/requests.py``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sync.protocol.errors import server_text

MAX_DEPTH = 48  # a sync request is ~5 levels deep plus the record body (domain bodies use < 10)
MAX_CONTAINERS = 200_000  # objects + arrays; a 1 MiB push of minutes holds about 20 000
MAX_INT_DIGITS = 20  # int64 has 19 digits; anything longer is never a counter, size or domain number

# A JSON string: quote, then any run of non-quote/non-backslash bytes or escape pairs, then quote.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # the "unrolled loop" form: fast
_INNERMOST = re.compile(rb"\{\}|\[\]")
_NON_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]", re.ASCII)


class JsonLimitExceeded(ValueError):
    """The document is well beyond what any client sends: too deep or too many values."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


class BadJson(ValueError):
    """Not a JSON document (syntax, encoding)."""


@dataclass(frozen=True)
class HugeInt:
    """An integer literal too long to be a value we store; kept as text, refused by validation."""

    digits: str

    def __repr__(self) -> str:
        return f"HugeInt({len(self.digits)} digits)"


def _parse_int(text: str) -> int | HugeInt:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        return HugeInt(text)
    return int(text)


def measure(data: bytes, *, max_depth: int = MAX_DEPTH, max_containers: int = MAX_CONTAINERS) -> None:
    """Raise :class:`JsonLimitExceeded` if ``data`` nests deeper or holds more containers than allowed.

    Syntax is not checked here (the parser does that); the brackets inside strings are ignored.
    """
    skeleton = _STRING.sub(b'""', data)
    containers = skeleton.count(b"{") + skeleton.count(b"[")
    if containers > max_containers:
        raise JsonLimitExceeded("too_many_values", f"more than {max_containers} objects and arrays")
    brackets = skeleton.translate(None, _NON_BRACKETS)
    # Each pass removes every innermost pair, so a document of depth d is empty after d passes.
    for _ in range(max_depth):
        if not brackets:
            return
        shorter = _INNERMOST.sub(b"", brackets)
        if len(shorter) == len(brackets):
            return  # unbalanced: not JSON, the parser will say so
        brackets = shorter
    if brackets and _INNERMOST.search(brackets):
        raise JsonLimitExceeded("too_deep", f"nested deeper than {max_depth} levels")


def loads_bounded(data: bytes, *, max_depth: int = MAX_DEPTH, max_containers: int = MAX_CONTAINERS) -> Any:
    """Parse ``data`` (UTF-8 JSON) within the limits; raise :class:`BadJson` or :class:`JsonLimitExceeded`."""
    measure(data, max_depth=max_depth, max_containers=max_containers)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadJson(f"not UTF-8: {exc.reason} at byte {exc.start}") from exc
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise BadJson(str(exc)) from exc
    except RecursionError as exc:  # only if the limits above were raised past the C stack
        raise JsonLimitExceeded("too_deep", "nested too deeply") from exc


def may_hold_surrogates(data: bytes) -> bool:
    """Whether ``data`` contains a ``\\uD800``–``\\uDFFF`` escape (valid JSON, maybe unencodable text)."""
    return _SURROGATE_ESCAPE.search(data) is not None


def bad_text(value: Any, *, _depth: int = 0) -> str | None:
    """Why ``value`` (parsed JSON) cannot be stored as text, or None.

    PostgreSQL refuses NUL in text, and a lone UTF-16 surrogate cannot be encoded as UTF-8 by
    either database; both are valid JSON, so they are found here and refused per change.
    """
    if isinstance(value, str):
        if "\x00" in value:
            return server_text("text_nul")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return server_text("text_surrogate")
        return None
    if isinstance(value, HugeInt):
        return server_text("number_too_large")
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        return server_text("number_too_large")
    if isinstance(value, dict):
        for key, item in value.items():
            found = bad_text(key) or bad_text(item, _depth=_depth + 1)
            if found:
                return found
    elif isinstance(value, list):
        for item in value:
            found = bad_text(item, _depth=_depth + 1)
            if found:
                return found
    return None
