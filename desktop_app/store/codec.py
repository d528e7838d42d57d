"""How record bodies are stored: compact JSON, zlib-compressed.

A meeting's minutes run to several KB of Chinese text; stored raw, each copy (current record and
revision) overflows a 4 KB page and the file grows ~30 KB per meeting. Compressed, a typical body
fits in well under half a page. Everything is still inside the encrypted file.
"""

from __future__ import annotations

import json
import zlib
from typing import Any


def pack(body_json: dict[str, Any]) -> bytes:
    return pack_text(body_text(body_json))


def body_text(body_json: dict[str, Any]) -> str:
    """The body's stored JSON text (compact, not ASCII-escaped)."""
    return json.dumps(body_json, ensure_ascii=False, separators=(",", ":"))


def pack_text(text: str) -> bytes:
    """:func:`pack` of a body already serialized by :func:`body_text` (a pulled page keeps the text
    to index it, instead of decompressing what it just compressed)."""
    return zlib.compress(text.encode("utf-8"), 6)


def unpack_text(blob: bytes | str) -> str:
    if isinstance(blob, str):  # tolerate rows written as text by hand or by older tools
        return blob
    return zlib.decompress(blob).decode("utf-8")


def unpack(blob: bytes | str) -> dict[str, Any]:
    value = json.loads(unpack_text(blob))
    if not isinstance(value, dict):
        raise ValueError("stored body is not a JSON object")
    return value
