"""What happens when something fails that nobody foresaw (a bug): one function, one message.

The clerk never sees an English exception text. :func:`unexpected_error` logs the exception with
its traceback (logger ``branchledger.ui``) and hands it to the crash reporter, if one is set
(:func:`set_crash_reporter` — the logging/crash-report module of the packaged app installs one),
and returns the Chinese message to show. What the clerk typed is never thrown away by it: editors
keep their buffers, and the message says so.
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


def install_excepthook() -> None:
    """Route exceptions nobody caught (a bug in a button's handler …) to :func:`unexpected_error`
    and show its Chinese message, once per burst, instead of a traceback on a console nobody sees.

    Installed once, by the main window; the previous hook still runs (so logging set up by the
    packaged app's start-up sees it too).
    """
    import sys

    if getattr(sys.excepthook, "_branchledger", False):
        return
    previous = sys.excepthook
    showing: list[bool] = []

    def hook(kind: type[BaseException], exc: BaseException, tb: object) -> None:
        if previous is not sys.__excepthook__:
            previous(kind, exc, tb)  # type: ignore[arg-type]
        if issubclass(kind, KeyboardInterrupt) or showing:
            return
        exc.__traceback__ = tb  # type: ignore[assignment]
        message = unexpected_error(exc, "a handler")
        from PySide6.QtWidgets import QApplication

        if QApplication.instance() is None:
            return
        from desktop_app.ui import dialogs

        showing.append(True)
        try:
            dialogs.error(QApplication.activeWindow(), message)
        finally:
            showing.clear()

    hook._branchledger = True  # type: ignore[attr-defined]
    sys.excepthook = hook
