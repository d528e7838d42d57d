"""Printed records: 会议记录, 签到表, 台账 and 先锋岗 reports as PDF, in Chinese official-document style.

Pure Python on reportlab; no Qt, no server framework. The desktop client (in a worker thread),
the CLI and the head-office server all print through these four calls, so a record looks the
same wherever it is printed::

    from printing import render_minutes, MinutesInput
    result = render_minutes(MinutesInput(meeting=body, branch=branch, members=roster,
                                         status=RecordStatus.FINAL, record_id=rid), "out.pdf")
    if result.missing_chars: warn(...)

See docs/printing.md for the layout decisions and the fonts.
"""

from __future__ import annotations

from printing.document import PrintResult
from printing.inputs import LedgerInput, MinutesInput, PostReportInput, SignInInput
from printing.ledger import render_ledger
from printing.minutes import render_minutes
from printing.posts import render_post_report
from printing.signin import render_signin_sheet

__all__ = [
    "LedgerInput",
    "MinutesInput",
    "PostReportInput",
    "PrintResult",
    "SignInInput",
    "render_ledger",
    "render_minutes",
    "render_post_report",
    "render_signin_sheet",
]
