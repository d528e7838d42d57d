"""Head office's compliance view: the domain core's calendar over the records head office holds.

The rules are domain.compliance's — the same the branch's own overview shows — applied to the
current revision of each meeting synced up. An amended meeting counts once (its amendment
replaces the original). The branch's profile and roster come from its synced records; a branch
that never synced a profile is judged with only its name (no committee assumed).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, select

from domain.compliance import MeetingFact, Period, compliance_status
from domain.records import BranchProfile, Meeting, Member
from sync.server.orgs import get_unit
from sync.server.tables import heads, revisions


class BadPeriod(ValueError):
    """A period code that is not ``2026``, ``2026-Q4`` or ``2026-11``."""


def parse_period(code: str) -> Period:
    try:
        return Period.parse(code)
    except ValueError as exc:
        raise BadPeriod(str(exc)) from exc


def _current_bodies(conn: Connection, branch_id: str, kind: str) -> list[tuple[str, dict[str, Any]]]:
    query = (
        select(heads.c.record_id, revisions.c.body)
        .join(
            revisions,
            (revisions.c.branch_id == heads.c.branch_id)
            & (revisions.c.record_id == heads.c.record_id)
            & (revisions.c.rev == heads.c.current_rev),
        )
        .where(heads.c.branch_id == branch_id, heads.c.kind == kind, heads.c.deleted.is_(False))
        .order_by(heads.c.record_id)
    )
    return [(rid, json.loads(body)) for rid, body in conn.execute(query).all() if body]


def branch_compliance(
    conn: Connection, branch_id: str, period: Period, today: dt.date | None = None
) -> dict[str, Any]:
    """The report of one branch as JSON, with ``behind`` = some requirement is overdue."""
    today = today or dt.date.today()
    unit = get_unit(conn, branch_id)
    profiles = [
        BranchProfile.model_validate(b) for _, b in _current_bodies(conn, branch_id, "branch_profile")
    ]
    profile = profiles[0] if profiles else BranchProfile(name=unit.name if unit else branch_id)
    members: dict[str, Member] = {}
    for rid, body in _current_bodies(conn, branch_id, "member"):
        try:
            members[rid] = Member.model_validate(body)
        except ValidationError:
            continue
    meetings: dict[str, Meeting] = {}
    for rid, body in _current_bodies(conn, branch_id, "meeting"):
        try:
            meetings[rid] = Meeting.model_validate(body)
        except ValidationError:
            continue  # a body from a newer schema: not counted rather than guessed at
    amended = {m.amends_record_id for m in meetings.values() if m.amends_record_id}
    facts = [MeetingFact.from_meeting(m, members) for rid, m in meetings.items() if rid not in amended]
    in_period = [f for f in facts if period.contains(f.counted_on)]
    report = compliance_status(profile, facts, period, today, members=members)
    return {
        "behind": bool(report.overdue),
        "overdue": [r.label_zh for r in report.overdue],
        "due": [r.label_zh for r in report.due],
        "counts": dict(Counter(f.meeting_type.value for f in in_period)),
        "last_activity": report.last_activity.isoformat() if report.last_activity else None,
        "report": report.to_json(),
    }
