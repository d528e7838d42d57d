"""The encrypted store as a test replica, with the same test surface as :class:`MemoryState`.

The sync scenario tests (flow, link cuts, verify, properties, concurrency) run on both replicas,
as head office's tests run on SQLite and PostgreSQL: a divergence of the in-memory copy from the
real store fails a test. Here the engine drives the real :class:`StoreSyncState` over a real
SQLCipher file; the clerk's edits go through the real repository (validation included). The
views (``records``, ``revisions``, ``outbox``) are read back from the database on each access.

Only ``unchecked=True`` leaves the repository: it writes a body the app would refuse (a notice,
an empty title) through the store's one revision writer, as an older or tampered client would
send it, so head office's refusal can be tested on this replica too.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from desktop_app.store import KdfParams, Store
from desktop_app.store.codec import pack, unpack
from desktop_app.store.repository import SCHEMA_VERSION, utc_now
from desktop_app.store.rows import RevisionRow, columns
from desktop_app.store.sync_state import StoreSyncState
from desktop_app.store.writes import Revision as StoredRevision
from desktop_app.store.writes import parse_body, write_revision
from sync.client.state import ApplyOutcome, Credentials, QuarantinedChange
from sync.protocol.revisions import compute_rev
from sync.protocol.signatures import SigningKey, b64encode
from sync.protocol.wire import Change, EnrolResponse, SyncResponse
from testsupport.memory_state import OutboxEntry, Record, Revision

PASSPHRASE = "测试副本-2026"


class StoreReplica:
    """A branch laptop's store in a temporary directory (removed by :meth:`close`)."""

    def __init__(self, *, author: str = "clerk", directory: Path | None = None) -> None:
        self._dir = directory or Path(tempfile.mkdtemp(prefix="replica-"))
        self.author = author
        self.store, _ = Store.create(self._dir / "store", PASSPHRASE, kdf=KdfParams.fast_for_tests())
        self.sync = StoreSyncState(self.store)  # what the engine drives
        self.device_id = self.store.device_id

    def close(self) -> None:
        self.store.close(backup=False)
        shutil.rmtree(self._dir, ignore_errors=True)

    # ------------------------------------------------------------------ the clerk's edits

    def create(self, kind: str, body: dict[str, Any], record_id: str | None = None, *,
               unchecked: bool = False) -> str:
        if unchecked:
            return self._unchecked(kind, body, record_id)
        with self.store.transaction():
            return self.store.records.create(kind, body, author=self.author, record_id=record_id).record_id

    def update(self, record_id: str, body: dict[str, Any]) -> str:
        with self.store.transaction():
            return self.store.records.update(record_id, body, author=self.author).rev

    def finalize(self, record_id: str) -> str:
        with self.store.transaction():
            return self.store.records.finalize(record_id, author=self.author).rev

    def delete(self, record_id: str) -> str:
        with self.store.transaction():
            self.store.records.delete(record_id, author=self.author)
        return self.records[record_id].rev

    def resolve(self, record_id: str, body: dict[str, Any]) -> str:
        return self.sync.resolve_conflict(record_id, body, author=self.author)

    def _unchecked(self, kind: str, body: dict[str, Any], record_id: str | None) -> str:
        record_id = record_id or uuid.uuid4().hex
        rev = compute_rev(kind=kind, body=body, parents=[], deleted=False, status="draft",
                          schema_version=SCHEMA_VERSION)
        now = utc_now()
        revision = StoredRevision(record_id, rev, [], kind, "draft", False, SCHEMA_VERSION, pack(body),
                                  self.store.clock.now().encode(), self.device_id, self.author, "local", now)
        with self.store.transaction():
            write_revision(self.store.conn, revision, body=parse_body(kind, revision.body or b""),
                           members=self.store.records.members, validity=self.store.records.meeting_is_valid,
                           op="create", before_rev=None, created_at=now,
                           now=now)
        return record_id

    # ------------------------------------------------------------------ tampering (tests of refusal)

    def tamper_revision_body(self, record_id: str, rev: str, body: dict[str, Any]) -> None:
        """Change a stored revision's body under the same rev (head office recomputes the rev)."""
        with self.store.transaction():
            self.store.conn.execute("UPDATE revisions SET body = ? WHERE record_id = ? AND rev = ?",
                                    (pack(body), record_id, rev))

    def replace_signing_key(self, key: SigningKey) -> None:
        with self.store.transaction():
            self.store.meta.set("sync.signing_key", b64encode(key.to_bytes()))

    # ------------------------------------------------------------------ views, read from the database

    @property
    def records(self) -> dict[str, Record]:
        rows = self.store.conn.execute(
            "SELECT id, kind, rev, status, deleted, body, conflicted, server_rev, server_conflicted, server_leaves"
            " FROM records ORDER BY id"
        ).fetchall()
        out = {}
        for rid, kind, rev, status, deleted, blob, conflicted, server_rev, server_conflicted, leaves in rows:
            out[rid] = Record(rid, kind, rev, status, bool(deleted), unpack(blob) if blob is not None else None,
                              bool(conflicted), server_rev, bool(server_conflicted),
                              list(json.loads(leaves)) if leaves else [])
        return out

    @property
    def revisions(self) -> dict[tuple[str, str], Revision]:
        out = {}
        for found in self.store.conn.execute(f"SELECT {columns(RevisionRow)} FROM revisions").fetchall():
            r = RevisionRow(*found)
            out[(r.record_id, r.rev)] = Revision(
                r.record_id, r.rev, json.loads(r.parents), r.kind, r.status, bool(r.deleted),
                unpack(r.body) if r.body is not None else None, r.hlc, r.device_id, r.author, r.device_time,
                r.schema_version,
            )
        return out

    @property
    def outbox(self) -> list[OutboxEntry]:
        return [OutboxEntry(*row) for row in self.store.conn.execute(
            "SELECT counter, change_id, record_id, rev, state, code, message FROM outbox"
            " WHERE state IN ('pending', 'rejected') ORDER BY counter"
        ).fetchall()]

    def rejected(self) -> list[OutboxEntry]:
        return [e for e in self.outbox if e.state == "rejected"]

    # ------------------------------------------------------------------ the SyncState calls tests make

    def save_enrolment(self, creds: Credentials, reply: EnrolResponse) -> None:
        self.sync.save_enrolment(creds, reply)

    def signing_key(self) -> SigningKey:
        return self.sync.signing_key()

    def credentials(self) -> Credentials | None:
        return self.sync.credentials()

    def cursor(self) -> str | None:
        return self.sync.cursor()

    def pending_count(self) -> int:
        return self.sync.pending_count()

    def pending_changes(self, max_items: int, max_bytes: int) -> list[Change]:
        return self.sync.pending_changes(max_items, max_bytes)

    def pending_changes_after(self, counter: int | None, max_items: int, max_bytes: int) -> list[Change]:
        return self.sync.pending_changes_after(counter, max_items, max_bytes)

    def apply_reply(self, sent: Sequence[Change], reply: SyncResponse,
                    quarantined: Sequence[QuarantinedChange] = ()) -> ApplyOutcome:
        return self.sync.apply_reply(sent, reply, quarantined)

    def server_checksum(self) -> int:
        return self.sync.server_checksum()
