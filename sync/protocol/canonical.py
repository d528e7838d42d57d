"""Canonical JSON: one byte sequence per value, so hashes and signatures agree on every machine.

Our subset of RFC 8785: keys sorted (all our keys are ASCII, where code-point order equals
UTF-16 order), compact separators, UTF-8, no floats (Decimals travel as strings), text NFC.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from decimal import Decimal
from enum import Enum
from typing import Any


class NonCanonicalValue(TypeError):
    """A value that has no single canonical form (a float, a set, an arbitrary object)."""


def _normalize(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, Enum):
        return _normalize(value.value)
    if isinstance(value, float):
        raise NonCanonicalValue("floats are not allowed in canonical JSON; use Decimal or int")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {unicodedata.normalize("NFC", str(k)): _normalize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalize(v) for v in value]
    raise NonCanonicalValue(f"cannot encode {type(value).__name__} canonically")


def _plain(value: Any) -> bool:
    """Whether ``value`` is already in canonical shape: JSON-native types only, every text NFC.

    Then its canonical form is plain ``json.dumps`` with sorted keys, and no normalized copy of it
    needs building. (Floats, Enums, Decimals, dates, tuples and non-NFC text take the slow path.)
    """
    kind = type(value)
    if kind is str:
        return unicodedata.is_normalized("NFC", value)
    if kind is dict:
        return all(type(k) is str and unicodedata.is_normalized("NFC", k) and _plain(v) for k, v in value.items())
    if kind is list:
        return all(_plain(v) for v in value)
    return kind is int or kind is bool or value is None


def canonical_text_checked(value: Any) -> tuple[str, bool]:
    """``(canonical JSON text, whether value was already canonical)``.

    When the flag is True the text is also exactly ``json.dumps(value, ensure_ascii=False,
    sort_keys=True, separators=(",", ":"))``, so a caller that stores that form (head office
    keeps bodies that way) can reuse it instead of serializing the body a second time.
    """
    if _plain(value):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")), True
    normalized = json.dumps(
        _normalize(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )
    return normalized, False


def canonical_text(value: Any) -> str:
    """Encode ``value`` canonically as text (:func:`canonical_json` before UTF-8)."""
    return canonical_text_checked(value)[0]


def canonical_json(value: Any) -> bytes:
    """Encode ``value`` canonically as UTF-8 bytes."""
    return canonical_text(value).encode("utf-8")
