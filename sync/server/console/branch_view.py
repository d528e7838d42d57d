"""The branch page: its records (with filters), members with lapse warnings, devices, last sync."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import Connection, and_, false, select

from domain.attendance import LapseWarning, lapse_warnings, organisational_life_events
from domain.compliance.counting import CountState, RecordStanding, count_states
from domain.enums import MemberStatus
from domain.records import Meeting, Member
from sync.server.console.indexer import parse_stored
from sync.server.console.records import RecordFilter, RecordLine, list_records
from sync.server.console.scope import Scope
from sync.server.console.tables import console_branches, console_records
from sync.server.devices import DeviceSummary, list_devices
from sync.server.findings import branch_members
from sync.server.orgs import OrgUnit
from sync.server.profiles import current_profile
from sync.server.tables import heads, revisions


@dataclass
class MemberLine:
    record_id: str
    member: Member
    warning: LapseWarning | None

    @property
    def active(self) -> bool:
        return self.member.state.value == "active"


@dataclass
class BranchPage:
    unit: OrgUnit
    path: list[str]
    profile_name: str
    has_committee: bool
    party_groups: list[str]
    profile_count: int
    records: list[RecordLine]
    total: int
    members: list[MemberLine]
    devices: list[DeviceSummary]
    last_sync_at: str | None
    unreadable: int


def _lapses(conn: Connection, branch_id: str, members: dict[str, Member], today: dt.date) -> dict[str, LapseWarning]:
    """The branch's lapse warnings by the rule its own laptop uses (``count_states`` with drafts
    counting): attendance at a meeting replaced by an amendment, a finalized invalid meeting or one
    head office returned does not count, so this page and the laptop's 概览 agree."""
    rows = conn.execute(
        select(heads.c.record_id, revisions.c.body, revisions.c.schema_version)
        .join(heads, and_(heads.c.branch_id == revisions.c.branch_id, heads.c.record_id == revisions.c.record_id,
                          heads.c.current_rev == revisions.c.rev))
        .where(heads.c.branch_id == branch_id, heads.c.kind == "meeting", heads.c.deleted.is_(False))
    ).all()
    meetings: dict[str, Meeting] = {}
    for record_id, body, schema_version in rows:
        parsed = parse_stored("meeting", schema_version, json.loads(body) if body else None)
        if isinstance(parsed, Meeting):
            meetings[record_id] = parsed
    states = count_states(_standings(conn, branch_id), drafts_count=True)
    first = min((m.starts_at.date() for m in meetings.values()), default=None)
    live = [m for rid, m in meetings.items() if states.get(rid, CountState.COUNTED).counts]
    events = organisational_life_events(live)
    return {w.member_id: w for w in lapse_warnings(members, events, today, records_since=first)}


def _standings(conn: Connection, branch_id: str) -> list[RecordStanding]:
    """Each live meeting's standing from the console's index (as the compliance view reads it)."""
    m = console_records.c
    review = console_records.alias("review")
    found = conn.execute(
        select(m.record_id, m.status, m.valid, m.amends_record_id, m.readable, review.c.decision)
        .select_from(console_records.outerjoin(
            review, and_(review.c.branch_id == m.branch_id, review.c.target_id == m.record_id,
                         review.c.kind == "review", review.c.deleted == false())))
        .where(m.branch_id == branch_id, m.kind == "meeting", m.deleted == false())
    ).all()
    return [RecordStanding(record_id=r.record_id, final=r.status == "final", valid=r.valid is not False,
                           returned=r.decision == "returned", amends_record_id=r.amends_record_id or "",
                           readable=bool(r.readable)) for r in found]


def branch_page(conn: Connection, scope: Scope, branch_id: str, flt: RecordFilter, today: dt.date,
                *, limit: int = 100, offset: int = 0) -> BranchPage:
    unit = scope.branch(branch_id)
    records, total = list_records(conn, [unit], flt, limit=limit, offset=offset)
    members = branch_members(conn, branch_id)
    warnings = _lapses(conn, branch_id, members, today)
    lines = [MemberLine(rid, m, warnings.get(rid)) for rid, m in members.items()]
    lines.sort(key=lambda m: (not m.active, m.warning is None, m.member.status is not MemberStatus.FULL,
                              m.member.name))
    profile, count = current_profile(conn, branch_id)
    devices = list_devices(conn, branch_id)
    syncs = [d.last_sync_at for d in devices if d.last_sync_at]
    unreadable = len(conn.execute(
        select(console_records.c.record_id).where(console_records.c.branch_id == branch_id,
                                                  console_records.c.readable == false(),
                                                  console_records.c.deleted == false())
    ).all())
    branch_row = conn.execute(select(console_branches).where(console_branches.c.branch_id == branch_id)).first()
    return BranchPage(
        unit=unit, path=[u.name for u in scope.path(branch_id)][:-1],
        profile_name=profile.name if profile else unit.name, has_committee=bool(profile and profile.has_committee),
        party_groups=list(profile.party_groups) if profile else [],
        profile_count=branch_row.profile_count if branch_row is not None else count,
        records=records, total=total, members=lines, devices=devices,
        last_sync_at=max(syncs) if syncs else None, unreadable=unreadable,
    )
