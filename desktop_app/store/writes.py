"""Every write of the records, revisions, history and outbox tables, in one place.

A revision reaches the store in two ways, and both go through :func:`write_revision`:

* a **local** edit (the repository: create, update, finalize, amend, delete, a conflict's merge,
  an import) — a new revision, the record's current version, a history line, an outbox entry;
* a **pulled** revision (sync): the revision is kept as head office sent it (:func:`keep_pulled`)
  and, once nothing local is waiting for the record, it becomes the current version with a
  ``sync`` history line and *no* outbox entry (:func:`follow_server`).

The current version and its derived rows (list columns, search, attendance, meeting facts) are
written by :func:`_set_current` for both, so a pulled record can never be stored or indexed
differently from one typed on this device. The callers hold the transaction. The small state
changes sync and the refused-edits view make (an outbox entry rejected, a record conflicted, a
revision acknowledged) are here too, so "where is X written" has one answer.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from desktop_app.store.codec import pack, unpack_text
from desktop_app.store.indexing import refresh_indexes
from desktop_app.store.rows import RevisionRow
from domain.records import RECORD_KINDS, Meeting, Member, RecordBody

Members = Callable[[], Mapping[str, Member]]
Validity = Callable[[Meeting], bool]  # 会议是否有效, judged with the store's roster and rule settings


@dataclass(frozen=True)
class Revision:
    """One revision as it is written (``body`` packed, None for a tombstone without content)."""

    record_id: str
    rev: str
    parents: list[str]
    kind: str
    status: str
    deleted: bool
    schema_version: int
    body: bytes | None
    hlc: str
    device_id: str
    author: str
    origin: str  # 'local' | 'server'
    device_time: str
    received_at: str | None = None
    sig: str | None = None


def write_revision(
    conn: Any, revision: Revision, *, body: RecordBody | None, members: Members, validity: Validity, op: str,
    before_rev: str | None, created_at: str, now: str,
) -> None:
    """A local edit: the revision, the current version with its indexes, history and the outbox.

    ``body`` is the parsed body the indexes are derived from (None: kept verbatim, not indexed).
    """
    assert revision.body is not None
    _set_current(conn, revision.record_id, revision.kind, revision.rev, revision.status, revision.deleted,
                 revision.body, body, members, validity, created_at=created_at, updated_at=now,
                 origin=revision.origin, schema_version=revision.schema_version)
    insert_revision(conn, revision)
    append_history(conn, revision.record_id, revision.kind, op, before_rev, revision.rev, revision.hlc,
                   revision.device_id, revision.author, now)
    enqueue(conn, revision.record_id, revision.rev, now)


def keep_pulled(conn: Any, revision: Revision, *, now: str) -> bool:
    """Keep a revision head office sent; True when its record is new to this device.

    A new record gets a placeholder row (``origin`` 'server') that :func:`follow_server` fills
    and indexes once head office's current version is here.
    """
    insert_revision(conn, revision)
    # Held by head office (this matters for our own revisions after a restore).
    mark_received(conn, revision.record_id, revision.rev, revision.received_at or now)
    if conn.execute("SELECT 1 FROM records WHERE id = ?", (revision.record_id,)).fetchone():
        return False
    at = revision.received_at or now
    conn.execute(
        "INSERT INTO records (id, kind, rev, status, deleted, conflicted, schema_version, body, origin,"
        " created_at, updated_at) VALUES (?,?,?,?,?,0,?,?,'server',?,?)",
        (revision.record_id, revision.kind, revision.rev, revision.status, int(revision.deleted),
         revision.schema_version, revision.body if revision.body is not None else pack({}), at, at),
    )
    return True


def follow_server(conn: Any, server: RevisionRow, *, before_rev: str, members: Members, validity: Validity,
                  now: str) -> RecordBody | None:
    """Make head office's current revision the record's current version (no outbox entry).

    A tombstone without a body keeps the last known content; a body this app version cannot read
    (a newer schema) is kept verbatim and not indexed. Returns the parsed body, if any.
    """
    blob = server.body
    if blob is None:
        blob = conn.execute("SELECT body FROM records WHERE id = ?", (server.record_id,)).fetchone()[0]
    body = parse_body(server.kind, blob)
    _set_current(conn, server.record_id, server.kind, server.rev, server.status, bool(server.deleted), blob, body,
                 members, validity, created_at=now, updated_at=now, origin="server",
                 schema_version=server.schema_version)
    append_history(conn, server.record_id, server.kind, "sync", before_rev, server.rev, server.hlc,
                   server.device_id, server.author, now)
    return body


def _set_current(
    conn: Any, record_id: str, kind: str, rev: str, status: str, deleted: bool, blob: bytes, body: RecordBody | None,
    members: Members, validity: Validity, *, created_at: str, updated_at: str, origin: str, schema_version: int,
) -> None:
    """The records row (inserted, or its version columns replaced) and every row derived from it.

    ``origin`` and ``created_at`` only apply to a new row: a record keeps where and when it began.
    A finalized meeting's validity is judged here, once, when it becomes final (drafts are not).
    """
    conn.execute(
        "INSERT INTO records (id, kind, rev, status, deleted, conflicted, schema_version, origin, created_at,"
        " updated_at, body) VALUES (?,?,?,?,?,0,?,?,?,?,?)"
        " ON CONFLICT(id) DO UPDATE SET rev=excluded.rev, status=excluded.status, deleted=excluded.deleted,"
        " body=excluded.body, updated_at=excluded.updated_at",
        (record_id, kind, rev, status, int(deleted), schema_version, origin, created_at, updated_at, blob),
    )
    if body is not None:
        valid = validity(body) if isinstance(body, Meeting) and status == "final" and not deleted else None
        refresh_indexes(conn, record_id, body, members() if kind != "member" else {}, deleted=deleted, valid=valid)


def parse_body(kind: str, blob: bytes | str) -> RecordBody | None:
    """The body as this app version's model, or None when it cannot be read."""
    model = RECORD_KINDS.get(kind)
    if model is None:
        return None
    try:
        return model.model_validate_json(unpack_text(blob))
    except (ValidationError, ValueError):
        return None


# ---------------------------------------------------------------------- the pieces


def insert_revision(conn: Any, r: Revision) -> None:
    """Revisions are immutable and content-addressed: a second copy of one is ignored."""
    conn.execute(
        "INSERT OR IGNORE INTO revisions (record_id, rev, parents, kind, status, deleted, schema_version, body,"
        " hlc, device_id, author, origin, device_time, received_at, sig) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (r.record_id, r.rev, json.dumps(r.parents), r.kind, r.status, int(r.deleted), r.schema_version, r.body,
         r.hlc, r.device_id, r.author, r.origin, r.device_time, r.received_at, r.sig),
    )


def append_history(conn: Any, record_id: str, kind: str, op: str, before_rev: str | None, after_rev: str,
                   hlc: str, device_id: str, author: str, at: str) -> None:
    conn.execute(
        "INSERT INTO history (record_id, kind, op, before_rev, after_rev, hlc, device_id, author, at)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
        (record_id, kind, op, before_rev, after_rev, hlc, device_id, author, at),
    )


def enqueue(conn: Any, record_id: str, rev: str, at: str) -> None:
    """An outbox entry: the revision leaves with the next sync."""
    conn.execute("INSERT INTO outbox (change_id, record_id, rev, created_at) VALUES (?,?,?,?)",
                 (str(uuid.uuid4()), record_id, rev, at))


def set_outbox_state(conn: Any, change_id: str, state: str, code: str | None, message: str | None) -> None:
    """'rejected' / 'quarantined' with the reason, or back to 'pending' (code and message None)."""
    conn.execute("UPDATE outbox SET state = ?, code = ?, message = ? WHERE change_id = ?",
                 (state, code, message, change_id))


def close_outbox_entry(conn: Any, change_id: str, state: str, resolution: str, at: str) -> None:
    """A refused edit the clerk dealt with (kept, no longer shown)."""
    conn.execute("UPDATE outbox SET state = ?, resolution = ?, resolved_at = ? WHERE change_id = ?",
                 (state, resolution, at, change_id))


def remove_from_outbox(conn: Any, change_id: str) -> None:
    """Head office holds the revision (accepted, duplicate or conflict)."""
    conn.execute("DELETE FROM outbox WHERE change_id = ?", (change_id,))


def mark_received(conn: Any, record_id: str, rev: str, at: str) -> None:
    conn.execute("UPDATE revisions SET received_at = coalesce(received_at, ?) WHERE record_id = ? AND rev = ?",
                 (at, record_id, rev))


def forget_received(conn: Any, device_id: str) -> None:
    """After either side went back in time, what head office acknowledged proves nothing."""
    conn.execute("UPDATE revisions SET received_at = NULL WHERE device_id = ?", (device_id,))


def set_server_head(conn: Any, record_id: str, current_rev: str, conflicted: bool, leaves: list[str]) -> None:
    conn.execute("UPDATE records SET server_rev = ?, server_conflicted = ?, server_leaves = ? WHERE id = ?",
                 (current_rev, int(conflicted), json.dumps(leaves), record_id))


def set_conflicted(conn: Any, record_id: str, conflicted: bool, *, synced_at: str | None = None) -> None:
    if synced_at is None:
        conn.execute("UPDATE records SET conflicted = ? WHERE id = ?", (int(conflicted), record_id))
    else:
        conn.execute("UPDATE records SET conflicted = ?, synced_at = ? WHERE id = ?",
                     (int(conflicted), synced_at, record_id))


def purge_record(conn: Any, record_id: str) -> None:
    """Remove a record that only ever existed on this device (every derived row with it)."""
    row = conn.execute("SELECT rowid FROM records WHERE id = ?", (record_id,)).fetchone()
    if row is not None:
        conn.execute("DELETE FROM search WHERE rowid = ?", (row[0],))
        conn.execute("DELETE FROM search_bigrams WHERE rowid = ?", (row[0],))
    for table, column in (("outbox", "record_id"), ("revisions", "record_id"), ("history", "record_id"),
                          ("attendance", "record_id"), ("meeting_facts", "record_id"), ("records", "id")):
        conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (record_id,))
