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


def canonical_json(value: Any) -> bytes:
    """Encode ``value`` canonically as UTF-8 bytes."""
    return json.dumps(
        _normalize(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")
