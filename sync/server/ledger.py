"""Storage of one branch's revisions and heads, inside one transaction that holds the branch lock.

Opening a :class:`BranchLedger` locks the branch's ``branch_state`` row (``SELECT … FOR UPDATE``
on PostgreSQL; SQLite is already serialised by ``BEGIN IMMEDIATE``). Everything that writes to a
branch — device pushes and head-office publications — goes through it, so sequence numbers are
handed out in commit order and a reader paging ``seq > cursor`` never steps over a transaction
that commits late (sync-notes F17). The checksum of the heads is maintained incrementally here.

Work is per *page*, not per change (issue 15): :meth:`BranchLedger.prefetch` reads everything a
push page needs in a few ``IN (…)`` queries into a :class:`PageView`, which the push then
consults and updates change by change in memory (so a change sees the ones before it in the same
page exactly as if each had been written at once); :meth:`store` and :meth:`reject` only stage
rows, and :meth:`flush` writes them with one ``executemany`` per table before the page is read.
Everything stays inside the one transaction that holds the branch lock, so a page is atomic.
"""

from __future__ import annotations

import collections
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Row,
    Text,
    and_,
    bindparam,
    cast,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from sync.protocol.checksum import from_signed64, replace_term, to_signed64
from sync.server.blobrefs import insert_refs, refs_in_body
from sync.server.conflicts import Head
from sync.server.tables import branch_state, heads, rejections, revisions
from sync.server.timeutil import now_text

# The kinds the rule findings' context is built from (findings.py): the roster and the profile.
ROSTER_KINDS = ("member", "branch_profile")
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
# The page's lookups in two statements, whatever the page size (prebuilt: one cache entry each).
# First, what the page's change ids and this device's counters were already used for: the four
# index lookups of the replay checks, tagged and sent as one UNION ALL (one round trip, not four).
_NO_SEQ = cast(null(), BigInteger)
_NO_TEXT = cast(null(), Text)
_PAGE_IDS = union_all(
    select(literal("stored"), revisions.c.change_id, revisions.c.seq, _NO_SEQ, _NO_TEXT, _NO_TEXT).where(
        revisions.c.branch_id == bindparam("branch_id"), revisions.c.change_id.in_(bindparam("ids", expanding=True))
    ),
    select(literal("refused"), rejections.c.change_id, _NO_SEQ, _NO_SEQ, rejections.c.code, rejections.c.message)
    .where(rejections.c.branch_id == bindparam("branch_id"),
           rejections.c.change_id.in_(bindparam("ids", expanding=True))),
    select(literal("refused_counter"), rejections.c.change_id, _NO_SEQ, rejections.c.counter, _NO_TEXT, _NO_TEXT)
    .where(rejections.c.device_id == bindparam("device_id"),
           rejections.c.counter.in_(bindparam("counters", expanding=True))),
    select(literal("stored_counter"), revisions.c.change_id, _NO_SEQ, revisions.c.counter, _NO_TEXT, _NO_TEXT)
    .where(revisions.c.device_id == bindparam("device_id"),
           revisions.c.counter.in_(bindparam("counters", expanding=True))),
    # The branch's roster marker (findings.py), read here after the branch lock rather than in a
    # statement of its own per page (issue 15): the highest seq of a member or profile head, and
    # their count.
    select(literal("roster_marker"), _NO_TEXT, func.coalesce(func.max(heads.c.updated_seq), 0),
           cast(func.count(), BigInteger), _NO_TEXT, _NO_TEXT)
    .where(heads.c.branch_id == bindparam("branch_id"), heads.c.kind.in_(ROSTER_KINDS)),
)
# Then every revision the page's records hold, each row with its record's head (a record with a
# revision always has a head: ledger.store writes both).
_REVS_WITH_HEADS = (
    select(revisions.c.record_id, revisions.c.rev, revisions.c.seq, heads.c.branch_id, heads.c.kind,
           heads.c.current_rev, heads.c.status, heads.c.deleted, heads.c.conflicted, heads.c.leaves)
    .select_from(revisions.outerjoin(
        heads, (heads.c.branch_id == revisions.c.branch_id) & (heads.c.record_id == revisions.c.record_id)))
    .where(revisions.c.branch_id == bindparam("branch_id"), revisions.c.record_id.in_(bindparam("ids", expanding=True)))
)
_INSERT_REVISION = insert(revisions)
_INSERT_REJECTION = insert(rejections)
_LOCK_BRANCH = select(branch_state).where(branch_state.c.branch_id == bindparam("branch_id")).with_for_update()
_SET_BRANCH_STATE = update(branch_state).where(branch_state.c.branch_id == bindparam("key_branch_id"))
_SET_BRANCH_STATE_VALUES = _SET_BRANCH_STATE.values(seq=bindparam("seq"), checksum=bindparam("checksum"))
# A page of the branch since a cursor, with each revision's head; one statement per variant.
_PAGE_QUERY = (
    select(revisions, heads.c.current_rev, heads.c.conflicted, heads.c.leaves)
    .join(heads, (heads.c.branch_id == revisions.c.branch_id) & (heads.c.record_id == revisions.c.record_id))
    .where(
        revisions.c.branch_id == bindparam("branch_id"),
        revisions.c.seq > bindparam("after_seq"),
        revisions.c.seq <= bindparam("upto_seq"),
    )
    .order_by(revisions.c.seq)
    .limit(bindparam("page_limit"))
)
_PAGE_QUERY_OTHERS = _PAGE_QUERY.where(
    or_(revisions.c.device_id.is_(None), and_(revisions.c.device_id != bindparam("exclude_device")))
)
# A page's heads, new and moved, in one statement (issue 15; it was an INSERT and an UPDATE per
# page): an upsert whose update is a compare-and-set on the old current revision, so a second
# writer that slipped past the branch lock (there should be none) fails loudly instead of
# overwriting (F21). A new record's ``old_rev`` is NULL, so a head that appeared meanwhile is not
# overwritten either: either way the row count falls short and the page is refused.
_HEAD_COLUMNS = ("kind", "current_rev", "status", "deleted", "conflicted", "leaves", "updated_seq", "updated_at")


def _head_upsert(dialect_insert: Any) -> Any:
    stmt = dialect_insert(heads)
    return stmt.on_conflict_do_update(
        index_elements=[heads.c.branch_id, heads.c.record_id],
        set_={name: stmt.excluded[name] for name in _HEAD_COLUMNS},
        where=heads.c.current_rev == bindparam("old_rev"),
    ).execution_options(preserve_rowcount=True)  # SQLAlchemy keeps an INSERT's row count only when asked


_UPSERT_HEADS = {"postgresql": _head_upsert(postgresql.insert), "sqlite": _head_upsert(sqlite.insert)}


@functools.lru_cache(maxsize=64)
def _pg_sql(dialect: Any, stmt: Any, keys: tuple[str, ...] = ()) -> str:
    """``stmt`` as the connection's psycopg dialect writes it (``%(name)s`` parameters), compiled
    once; ``keys``: the columns of an INSERT's rows, for a statement built without its VALUES."""
    if keys:
        stmt = stmt.values({key: bindparam(key) for key in keys})
    return str(stmt.compile(dialect=dialect))


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


@dataclass
class PageView:
    """What a push page needs to know about the branch, read once and kept current in memory.

    Every map is keyed the way the per-change lookups were: change ids and record ids within the
    locked branch; ``counters`` by the pushing device's counter (a revision's or a refusal's).
    """

    stored: dict[str, int]  # change id -> seq of the revision stored under it
    refused: dict[str, tuple[str, str]]  # change id -> (code, message) of its recorded refusal
    counters: dict[int, str]  # this device's counter -> the change id that used it
    heads: dict[str, Head]  # record id -> head
    revs: dict[str, dict[str, int]]  # record id -> {rev: seq} of every revision held
    # (highest seq, count) of the branch's member and profile heads when the page was read
    roster_marker: tuple[int, int] | None = None

    def known_revs(self, record_id: str) -> set[str]:
        return set(self.revs.get(record_id, ()))


@dataclass
class _StagedHead:
    original: Head | None  # the head as the database holds it (None: a new record)
    current: Head


@dataclass(frozen=True)
class Page:
    rows: list[Row[Any]]
    has_more: bool
    last_seq: int  # the cursor position after this page


def head_from_row(row: Any) -> Head:
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

    def __init__(self, conn: Connection, branch_id: str, *, locked: tuple[int, int] | None = None) -> None:
        """Lock the branch; ``locked``: the caller already locked its ``branch_state`` row in this
        transaction (``SELECT … FOR UPDATE OF branch_state``) and read its ``(seq, checksum)``."""
        self.conn = conn
        self.branch_id = branch_id
        if locked is None:
            row = conn.execute(_LOCK_BRANCH, {"branch_id": branch_id}).first()
            if row is None:
                raise BranchNotFound(branch_id)
            locked = (row.seq, row.checksum)
        self.seq: int = locked[0]
        self.checksum: int = from_signed64(locked[1])
        self._start_seq = self.seq
        self.stored_bytes = 0  # what this transaction added (for the devices' storage quota)
        self.stored_kinds: collections.Counter[str] = collections.Counter()  # revisions staged, by kind
        self.view: PageView | None = None  # set by prefetch; kept current by store/reject
        self._revision_rows: list[dict[str, Any]] = []
        self._rejection_rows: list[dict[str, Any]] = []
        self._heads: dict[str, _StagedHead] = {}
        self._head_times: dict[str, tuple[int, str]] = {}  # record id -> (updated_seq, updated_at)
        self._blob_refs: list[tuple[int, tuple[str, int, str, str]]] = []  # (seq, ref) of staged bodies

    def prefetch(self, device_id: str, change_ids: Sequence[str], counters: Sequence[int],
                 record_ids: Sequence[str]) -> PageView:
        """Read what a push page of these changes needs, in two queries (whatever the page size),
        the roster marker included."""
        ids, cids, nums = sorted(set(record_ids)), sorted(set(change_ids)), sorted(set(counters))
        view = PageView({}, {}, {}, {}, {})
        if cids or nums:
            refused_counters: dict[int, str] = {}
            stored_counters: dict[int, str] = {}
            params = {"branch_id": self.branch_id, "device_id": device_id, "ids": cids, "counters": nums}
            for tag, change_id, seq, counter, code, message in self.conn.execute(_PAGE_IDS, params):
                if tag == "stored":
                    view.stored[change_id] = seq
                elif tag == "refused":
                    view.refused[change_id] = (code, message)
                elif tag == "refused_counter":
                    refused_counters[counter] = change_id
                elif tag == "roster_marker":
                    view.roster_marker = (int(seq), int(counter))
                else:
                    stored_counters[counter] = change_id
            # A revision's counter wins over a refusal's, as in change_id_at_counter.
            view.counters = {**refused_counters, **stored_counters}
        if ids:
            for r in self.conn.execute(_REVS_WITH_HEADS, {"branch_id": self.branch_id, "ids": ids}):
                view.revs.setdefault(r.record_id, {})[r.rev] = r.seq
                if r.record_id not in view.heads and r.current_rev is not None:
                    view.heads[r.record_id] = head_from_row(r)
        self.view = view
        return view

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

    def store(self, revision: NewRevision, old_head: Head | None, new_head: Head, *,
              text: str | None = None) -> int:
        """Stage ``revision`` with the next sequence number and move the head; returns the seq.

        ``text`` is the body as stored (``body_text``), when the caller already has it. Written
        by :meth:`flush`, which must run before the transaction commits.
        """
        self.seq += 1
        now = now_text()
        if text is None:
            text = body_text(revision.body)
        self.stored_bytes += CHANGE_OVERHEAD_BYTES + len(text or "")
        self.stored_kinds[revision.kind] += 1
        self._blob_refs += [(self.seq, ref) for ref in refs_in_body(revision.body)]
        self._revision_rows.append(
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
            )
        )
        staged = self._heads.get(new_head.record_id)
        if staged is None:
            self._heads[new_head.record_id] = _StagedHead(old_head, new_head)
        else:
            staged.current = new_head
        self._head_times[new_head.record_id] = (self.seq, now)
        if self.view is not None:
            self.view.heads[new_head.record_id] = new_head
            self.view.revs.setdefault(revision.record_id, {})[revision.rev] = self.seq
            if revision.change_id is not None:
                self.view.stored[revision.change_id] = self.seq
            if revision.counter is not None:
                self.view.counters[revision.counter] = revision.change_id or ""
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
        self._rejection_rows.append(
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
            )
        )
        if self.view is not None:
            self.view.refused[change_id] = (code, message)
            self.view.counters.setdefault(counter, change_id)

    def has_staged(self, kinds: Sequence[str]) -> bool:
        """Whether a revision of one of ``kinds`` is staged but not yet written."""
        return any(row["kind"] in kinds for row in self._revision_rows)

    def write_staged(self) -> None:
        """Write what is staged now (same transaction), so queries of this ledger see it — e.g. the
        roster a page carries before its meetings, which head office's findings judge them by."""
        self._write_staged()

    def _staged_heads(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for record_id, staged in self._heads.items():
            head = staged.current
            updated_seq, updated_at = self._head_times[record_id]
            rows.append({
                "record_id": record_id,
                "branch_id": self.branch_id,
                "kind": head.kind,
                "current_rev": head.current_rev,
                "status": head.status,
                "deleted": head.deleted,
                "conflicted": head.conflicted,
                "leaves": json.dumps(list(head.leaves)),
                "updated_seq": updated_seq,
                "updated_at": updated_at,
                "old_rev": staged.original.current_rev if staged.original is not None else None,
            })
        return rows

    def _write_staged(self, *, state: bool = False, then: tuple[Any, dict[str, Any]] | None = None) -> None:
        """One ``executemany`` per table for what :meth:`store` and :meth:`reject` staged; with
        ``state``, the branch's sequence and checksum too, and ``then`` (a statement and its
        parameters: the caller's device row) last."""
        if self.seq == self._start_seq:
            state = False
        head_rows = self._staged_heads()
        pipelined = self.conn.dialect.name == "postgresql" and self.conn.dialect.driver == "psycopg"
        if pipelined:
            self._write_pipelined(head_rows, state, then)
        else:
            self._write_core(head_rows, state, then)
        if self._blob_refs:
            insert_refs(self.conn, self.branch_id, self._blob_refs)
            self._blob_refs = []
        if state:
            self._start_seq = self.seq
        self._revision_rows, self._rejection_rows = [], []
        self._heads, self._head_times = {}, {}

    def _state_params(self) -> dict[str, Any]:
        return {"key_branch_id": self.branch_id, "seq": self.seq, "checksum": to_signed64(self.checksum)}

    def _write_core(self, head_rows: list[dict[str, Any]], state: bool,
                    then: tuple[Any, dict[str, Any]] | None) -> None:
        if self._revision_rows:
            self.conn.execute(_INSERT_REVISION, self._revision_rows)
        if self._rejection_rows:
            self.conn.execute(_INSERT_REJECTION, self._rejection_rows)
        if head_rows:
            upsert = _UPSERT_HEADS[self.conn.dialect.name]
            if self.conn.dialect.supports_sane_multi_rowcount:
                if self.conn.execute(upsert, head_rows).rowcount != len(head_rows):
                    raise RuntimeError("a head of this page moved concurrently")
            else:
                for row in head_rows:
                    if self.conn.execute(upsert, row).rowcount != 1:
                        raise RuntimeError(f"head of {row['record_id']} moved concurrently")
        if state:
            self.conn.execute(_SET_BRANCH_STATE, self._state_params())
        if then is not None:
            self.conn.execute(*then)

    def _write_pipelined(self, head_rows: list[dict[str, Any]], state: bool,
                         then: tuple[Any, dict[str, Any]] | None) -> None:
        """The same writes on PostgreSQL, sent as one psycopg pipeline on the transaction's own
        connection: one round trip for the page instead of one per statement (issue 15).

        Through the DBAPI cursor, not SQLAlchemy's execute: per row, SQLAlchemy's parameter
        processing cost more CPU than psycopg's sending, and a pipeline's results arrive only at
        its end, which SQLAlchemy's result objects do not expect. The statements are the same Core
        statements, compiled once for psycopg (:func:`_pg_sql`). An error in any of them raises
        at the end of the pipeline and the transaction rolls back, as before.
        """
        dbapi: Any = self.conn.connection.driver_connection
        dialect = self.conn.dialect
        with dbapi.cursor() as cursor, dbapi.cursor() as heads_cursor:
            with dbapi.pipeline():
                if self._revision_rows:
                    cursor.executemany(_pg_sql(dialect, _INSERT_REVISION, tuple(self._revision_rows[0])),
                                       self._revision_rows)
                if self._rejection_rows:
                    cursor.executemany(_pg_sql(dialect, _INSERT_REJECTION, tuple(self._rejection_rows[0])),
                                       self._rejection_rows)
                if head_rows:
                    heads_cursor.executemany(_pg_sql(dialect, _UPSERT_HEADS["postgresql"]), head_rows)
                if state:
                    cursor.execute(_pg_sql(dialect, _SET_BRANCH_STATE_VALUES), self._state_params())
                if then is not None:
                    cursor.execute(_pg_sql(dialect, then[0]), then[1])
            if head_rows and heads_cursor.rowcount != len(head_rows):
                raise RuntimeError("a head of this page moved concurrently")

    def flush(self, then: tuple[Any, dict[str, Any]] | None = None) -> None:
        """Write what was staged, then the branch sequence and checksum (same transaction).

        ``then``: one more statement and its parameters written with them (the sync's device row),
        on PostgreSQL in the same round trip."""
        self._write_staged(state=True, then=then)

    # ------------------------------------------------------------------ reads

    def read_page(
        self, *, after_seq: int, exclude_device: str | None, max_items: int, max_bytes: int
    ) -> Page:
        """Revisions with ``after_seq < seq <= self.seq`` in seq order, with their record's head.

        Bounded by count and by approximate wire bytes; always at least one change so a single
        large revision cannot block the stream. Revisions written by ``exclude_device`` are left
        out (it already holds them) but the cursor moves past them.
        """
        params: dict[str, Any] = {"branch_id": self.branch_id, "after_seq": after_seq, "upto_seq": self.seq,
                                  "page_limit": max_items + 1}
        if exclude_device is None:
            rows = list(self.conn.execute(_PAGE_QUERY, params).all())
        else:
            rows = list(self.conn.execute(_PAGE_QUERY_OTHERS, {**params, "exclude_device": exclude_device}).all())
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
