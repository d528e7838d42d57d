"""The compliance calendar (domain.md §3.1, §9.1): required activities done, due or overdue.

Feed it :class:`MeetingFact` s from the store's index; ask for a month, quarter or year
(:meth:`Period.parse`); show :func:`render_text` in the CLI or send ``report.to_json()`` upward.
"""

from __future__ import annotations

from domain.compliance.facts import MeetingFact
from domain.compliance.period import Period, PeriodKind
from domain.compliance.render import render_text
from domain.compliance.report import (
    ComplianceReport,
    ComplianceState,
    RequirementStatus,
    WindowStatus,
    compliance_status,
)
from domain.compliance.requirements import Requirement, requirements_for

__all__ = [
    "ComplianceReport",
    "ComplianceState",
    "MeetingFact",
    "Period",
    "PeriodKind",
    "Requirement",
    "RequirementStatus",
    "WindowStatus",
    "compliance_status",
    "render_text",
    "requirements_for",
]
