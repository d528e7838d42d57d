"""Compliance (规定活动完成情况) and lapse warnings (长期未参加组织生活) for the CLI and the 概览.

The facts themselves are computed once, in :mod:`desktop_app.compliance_query`; these functions
add the guard, so ``branch-ledger compliance``/``lapses`` and the overview read the same thing.
"""

from __future__ import annotations

import datetime as dt

from desktop_app import compliance_query
from desktop_app.compliance_query import EvidenceShortfall, NoBranchProfile
from desktop_app.operations.ledger import Ledger
from domain.attendance import LapseWarning
from domain.compliance import ComplianceReport, Period

__all__ = ["EvidenceShortfall", "NoBranchProfile", "compliance_report", "lacking_evidence", "lapse_warnings"]


def compliance_report(ledger: Ledger, period: str, today: dt.date) -> ComplianceReport:
    """Required activities done / due / overdue in ``period`` (``NoBranchProfile`` before the
    wizard's branch step; ``ValueError`` for a period that is not 2026-11, 2026-Q4 or 2026)."""
    with ledger.guard() as store:
        return compliance_query.compliance_report(store, period, today)


def lacking_evidence(ledger: Ledger, period: str) -> list[EvidenceShortfall]:
    """Meetings dated in ``period`` that do not count because they lack the 签到表/photo head office
    requires (缺少佐证材料); empty while head office requires nothing."""
    span = Period.parse(period)
    with ledger.guard() as store:
        return compliance_query.meetings_lacking_evidence(store, span.start, span.end)


def lapse_warnings(ledger: Ledger, today: dt.date) -> list[LapseWarning]:
    """Members without organisational life for the configured number of months, as of ``today``."""
    with ledger.guard() as store:
        return compliance_query.member_lapse_warnings(store, today)
