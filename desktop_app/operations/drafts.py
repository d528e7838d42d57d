"""Editor drafts (crash-safe buffers): unsaved typing kept encrypted in the store until 保存.

Drafts are not records: nothing here syncs or enters history, so the change sets are empty.
"""

from __future__ import annotations

from typing import Any

from desktop_app.operations.ledger import Ledger
from desktop_app.store.buffers import EditorBuffer


def keep_draft(ledger: Ledger, key: str, kind: str, data: dict[str, Any], *, record_id: str | None,
               base_rev: str | None) -> None:
    """Write (or overwrite) the draft ``key`` — the autosave every couple of seconds of typing."""
    with ledger.guard() as store:
        store.buffers.save(key, kind, data, record_id=record_id, base_rev=base_rev)


def discard_draft(ledger: Ledger, key: str) -> None:
    with ledger.guard() as store:
        store.buffers.discard(key)


def discard_drafts(ledger: Ledger, keys: list[str]) -> None:
    """Drop several drafts (the clerk declined to restore them)."""
    with ledger.guard() as store:
        for key in keys:
            store.buffers.discard(key)


def drafts(ledger: Ledger) -> list[EditorBuffer]:
    """Every draft an earlier session left behind (crash, power cut, auto-lock)."""
    with ledger.guard() as store:
        return store.buffers.all()
