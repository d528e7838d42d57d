"""Reading and writing one record: what the editors, the lists and ``branch-ledger show`` do.

Writes go through the store's repository (validation, revision, history, outbox in one
transaction); these functions add the lock, the author and the change set. A save also drops the
editor's crash-safe draft in the same guarded step, so a saved record never comes back as a draft.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from desktop_app import compliance_query
from desktop_app.operations.ledger import Ledger, OpChanges
from desktop_app.store import RecordEnvelope, RecordFilter, RecordSummary
from desktop_app.store.envelope import HistoryEntry
from domain.context import RuleContext
from domain.records import BranchProfile, Meeting, Member

PAGE_SIZE = 200


@dataclass(frozen=True)
class Saved:
    """A record as the store wrote it (with the warnings the rules found) and what changed."""

    envelope: RecordEnvelope
    changes: OpChanges


@dataclass(frozen=True)
class RecordPage:
    """One page of a list: the rows and how many match in all."""

    total: int
    rows: list[RecordSummary]


# ---------------------------------------------------------------- reads


def get_record(ledger: Ledger, record_id: str) -> RecordEnvelope:
    with ledger.guard() as store:
        return store.records.get(record_id)


def list_records(ledger: Ledger, flt: RecordFilter, *, offset: int = 0, limit: int = PAGE_SIZE,
                 with_total: bool = True) -> RecordPage:
    """Summaries (index rows, no body decrypted) matching ``flt``; ``total`` is -1 unless asked."""
    with ledger.guard() as store:
        total = store.records.count(flt) if with_total else -1
        rows = store.records.query(flt, offset=offset, limit=limit)
    return RecordPage(total, rows)


def members(ledger: Ledger) -> dict[str, Member]:
    with ledger.guard() as store:
        return store.records.members()


def branch_profile(ledger: Ledger) -> tuple[str, BranchProfile] | None:
    with ledger.guard() as store:
        return store.records.branch_profile()


def rule_context(ledger: Ledger) -> RuleContext:
    with ledger.guard() as store:
        return store.records.rule_context()


def records_since(ledger: Ledger) -> dt.date | None:
    """The branch's 台账起始日期 (see :func:`desktop_app.compliance_query.records_since`)."""
    with ledger.guard() as store:
        return compliance_query.records_since(store)


def pioneer_posts(ledger: Ledger) -> list[RecordSummary]:
    with ledger.guard() as store:
        return store.records.query(RecordFilter(kind="pioneer_post"), limit=2000)


def last_meeting_place(ledger: Ledger) -> str:
    """Where the branch met last (the place of the most recent meeting on file)."""
    with ledger.guard() as store:
        for summary in store.records.query(RecordFilter(kind="meeting"), limit=5):
            body = store.records.get(summary.record_id).body
            if isinstance(body, Meeting) and body.place:
                return body.place
    return ""


def record_history(ledger: Ledger, record_id: str) -> list[HistoryEntry]:
    """Every write of a record, oldest first (who, when, which operation, which revisions)."""
    with ledger.guard() as store:
        store.records.get(record_id)  # RecordNotFound for an unknown id, not an empty history
        return store.records.history(record_id)


# ---------------------------------------------------------------- writes


def save_record(
    ledger: Ledger,
    kind: str,
    data: dict[str, Any],
    *,
    record_id: str | None = None,
    base_rev: str | None = None,
    amend_of: str | None = None,
    amend_reason: str = "",
    draft_key: str | None = None,
    author: str | None = None,
) -> Saved:
    """保存: the first version (``record_id`` None), a new revision of a draft, or — with
    ``amend_of`` — an amendment (更正) of a finalized record. Raises ``RuleViolation`` when the
    rules refuse it (nothing written). The editor's draft ``draft_key`` is dropped with the save."""
    with ledger.guard() as store:
        who = author or _author(store)
        data = _keep_attachments(store, data, record_id or amend_of)
        if record_id is None and amend_of:
            env = store.records.amend(amend_of, data, reason=amend_reason, author=who)
        elif record_id is None:
            env = store.records.create(kind, data, author=who)
        else:
            env = store.records.update(record_id, data, author=who, base_rev=base_rev)
        if draft_key:
            store.buffers.discard(draft_key)
    ids = (env.record_id, amend_of) if amend_of else (env.record_id,)
    return Saved(env, OpChanges.of(env.kind, *ids))


def _keep_attachments(store: Any, data: dict[str, Any], source_id: str | None) -> dict[str, Any]:
    """A save that does not mention ``attachments`` keeps the record's (an amendment: the original's).

    Forms that have no attachments panel, and older callers, send bodies without the key; they must
    not drop files the record carries. Removing them all is an explicit ``"attachments": []``.
    """
    if source_id is None or "attachments" in data:
        return data
    current = store.records.get(source_id).body.attachments
    return {**data, "attachments": [a.model_dump(mode="json") for a in current]} if current else data


def finalize_record(ledger: Ledger, record_id: str, *, author: str | None = None) -> Saved:
    """定稿: the record becomes immutable (``RuleViolation`` when it is incomplete)."""
    with ledger.guard() as store:
        env = store.records.finalize(record_id, author=author or _author(store))
    return Saved(env, OpChanges.of(env.kind, record_id))


def delete_draft(ledger: Ledger, record_id: str, *, author: str | None = None) -> OpChanges:
    """Delete a draft (a tombstone that syncs); finalized records refuse (``RecordFinalized``)."""
    with ledger.guard() as store:
        kind = store.records.get(record_id).kind
        store.records.delete(record_id, author=author or _author(store))
        store.buffers.discard(f"record:{record_id}")
    return OpChanges.of(kind, record_id)


def _author(store: Any) -> str:
    name = store.meta.get("clerk_name")
    return str(name) if name else "clerk"
