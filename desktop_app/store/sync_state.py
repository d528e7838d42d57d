"""The encrypted store as a sync replica: enrolment, outbox → wire, replies → store, conflicts.

Implements :class:`sync.client.state.SyncState` over the lead's store (no Qt here). The rules:

* A reply is applied in ONE store transaction: per-change results, pulled revisions, the new
  cursor and epoch (sync-notes F1). An outbox entry leaves on ``accepted``/``duplicate``/
  ``conflict`` — in each case head office holds the revision; ``rejected`` keeps it with the
  server's code and Chinese message (F2, F11).
* A pulled revision never overwrites a record with pending outbox entries: it is stored as the
  server head, and if it is not an ancestor of the local version the record becomes conflicted
  (F13). Otherwise the record follows head office's current revision and conflict flag.
* Device key and head-office credentials live in ``store.meta`` inside the encrypted database.

Local edits go through the repository (validate → write → history → outbox); pulled revisions
must *not* enter the outbox. Both are written by :mod:`desktop_app.store.writes`, so a pulled
record is stored and indexed exactly as one typed on this device.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from desktop_app.store import writes
from desktop_app.store.codec import body_text, pack_text, unpack
from desktop_app.store.errors import RecordNotFound, StoreError
from desktop_app.store.indexing import CHUNK
from desktop_app.store.profile_identity import adopt_branch_profile
from desktop_app.store.record_ids import invalid_id_message, is_valid_record_id
from desktop_app.store.repository import SCHEMA_VERSION
from desktop_app.store.rows import ConflictHeadRow, OutboxChangeRow, RevisionRow, SyncHeadRow, columns
from domain.compliance.counting import meeting_is_valid
from domain.i18n import N_
from domain.records import RecordBody
from sync.client import enrol as enrol_module
from sync.client.changes import build_change, fit_batch
from sync.client.merge import is_ancestor, merge_parents
from sync.client.state import ApplyOutcome, Credentials, QuarantinedChange
from sync.protocol.checksum import branch_checksum
from sync.protocol.hlc import BadTimestamp, HLCTimestamp
from sync.protocol.signatures import HQ_DEVICE_ID, SigningKey, b64decode, b64encode
from sync.protocol.wire import Change, EnrolResponse, SyncResponse

if TYPE_CHECKING:
    from desktop_app.store.store import Store

KEY_SIGNING = "sync.signing_key"
KEY_CREDENTIALS = "sync.credentials"
KEY_CURSOR = "sync.cursor"
KEY_EPOCH = "sync.epoch"
KEY_LAST_SUCCESS = "sync.last_success"
KEY_LAST_ERROR = "sync.last_error"
KEY_FULL_RESYNC = "sync.full_resync"  # set by a local restore or a WAL that did not replay fully


# Kinds whose pulled versions change how the page's other records are indexed and judged (the
# roster names attendees; the branch profile is part of the rule context): followed first.
CONTEXT_KINDS = frozenset({"member", "branch_profile"})


class NotConflicted(StoreError):
    message = N_("该记录没有同步冲突")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class ConflictVersion:
    """One side of a conflict, with the times the resolution view shows (sync-notes §6.5)."""

    rev: str
    body: dict[str, Any] | None
    author: str
    device_id: str
    hlc: str
    device_time: str
    received_at: str | None
    deleted: bool
    is_server_current: bool


@dataclass(frozen=True)
class Conflict:
    record_id: str
    kind: str
    title: str
    versions: list[ConflictVersion]


@dataclass(frozen=True)
class SyncStatus:
    """The one summary of this device's sync state: the 同步 page, ``branch-ledger sync-status``
    and the sync operations all show this (``desktop_app.operations.sync`` re-exports it)."""

    enrolled: bool
    branch_name: str | None
    last_success: str | None
    last_error: str | None
    pending: int
    rejected: int
    conflicts: int
    quarantined: int = 0  # local changes that cannot be sent + pulled changes that cannot be applied
    full_resync: bool = False  # the next sync re-reads the branch (after a restore)
    base_url: str | None = None  # head office's address (None until enrolled)


class StoreSyncState:
    """The store seen by :class:`sync.client.engine.SyncEngine`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.device_id = store.device_id

    # ------------------------------------------------------------------ identity and credentials

    def signing_key(self) -> SigningKey:
        """The device's Ed25519 key, created on first use inside the encrypted database."""
        raw = self.store.meta.get(KEY_SIGNING)
        if raw:
            return SigningKey.from_bytes(b64decode(raw))
        key = SigningKey.generate()
        with self.store.transaction():
            self.store.meta.set(KEY_SIGNING, b64encode(key.to_bytes()))
        return key

    def credentials(self) -> Credentials | None:
        raw = self.store.meta.get(KEY_CREDENTIALS)
        return Credentials(**raw) if isinstance(raw, dict) else None

    def update_credentials(self, creds: Credentials) -> None:
        """A renewed token or a rotated head-office key (sync.client.engine), kept encrypted."""
        with self.store.transaction():
            self.store.meta.set(KEY_CREDENTIALS, creds.__dict__)

    def save_enrolment(self, creds: Credentials, reply: EnrolResponse) -> None:
        with self.store.transaction():
            self.store.meta.set(KEY_CREDENTIALS, creds.__dict__)
            self.store.meta.set(KEY_EPOCH, reply.epoch)
            self.store.meta.delete(KEY_CURSOR)
            # One profile per branch (issue 13): the set-up profile takes the branch's id.
            adopt_branch_profile(self.store, reply.branch_id, reply.profile_record_id,
                                 author=str(self.store.meta.get("clerk_name") or "clerk"))

    def cursor(self) -> str | None:
        value = self.store.meta.get(KEY_CURSOR)
        return str(value) if value else None

    def hlc_now(self) -> str:
        return self.store.clock.now().encode()

    # ------------------------------------------------------------------ outbox → wire

    def pending_count(self) -> int:
        return self.store.outbox_pending_count()

    def pending_changes(self, max_items: int, max_bytes: int) -> list[Change]:
        """The next batch. A local change that cannot be put on the wire (e.g. a record id from
        before ids were checked at import) is quarantined with its reason, never sent and never
        allowed to stop the others (issue 11)."""
        # counter and change_id are the outbox's, the rest the revision's
        return self.pending_changes_after(None, max_items, max_bytes)

    def pending_changes_after(self, counter: int | None, max_items: int, max_bytes: int) -> list[Change]:
        """:meth:`pending_changes` from the first entry after ``counter``: the engine reads the page
        after the one in flight without reading (decoding, signing) that one again (issue 15)."""
        outbox_columns = "o.counter, o.change_id, " + ", ".join(f"v.{name}" for name in OutboxChangeRow._fields[2:])
        rows = [OutboxChangeRow(*r) for r in self.store.conn.execute(
            f"SELECT {outbox_columns}"
            " FROM outbox o JOIN revisions v ON v.record_id = o.record_id AND v.rev = o.rev"
            " WHERE o.state = 'pending' AND o.counter > ? ORDER BY o.counter LIMIT ?",
            (-1 if counter is None else counter, max_items),
        ).fetchall()]
        key = self.signing_key()

        def built() -> Iterator[Change]:
            for r in rows:
                try:
                    yield build_change(
                        signing_key=key, device_id=self.device_id, change_id=r.change_id, counter=r.counter,
                        record_id=r.record_id, rev=r.rev, parents=json.loads(r.parents), kind=r.kind,
                        status=r.status, deleted=bool(r.deleted), schema_version=r.schema_version,
                        body=unpack(r.body) if r.body is not None else None, hlc=r.hlc,
                        device_time=r.device_time, author=r.author,
                    )
                except (ValidationError, ValueError) as exc:
                    code, message = _unsendable(r.record_id, exc)
                    self._mark(r.change_id, "quarantined", code, message)

        def unsendable(change: Change, exc: ValueError) -> None:
            code, message = _unsendable(change.record_id, exc)
            self._mark(change.change_id, "quarantined", code, message)

        return fit_batch(built(), max_bytes, unsendable)

    def _mark(self, change_id: str, state: str, code: str, message: str) -> None:
        with self.store.transaction():
            writes.set_outbox_state(self.store.conn, change_id, state, code, message)

    def requeue_unconfirmed(self) -> int:
        now = _now()
        with self.store.transaction():
            rows = self.store.conn.execute(
                "SELECT v.record_id, v.rev FROM revisions v WHERE v.device_id = ? AND v.received_at IS NULL"
                " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.record_id = v.record_id AND o.rev = v.rev)"
                " ORDER BY v.hlc",  # this device's HLC orders its own revisions, parents first
                (self.device_id,),
            ).fetchall()
            for record_id, rev in rows:
                writes.enqueue(self.store.conn, record_id, rev, now)
        return len(rows)

    def reject_locally(self, change_id: str, code: str, message: str) -> None:
        with self.store.transaction():
            writes.set_outbox_state(self.store.conn, change_id, "rejected", code, message)

    # ------------------------------------------------------------------ reply → store

    def apply_reply(self, sent: Sequence[Change], reply: SyncResponse,
                    quarantined: Sequence[QuarantinedChange] = ()) -> ApplyOutcome:
        """The whole reply in one transaction, a page at a time, not a change at a time: one
        statement per table for the results, one for the pulled revisions, and the records they
        touch read with a few ``IN (…)`` lookups (issue 15)."""
        outcome = ApplyOutcome()
        conn = self.store.conn
        now = _now()
        with self.store.transaction():
            # Changes of this page that cannot be accepted are kept verbatim with their reason, in
            # the same transaction as the cursor that moves past them (never lost, never blocking).
            conn.executemany(
                "INSERT INTO quarantine (record_id, kind, code, message, payload, received_at)"
                " VALUES (?,?,?,?,?,?)",
                [(bad.record_id, bad.kind, bad.code, bad.message, bad.payload, now) for bad in quarantined],
            )
            outcome.quarantined += len(quarantined)
            if reply.epoch_changed:
                # Head office restored a backup: what it acknowledged before proves nothing now.
                # The verify pass that follows marks again what it still holds.
                writes.forget_received(conn, self.device_id)
            touched: set[str] = set()
            refused = [r for r in reply.results if r.status == "rejected"]
            held = [r for r in reply.results if r.status != "rejected"]
            writes.set_outbox_states(conn, [(r.change_id, "rejected", r.code, r.message) for r in refused])
            outcome.rejected += len(refused)
            writes.remove_from_outbox(conn, [r.change_id for r in held])
            outcome.accepted += sum(1 for r in held if r.status == "accepted")
            outcome.duplicates += sum(1 for r in held if r.status == "duplicate")
            outcome.conflicts += sum(1 for r in held if r.status not in ("accepted", "duplicate"))
            writes.mark_received(conn, [(r.record_id, r.rev, now) for r in held])
            heads = [(r.record_id, r.current_rev, r.conflicted, r.leaves) for r in held if r.current_rev]
            writes.set_server_heads(conn, heads)
            touched.update(h[0] for h in heads)
            texts: dict[tuple[str, str], str] = {}  # the pulled bodies' JSON, serialized once
            pulled: list[writes.Revision] = []
            for change in reply.changes:
                blob = None
                if change.body is not None:
                    text = body_text(change.body)
                    texts[(change.record_id, change.rev)] = text
                    blob = pack_text(text)
                pulled.append(writes.Revision(
                    change.record_id, change.rev, list(change.parents), change.kind, change.status, change.deleted,
                    change.schema_version, blob, change.hlc or "", change.device_id or HQ_DEVICE_ID,
                    change.author, "server", change.device_time, received_at=change.received_at, sig=change.sig,
                ))
            fresh = writes.keep_pulled(conn, pulled, now=now)
            writes.set_server_heads(conn, [(c.record_id, c.current_rev, c.conflicted, c.leaves)
                                           for c in reply.changes])
            touched.update(c.record_id for c in reply.changes)
            outcome.pulled += len(reply.changes)
            outcome.new_conflicts.extend(self._settle(sorted(touched), now, fresh, texts))
            self.store.meta.set(KEY_CURSOR, reply.cursor)
            self.store.meta.set(KEY_EPOCH, reply.epoch)
            # Keep our clock ahead of head office's, so later local edits order after what we saw.
            try:
                self.store.clock.observe(HLCTimestamp.decode(reply.hlc), max_ahead_ms=5 * 60 * 1000)
                self.store.meta.set("hlc_observed", self.store.clock.last.encode())
            except BadTimestamp:
                pass
        self.store.records.roster_changed()
        return outcome

    def _parents_lookup(self, record_id: str) -> Any:
        conn = self.store.conn

        def lookup(rev: str) -> list[str] | None:
            row = conn.execute("SELECT parents FROM revisions WHERE record_id = ? AND rev = ?",
                               (record_id, rev)).fetchone()
            return json.loads(row[0]) if row else None

        return lookup

    def _settle(self, record_ids: Sequence[str], now: str, fresh: set[str],
                texts: dict[tuple[str, str], str]) -> list[str]:
        """Bring the records in line with head office; returns those that newly became conflicted.

        A record with pending local edits keeps them and becomes conflicted when head office's
        version is not an ancestor of its own (F13); any other follows head office's current
        revision and conflict flag, unless that revision arrives on a later page. Roster and
        branch-profile records are followed first, so the page's meetings are indexed and judged
        with the roster they came with.
        """
        conn = self.store.conn
        heads: dict[str, SyncHeadRow] = {}
        pending: set[str] = set()
        for chunk in _chunks(record_ids):
            marks = ",".join("?" * len(chunk))
            heads.update((row[0], SyncHeadRow(*row[1:])) for row in conn.execute(
                f"SELECT id, {columns(SyncHeadRow)} FROM records WHERE id IN ({marks})", chunk))
            pending.update(r for (r,) in conn.execute(
                f"SELECT DISTINCT record_id FROM outbox WHERE state = 'pending' AND record_id IN ({marks})", chunk))
        settled = {rid: head for rid, head in heads.items() if head.server_rev is not None}
        changed = [rid for rid, head in settled.items()
                   if rid not in pending and (head.rev != head.server_rev or rid in fresh)]
        unchanged = [(rid, head.server_rev) for rid, head in settled.items()
                     if rid not in pending and rid not in changed]
        server: dict[str, RevisionRow] = {}
        for chunk in _chunks([(rid, settled[rid].server_rev) for rid in changed]):
            pairs = ",".join("(?,?)" for _ in chunk)
            for row in conn.execute(f"SELECT {columns(RevisionRow)} FROM revisions"
                                    f" WHERE (record_id, rev) IN (VALUES {pairs})", [v for p in chunk for v in p]):
                server[row[0]] = RevisionRow(*row)
        held: set[str] = set(server)
        for chunk in _chunks(unchanged):
            pairs = ",".join("(?,?)" for _ in chunk)
            held.update(r for (r,) in conn.execute(f"SELECT record_id FROM revisions"
                                                   f" WHERE (record_id, rev) IN (VALUES {pairs})",
                                                   [v for p in chunk for v in p]))
        follows = [writes.Follow(server[rid], settled[rid].rev, texts.get((rid, server[rid].rev)))
                   for rid in changed if rid in server]
        first = [f for f in follows if f.server.kind in CONTEXT_KINDS]
        rest = [f for f in follows if f.server.kind not in CONTEXT_KINDS]
        records = self.store.records
        writes.follow_server(conn, first, members=records.members, validity=records.meeting_is_valid, now=now)
        if first:
            records.roster_changed()
        context = records.rule_context() if any(f.server.kind == "meeting" and f.server.status == "final"
                                                 for f in rest) else None
        roster = records.members()
        writes.follow_server(conn, rest, members=lambda: roster,
                             validity=lambda meeting: meeting_is_valid(meeting, context or records.rule_context()),
                             now=now)
        new_conflicts: list[str] = []
        synced: list[tuple[str, bool]] = []
        for rid in record_ids:
            head = settled.get(rid)
            if head is None:
                continue
            was_conflicted = bool(head.conflicted)
            if rid in pending:
                assert head.server_rev is not None
                if not is_ancestor(head.server_rev, head.rev, self._parents_lookup(rid)):
                    writes.set_conflicted(conn, rid, True)
                    if not was_conflicted:
                        new_conflicts.append(rid)
                continue
            if rid not in held:
                continue  # head office's current version arrives on a later page
            synced.append((rid, bool(head.server_conflicted)))
            if head.server_conflicted and not was_conflicted:
                new_conflicts.append(rid)
        writes.set_synced(conn, synced, now)
        return new_conflicts

    # ------------------------------------------------------------------ checks and status

    def server_checksum(self) -> int:
        rows = self.store.conn.execute(
            "SELECT id, server_rev, server_conflicted FROM records WHERE server_rev IS NOT NULL"
        ).fetchall()
        return branch_checksum((record_id, rev, bool(conflicted)) for record_id, rev, conflicted in rows)

    def record_outcome(self, *, ok: bool, at: str, error: str | None) -> None:
        with self.store.transaction():
            if ok:
                self.store.meta.set(KEY_LAST_SUCCESS, at)
                self.store.meta.delete(KEY_LAST_ERROR)
            else:
                self.store.meta.set(KEY_LAST_ERROR, {"at": at, "message": error})

    def status(self) -> SyncStatus:
        creds = self.credentials()
        conn = self.store.conn
        error = self.store.meta.get(KEY_LAST_ERROR)
        return SyncStatus(
            enrolled=creds is not None,
            branch_name=creds.branch_name if creds else None,
            last_success=self.store.meta.get(KEY_LAST_SUCCESS),
            last_error=error.get("message") if isinstance(error, dict) else None,
            pending=self.pending_count(),
            rejected=int(conn.execute("SELECT count(*) FROM outbox WHERE state = 'rejected'").fetchone()[0]),
            conflicts=int(conn.execute("SELECT count(*) FROM records WHERE conflicted = 1").fetchone()[0]),
            quarantined=int(conn.execute(
                "SELECT (SELECT count(*) FROM outbox WHERE state = 'quarantined')"
                " + (SELECT count(*) FROM quarantine WHERE state = 'open')").fetchone()[0]),
            full_resync=self.full_resync_pending(),
            base_url=creds.base_url if creds else None,
        )

    def rejected(self) -> list[dict[str, Any]]:
        """Changes head office refused and local changes that cannot be sent, with the reason, for
        the clerk to see (never dropped; see refused.py for what the clerk can do with them)."""
        rows = self.store.conn.execute(
            "SELECT o.change_id, o.record_id, o.rev, o.code, o.message, r.kind, r.title, o.state FROM outbox o"
            " LEFT JOIN records r ON r.id = o.record_id WHERE o.state IN ('rejected', 'quarantined')"
            " ORDER BY o.counter"
        ).fetchall()
        keys = ("change_id", "record_id", "rev", "code", "message", "kind", "title", "state")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def quarantined_pulls(self) -> list[dict[str, Any]]:
        """Changes from head office this device could not accept, with the reason."""
        rows = self.store.conn.execute(
            "SELECT id, record_id, kind, code, message, received_at FROM quarantine WHERE state = 'open' ORDER BY id"
        ).fetchall()
        keys = ("id", "record_id", "kind", "code", "message", "received_at")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    # ------------------------------------------------------------------ after a local restore

    def full_resync_pending(self) -> bool:
        return bool(self.store.meta.get(KEY_FULL_RESYNC))

    def full_resync_done(self) -> None:
        with self.store.transaction():
            self.store.meta.delete(KEY_FULL_RESYNC)

    def after_local_restore(self, reason: str) -> None:
        """This database went back in time: see :func:`mark_restored`."""
        with self.store.transaction():
            mark_restored(self.store.conn, self.device_id, reason)

    # ------------------------------------------------------------------ conflicts

    def conflicts(self) -> list[Conflict]:
        """Every conflicted record with all open versions side by side."""
        conn = self.store.conn
        out = []
        heads = [ConflictHeadRow(*r) for r in conn.execute(
            f"SELECT {columns(ConflictHeadRow)} FROM records WHERE conflicted = 1 ORDER BY id"
        ).fetchall()]
        for head in heads:
            revs = list(json.loads(head.server_leaves) if head.server_leaves else [])
            if head.rev not in revs:
                revs.append(head.rev)
            versions = []
            for leaf in revs:
                found = conn.execute(
                    f"SELECT {columns(RevisionRow)} FROM revisions WHERE record_id = ? AND rev = ?", (head.id, leaf)
                ).fetchone()
                if found is None:
                    continue
                v = RevisionRow(*found)
                versions.append(ConflictVersion(
                    leaf, unpack(v.body) if v.body is not None else None, v.author, v.device_id, v.hlc,
                    v.device_time, v.received_at, bool(v.deleted), leaf == head.server_rev,
                ))
            out.append(Conflict(head.id, head.kind, head.title, versions))
        return out

    def resolve_conflict(self, record_id: str, data: dict[str, Any] | RecordBody, *, author: str) -> str:
        """Resolve with a merge revision whose parents are every open version (sync-notes §6.5).

        The body is validated like any save and goes through the repository's write path
        (revision, history, outbox) in one transaction; returns the merge revision id.
        """
        store = self.store
        row = store.conn.execute(
            "SELECT kind, rev, conflicted, server_leaves, status FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        if row is None:
            raise RecordNotFound(detail=record_id)
        kind, local_rev, conflicted, leaves_text, _status = row
        if not conflicted:
            raise NotConflicted(detail=record_id)
        body, _warnings = store.records.validate(kind, data)
        with store.transaction():
            pending = store.conn.execute(
                "SELECT 1 FROM outbox WHERE record_id = ? AND state = 'pending' LIMIT 1", (record_id,)
            ).fetchone()
            leaves = json.loads(leaves_text) if leaves_text else [local_rev]
            parents = merge_parents(local_rev if pending else None, leaves)
            env = store.records.merge(record_id, body, parents=parents, author=author)
        return env.rev


def mark_restored(conn: Any, device_id: str, reason: str) -> None:
    """Make the next sync bring back everything since this database's state, in both directions
    (call inside a transaction; also used on a restored file before it is put in place).

    * The device forgets which of its own revisions head office acknowledged and asks for a full
      re-read including its own (the engine's verify pass): head office re-sends what the device
      lost; own revisions that do not come back are pushed again (``requeue_unconfirmed``).
    * The outbox counter jumps ahead: counters used after this state was saved are known to head
      office with other change ids and would be refused as ``counter_reused``.
    """
    writes.forget_received(conn, device_id)
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").fetchone()
    jump = max((row[0] if row else 0) + 1_000_000, int(dt.datetime.now(dt.UTC).timestamp() * 1000))
    if row:
        conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'outbox'", (jump,))
    else:
        conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)", (jump,))
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (KEY_FULL_RESYNC, json.dumps({"reason": reason, "at": _now()})),
    )


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _unsendable(record_id: str, exc: Exception) -> tuple[str, str]:
    """Code and Chinese message for a local change that cannot be put on the wire."""
    if not is_valid_record_id(record_id):
        return "invalid_id", invalid_id_message(record_id) + "，因此无法同步到上级党委。"
    return "invalid_change", f"这条修改不符合同步格式，无法发送到上级党委（{str(exc)[:200]}）"


def enrol_store(store: Store | StoreSyncState, base_url: str, code: str, *, device_name: str,
                ca_bundle: str | None = None, app_version: str = "") -> Credentials:
    """Enrol this installation with head office and keep the credentials in the encrypted store.

    ``store`` may also be its sync state — or a proxy of one, like the desktop app's, whose calls
    each take the session lock: the key is read and the credentials saved in separate calls, so
    the network exchange in between runs without holding the store.
    """
    from desktop_app.store.store import Store

    state = StoreSyncState(store) if isinstance(store, Store) else store
    creds, reply = enrol_module.enrol(
        base_url, code, device_id=state.device_id, device_name=device_name, signing_key=state.signing_key(),
        ca_bundle=ca_bundle, app_version=app_version,
    )
    state.save_enrolment(creds, reply)
    return creds


__all__ = ["SCHEMA_VERSION", "Conflict", "ConflictVersion", "StoreSyncState", "SyncStatus", "enrol_store"]
