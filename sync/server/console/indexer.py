"""Derived, per-record rows for the console: kept up to date from the ledger, incrementally.

The ledger (``revisions``/``heads``) is the truth; reading a quarter's compliance for 2 000
branches from it would parse 25 000 meeting bodies per request. The indexer parses each record
once per revision and stores what the pages filter and count on (``console_records``), the
branch's profile and roster summary (``console_branches``) and the search document.

Indexing is lazy and idempotent: before a page reads a set of branches it calls :func:`refresh`,
which re-indexes only branches whose ledger ``seq`` moved past ``console_index_state.seq`` (one
small query when nothing changed). A change to the roster or the profile re-indexes every record
of the branch, because a meeting's validity is judged with the roster. Each branch is indexed in
its own transaction under a lock on its index-state row, so concurrent requests (or workers)
never index the same branch twice at once, and nothing here holds the ledger's branch lock.

Rows are keyed by (branch, record), as the ledger is: record ids are per branch, so another
branch's record of the same id is another row, and every id a row refers to (the target of a
review or receipt, the original of an amendment, the post of a log entry) is one of its branch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, and_, delete, insert, or_, select, update

from domain.compliance.counting import meeting_is_valid
from domain.compliance.facts import MeetingFact
from domain.compliance.report import full_members_on
from domain.context import RuleContext
from domain.i18n import CHINESE, N_, t
from domain.records import (
    RECORD_KINDS,
    SCHEMA_VERSION,
    BranchProfile,
    Meeting,
    Member,
    Notice,
    NoticeReceipt,
    PioneerPost,
    PostEvaluation,
    PostLogEntry,
    RecordBody,
    Review,
)
from domain.text import human_strings
from sync.server.console import search
from sync.server.console.tables import console_branches, console_index_state, console_records
from sync.server.findings import branch_members
from sync.server.profiles import current_profile
from sync.server.tables import branch_state, heads, revisions

INDEX_VERSION = 1  # bump when a derived column's meaning changes: every branch is re-indexed
_ROSTER_KINDS = frozenset({"member", "branch_profile"})
_NO_TEXT_KINDS = frozenset({"review", "notice_receipt"})

# An evaluation has no title of its own: the index stores this one in Chinese (it is searched
# like any title) and the pages show it in the reader's language (RecordLine.shown_title).
EVALUATION_TITLE = N_("{period} 评价 {score} 分")


@dataclass(frozen=True)
class _Head:
    record_id: str
    kind: str
    rev: str
    status: str
    deleted: bool
    conflicted: bool
    schema_version: int
    body: dict[str, Any] | None
    received_at: str
    updated_seq: int
    author: str


def stale_branches(conn: Connection, branch_ids: Sequence[str] | None = None) -> list[str]:
    """Branches whose derived rows lag their ledger (or were indexed by an older INDEX_VERSION)."""
    query = (
        select(branch_state.c.branch_id)
        .select_from(branch_state.outerjoin(console_index_state,
                                            console_index_state.c.branch_id == branch_state.c.branch_id))
        .where(or_(console_index_state.c.seq.is_(None), console_index_state.c.seq != branch_state.c.seq,
                   console_index_state.c.version != INDEX_VERSION))
    )
    if branch_ids is not None:
        if not branch_ids:
            return []
        query = query.where(branch_state.c.branch_id.in_(list(branch_ids)))
    return sorted(conn.execute(query).scalars())


def refresh(engine: Engine, branch_ids: Sequence[str] | None = None) -> int:
    """Bring the derived rows of ``branch_ids`` (None: all branches) up to date; returns how many
    branches were re-indexed."""
    with engine.connect() as conn:
        stale = stale_branches(conn, branch_ids)
    for branch_id in stale:
        with engine.begin() as conn:
            index_branch(conn, branch_id)
    return len(stale)


def _lock_state(conn: Connection, branch_id: str) -> tuple[int, int] | None:
    row = conn.execute(
        select(console_index_state.c.seq, console_index_state.c.version)
        .where(console_index_state.c.branch_id == branch_id).with_for_update()
    ).first()
    if row is not None:
        return int(row.seq), int(row.version)
    # First index of this branch. Two racing first indexes: one insert fails, its transaction
    # rolls back and the next request finds the branch up to date.
    conn.execute(insert(console_index_state).values(branch_id=branch_id, seq=-1, version=INDEX_VERSION))
    return None


def index_branch(conn: Connection, branch_id: str) -> None:
    """Re-index what changed in one branch since it was last indexed (the caller's transaction)."""
    state = _lock_state(conn, branch_id)
    target_seq = conn.execute(select(branch_state.c.seq).where(branch_state.c.branch_id == branch_id)).scalar_one()
    if state is not None and state == (target_seq, INDEX_VERSION):
        return
    full = state is None or state[1] != INDEX_VERSION or state[0] < 0
    changed: set[str] | None = None
    if not full:
        assert state is not None
        rows = conn.execute(
            select(revisions.c.record_id, revisions.c.kind).distinct()
            .where(revisions.c.branch_id == branch_id, revisions.c.seq > state[0], revisions.c.seq <= target_seq)
        ).all()
        changed = {r.record_id for r in rows}
        full = any(r.kind in _ROSTER_KINDS for r in rows)
    members = branch_members(conn, branch_id)
    profile, profile_count = current_profile(conn, branch_id)
    ctx = RuleContext(members=members, branch=profile)
    found = _heads(conn, branch_id, None if full else changed)
    rows_out = [_row(branch_id, head, members, ctx) for head in found]
    ids = [h.record_id for h in found]
    for start in range(0, len(ids), 500):
        conn.execute(delete(console_records).where(console_records.c.branch_id == branch_id,
                                                   console_records.c.record_id.in_(ids[start:start + 500])))
    if rows_out:
        conn.execute(insert(console_records), [r for r, _ in rows_out])
    search.write_documents(conn, branch_id, [(r["record_id"], text) for r, text in rows_out])
    if full:
        _write_branch(conn, branch_id, profile, profile_count, members)
    conn.execute(
        update(console_index_state).where(console_index_state.c.branch_id == branch_id)
        .values(seq=target_seq, version=INDEX_VERSION)
    )


def _heads(conn: Connection, branch_id: str, only: set[str] | None) -> list[_Head]:
    query = (
        select(heads.c.record_id, heads.c.kind, heads.c.current_rev, heads.c.status, heads.c.deleted,
               heads.c.conflicted, heads.c.updated_seq, revisions.c.schema_version, revisions.c.body,
               revisions.c.received_at, revisions.c.author)
        .join(revisions, and_(revisions.c.branch_id == heads.c.branch_id, revisions.c.record_id == heads.c.record_id,
                              revisions.c.rev == heads.c.current_rev))
        .where(heads.c.branch_id == branch_id)
    )
    out: list[_Head] = []
    id_groups: Iterable[list[str] | None] = [None]
    if only is not None:
        ordered = sorted(only)
        id_groups = [ordered[i:i + 500] for i in range(0, len(ordered), 500)]
    for group in id_groups:
        q = query if group is None else query.where(heads.c.record_id.in_(group))
        for r in conn.execute(q).all():
            out.append(_Head(r.record_id, r.kind, r.current_rev, r.status, bool(r.deleted), bool(r.conflicted),
                             r.schema_version, json.loads(r.body) if r.body else None, r.received_at,
                             r.updated_seq, r.author))
    return out


def parse_stored(kind: str, schema_version: int, body: dict[str, Any] | None) -> RecordBody | None:
    """A stored body as this version's model; None when it cannot be read (newer schema, damage)."""
    model = RECORD_KINDS.get(kind)
    if model is None or body is None or schema_version > SCHEMA_VERSION:
        return None
    try:
        return model.model_validate(body)
    except ValidationError:
        return None


def _row(branch_id: str, head: _Head, members: Mapping[str, Member], ctx: RuleContext) -> tuple[dict[str, Any], str]:
    parsed = parse_stored(head.kind, head.schema_version, head.body)
    raw_title = head.body.get("title") or head.body.get("name") if isinstance(head.body, dict) else ""
    row: dict[str, Any] = {
        "record_id": head.record_id, "branch_id": branch_id, "kind": head.kind, "rev": head.rev,
        "status": head.status, "deleted": head.deleted, "conflicted": head.conflicted,
        "readable": parsed is not None or (head.deleted and head.body is None),
        "schema_version": head.schema_version,
        "title": str(raw_title or "")[:500], "event_date": None, "meeting_type": None, "party_group": "",
        "by_secretary": False, "includes_appraisal": False, "valid": None, "amends_record_id": "",
        "target_id": "", "decision": "", "comment": "", "actor": head.author[:200], "acted_at": "",
        "notice_key": "", "requires_ack": False, "received_at": head.received_at, "updated_seq": head.updated_seq,
    }
    if isinstance(head.body, dict) and head.kind == "meeting" and isinstance(head.body.get("meeting_type"), str):
        row["meeting_type"] = head.body["meeting_type"][:40]  # shown even when unreadable
    if parsed is None:
        return row, ""
    text_value = "" if head.kind in _NO_TEXT_KINDS or head.deleted else searchable_text(parsed, members)
    if isinstance(parsed, Meeting):
        fact = MeetingFact.from_meeting(parsed, members)
        row.update(
            title=parsed.title[:500], event_date=fact.counted_on.isoformat(), meeting_type=parsed.meeting_type.value,
            party_group=parsed.party_group[:100], by_secretary=fact.is_lecture_by_secretary,
            includes_appraisal=fact.includes_appraisal, valid=meeting_is_valid(parsed, ctx),
            amends_record_id=parsed.amends_record_id,
        )
    elif isinstance(parsed, Member):
        row.update(title=parsed.name, event_date=parsed.join_date.isoformat() if parsed.join_date else None,
                   party_group=parsed.party_group[:100])
    elif isinstance(parsed, Review):
        row.update(title=parsed.target_title[:500], target_id=parsed.target_record_id, decision=parsed.decision.value,
                   comment=parsed.comment, actor=parsed.reviewer, acted_at=parsed.reviewed_at.isoformat(),
                   event_date=parsed.reviewed_at.date().isoformat())
    elif isinstance(parsed, NoticeReceipt):
        row.update(target_id=parsed.notice_id, actor=parsed.acknowledged_by,
                   acted_at=parsed.acknowledged_at.isoformat(), event_date=parsed.acknowledged_at.date().isoformat())
    elif isinstance(parsed, Notice):
        key = hashlib.sha256(
            json.dumps([parsed.title, parsed.issued_on.isoformat(), parsed.issuer, parsed.body],
                       ensure_ascii=False).encode()
        ).hexdigest()[:32]
        row.update(title=parsed.title, event_date=parsed.issued_on.isoformat(), notice_key=key,
                   requires_ack=parsed.requires_ack)
    elif isinstance(parsed, PioneerPost):
        row.update(title=parsed.name, event_date=parsed.period_start.isoformat() if parsed.period_start else None)
    elif isinstance(parsed, PostLogEntry):
        row.update(title=parsed.description[:60], event_date=parsed.date.isoformat(), target_id=parsed.post_id)
    elif isinstance(parsed, PostEvaluation):
        row.update(title=t(EVALUATION_TITLE, CHINESE, period=parsed.period, score=parsed.score),
                   event_date=parsed.evaluated_on.isoformat(),
                   target_id=parsed.post_id)
    elif isinstance(parsed, BranchProfile):
        row.update(title=parsed.name)
    return row, text_value


def searchable_text(body: RecordBody, members: Mapping[str, Member]) -> str:
    """The text a search over this record sees: what was typed, plus the names behind member ids."""
    texts = human_strings(body)
    if isinstance(body, Meeting):
        ids = [body.chair_member_id, body.recorder_member_id, *(a.member_id for a in body.attendance)]
        texts.extend(members[i].name for i in ids if i and i in members)
    return "\n".join(texts)


def full_member_timeline(members: Mapping[str, Member]) -> list[tuple[str | None, int]]:
    """The 正式党员 count as a step function of the day: [(from day or None, count), ...].

    The count can only change on a date some member record names (admission, 转正, leaving), so
    evaluating the domain rule at each of those dates gives it for every day without a roster.
    """
    days = sorted({d for m in members.values() for d in (m.join_date, m.full_member_date, m.state_date) if d})
    steps: list[tuple[str | None, int]] = [(None, full_members_on(members, dt.date.min))]
    for day in days:
        count = full_members_on(members, day)
        if count != steps[-1][1]:
            steps.append((day.isoformat(), count))
    return steps


def full_members_from(timeline: Sequence[Sequence[Any]], day: dt.date) -> int:
    """Evaluate a :func:`full_member_timeline` at ``day``."""
    count = 0
    text_day = day.isoformat()
    for start, value in timeline:
        if start is None or start <= text_day:
            count = int(value)
        else:
            break
    return count


def _write_branch(conn: Connection, branch_id: str, profile: BranchProfile | None, profile_count: int,
                  members: Mapping[str, Member]) -> None:
    values = {
        "profile": profile.model_dump_json() if profile else None,
        "profile_count": profile_count,
        "full_members": json.dumps(full_member_timeline(members)),
        "member_count": len(members),
    }
    done = conn.execute(update(console_branches).where(console_branches.c.branch_id == branch_id).values(**values))
    if done.rowcount == 0:
        conn.execute(insert(console_branches).values(branch_id=branch_id, **values))
