"""The one write path for records: validate → write → history → outbox, in one transaction.

No widget, CLI command or sync step writes the records tables directly (style.md §1). Reads for
lists use the index columns; reads of one record parse its body.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import uuid_utils

from desktop_app.store.bigrams import is_cjk_bigram
from desktop_app.store.codec import pack, unpack_text
from desktop_app.store.envelope import HistoryEntry, RecordEnvelope, RecordSummary
from desktop_app.store.errors import (
    ReadOnlyKind,
    RecordConflicted,
    RecordFinalized,
    RecordNotFound,
    StaleRevision,
)
from desktop_app.store.record_ids import check_record_id
from desktop_app.store.rows import RecordRow, SummaryRow, columns
from desktop_app.store.writes import Revision, set_conflicted, write_revision
from domain import i18n
from domain.compliance.counting import meeting_is_valid
from domain.context import RuleContext
from domain.enums import RecordStatus
from domain.records import HQ_ONLY_KINDS, RECORD_KINDS, BranchProfile, Meeting, Member, RecordBody, body_schema_version
from domain.settings import RuleSettings
from domain.validation import validate_record
from domain.violations import RuleViolation, Severity, Violation
from sync.protocol.revisions import compute_rev

if TYPE_CHECKING:
    from desktop_app.store.store import Store

# The schema version of a body without attachments; one with attachments is written as version 2
# (domain.records.body_schema_version), so older readers keep it verbatim.
SCHEMA_VERSION = 1


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def new_record_id() -> str:
    """UUIDv7: chosen on the device, time-ordered for index locality (sync-notes.md §6.1)."""
    return str(uuid_utils.uuid7())


@dataclass(frozen=True)
class RecordFilter:
    """What a list shows. Every field is optional; ``text`` is a full-text query."""

    kind: str | None = None
    subtype: str | None = None
    status: RecordStatus | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    party_group: str | None = None
    text: str | None = None
    conflicted: bool | None = None
    include_deleted: bool = False


class RecordRepository:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._members_cache: dict[str, Member] | None = None

    # ------------------------------------------------------------ reads

    def get(self, record_id: str) -> RecordEnvelope:
        found = self._store.conn.execute(
            f"SELECT {columns(RecordRow)} FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        if found is None:
            raise RecordNotFound(detail=record_id)
        return self._envelope(RecordRow(*found))

    def _envelope(self, row: RecordRow) -> RecordEnvelope:
        model = RECORD_KINDS[row.kind].model_validate_json(unpack_text(row.body))
        return RecordEnvelope(
            record_id=row.id, kind=row.kind, rev=row.rev, status=RecordStatus(row.status), body=model,
            created_at=row.created_at, updated_at=row.updated_at, synced_at=row.synced_at,
            conflicted=bool(row.conflicted), deleted=bool(row.deleted), origin=row.origin,
        )

    def _where(self, flt: RecordFilter) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if not flt.include_deleted:
            clauses.append("r.deleted = 0")
        if flt.kind:
            clauses.append("r.kind = ?")
            params.append(flt.kind)
        if flt.subtype:
            clauses.append("r.subtype = ?")
            params.append(flt.subtype)
        if flt.status:
            clauses.append("r.status = ?")
            params.append(flt.status.value)
        if flt.date_from:
            clauses.append("r.event_date >= ?")
            params.append(flt.date_from.isoformat())
        if flt.date_to:
            clauses.append("r.event_date <= ?")
            params.append(flt.date_to.isoformat())
        if flt.party_group:
            clauses.append("r.party_group = ?")
            params.append(flt.party_group)
        if flt.conflicted is not None:
            clauses.append("r.conflicted = ?")
            params.append(int(flt.conflicted))
        if flt.text and flt.text.strip():
            sql, text_params = _text_clause(flt.text.strip())
            clauses.append(sql)
            params.extend(text_params)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def count(self, flt: RecordFilter = RecordFilter()) -> int:
        where, params = self._where(flt)
        return int(self._store.conn.execute(f"SELECT count(*) FROM records r{where}", params).fetchone()[0])

    def query(self, flt: RecordFilter = RecordFilter(), *, offset: int = 0, limit: int = 200) -> list[RecordSummary]:
        """Summaries newest first (by event date, then recorded time), one page at a time."""
        where, params = self._where(flt)
        list_columns = columns(SummaryRow, "r").removesuffix(", r.pending")
        rows = self._store.conn.execute(
            f"SELECT {list_columns},"
            " EXISTS(SELECT 1 FROM outbox o WHERE o.record_id = r.id AND o.state = 'pending')"
            f" FROM records r{where}"
            # NULL dates sort last under DESC in SQLite; no expression here, so the list index orders.
            " ORDER BY r.event_date DESC, r.updated_at DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
        return [_summary(SummaryRow(*r)) for r in rows]

    def title_of(self, record_id: str) -> str | None:
        row = self._store.conn.execute("SELECT title FROM records WHERE id = ?", (record_id,)).fetchone()
        return None if row is None else str(row[0])

    def search(self, text: str, *, limit: int = 50) -> list[RecordSummary]:
        return self.query(RecordFilter(text=text), limit=limit)

    def iter_bodies(self, kind: str) -> Iterator[tuple[str, RecordBody]]:
        model = RECORD_KINDS[kind]
        for record_id, body in self._store.conn.execute(
            "SELECT id, body FROM records WHERE kind = ? AND deleted = 0 ORDER BY event_date, id", (kind,)
        ):
            yield record_id, model.model_validate_json(unpack_text(body))

    def members(self) -> dict[str, Member]:
        """The roster (all states), cached until the next write of a member."""
        if self._members_cache is None:
            self._members_cache = {rid: body for rid, body in self.iter_bodies("member")}  # type: ignore[misc]
        return dict(self._members_cache)

    def branch_profile(self) -> tuple[str, BranchProfile] | None:
        for record_id, body in self.iter_bodies("branch_profile"):
            assert isinstance(body, BranchProfile)
            return record_id, body
        return None

    def rule_settings(self) -> RuleSettings:
        raw = self._store.meta.get("rule_settings")
        return RuleSettings.from_json(raw) if isinstance(raw, dict) else RuleSettings()

    def rule_context(self, extra_members: Mapping[str, Member] | None = None) -> RuleContext:
        members = self.members()
        if extra_members:
            members.update(extra_members)
        profile = self.branch_profile()
        return RuleContext(members=members, branch=profile[1] if profile else None, settings=self.rule_settings())

    def meeting_is_valid(self, meeting: Meeting) -> bool:
        """会议是否有效 with this store's roster and rule settings (indexed when a meeting is finalized)."""
        return meeting_is_valid(meeting, self.rule_context())

    def history(self, record_id: str) -> list[HistoryEntry]:
        rows = self._store.conn.execute(
            "SELECT op, before_rev, after_rev, hlc, device_id, author, at FROM history WHERE record_id = ? ORDER BY id",
            (record_id,),
        ).fetchall()
        return [HistoryEntry(*row) for row in rows]

    def revision_body(self, record_id: str, rev: str) -> RecordBody | None:
        row = self._store.conn.execute(
            "SELECT kind, body FROM revisions WHERE record_id = ? AND rev = ?", (record_id, rev)
        ).fetchone()
        if row is None:
            return None
        kind, blob = row
        return None if blob is None else RECORD_KINDS[kind].model_validate_json(unpack_text(blob))

    def amendments_of(self, record_id: str) -> list[RecordSummary]:
        ids = [rid for (rid,) in self._store.conn.execute("SELECT id FROM records WHERE amends = ?", (record_id,))]
        return [s for s in self.query(RecordFilter(kind="meeting"), limit=10_000) if s.record_id in ids]

    # ------------------------------------------------------------ writes

    def validate(
        self,
        kind: str,
        data: dict[str, Any] | RecordBody,
        context: RuleContext | None = None,
        *,
        finalizing: bool = False,
    ) -> tuple[RecordBody, list[Violation]]:
        """Parse and check; raise RuleViolation on any error-level violation, return warnings."""
        body, violations = validate_record(kind, data, context or self.rule_context(), finalizing=finalizing)
        errors = [v for v in violations if v.severity is Severity.ERROR]
        if body is None or errors:
            raise RuleViolation(errors or violations)
        return body, violations

    def create(
        self,
        kind: str,
        data: dict[str, Any] | RecordBody,
        *,
        author: str,
        record_id: str | None = None,
        context: RuleContext | None = None,
    ) -> RecordEnvelope:
        if kind in HQ_ONLY_KINDS:
            raise ReadOnlyKind()
        if record_id is not None:
            check_record_id(record_id)  # the wire's rule: what the store accepts can always sync
        body, warnings = self.validate(kind, data, context)
        with self._store.transaction():
            record_id = record_id or new_record_id()
            if self._store.conn.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone():
                raise StaleRevision(i18n.t("记录编号已存在"), detail=record_id)
            env = self._write(record_id, kind, body, RecordStatus.DRAFT, parents=[], op="create", author=author)
        return _with_warnings(env, warnings)

    def update(
        self, record_id: str, data: dict[str, Any] | RecordBody, *, author: str, base_rev: str | None = None
    ) -> RecordEnvelope:
        """Save a new version of a draft. ``base_rev`` guards against saving over a newer version."""
        current = self.get(record_id)
        self._check_editable(current, base_rev)
        body, warnings = self.validate(current.kind, data)
        with self._store.transaction():
            current = self.get(record_id)
            self._check_editable(current, base_rev)
            env = self._write(record_id, current.kind, body, RecordStatus.DRAFT, parents=[current.rev],
                              op="update", author=author, before=current)
        return _with_warnings(env, warnings)

    def finalize(self, record_id: str, *, author: str) -> RecordEnvelope:
        """定稿: the record becomes immutable; later corrections are amendments."""
        current = self.get(record_id)
        self._check_editable(current, None)
        body, warnings = self.validate(current.kind, current.body, finalizing=True)
        with self._store.transaction():
            env = self._write(record_id, current.kind, body, RecordStatus.FINAL, parents=[current.rev],
                              op="finalize", author=author, before=current)
        return _with_warnings(env, warnings)

    def amend(self, original_id: str, data: dict[str, Any] | Meeting, *, reason: str, author: str) -> RecordEnvelope:
        """Create a correction of a finalized meeting record; the original stays as it was."""
        original = self.get(original_id)
        if not original.is_final:
            raise RecordFinalized(i18n.t("只有已定稿的记录需要更正；草稿可直接修改"))
        payload = data.model_dump(mode="json") if isinstance(data, RecordBody) else dict(data)
        payload.update({"amends_record_id": original_id, "amends_rev": original.rev, "amendment_reason": reason})
        return self.create(original.kind, payload, author=author)

    def delete(self, record_id: str, *, author: str) -> None:
        """Delete a draft (a tombstone revision, so the deletion syncs). Finalized records stay."""
        current = self.get(record_id)
        self._check_editable(current, None)
        with self._store.transaction():
            self._write(record_id, current.kind, current.body, RecordStatus.DRAFT, parents=[current.rev],
                        op="delete", author=author, before=current, deleted=True)

    def merge(self, record_id: str, body: RecordBody, *, parents: list[str], author: str) -> RecordEnvelope:
        """Write the clerk's resolution of a sync conflict: one revision whose parents are every open
        version, so nothing is discarded and head office sees the fork closed (sync-notes.md §6.5).

        The caller validates ``body`` and holds the transaction; the record stops being conflicted.
        """
        before = self.get(record_id)
        env = self._write(record_id, before.kind, body, RecordStatus.DRAFT, parents=parents, op="merge",
                          author=author, before=before, force=True)
        set_conflicted(self._store.conn, record_id, False)
        return env

    def roster_changed(self) -> None:
        """Forget the cached roster (sync calls this after applying pulled member records)."""
        self._members_cache = None

    def _check_editable(self, current: RecordEnvelope, base_rev: str | None) -> None:
        if current.deleted:
            raise RecordNotFound(detail=current.record_id)
        if current.kind in HQ_ONLY_KINDS:
            raise ReadOnlyKind()
        if current.is_final:
            raise RecordFinalized()
        if current.conflicted:
            raise RecordConflicted()
        if base_rev is not None and base_rev != current.rev:
            raise StaleRevision(detail=f"{base_rev} != {current.rev}")

    def _write(
        self,
        record_id: str,
        kind: str,
        body: RecordBody,
        status: RecordStatus,
        *,
        parents: list[str],
        op: str,
        author: str,
        before: RecordEnvelope | None = None,
        deleted: bool = False,
        force: bool = False,
    ) -> RecordEnvelope:
        """Write one local revision; the caller holds the transaction.

        An unchanged body writes nothing, except with ``force`` (a merge must record its parents
        even when the clerk kept one side exactly as it was).
        """
        store = self._store
        body_json = body.model_dump(mode="json")
        if (
            before is not None
            and not force
            and not deleted
            and status is before.status
            and body_json == before.body.model_dump(mode="json")
        ):
            return before  # nothing changed: no revision, no history, nothing to sync
        schema_version = body_schema_version(body_json)
        rev = compute_rev(kind=kind, body=body_json, parents=parents, deleted=deleted, status=status.value,
                          schema_version=schema_version)
        now = utc_now()
        created_at = before.created_at if before else now
        revision = Revision(record_id, rev, parents, kind, status.value, deleted, schema_version, pack(body_json),
                            store.clock.now().encode(), store.device_id, author, "local", now)
        write_revision(store.conn, revision, body=body, members=self.members, validity=self.meeting_is_valid, op=op,
                       before_rev=before.rev if before else None, created_at=created_at, now=now)
        if kind == "member":
            self._members_cache = None
        return RecordEnvelope(record_id, kind, rev, status, body, created_at, now, None, False, deleted, "local")


def _text_clause(text: str) -> tuple[str, list[Any]]:
    """Full-text condition: every whitespace-separated term must appear as a substring.

    Terms of 3+ characters become one quoted phrase MATCH on the trigram index (exact substring
    via positions; FTS syntax typed by a user is searched literally). 2-character Chinese terms
    (names, common words) look up the bigram index. Anything shorter, or mixed, falls back to a
    LIKE scan of the indexed text.
    """
    terms = [t for t in text.split() if t]
    clauses: list[str] = []
    params: list[Any] = []
    long_terms = [t for t in terms if len(t) >= 3]
    if long_terms:
        clauses.append("r.rowid IN (SELECT rowid FROM search WHERE search MATCH ?)")
        params.append(" AND ".join(_quoted(t) for t in long_terms))
    bigram_terms = [t for t in terms if is_cjk_bigram(t)]
    if bigram_terms:
        clauses.append("r.rowid IN (SELECT rowid FROM search_bigrams WHERE search_bigrams MATCH ?)")
        params.append(" AND ".join(_quoted(t) for t in bigram_terms))
    for term in (t for t in terms if len(t) < 3 and not is_cjk_bigram(t)):
        if any(c in term for c in "%_\\"):
            escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            clauses.append("r.rowid IN (SELECT rowid FROM search WHERE content LIKE ? ESCAPE '\\')")
            params.append(f"%{escaped}%")
        else:
            clauses.append("r.rowid IN (SELECT rowid FROM search WHERE content LIKE ?)")
            params.append(f"%{term}%")
    return "(" + " AND ".join(clauses) + ")", params


def _summary(r: SummaryRow) -> RecordSummary:
    return RecordSummary(r.id, r.kind, r.title, r.event_date, r.subtype, r.party_group, RecordStatus(r.status),
                         bool(r.conflicted), r.updated_at, r.synced_at, bool(r.pending))


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _with_warnings(env: RecordEnvelope, warnings: list[Violation]) -> RecordEnvelope:
    if not warnings:
        return env
    return RecordEnvelope(
        env.record_id, env.kind, env.rev, env.status, env.body, env.created_at, env.updated_at, env.synced_at,
        env.conflicted, env.deleted, env.origin, [w for w in warnings if w.severity is Severity.WARNING],
    )
