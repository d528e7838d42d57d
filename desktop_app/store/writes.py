"""Every write of the records, revisions, history and outbox tables, in one place.

A revision reaches the store in two ways, and both end in :func:`set_current`:

* a **local** edit (the repository: create, update, finalize, amend, delete, a conflict's merge,
  an import) — a new revision, the record's current version, a history line, an outbox entry;
* a **pulled** revision (sync): the revision is kept as head office sent it (:func:`keep_pulled`)
  and, once nothing local is waiting for the record, it becomes the current version with a
  ``sync`` history line and *no* outbox entry (:func:`follow_server`).

The current version and its derived rows (list columns, search, attendance, meeting facts) are
written by :func:`set_current` for both — one record for a save, a whole page for a pull, with one
statement per table either way — so a pulled record can never be stored or indexed
differently from one typed on this device. The callers hold the transaction. The small state
changes sync and the refused-edits view make (an outbox entry rejected, a record conflicted, a
revision acknowledged) are here too, so "where is X written" has one answer.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from desktop_app.store.codec import pack, unpack_text
from desktop_app.store.indexing import CHUNK, IndexEntry, refresh_indexes
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


@dataclass(frozen=True)
class Current:
    """A record's new current version, as :func:`set_current` writes it with its derived rows.

    ``body`` is the parsed body the indexes are derived from (None: kept verbatim, not indexed).
    ``origin`` and ``created_at`` only apply to a new row: a record keeps where and when it began.
    """

    record_id: str
    kind: str
    rev: str
    status: str
    deleted: bool
    blob: bytes
    body: RecordBody | None
    schema_version: int
    origin: str
    created_at: str
    updated_at: str


def write_revision(
    conn: Any, revision: Revision, *, body: RecordBody | None, members: Members, validity: Validity, op: str,
    before_rev: str | None, created_at: str, now: str,
) -> None:
    """A local edit: the revision, the current version with its indexes, history and the outbox.

    ``body`` is the parsed body the indexes are derived from (None: kept verbatim, not indexed).
    """
    assert revision.body is not None
    set_current(conn, [Current(revision.record_id, revision.kind, revision.rev, revision.status, revision.deleted,
                               revision.body, body, revision.schema_version, revision.origin, created_at, now)],
                members, validity)
    insert_revisions(conn, [revision])
    append_history(conn, revision.record_id, revision.kind, op, before_rev, revision.rev, revision.hlc,
                   revision.device_id, revision.author, now)
    enqueue(conn, revision.record_id, revision.rev, now)


def keep_pulled(conn: Any, revisions: Sequence[Revision], *, now: str) -> set[str]:
    """Keep the revisions of a page head office sent; returns the ids of records new to this device.

    A new record gets a placeholder row (``origin`` 'server') that :func:`follow_server` fills
    and indexes once head office's current version is here. One statement per table for the page.
    """
    if not revisions:
        return set()
    insert_revisions(conn, revisions)
    # Held by head office (this matters for our own revisions after a restore).
    mark_received(conn, [(r.record_id, r.rev, r.received_at or now) for r in revisions])
    known = existing_records(conn, {r.record_id for r in revisions})
    placeholders: dict[str, Revision] = {}
    for r in revisions:
        if r.record_id not in known and r.record_id not in placeholders:
            placeholders[r.record_id] = r  # the first of the page's revisions of a new record, as before
    conn.executemany(
        "INSERT INTO records (id, kind, rev, status, deleted, conflicted, schema_version, body, origin,"
        " created_at, updated_at) VALUES (?,?,?,?,?,0,?,?,'server',?,?)",
        [(r.record_id, r.kind, r.rev, r.status, int(r.deleted), r.schema_version,
          r.body if r.body is not None else pack({}), r.received_at or now, r.received_at or now)
         for r in placeholders.values()],
    )
    return set(placeholders)


@dataclass(frozen=True)
class Follow:
    """Head office's current revision of a record, to become its current version (:func:`follow_server`)."""

    server: RevisionRow
    before_rev: str
    text: str | None = None  # the body's JSON text when the caller has it (saves decompressing ``server.body``)


def follow_server(conn: Any, follows: Sequence[Follow], *, members: Members, validity: Validity,
                  now: str) -> list[RecordBody | None]:
    """Make head office's current revisions the records' current versions (no outbox entry).

    A tombstone without a body keeps the last known content; a body this app version cannot read
    (a newer schema) is kept verbatim and not indexed. Returns the parsed bodies, in order.
    """
    if not follows:
        return []
    missing = [f.server.record_id for f in follows if f.server.body is None]
    kept = dict(conn.execute(f"SELECT id, body FROM records WHERE id IN ({_marks(len(missing))})",
                             missing).fetchall()) if missing else {}
    currents: list[Current] = []
    bodies: list[RecordBody | None] = []
    for f in follows:
        server = f.server
        blob = server.body if server.body is not None else kept[server.record_id]
        body = parse_body(server.kind, f.text if f.text is not None and server.body is not None else blob)
        bodies.append(body)
        currents.append(Current(server.record_id, server.kind, server.rev, server.status, bool(server.deleted), blob,
                                body, server.schema_version, "server", now, now))
    set_current(conn, currents, members, validity)
    conn.executemany(
        "INSERT INTO history (record_id, kind, op, before_rev, after_rev, hlc, device_id, author, at)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
        [(f.server.record_id, f.server.kind, "sync", f.before_rev, f.server.rev, f.server.hlc, f.server.device_id,
          f.server.author, now) for f in follows],
    )
    return bodies


def set_current(conn: Any, currents: Sequence[Current], members: Members, validity: Validity) -> None:
    """The records rows (inserted, or their version columns replaced) and every row derived from them.

    The one place a current version is written, for a local save (one record) and a pulled page
    (many) alike. A finalized meeting's validity is judged here, once, when it becomes final
    (drafts are not). The roster is read once for the whole call.
    """
    conn.executemany(
        "INSERT INTO records (id, kind, rev, status, deleted, conflicted, schema_version, origin, created_at,"
        " updated_at, body) VALUES (?,?,?,?,?,0,?,?,?,?,?)"
        " ON CONFLICT(id) DO UPDATE SET rev=excluded.rev, status=excluded.status, deleted=excluded.deleted,"
        " body=excluded.body, updated_at=excluded.updated_at",
        [(c.record_id, c.kind, c.rev, c.status, int(c.deleted), c.schema_version, c.origin, c.created_at,
          c.updated_at, c.blob) for c in currents],
    )
    indexed = [c for c in currents if c.body is not None]
    if not indexed:
        return
    roster = members() if any(c.kind != "member" for c in indexed) else {}
    entries = []
    for c in indexed:
        body = c.body
        assert body is not None
        valid = validity(body) if isinstance(body, Meeting) and c.status == "final" and not c.deleted else None
        entries.append(IndexEntry(c.record_id, body, roster if c.kind != "member" else {}, c.deleted, valid))
    refresh_indexes(conn, entries)


def parse_body(kind: str, blob: bytes | str) -> RecordBody | None:
    """The body as this app version's model, or None when it cannot be read."""
    model = RECORD_KINDS.get(kind)
    if model is None:
        return None
    try:
        return model.model_validate_json(unpack_text(blob))
    except (ValidationError, ValueError):
        return None


def existing_records(conn: Any, record_ids: Iterable[str]) -> set[str]:
    """Which of ``record_ids`` have a records row (one lookup per chunk of ids)."""
    ids = list(record_ids)
    found: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found.update(r for (r,) in conn.execute(f"SELECT id FROM records WHERE id IN ({_marks(len(chunk))})", chunk))
    return found


def _marks(n: int) -> str:
    return ",".join("?" * n)


# ---------------------------------------------------------------------- the pieces


def insert_revisions(conn: Any, revisions: Sequence[Revision]) -> None:
    """Revisions are immutable and content-addressed: a second copy of one is ignored."""
    conn.executemany(
        "INSERT OR IGNORE INTO revisions (record_id, rev, parents, kind, status, deleted, schema_version, body,"
        " hlc, device_id, author, origin, device_time, received_at, sig) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(r.record_id, r.rev, json.dumps(r.parents), r.kind, r.status, int(r.deleted), r.schema_version, r.body,
          r.hlc, r.device_id, r.author, r.origin, r.device_time, r.received_at, r.sig) for r in revisions],
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
    set_outbox_states(conn, [(change_id, state, code, message)])


def set_outbox_states(conn: Any, entries: Sequence[tuple[str, str, str | None, str | None]]) -> None:
    """:func:`set_outbox_state` for many (change_id, state, code, message), one statement."""
    conn.executemany("UPDATE outbox SET state = ?, code = ?, message = ? WHERE change_id = ?",
                     [(state, code, message, change_id) for change_id, state, code, message in entries])


def close_outbox_entry(conn: Any, change_id: str, state: str, resolution: str, at: str) -> None:
    """A refused edit the clerk dealt with (kept, no longer shown)."""
    conn.execute("UPDATE outbox SET state = ?, resolution = ?, resolved_at = ? WHERE change_id = ?",
                 (state, resolution, at, change_id))


def remove_from_outbox(conn: Any, change_ids: Sequence[str]) -> None:
    """Head office holds these revisions (accepted, duplicate or conflict)."""
    conn.executemany("DELETE FROM outbox WHERE change_id = ?", [(c,) for c in change_ids])


def mark_received(conn: Any, received: Sequence[tuple[str, str, str]]) -> None:
    """(record_id, rev, at): head office holds the revision since ``at`` (the first time is kept)."""
    conn.executemany("UPDATE revisions SET received_at = coalesce(received_at, ?) WHERE record_id = ? AND rev = ?",
                     [(at, record_id, rev) for record_id, rev, at in received])


def forget_received(conn: Any, device_id: str) -> None:
    """After either side went back in time, what head office acknowledged proves nothing."""
    conn.execute("UPDATE revisions SET received_at = NULL WHERE device_id = ?", (device_id,))


ServerHead = tuple[str, str, bool, Sequence[str]]  # record_id, current_rev, conflicted, leaves


def set_server_heads(conn: Any, heads: Sequence[ServerHead]) -> None:
    """Where head office stands on each record, in order (a later head of the same record wins)."""
    conn.executemany("UPDATE records SET server_rev = ?, server_conflicted = ?, server_leaves = ? WHERE id = ?",
                     [(current_rev, int(conflicted), json.dumps(list(leaves)), record_id)
                      for record_id, current_rev, conflicted, leaves in heads])


def set_conflicted(conn: Any, record_id: str, conflicted: bool, *, synced_at: str | None = None) -> None:
    if synced_at is None:
        conn.execute("UPDATE records SET conflicted = ? WHERE id = ?", (int(conflicted), record_id))
    else:
        set_synced(conn, [(record_id, conflicted)], synced_at)


def set_synced(conn: Any, records: Sequence[tuple[str, bool]], synced_at: str) -> None:
    """(record_id, conflicted): the records follow head office as of ``synced_at``."""
    conn.executemany("UPDATE records SET conflicted = ?, synced_at = ? WHERE id = ?",
                     [(int(conflicted), synced_at, record_id) for record_id, conflicted in records])


def purge_record(conn: Any, record_id: str) -> None:
    """Remove a record that only ever existed on this device (every derived row with it)."""
    row = conn.execute("SELECT rowid FROM records WHERE id = ?", (record_id,)).fetchone()
    if row is not None:
        conn.execute("DELETE FROM search WHERE rowid = ?", (row[0],))
        conn.execute("DELETE FROM search_bigrams WHERE rowid = ?", (row[0],))
    for table, column in (("outbox", "record_id"), ("revisions", "record_id"), ("history", "record_id"),
                          ("attendance", "record_id"), ("meeting_facts", "record_id"), ("records", "id")):
        conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (record_id,))
