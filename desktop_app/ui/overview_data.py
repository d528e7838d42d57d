"""What the 概览 page shows, gathered in one pass (Qt-free; runs in a worker under the store lock).

The compliance calendar and the lapse warning are the domain's (:func:`domain.compliance.
compliance_status`, :func:`domain.attendance.lapse_warnings`); this module only feeds them from
the store's index so the overview never parses more bodies than the year's lectures, theme days
and 组织生活会 (the facts that need a body).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any

from desktop_app.store import RecordFilter, RecordSummary, Store
from domain.attendance import ORGANISATIONAL_LIFE_TYPES, LapseWarning, lapse_warnings
from domain.compliance import ComplianceReport, MeetingFact, Period, PeriodKind, compliance_status
from domain.enums import MeetingType
from domain.records import Meeting

_BODY_TYPES = {MeetingType.LECTURE.value, MeetingType.ORG_LIFE.value, MeetingType.THEME_DAY.value}


@dataclass
class OverviewData:
    branch_name: str
    today: dt.date
    month: ComplianceReport | None
    quarter: ComplianceReport | None
    year: ComplianceReport | None
    recent: list[RecordSummary]
    lapses: list[LapseWarning]
    pending_changes: int
    conflicts: int
    last_sync: str | None


def meeting_facts(store: Store, since: dt.date, until: dt.date, lock: Any = None) -> list[MeetingFact]:
    """Facts for meetings dated in [since, until]; bodies parsed only where a fact needs one.

    ``lock`` (the session lock) is taken per page and per body, never for the whole scan.
    """
    lock = lock or contextlib.nullcontext()
    with lock:
        members = store.records.members()
    facts: list[MeetingFact] = []
    flt = RecordFilter(kind="meeting", date_from=since, date_to=until)
    offset = 0
    while True:
        with lock:
            page = store.records.query(flt, offset=offset, limit=500)
        if not page:
            break
        offset += len(page)
        for s in page:
            if not s.event_date or not s.subtype:
                continue
            if s.subtype in _BODY_TYPES:
                with lock:
                    body = store.records.get(s.record_id).body
                if isinstance(body, Meeting):
                    facts.append(MeetingFact.from_meeting(body, members))
                continue
            try:
                kind = MeetingType(s.subtype)
            except ValueError:
                continue
            facts.append(MeetingFact(kind, dt.date.fromisoformat(s.event_date), s.party_group or ""))
    return facts


def attendance_events(store: Store) -> tuple[list[tuple[str, dt.date]], dt.date | None]:
    """Each member's latest organisational life (member_id, date), and the date records start.

    Only the latest date per member matters to the lapse warning, so one row per member is read.
    Uses the store's ``attendance_events`` when it offers one; until then it reads the
    attendance index the repository maintains (read-only).
    """
    provider: Any = getattr(store.records, "attendance_events", None)
    if callable(provider):
        events = list(provider())
    else:
        types = tuple(t.value for t in ORGANISATIONAL_LIFE_TYPES)
        marks = ",".join("?" for _ in types)
        rows = store.conn.execute(
            "SELECT member_id, max(event_date) FROM attendance WHERE status = 'present' AND record_id IN"
            f" (SELECT id FROM records WHERE kind = 'meeting' AND deleted = 0 AND subtype IN ({marks}))"
            " GROUP BY member_id",
            types,
        ).fetchall()
        events = [(str(r[0]), dt.date.fromisoformat(r[1])) for r in rows if r[1]]
    first = store.conn.execute("SELECT min(event_date) FROM records WHERE kind = 'meeting' AND deleted = 0").fetchone()
    since = dt.date.fromisoformat(first[0]) if first and first[0] else None
    return events, since


def gather_overview(store: Store, today: dt.date | None = None, lock: Any = None) -> OverviewData:
    """Everything the overview shows; ``lock`` is taken per step so the UI thread never waits long."""
    today = today or dt.date.today()
    lock = lock or contextlib.nullcontext()
    with lock:
        profile = store.records.branch_profile()
        settings = store.records.rule_settings()
        members = store.records.members()
    month = Period.containing(today, PeriodKind.MONTH)
    quarter = Period.containing(today, PeriodKind.QUARTER)
    year = Period.containing(today, PeriodKind.YEAR)
    reports: dict[str, ComplianceReport | None] = {"month": None, "quarter": None, "year": None}
    if profile is not None:
        facts = meeting_facts(store, year.start, today, lock)
        for key, period in (("month", month), ("quarter", quarter), ("year", year)):
            reports[key] = compliance_status(profile[1], facts, period, today, settings, members)
    with lock:
        events, since = attendance_events(store)
    lapses = lapse_warnings(members, events, today, settings, records_since=since)
    with lock:
        recent = store.records.query(RecordFilter(), limit=12)
        pending = store.outbox_pending_count()
        conflicts = store.records.count(RecordFilter(conflicted=True))
        last_sync = store.meta.get("ui_last_sync_at")
    return OverviewData(
        branch_name=profile[1].name if profile else "",
        today=today,
        month=reports["month"],
        quarter=reports["quarter"],
        year=reports["year"],
        recent=recent,
        lapses=lapses,
        pending_changes=pending,
        conflicts=conflicts,
        last_sync=last_sync,
    )
