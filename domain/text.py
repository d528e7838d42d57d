"""The human-written text of a record body: what full-text search over a record should see.

Shared by the client's search index and head office's, so a word found on the laptop is found at
head office too.
"""

from __future__ import annotations

from typing import Any

from domain.enums import LabelledEnum

# An attachment's digest and type are codes, not words (its file name and caption are searched).
_NOT_TEXT = frozenset({"sha256", "mime"})


def human_strings(value: Any, out: list[str] | None = None) -> list[str]:
    """Every string typed into ``value`` (a body, list or dict) and every code's Chinese label;
    ids and revision fields (``*_id``, ``*_ids``, ``*_rev``) are left out — not worth searching."""
    out = [] if out is None else out
    if isinstance(value, LabelledEnum):
        out.append(value.label)
    elif isinstance(value, str):
        if value:
            out.append(value)
    elif hasattr(type(value), "model_fields"):
        for name in type(value).model_fields:
            if not name.endswith(("_id", "_ids", "_rev")) and name not in _NOT_TEXT:
                human_strings(getattr(value, name), out)
    elif isinstance(value, list | tuple):
        for item in value:
            human_strings(item, out)
    elif isinstance(value, dict):
        for key, item in value.items():
            out.append(str(key))
            human_strings(item, out)
    return out
