"""What the 概览 page shows, gathered in one pass (runs in a worker, the guard taken per step).

The facts and lapse warnings come from :mod:`desktop_app.compliance_query`, the same place the
CLI uses, so the overview and ``branch-ledger compliance`` always agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop_app.compliance_query import (
    EvidenceShortfall,
    meeting_facts,
    meetings_lacking_evidence,
    member_lapse_warnings,
    records_since,
)
from desktop_app.operations.ledger import Ledger
from desktop_app.store import RecordFilter, RecordSummary
from desktop_app.store.sync_state import KEY_LAST_SUCCESS
from domain.attendance import LapseWarning
from domain.compliance import ComplianceReport, Period, PeriodKind, compliance_status


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
    # This year's meetings that do not count for lack of the 签到表/photo head office requires.
    lacking_evidence: list[EvidenceShortfall] = field(default_factory=list)


def gather_overview(ledger: Ledger, today: dt.date | None = None) -> OverviewData:
    """Everything the overview shows; the guard is taken per step so the UI thread never waits long."""
    today = today or dt.date.today()
    lock = ledger.guard()
    with lock as store:
        profile = store.records.branch_profile()
        settings = store.records.rule_settings()
        members = store.records.members()
    month = Period.containing(today, PeriodKind.MONTH)
    quarter = Period.containing(today, PeriodKind.QUARTER)
    year = Period.containing(today, PeriodKind.YEAR)
    reports: dict[str, ComplianceReport | None] = {"month": None, "quarter": None, "year": None}
    lacking: list[EvidenceShortfall] = []
    if profile is not None:
        with lock as store:
            facts = meeting_facts(store)
            since = records_since(store)
            lacking = meetings_lacking_evidence(store, year.start, year.end)
        for key, period in (("month", month), ("quarter", quarter), ("year", year)):
            reports[key] = compliance_status(
                profile[1], facts, period, today, settings, members, records_since=since
            )
    with lock as store:
        lapses = member_lapse_warnings(store, today)
    with lock as store:
        # Head office's verdicts and this branch's receipts are about other records, not records of
        # their own: the 退回修改 panel and the notice view show them.
        recent = [s for s in store.records.query(RecordFilter(), limit=16)
                  if s.kind not in ("review", "notice_receipt")][:12]
        pending = store.outbox_pending_count()
        conflicts = store.records.count(RecordFilter(conflicted=True))
        last_sync = store.meta.get(KEY_LAST_SUCCESS)
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
        lacking_evidence=lacking,
    )
