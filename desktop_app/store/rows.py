"""Named shapes of the rows the store reads back, so no caller indexes a row by position.

Each type's fields are the column names in order; :func:`columns` writes the SELECT list from
them, so a query and the type that reads it cannot drift apart (``RecordRow(*row)`` fails loudly
if they do).
"""

from __future__ import annotations

from typing import Any, NamedTuple


def columns(row_type: Any, alias: str = "") -> str:
    """``"a, b, c"`` (or ``"r.a, r.b, r.c"`` with ``alias="r"``) for a row type's fields."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + name for name in row_type._fields)


class RecordRow(NamedTuple):
    """A record's current version, as :meth:`RecordRepository.get` reads it."""

    id: str
    kind: str
    rev: str
    status: str
    body: bytes
    created_at: str
    updated_at: str
    synced_at: str | None
    conflicted: int
    deleted: int
    origin: str


class SummaryRow(NamedTuple):
    """One list row: index columns plus whether an edit is waiting to be sent."""

    id: str
    kind: str
    title: str
    event_date: str | None
    subtype: str | None
    party_group: str | None
    status: str
    conflicted: int
    updated_at: str
    synced_at: str | None
    pending: int


class SyncHeadRow(NamedTuple):
    """Where a record stands against head office (sync's ``_settle``)."""

    rev: str
    conflicted: int
    server_rev: str | None
    server_conflicted: int


class ConflictHeadRow(NamedTuple):
    id: str
    kind: str
    title: str
    rev: str
    server_rev: str | None
    server_leaves: str | None


class RevisionRow(NamedTuple):
    """One stored revision (every column of ``revisions`` but its derived ones)."""

    record_id: str
    rev: str
    parents: str  # JSON list
    kind: str
    status: str
    deleted: int
    schema_version: int
    body: bytes | None
    hlc: str
    device_id: str
    author: str
    origin: str
    device_time: str
    received_at: str | None
    sig: str | None


class OutboxChangeRow(NamedTuple):
    """An outbox entry joined with its revision: everything a wire change is built from."""

    counter: int
    change_id: str
    record_id: str
    rev: str
    parents: str
    kind: str
    status: str
    deleted: int
    schema_version: int
    body: bytes | None
    hlc: str
    device_time: str
    author: str


class RefusedRow(NamedTuple):
    """An outbox entry head office refused (or that cannot be sent), with its text and the
    record's current state (refused.py)."""

    change_id: str
    record_id: str
    kind: str | None
    title: str
    state: str
    code: str
    message: str
    rev: str
    body: bytes | None
    author: str
    device_time: str
    current_status: str
    current_deleted: int
