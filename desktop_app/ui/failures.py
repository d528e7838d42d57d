"""What happens when something fails that nobody foresaw (a bug): one function, one message.

The clerk never sees an English exception text. :func:`unexpected_error` logs the exception with
its traceback (logger ``branchledger.ui``) and hands it to the crash reporter, if one is set
(:func:`set_crash_reporter` — the logging/crash-report module of the packaged app installs one),
and returns the Chinese message to show. What the clerk typed is never thrown away by it: editors
keep their buffers, and the message says so.

This is for failures the UI caught itself (an operation's error shown in a dialog). Exceptions
nobody caught go to :mod:`desktop_app.logs`' hook, which writes the same kind of crash report and
shows :mod:`desktop_app.ui.crash_dialog`'s message; :func:`desktop_app.ui.launch.start_logging`
points this module's reporter at that crash-report writer, so there is one kind of report.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

LOG = logging.getLogger("branchledger.ui")

# Called with the exception; returns where the report was written (shown to the clerk) or None.
CrashReporter = Callable[[BaseException], "str | None"]
_reporter: list[CrashReporter] = []


def set_crash_reporter(reporter: CrashReporter | None) -> None:
    """Install (or remove, with None) the function that writes a crash report for an exception."""
    _reporter.clear()
    if reporter is not None:
        _reporter.append(reporter)


def unexpected_error(exc: BaseException, where: str = "") -> str:
    """Log and report ``exc``; return the clerk's Chinese (or English) message for it."""
    text = getattr(exc, "__traceback_text__", None) or "".join(
        traceback.format_exception(type(exc), exc, exc.__traceback__)
    )
    LOG.error("unexpected error%s\n%s", f" in {where}" if where else "", text)
    report: str | None = None
    for reporter in _reporter:
        try:
            report = reporter(exc)
        except Exception:  # the reporter itself must never turn one failure into two
            LOG.exception("crash reporter failed")
    message = QCoreApplication.translate(
        "Failures",
        "Something unexpected went wrong. Nothing you entered was thrown away; please try again. "
        "If it happens again, tell head office.",
    )
    if report:
        message += "\n" + QCoreApplication.translate("Failures", "Error report: {0}").format(report)
    return message


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in the clerk's language (never the OS's English)."""
    if isinstance(exc, FileNotFoundError):
        return QCoreApplication.translate("RosterImport", "the file or folder does not exist")
    if isinstance(exc, PermissionError):
        return QCoreApplication.translate("RosterImport", "no permission to use this file")
    if isinstance(exc, IsADirectoryError):
        return QCoreApplication.translate("RosterImport", "this is a folder, not a file")
    return QCoreApplication.translate("RosterImport", "the disk reported an error (it may be full or removed)")
