"""Head office's compliance view: the domain core's calendar over the records that really count.

The rules are domain.compliance's — the same the branch's own overview shows. What is counted is
decided by ``domain.compliance.counting``: only a finalized record of a meeting that met its
quorum (judged with the branch's roster), not returned for correction and not replaced by a
finalized amendment. Drafts, invalid meetings, returned records and records this version cannot
read (需升级客户端) are reported per branch, never counted and never silently dropped.

The branch's profile is the one :mod:`sync.server.profiles` resolves (one per branch); a branch
that never synced a profile is judged with only its name (no committee assumed). Everything is
read from the console's derived index (:mod:`sync.server.console.indexer`), which is brought up
to date first, so 2 000 branches take one query instead of parsing every body.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, and_, false, func, or_, select
from sqlalchemy.orm import aliased

from domain.compliance import ComplianceReport, MeetingFact, Period, compliance_status
from domain.compliance.counting import CountState, RecordStanding, count_states
from domain.enums import MeetingType
from domain.errors import LedgerError
from domain.i18n import language
from domain.records import BranchProfile
from sync.server import evidence
from sync.server.console.indexer import full_members_from, index_branch
from sync.server.console.tables import console_branches, console_index_state, console_records
from sync.server.orgs import get_unit
from sync.server.tables import devices, server_meta


class BadPeriod(LedgerError, ValueError):
    """A period code that is not ``2026``, ``2026-Q4`` or ``2026-11``."""


def parse_period(code: str) -> Period:
    try:
        return Period.parse(code)
    except ValueError as exc:
        raise BadPeriod(str(exc)) from exc


# Meetings a year-long requirement may count (组织生活会, 民主评议, 书记讲党课) are read for the
# whole year even when the period asked for is a month or a quarter.
_YEARLY_TYPES = (MeetingType.ORG_LIFE.value, MeetingType.APPRAISAL.value, MeetingType.LECTURE.value)


@dataclass
class BranchCompliance:
    branch_id: str
    report: ComplianceReport
    # Meeting records dated in the period by count state (counted, draft, invalid, returned, ...).
    states: Counter[str] = field(default_factory=Counter)
    counted_by_type: Counter[str] = field(default_factory=Counter)
    unreadable: int = 0  # records of any kind and date this version cannot read
    profile_count: int = 0
    has_profile: bool = False
    last_sync_at: str | None = None
    derived: dict[str, Any] = field(default_factory=dict)  # views built from it, cached with it (matrix cells)

    @property
    def behind(self) -> bool:
        return bool(self.report.overdue)

    def to_json(self) -> dict[str, Any]:
        report = self.report
        return {
            "behind": self.behind,
            "overdue": [r.label_zh for r in report.overdue],
            "due": [r.label_zh for r in report.due],
            "counts": dict(self.counted_by_type),
            "not_counted": {k: v for k, v in self.states.items() if k != CountState.COUNTED.value},
            "unreadable": self.unreadable,
            "profile_count": self.profile_count,
            "last_activity": report.last_activity.isoformat() if report.last_activity else None,
            "last_sync_at": self.last_sync_at,
            "report": report.to_json(),
        }


def _profiles(conn: Connection, branch_ids: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for start in range(0, len(branch_ids), 1000):
        chunk = list(branch_ids[start:start + 1000])
        for row in conn.execute(select(console_branches).where(console_branches.c.branch_id.in_(chunk))).all():
            out[row.branch_id] = row
    return out


def _standings(
    conn: Connection, branch_ids: Sequence[str], period: Period
) -> dict[str, list[tuple[RecordStanding, MeetingFact | None]]]:
    """Live meeting records of the branches dated in the period (and, for yearly requirements,
    in its years), each with whether head office's latest verdict on it is 退回修改."""
    review = aliased(console_records)
    year_start = dt.date(period.start.year, 1, 1).isoformat()
    year_end = dt.date(period.end.year, 12, 31).isoformat()
    m = console_records.c
    query = (
        select(m.record_id, m.branch_id, m.status, m.valid, m.amends_record_id, m.readable, m.meeting_type,
               m.event_date, m.party_group, m.by_secretary, m.includes_appraisal, review.c.decision)
        .select_from(console_records.outerjoin(
            review, and_(review.c.branch_id == m.branch_id, review.c.target_id == m.record_id,
                         review.c.kind == "review", review.c.deleted == false())
        ))
        .where(
            m.kind == "meeting", m.deleted == false(),
            m.event_date >= year_start, m.event_date <= year_end,
            or_(and_(m.event_date >= period.start.isoformat(), m.event_date <= period.end.isoformat()),
                m.meeting_type.in_(_YEARLY_TYPES), m.includes_appraisal == True),  # noqa: E712
        )
    )
    out: dict[str, list[tuple[RecordStanding, MeetingFact | None]]] = {}
    policy = evidence.get_policy(conn)
    for start in range(0, len(branch_ids), 1000):
        chunk = list(branch_ids[start:start + 1000])
        rows = conn.execute(query.where(m.branch_id.in_(chunk))).all()
        lacking: dict[str, dict[str, Any]] = {}
        if policy.meeting_types:
            for branch_id in chunk:
                needing = {r.record_id: r.meeting_type for r in rows if r.branch_id == branch_id
                           and r.status == "final" and r.meeting_type in policy.meeting_types}
                lacking[branch_id] = evidence.shortfalls(conn, policy, branch_id, needing) if needing else {}
        for r in rows:
            standing = RecordStanding(
                record_id=r.record_id, final=r.status == "final", valid=r.valid is not False,
                returned=r.decision == "returned", amends_record_id=r.amends_record_id, readable=bool(r.readable),
                evidence_ok=r.record_id not in lacking.get(r.branch_id, {}),
            )
            fact = None
            if r.readable and r.meeting_type and r.event_date:
                fact = MeetingFact(MeetingType(r.meeting_type), dt.date.fromisoformat(r.event_date), r.party_group,
                                   bool(r.by_secretary), bool(r.includes_appraisal))
            out.setdefault(r.branch_id, []).append((standing, fact))
    return out


def _count_unreadable(conn: Connection, branch_ids: Sequence[str]) -> Counter[str]:
    out: Counter[str] = Counter()
    for start in range(0, len(branch_ids), 1000):
        chunk = list(branch_ids[start:start + 1000])
        rows = conn.execute(
            select(console_records.c.branch_id, func.count()).where(
                console_records.c.branch_id.in_(chunk), console_records.c.readable == false(),
                console_records.c.deleted == false(),
            ).group_by(console_records.c.branch_id)
        ).all()
        out.update({b: int(n) for b, n in rows})
    return out


def _last_syncs(conn: Connection, branch_ids: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for start in range(0, len(branch_ids), 1000):
        chunk = list(branch_ids[start:start + 1000])
        rows = conn.execute(
            select(devices.c.branch_id, func.max(devices.c.last_sync_at))
            .where(devices.c.branch_id.in_(chunk)).group_by(devices.c.branch_id)
        ).all()
        out.update({b: t for b, t in rows if t})
    return out


# A branch's report depends only on its ledger (through the index: ``console_index_state.seq``),
# the period and the day it is judged on. Kept per process, so a matrix of 2 000 branches
# recomputes only the branches that changed since the last request (the rest is a lookup); the
# first request of a day or period computes everything. Bounded; least recently used go first.
_CACHE: OrderedDict[tuple[str, str, int, str, str, str, int, str], BranchCompliance] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_ENTRIES = 50_000


def _index_seqs(conn: Connection, branch_ids: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for start in range(0, len(branch_ids), 1000):
        chunk = list(branch_ids[start:start + 1000])
        rows = conn.execute(select(console_index_state.c.branch_id, console_index_state.c.seq)
                            .where(console_index_state.c.branch_id.in_(chunk))).all()
        out.update({b: int(s) for b, s in rows})
    return out


def compliance_for(
    conn: Connection, branches: Sequence[tuple[str, str]], period: Period, today: dt.date
) -> dict[str, BranchCompliance]:
    """Compliance of ``branches`` ((id, name) pairs) from the derived index, which the caller has
    brought up to date (``indexer.refresh``)."""
    seqs = _index_seqs(conn, [b for b, _ in branches])
    syncs = _last_syncs(conn, [b for b, _ in branches])
    # Evidence (issue 14): a finished upload or a changed policy changes the answer, not the index.
    policy = evidence.get_policy(conn)
    held = evidence.completed_counts(conn, [b for b, _ in branches]) if policy.meeting_types else {}
    tag = json.dumps(policy.to_json(), sort_keys=True)
    # Which database: one process may serve (or test) several; the epoch is unique per database.
    database = str(conn.execute(select(server_meta.c.value).where(server_meta.c.key == "epoch")).scalar())
    out: dict[str, BranchCompliance] = {}
    missing: list[tuple[str, str]] = []
    with _CACHE_LOCK:
        for branch_id, name in branches:
            found = _CACHE.get((database, branch_id, seqs.get(branch_id, -1), period.code, today.isoformat(),
                                tag, held.get(branch_id, 0), language()))
            if found is None or (found.report.branch_name != name and not found.has_profile):
                missing.append((branch_id, name))
            else:
                out[branch_id] = replace(found, last_sync_at=syncs.get(branch_id))
    for branch_id, result in _compute(conn, missing, period, today).items():
        key = (database, branch_id, seqs.get(branch_id, -1), period.code, today.isoformat(), tag,
               held.get(branch_id, 0), language())  # the report's labels are in the request's language
        with _CACHE_LOCK:
            _CACHE[key] = result
            while len(_CACHE) > CACHE_ENTRIES:
                _CACHE.popitem(last=False)
        out[branch_id] = replace(result, last_sync_at=syncs.get(branch_id))
    return {branch_id: out[branch_id] for branch_id, _ in branches}


def _compute(
    conn: Connection, branches: Sequence[tuple[str, str]], period: Period, today: dt.date
) -> dict[str, BranchCompliance]:
    if not branches:
        return {}
    ids = [b for b, _ in branches]
    profiles = _profiles(conn, ids)
    standings = _standings(conn, ids, period)
    unreadable = _count_unreadable(conn, ids)
    out: dict[str, BranchCompliance] = {}
    for branch_id, name in branches:
        row = profiles.get(branch_id)
        profile = None
        if row is not None and row.profile:
            try:
                profile = BranchProfile.model_validate_json(row.profile)
            except ValidationError:
                profile = None
        full = full_members_from(json.loads(row.full_members), today) if row is not None and row.member_count else None
        items = standings.get(branch_id, [])
        states = count_states(s for s, _ in items)
        facts = [f for s, f in items if f is not None and states[s.record_id].counts]
        report = compliance_status(profile or BranchProfile(name=name), facts, period, today, full_members=full)
        result = BranchCompliance(branch_id, report, unreadable=unreadable.get(branch_id, 0),
                                  profile_count=row.profile_count if row is not None else 0,
                                  has_profile=profile is not None)
        for standing, fact in items:
            in_period = fact is None or period.contains(fact.counted_on)
            if in_period:
                state = states[standing.record_id]
                result.states[state.value] += 1
                if state.counts and fact is not None:
                    result.counted_by_type[fact.meeting_type.value] += 1
        out[branch_id] = result
    return out


def branch_compliance(
    conn: Connection, branch_id: str, period: Period, today: dt.date | None = None
) -> dict[str, Any]:
    """The report of one branch as JSON, with ``behind`` = some requirement is overdue."""
    index_branch(conn, branch_id)
    unit = get_unit(conn, branch_id)
    result = compliance_for(conn, [(branch_id, unit.name if unit else branch_id)], period, today or dt.date.today())
    return result[branch_id].to_json()
