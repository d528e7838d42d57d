"""Sync conflicts (冲突): list them, compare their versions field by field, merge, resolve.

A conflict is detected on the client when a pull brings a revision whose parents do not include
the local one (``desktop_app.store.sync_state.StoreSyncState.apply_reply``); the record is marked
``conflicted`` and every open version kept. This module is what the clerk does about it, in the
同步 page's conflict dialog and with ``branch-ledger conflicts``: the field-by-field comparison
(generic over the record's top-level fields, so every kind resolves the same way), the merged body
built from the clerk's choices, and the merge revision whose parents are every open version.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.operations.ledger import Ledger, OpChanges
from desktop_app.operations.sync import Resolved
from desktop_app.store.sync_state import Conflict, StoreSyncState
from domain.labels import field_label
from domain.records import RECORD_KINDS

__all__ = ["MISSING", "Conflict", "FieldRow", "Resolved", "field_order", "field_rows", "is_free_text",
           "list_conflicts", "merge", "resolve_conflict"]


@dataclass(frozen=True)
class FieldRow:
    key: str
    label: str
    values: list[Any]  # one per version; MISSING where a version lacks the field
    differs: bool
    text_field: bool  # free text (not a code, a date or a reference): the clerk may edit the merged text


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def is_empty(value: Any) -> bool:
    """Nothing to show: missing, None, empty text or list or mapping, or an unticked box."""
    return value is MISSING or value is None or value == "" or value == [] or value == {} or value is False


def field_order(kind: str, bodies: Sequence[Mapping[str, Any] | None]) -> list[str]:
    """The model's field order, then any other keys the versions carry (a newer schema's)."""
    model = RECORD_KINDS.get(kind)
    keys = list(model.model_fields) if model is not None else []
    for body in bodies:
        for key in body or {}:
            if key not in keys:
                keys.append(key)
    return keys


def is_free_text(kind: str, key: str) -> bool:
    """Whether ``key`` is typed text the clerk may edit: a plain ``str`` field, not a record reference."""
    model = RECORD_KINDS.get(kind)
    info = model.model_fields.get(key) if model is not None else None
    if info is None or key.endswith(("_id", "_ids", "_rev")):
        return False
    return info.annotation is str


def field_rows(kind: str, bodies: Sequence[Mapping[str, Any] | None], *, all_fields: bool = False) -> list[FieldRow]:
    """One row per top-level field; fields empty in every version are left out unless ``all_fields``."""
    rows = []
    for key in field_order(kind, bodies):
        values = [(body or {}).get(key, MISSING) for body in bodies]
        if not all_fields and all(is_empty(v) for v in values):
            continue
        normalized = [None if v is MISSING else v for v in values]
        differs = any(v != normalized[0] for v in normalized[1:])
        text = is_free_text(kind, key) and all(v is MISSING or v is None or isinstance(v, str) for v in values)
        rows.append(FieldRow(key, field_label(key), values, differs, text))
    return rows


def merge(
    bodies: Sequence[Mapping[str, Any] | None],
    choices: Mapping[str, int],
    edits: Mapping[str, str] | None = None,
    *,
    base: int = 0,
) -> dict[str, Any]:
    """The merged body: version ``base``, with each field in ``choices`` taken from the chosen
    version (dropped when that version lacks it) and each text in ``edits`` as the clerk typed it."""
    merged: dict[str, Any] = copy.deepcopy(dict(bodies[base] or {}))
    for key, index in choices.items():
        source = bodies[index] or {}
        if key in source:
            merged[key] = copy.deepcopy(source[key])
        else:
            merged.pop(key, None)
    for key, text in (edits or {}).items():
        merged[key] = text
    return merged


def list_conflicts(ledger: Ledger) -> list[Conflict]:
    """Every conflicted record with all its open versions side by side."""
    with ledger.guard() as store:
        return StoreSyncState(store).conflicts()


def resolve_conflict(ledger: Ledger, record_id: str, body: dict[str, Any], *, author: str | None = None) -> Resolved:
    """Write the clerk's merge: one revision whose parents are every open version, validated like
    any save (``RuleViolation``; ``NotConflicted`` for a record that is not in conflict)."""
    with ledger.guard() as store:
        who = author or ledger.author
        rev = StoreSyncState(store).resolve_conflict(record_id, body, author=who)
        kind = store.records.get(record_id).kind
    return Resolved(record_id, rev, OpChanges.of(kind, record_id))
