"""Print jobs: what the clerk prints, and rendering it to PDF bytes or a file through
:mod:`desktop_app.print_jobs` — the print dialog's preview and 保存为 PDF.

The printing input is assembled by ``print_jobs`` under the ledger's guard, taken per bounded step
(one record, a listing, a batch of log entries), so the window's paging and autosave are never kept
waiting for a whole 台账; the renderer then lays out the PDF outside the lock. Runs on a worker thread.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from desktop_app.operations.ledger import Ledger
from domain.compliance.period import Period
from domain.i18n import N_, t

if TYPE_CHECKING:
    from printing import PrintResult

DocumentKind = Literal["minutes", "signin", "ledger", "post_report"]
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass(frozen=True)
class PrintRequest:
    """One document: ``target`` is a record id (minutes, sign-in sheet, post report) or a period code.

    ``attachments``: the minutes, the 先锋岗 report and the 台账 (with its minutes) append the records'
    attachments (printing.attachments); a 签到表 prints the record's signed scan in place of the blank
    sheet when there is one.
    """

    kind: DocumentKind
    target: str
    title: str = ""  # shown in the dialog and used for the suggested file name
    include_minutes: bool = True  # 台账 only
    period: str | None = None  # 先锋岗 report only: None = the whole history
    attachments: bool = True

    @classmethod
    def minutes(cls, record_id: str, title: str = "") -> PrintRequest:
        return cls("minutes", record_id, title)

    @classmethod
    def signin(cls, record_id: str, title: str = "") -> PrintRequest:
        return cls("signin", record_id, title)

    @classmethod
    def ledger(cls, period: str, include_minutes: bool = True, attachments: bool = True) -> PrintRequest:
        return cls("ledger", Period.parse(period).code, Period.parse(period).label, include_minutes,
                   attachments=attachments)

    @classmethod
    def post_report(cls, post_id: str, title: str = "", period: str | None = None,
                    attachments: bool = True) -> PrintRequest:
        return cls("post_report", post_id, title, period=period, attachments=attachments)

    def suggested_file_name(self) -> str:
        suffixes = {"minutes": N_("会议记录"), "signin": N_("签到表"), "ledger": N_("台账"),
                    "post_report": N_("先锋岗报告")}
        suffix = t(suffixes[self.kind])
        stem = _UNSAFE.sub("_", self.title).strip("_") if self.title else ""
        return f"{stem}-{suffix}.pdf" if stem else f"{suffix}.pdf"


def build_input(ledger: Ledger, request: PrintRequest, today: dt.date | None = None) -> Any:
    """The renderer's input for ``request``, read under the ledger's guard (raises NothingToPrint,
    or StoreLocked when the clerk locks the ledger before or during the reading)."""
    from desktop_app import print_jobs  # the renderer is imported on first print, not at startup

    guard = ledger.guard()
    files = request.attachments
    # Attachments are read later, while the renderer lays them out, each under ``guard``.
    with guard as store:
        if request.kind == "minutes":
            return print_jobs.minutes_input(store, request.target, attachments=files, lock=guard)
        if request.kind == "signin":
            return print_jobs.signin_input(store, request.target, use_scan=files, lock=guard)
    # Many records: print_jobs takes the guard for each step itself.
    if request.kind == "ledger":
        return print_jobs.ledger_input(
            store, request.target, today=today or dt.date.today(), include_minutes=request.include_minutes,
            lock=guard, attachments=files,
        )
    period = Period.parse(request.period) if request.period else None
    return print_jobs.post_report_input(store, request.target, period, lock=guard, attachments=files)


def _renderer(kind: DocumentKind) -> Callable[..., PrintResult]:
    import printing

    renderers: dict[str, Callable[..., PrintResult]] = {
        "minutes": printing.render_minutes,
        "signin": printing.render_signin_sheet,
        "ledger": printing.render_ledger,
        "post_report": printing.render_post_report,
    }
    return renderers[kind]


def render_document(
    ledger: Ledger, request: PrintRequest, out: Path | None = None, *, today: dt.date | None = None
) -> PrintResult:
    """Render ``request`` to ``out`` (the renderer writes the file) or, with ``out=None``, to bytes
    in ``PrintResult.data``. Call it on a worker thread."""
    from desktop_app.print_jobs import render_to  # written atomically: never a truncated PDF

    data = build_input(ledger, request, today)
    return render_to(_renderer(request.kind), data, out)


def is_nothing_to_print(exc: BaseException) -> bool:
    """Whether ``exc`` says there is nothing to print (a sentence for the clerk already)."""
    from desktop_app.print_jobs import NothingToPrint

    return isinstance(exc, NothingToPrint)


def missing_chars_text(result: PrintResult) -> str:
    """The characters no printing font has, ready to list for the clerk ("" when none)."""
    return "、".join(dict.fromkeys(result.missing_chars))
