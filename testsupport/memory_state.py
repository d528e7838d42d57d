"""An in-memory replica implementing :class:`~sync.client.state.SyncState`.

It follows the same rules as the encrypted store's sync state (desktop_app/store/sync_state.py)
without SQLCipher, so protocol tests, property tests and benchmarks can run many simulated
devices cheaply. It is a real replica, not a stub: local edits create revisions and outbox
entries exactly as the repository does, and replies are applied all-or-nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sync.client.changes import build_change, fit_batch
from sync.client.merge import is_ancestor, merge_parents
from sync.client.state import ApplyOutcome, Credentials, QuarantinedChange
from sync.protocol.checksum import branch_checksum
from sync.protocol.hlc import HybridLogicalClock
from sync.protocol.revisions import compute_rev
from sync.protocol.signatures import SigningKey
from sync.protocol.wire import Change, EnrolResponse, SyncResponse


class LocalEditRefused(ValueError):
    """The replica refuses an edit the store would refuse (finalized, conflicted, unknown)."""


@dataclass
class Revision:
    record_id: str
    rev: str
    parents: list[str]
    kind: str
    status: str
    deleted: bool
    body: dict[str, Any] | None
    hlc: str
    device_id: str | None
    author: str
    device_time: str
    schema_version: int = 1


@dataclass
class Record:
    record_id: str
    kind: str
    rev: str
    status: str
    deleted: bool
    body: dict[str, Any] | None
    conflicted: bool = False
    server_rev: str | None = None
    server_conflicted: bool = False
    server_leaves: list[str] = field(default_factory=list)


@dataclass
class OutboxEntry:
    counter: int
    change_id: str
    record_id: str
    rev: str
    state: str = "pending"  # pending | rejected
    code: str | None = None
    message: str | None = None


class MemoryState:
    """A device replica held in memory."""

    def __init__(
        self, device_id: str | None = None, *, author: str = "clerk", signing_key: SigningKey | None = None
    ) -> None:
        self.device_id = device_id or uuid.uuid4().hex
        self.author = author
        self._key = signing_key or SigningKey.generate()
        self.clock = HybridLogicalClock(self.device_id)
        self.records: dict[str, Record] = {}
        self.revisions: dict[tuple[str, str], Revision] = {}
        self.outbox: list[OutboxEntry] = []
        self._counter = 0
        self._cursor: str | None = None
        self.epoch: str | None = None
        self.confirmed: set[tuple[str, str]] = set()  # (record_id, rev) head office is known to hold
        self.creds: Credentials | None = None
        self.last_ok: str | None = None
        self.last_error: str | None = None
        self.quarantined: list[QuarantinedChange] = []  # pulled changes this replica could not accept

    # ------------------------------------------------------------------ local edits

    def _write(
        self,
        record_id: str,
        kind: str,
        body: dict[str, Any] | None,
        parents: list[str],
        *,
        status: str = "draft",
        deleted: bool = False,
    ) -> str:
        rev = compute_rev(kind=kind, body=body, parents=parents, deleted=deleted, status=status)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        self.revisions[(record_id, rev)] = Revision(
            record_id,
            rev,
            list(parents),
            kind,
            status,
            deleted,
            copy.deepcopy(body),
            self.clock.now().encode(),
            self.device_id,
            self.author,
            now,
        )
        record = self.records.get(record_id)
        if record is None:
            self.records[record_id] = Record(record_id, kind, rev, status, deleted, copy.deepcopy(body))
        else:
            record.rev, record.status, record.deleted, record.body = rev, status, deleted, copy.deepcopy(body)
            record.conflicted = False
        self._counter += 1
        self.outbox.append(OutboxEntry(self._counter, uuid.uuid4().hex, record_id, rev))
        return rev

    def _editable(self, record_id: str) -> Record:
        record = self.records.get(record_id)
        if record is None or record.deleted:
            raise LocalEditRefused(f"no such record {record_id}")
        if record.status == "final":
            raise LocalEditRefused("finalized")
        if record.conflicted:
            raise LocalEditRefused("conflicted")
        return record

    def create(self, kind: str, body: dict[str, Any], record_id: str | None = None, *,
               unchecked: bool = False) -> str:
        """A new record (``unchecked`` is for the store's replica: this one checks no body)."""
        record_id = record_id or uuid.uuid4().hex
        if record_id in self.records:
            raise LocalEditRefused("exists")
        self._write(record_id, kind, body, [])
        return record_id

    def update(self, record_id: str, body: dict[str, Any]) -> str:
        record = self._editable(record_id)
        return self._write(record_id, record.kind, body, [record.rev])

    def finalize(self, record_id: str) -> str:
        record = self._editable(record_id)
        return self._write(record_id, record.kind, record.body, [record.rev], status="final")

    def delete(self, record_id: str) -> str:
        record = self._editable(record_id)
        return self._write(record_id, record.kind, record.body, [record.rev], deleted=True)

    def resolve(self, record_id: str, body: dict[str, Any]) -> str:
        """Resolve a conflict with a merge revision whose parents are every open leaf."""
        record = self.records[record_id]
        pending = self._has_pending(record_id)
        parents = merge_parents(record.rev if pending else None, record.server_leaves or [record.rev])
        return self._write(record_id, record.kind, body, parents)

    # ------------------------------------------------------------------ test surface shared with StoreReplica

    @property
    def sync(self) -> MemoryState:
        """What the engine drives (for the store's replica, its StoreSyncState)."""
        return self

    def close(self) -> None:
        """Nothing to release (the store's replica removes its files)."""

    def save_enrolment(self, creds: Credentials, reply: EnrolResponse) -> None:
        self.creds, self.epoch, self._cursor = creds, reply.epoch, None

    def tamper_revision_body(self, record_id: str, rev: str, body: dict[str, Any]) -> None:
        self.revisions[(record_id, rev)].body = body

    def replace_signing_key(self, key: SigningKey) -> None:
        self._key = key

    # ------------------------------------------------------------------ SyncState

    def signing_key(self) -> SigningKey:
        return self._key

    def credentials(self) -> Credentials | None:
        return self.creds

    def update_credentials(self, creds: Credentials) -> None:
        self.creds = creds

    def cursor(self) -> str | None:
        return self._cursor

    def hlc_now(self) -> str:
        return self.clock.now().encode()

    def _has_pending(self, record_id: str) -> bool:
        return any(e.record_id == record_id and e.state == "pending" for e in self.outbox)

    def pending_count(self) -> int:
        return sum(1 for e in self.outbox if e.state == "pending")

    def rejected(self) -> list[OutboxEntry]:
        return [e for e in self.outbox if e.state == "rejected"]

    def pending_changes(self, max_items: int, max_bytes: int) -> list[Change]:
        return self.pending_changes_after(None, max_items, max_bytes)

    def pending_changes_after(self, counter: int | None, max_items: int, max_bytes: int) -> list[Change]:
        """The pending entries after ``counter`` (from the first for None), built lazily as the store does."""
        entries = [e for e in self.outbox if e.state == "pending" and (counter is None or e.counter > counter)]

        def built() -> Iterator[Change]:
            for entry in entries[:max_items]:
                r = self.revisions[(entry.record_id, entry.rev)]
                yield build_change(
                    signing_key=self._key,
                    device_id=self.device_id,
                    change_id=entry.change_id,
                    counter=entry.counter,
                    record_id=r.record_id,
                    kind=r.kind,
                    rev=r.rev,
                    parents=r.parents,
                    deleted=r.deleted,
                    status=r.status,
                    schema_version=r.schema_version,
                    body=r.body,
                    hlc=r.hlc,
                    device_time=r.device_time,
                    author=r.author,
                )

        return fit_batch(built(), max_bytes)

    def reject_locally(self, change_id: str, code: str, message: str) -> None:
        for entry in self.outbox:
            if entry.change_id == change_id:
                entry.state, entry.code, entry.message = "rejected", code, message

    def requeue_unconfirmed(self) -> int:
        queued = {(e.record_id, e.rev) for e in self.outbox}
        missing = sorted(
            (r for key, r in self.revisions.items()
             if r.device_id == self.device_id and key not in self.confirmed and key not in queued),
            key=lambda r: r.hlc,
        )
        for revision in missing:
            self._counter += 1
            self.outbox.append(OutboxEntry(self._counter, uuid.uuid4().hex, revision.record_id, revision.rev))
        return len(missing)

    def apply_reply(self, sent: Sequence[Change], reply: SyncResponse,
                    quarantined: Sequence[QuarantinedChange] = ()) -> ApplyOutcome:
        """All-or-nothing: work on copies, swap them in at the end (the 'transaction').

        A record is copied when the reply changes it, not every record on every page (copying the
        whole replica per page made a long pull quadratic). A copy's fields are only ever replaced,
        never changed in place, so a shallow copy is enough.
        """
        records = dict(self.records)
        original = self.records

        def changing(record_id: str) -> Record | None:
            record = records.get(record_id)
            if record is not None and record is original.get(record_id):
                record = records[record_id] = copy.copy(record)
            return record

        revisions = dict(self.revisions)
        outbox = copy.deepcopy(self.outbox)
        outcome = ApplyOutcome(quarantined=len(quarantined))
        kept = [*self.quarantined, *quarantined]
        touched: set[str] = set()
        # A new epoch: head office restored a backup, and what it held before proves nothing now.
        confirmed = set() if reply.epoch_changed else set(self.confirmed)
        by_change = {e.change_id: e for e in outbox}
        for result in reply.results:
            entry = by_change.get(result.change_id)
            if entry is None:
                continue
            record = changing(result.record_id)
            if result.status == "rejected":
                entry.state, entry.code, entry.message = "rejected", result.code, result.message
                outcome.rejected += 1
                continue
            outbox.remove(entry)
            confirmed.add((result.record_id, result.rev))
            if result.status == "accepted":
                outcome.accepted += 1
            elif result.status == "duplicate":
                outcome.duplicates += 1
            else:
                outcome.conflicts += 1
            if record is not None and result.current_rev:
                record.server_rev, record.server_conflicted = result.current_rev, result.conflicted
                record.server_leaves = list(result.leaves)
                touched.add(record.record_id)
        for change in reply.changes:
            key = (change.record_id, change.rev)
            confirmed.add(key)
            if key not in revisions:
                revisions[key] = Revision(
                    change.record_id,
                    change.rev,
                    list(change.parents),
                    change.kind,
                    change.status,
                    change.deleted,
                    change.body,
                    change.hlc,
                    change.device_id,
                    change.author,
                    change.device_time,
                    change.schema_version,
                )
            record = changing(change.record_id)
            if record is None:
                record = Record(
                    change.record_id, change.kind, change.rev, change.status, change.deleted, change.body
                )
                records[change.record_id] = record
            record.server_rev, record.server_conflicted = change.current_rev, change.conflicted
            record.server_leaves = list(change.leaves)
            touched.add(change.record_id)
            outcome.pulled += 1
        pending_records = {e.record_id for e in outbox if e.state == "pending"}
        for record_id in touched:
            record = records[record_id]
            if record.server_rev is None:
                continue
            parents_of = self._parents_lookup(revisions, record_id)
            if record_id in pending_records:
                # Never overwrite unsent local work (F13): keep it; flag the fork if there is one.
                if not is_ancestor(record.server_rev, record.rev, parents_of):
                    if not record.conflicted:
                        outcome.new_conflicts.append(record_id)
                    record.conflicted = True
                continue
            current = revisions.get((record_id, record.server_rev))
            if current is None:
                continue  # the server's current version arrives on a later page
            was = record.conflicted
            record.rev, record.status, record.deleted = current.rev, current.status, current.deleted
            record.body = copy.deepcopy(current.body)
            record.conflicted = record.server_conflicted
            if record.conflicted and not was:
                outcome.new_conflicts.append(record_id)
        self.records, self.revisions, self.outbox, self.quarantined = records, revisions, outbox, kept
        self.confirmed = confirmed
        self._cursor = reply.cursor
        self.epoch = reply.epoch
        return outcome

    @staticmethod
    def _parents_lookup(revisions: dict[tuple[str, str], Revision], record_id: str) -> Any:
        def lookup(rev: str) -> list[str] | None:
            found = revisions.get((record_id, rev))
            return found.parents if found else None

        return lookup

    def server_checksum(self) -> int:
        return branch_checksum(
            (r.record_id, r.server_rev, r.server_conflicted) for r in self.records.values() if r.server_rev
        )

    def record_outcome(self, *, ok: bool, at: str, error: str | None) -> None:
        if ok:
            self.last_ok = at
        self.last_error = error
