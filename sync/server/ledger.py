"""Storage of one branch's revisions and heads, inside one transaction that holds the branch lock.

Opening a :class:`BranchLedger` locks the branch's ``branch_state`` row (``SELECT … FOR UPDATE``
on PostgreSQL; SQLite is already serialised by ``BEGIN IMMEDIATE``). Everything that writes to a
branch — device pushes and head-office publications — goes through it, so sequence numbers are
handed out in commit order and a reader paging ``seq > cursor`` never steps over a transaction
that commits late (sync-notes F17). The checksum of the heads is maintained incrementally here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, insert, or_, select, update

from sync.protocol.checksum import from_signed64, replace_term, to_signed64
from sync.server.conflicts import Head
from sync.server.tables import branch_state, heads, rejections, revisions
from sync.server.timeutil import now_text

# Bytes a pulled change costs on the wire besides its body (ids, revs, times, signature, keys).
CHANGE_OVERHEAD_BYTES = 600


class BranchNotFound(LookupError):
    pass


# The statements a push runs for every change, built once. Building a Core statement per call
# (``select(...).where(...)``, ``insert().values(...)``) and computing its cache key cost more
# CPU than executing it on SQLite; a prebuilt statement memoizes its cache key and compiled form.
# Every lookup is scoped to the locked branch: ids are per branch (migration 0002), so a device can
# neither see nor touch another branch's record, change or refusal by guessing or learning its id.
_HEAD = select(heads).where(heads.c.branch_id == bindparam("branch_id"), heads.c.record_id == bindparam("record_id"))
_KNOWN_REVS = select(revisions.c.rev).where(
    revisions.c.branch_id == bindparam("branch_id"), revisions.c.record_id == bindparam("record_id")
)
_BY_CHANGE_ID = select(revisions).where(
    revisions.c.branch_id == bindparam("branch_id"), revisions.c.change_id == bindparam("change_id")
)
_BY_REV = select(revisions).where(
    revisions.c.branch_id == bindparam("branch_id"),
    revisions.c.record_id == bindparam("record_id"),
    revisions.c.rev == bindparam("rev"),
)
_REVISION_AT_COUNTER = select(revisions.c.change_id).where(
    revisions.c.device_id == bindparam("device_id"), revisions.c.counter == bindparam("counter")
)
_REJECTION_AT_COUNTER = select(rejections.c.change_id).where(
    rejections.c.device_id == bindparam("device_id"), rejections.c.counter == bindparam("counter")
)
_REJECTION = select(rejections).where(
    rejections.c.branch_id == bindparam("branch_id"), rejections.c.change_id == bindparam("change_id")
)
_INSERT_REVISION = insert(revisions)
_INSERT_HEAD = insert(heads)
_INSERT_REJECTION = insert(rejections)
# Compare-and-set on the old current revision: a second writer that slipped past the branch lock
# (there should be none) fails loudly instead of overwriting (F21).
_MOVE_HEAD = update(heads).where(
    heads.c.branch_id == bindparam("key_branch_id"),
    heads.c.record_id == bindparam("key_record_id"),
    heads.c.current_rev == bindparam("old_rev"),
)  # the SET clause comes from the execution parameters' column names


@dataclass(frozen=True)
class NewRevision:
    record_id: str
    rev: str
    kind: str
    parents: Sequence[str]
    deleted: bool
    status: str
    schema_version: int
    body: dict[str, Any] | None
    hlc: str
    device_time: str
    author: str
    device_id: str | None
    change_id: str | None
    counter: int | None
    sig: str
    violations: list[dict[str, str]] | None = None


@dataclass(frozen=True)
class Page:
    rows: list[Row[Any]]
    has_more: bool
    last_seq: int  # the cursor position after this page


def head_from_row(row: Row[Any]) -> Head:
    return Head(
        record_id=row.record_id,
        branch_id=row.branch_id,
        kind=row.kind,
        current_rev=row.current_rev,
        status=row.status,
        deleted=bool(row.deleted),
        conflicted=bool(row.conflicted),
        leaves=tuple(json.loads(row.leaves)),
    )


def body_text(body: dict[str, Any] | None) -> str | None:
    return (
        None if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    )


class BranchLedger:
    """Reads and writes of one branch's ledger; call :meth:`flush` before committing."""

    def __init__(self, conn: Connection, branch_id: str) -> None:
        self.conn = conn
        self.branch_id = branch_id
        row = conn.execute(
            select(branch_state).where(branch_state.c.branch_id == branch_id).with_for_update()
        ).first()
        if row is None:
            raise BranchNotFound(branch_id)
        self.seq: int = row.seq
        self.checksum: int = from_signed64(row.checksum)
        self._start_seq = self.seq
        self.stored_bytes = 0  # what this transaction added (for the devices' storage quota)

    # ------------------------------------------------------------------ lookups

    def head(self, record_id: str) -> Head | None:
        """The head of ``record_id`` in this branch."""
        row = self.conn.execute(_HEAD, {"branch_id": self.branch_id, "record_id": record_id}).first()
        return head_from_row(row) if row else None

    def known_revs(self, record_id: str) -> set[str]:
        return set(self.conn.execute(_KNOWN_REVS, {"branch_id": self.branch_id, "record_id": record_id}).scalars())

    def revision_by_change_id(self, change_id: str) -> Row[Any] | None:
        return self.conn.execute(_BY_CHANGE_ID, {"branch_id": self.branch_id, "change_id": change_id}).first()

    def revision_by_rev(self, record_id: str, rev: str) -> Row[Any] | None:
        return self.conn.execute(
            _BY_REV, {"branch_id": self.branch_id, "record_id": record_id, "rev": rev}
        ).first()

    def change_id_at_counter(self, device_id: str, counter: int) -> str | None:
        """The change id this device already used ``counter`` for, if any (revision or rejection)."""
        params = {"device_id": device_id, "counter": counter}
        found = self.conn.execute(_REVISION_AT_COUNTER, params).scalar_one_or_none()
        if found is None:
            found = self.conn.execute(_REJECTION_AT_COUNTER, params).scalar_one_or_none()
        return found

    def rejection(self, change_id: str) -> Row[Any] | None:
        return self.conn.execute(_REJECTION, {"branch_id": self.branch_id, "change_id": change_id}).first()

    # ------------------------------------------------------------------ writes

    def store(self, revision: NewRevision, old_head: Head | None, new_head: Head) -> int:
        """Insert ``revision`` with the next sequence number and move the head; returns the seq."""
        self.seq += 1
        now = now_text()
        text = body_text(revision.body)
        self.stored_bytes += CHANGE_OVERHEAD_BYTES + len(text or "")
        self.conn.execute(
            _INSERT_REVISION,
            dict(
                branch_id=self.branch_id,
                seq=self.seq,
                record_id=revision.record_id,
                rev=revision.rev,
                kind=revision.kind,
                parents=json.dumps(list(revision.parents)),
                deleted=revision.deleted,
                status=revision.status,
                schema_version=revision.schema_version,
                body=text,
                hlc=revision.hlc,
                device_time=revision.device_time,
                author=revision.author,
                device_id=revision.device_id,
                change_id=revision.change_id,
                counter=revision.counter,
                sig=revision.sig,
                received_at=now,
                violations=json.dumps(revision.violations, ensure_ascii=False)
                if revision.violations
                else None,
            ),
        )
        values = {
            "kind": new_head.kind,
            "current_rev": new_head.current_rev,
            "status": new_head.status,
            "deleted": new_head.deleted,
            "conflicted": new_head.conflicted,
            "leaves": json.dumps(list(new_head.leaves)),
            "updated_seq": self.seq,
            "updated_at": now,
        }
        if old_head is None:
            self.conn.execute(_INSERT_HEAD, {"record_id": new_head.record_id, "branch_id": self.branch_id, **values})
        else:
            result = self.conn.execute(
                _MOVE_HEAD,
                {
                    "key_branch_id": self.branch_id,
                    "key_record_id": new_head.record_id,
                    "old_rev": old_head.current_rev,
                    **values,
                },
            )
            if result.rowcount != 1:
                raise RuntimeError(f"head of {new_head.record_id} moved concurrently")
        self.checksum = replace_term(
            self.checksum, old_head.checksum_key() if old_head else None, new_head.checksum_key()
        )
        return self.seq

    def reject(
        self,
        *,
        change_id: str,
        device_id: str,
        counter: int,
        record_id: str,
        rev: str,
        code: str,
        message: str,
    ) -> None:
        self.conn.execute(
            _INSERT_REJECTION,
            dict(
                branch_id=self.branch_id,
                change_id=change_id,
                device_id=device_id,
                counter=counter,
                record_id=record_id,
                rev=rev,
                code=code,
                message=message,
                received_at=now_text(),
            ),
        )

    def flush(self) -> None:
        """Write the branch sequence and checksum back (same transaction as the revisions)."""
        if self.seq != self._start_seq:
            self.conn.execute(
                update(branch_state)
                .where(branch_state.c.branch_id == self.branch_id)
                .values(seq=self.seq, checksum=to_signed64(self.checksum))
            )
            self._start_seq = self.seq

    # ------------------------------------------------------------------ reads

    def read_page(
        self, *, after_seq: int, exclude_device: str | None, max_items: int, max_bytes: int
    ) -> Page:
        """Revisions with ``after_seq < seq <= self.seq`` in seq order, with their record's head.

        Bounded by count and by approximate wire bytes; always at least one change so a single
        large revision cannot block the stream. Revisions written by ``exclude_device`` are left
        out (it already holds them) but the cursor moves past them.
        """
        query = (
            select(
                revisions,
                heads.c.current_rev,
                heads.c.conflicted,
                heads.c.leaves,
            )
            .join(heads, (heads.c.branch_id == revisions.c.branch_id) & (heads.c.record_id == revisions.c.record_id))
            .where(
                revisions.c.branch_id == self.branch_id,
                revisions.c.seq > after_seq,
                revisions.c.seq <= self.seq,
            )
            .order_by(revisions.c.seq)
            .limit(max_items + 1)
        )
        if exclude_device is not None:
            query = query.where(
                or_(revisions.c.device_id.is_(None), and_(revisions.c.device_id != exclude_device))
            )
        rows = list(self.conn.execute(query).all())
        taken: list[Row[Any]] = []
        used = 0
        for row in rows[:max_items]:
            size = CHANGE_OVERHEAD_BYTES + len(row.body or "")
            if taken and used + size > max_bytes:
                break
            taken.append(row)
            used += size
        has_more = len(taken) < len(rows)
        last_seq = taken[-1].seq if has_more else self.seq
        return Page(taken, has_more, last_seq)
