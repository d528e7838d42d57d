"""Head office prints a record with the client's renderer, from the same inputs, for the same PDF.

The client (``desktop_app.print_jobs.minutes_input``) builds a ``printing.MinutesInput`` from its
store: the body, the branch profile, the whole roster, the record's status, id and revision, the
time it was recorded (the revision's device time on the device that wrote it), the original of
an amendment and the titles of linked records. This module builds the same input from what head
office holds of that branch, so one click on the console gives the PDF the clerk prints
(reportlab's invariant mode makes it the same bytes; tests compare the two).
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Connection, func, select

from domain.enums import RecordStatus
from domain.errors import LedgerError
from domain.i18n import t
from domain.records import BranchProfile, Meeting
from printing import MinutesInput, PrintResult, render_minutes
from sync.server.console.indexer import parse_stored
from sync.server.console.scope import OutOfScope, Scope
from sync.server.console.tables import console_records
from sync.server.findings import branch_members
from sync.server.orgs import get_unit
from sync.server.profiles import current_profile
from sync.server.tables import heads, revisions


class NotPrintable(LedgerError, ValueError):
    """Only readable meeting records print as 会议记录."""


def original_of(conn: Connection, branch_id: str, meeting: Meeting) -> Meeting | None:
    """The record an amendment corrects, as it stands now (None if not an amendment or unreadable)."""
    if not meeting.amends_record_id:
        return None
    row = conn.execute(
        select(revisions.c.body, revisions.c.schema_version)
        .join(heads, (heads.c.branch_id == revisions.c.branch_id) & (heads.c.record_id == revisions.c.record_id)
              & (heads.c.current_rev == revisions.c.rev))
        .where(heads.c.branch_id == branch_id, heads.c.record_id == meeting.amends_record_id)
    ).first()
    if row is None or not row.body:
        return None
    parsed = parse_stored("meeting", row.schema_version, json.loads(row.body))
    return parsed if isinstance(parsed, Meeting) else None


def minutes_input(conn: Connection, scope: Scope, branch_id: str, record_id: str) -> MinutesInput:
    """The renderer's input for record ``record_id`` of branch ``branch_id``."""
    scope.branch(branch_id)  # out of scope: nothing is read
    row = conn.execute(
        select(heads.c.branch_id, heads.c.status, heads.c.current_rev, heads.c.deleted, heads.c.kind,
               revisions.c.body, revisions.c.schema_version, revisions.c.device_time)
        .join(revisions, (revisions.c.branch_id == heads.c.branch_id) & (revisions.c.record_id == heads.c.record_id)
              & (revisions.c.rev == heads.c.current_rev))
        .where(heads.c.branch_id == branch_id, heads.c.record_id == record_id)
    ).first()
    if row is None:
        raise OutOfScope(record_id)
    meeting = parse_stored(row.kind, row.schema_version, json.loads(row.body) if row.body else None)
    if not isinstance(meeting, Meeting) or row.deleted:
        raise NotPrintable(t("只有会议记录可以打印为会议记录"))
    profile, _ = current_profile(conn, row.branch_id)
    if profile is None:
        unit = get_unit(conn, row.branch_id)
        profile = BranchProfile(name=unit.name if unit else row.branch_id)
    original_title, original_date = "", None
    original = original_of(conn, row.branch_id, meeting)
    if original is not None:
        original_title, original_date = original.title, original.starts_at.date()
    linked: dict[str, str] = {}
    if meeting.theme_day is not None and meeting.theme_day.linked_record_ids:
        for rid, title in conn.execute(
            select(console_records.c.record_id, console_records.c.title)
            .where(console_records.c.record_id.in_(meeting.theme_day.linked_record_ids),
                   console_records.c.branch_id == row.branch_id)
        ).all():
            linked[rid] = title
    try:
        recorded_at: dt.datetime | None = dt.datetime.fromisoformat(row.device_time)
    except ValueError:
        recorded_at = None
    return MinutesInput(
        meeting=meeting, branch=profile, members=branch_members(conn, row.branch_id),
        status=RecordStatus(row.status), record_id=record_id, rev=row.current_rev, recorded_at=recorded_at,
        original_title=original_title, original_date=original_date, linked_titles=linked,
        entered_at=_first_saved(conn, row.branch_id, record_id),
    )


def _first_saved(conn: Connection, branch_id: str, record_id: str) -> dt.datetime | None:
    """The device time of the record's first revision: the date a 补录 note prints, the same
    one the clerk's own print shows."""
    first = conn.execute(
        select(func.min(revisions.c.device_time))
        .where(revisions.c.branch_id == branch_id, revisions.c.record_id == record_id)
    ).scalar()
    try:
        return dt.datetime.fromisoformat(first) if first else None
    except ValueError:
        return None


def render(data: MinutesInput) -> PrintResult:
    """The PDF (in ``PrintResult.data``); CPU work outside any transaction."""
    return render_minutes(data, None)
