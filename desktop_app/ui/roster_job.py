"""Run a roster import off the UI thread with a progress dialog (used by the wizard and 党员 page)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop_app.ui import dialogs
from desktop_app.ui.failures import os_reason
from desktop_app.ui.i18n import QT_TRANSLATE_NOOP, translate
from desktop_app.ui.roster_import import RosterParse, parse_roster, problems_text, write_roster
from desktop_app.ui.session import Session
from desktop_app.ui.workers import ProgressFn, start_worker

__all__ = ["ROSTER_FILTER", "import_roster_file", "os_reason"]

# Source text of the file-type filter; translate it with the "RosterImport" context where shown.
ROSTER_FILTER = QT_TRANSLATE_NOOP("RosterImport", "CSV or Excel sheets (*.csv *.xlsx)")


def import_roster_file(
    parent: QWidget | None, session: Session, path: Path, on_done: Callable[[int], None] | None = None
) -> None:
    """Parse and write ``path``; problems are reported and nothing is written when any row is wrong."""
    progress = QProgressDialog(translate("RosterImport", "Importing the roster…"), "", 0, 0, parent)
    progress.setCancelButton(None)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    author = session.author

    def job(report: ProgressFn) -> int | RosterParse:
        parsed = parse_roster(path, report)
        if not parsed.ok:
            return parsed
        return write_roster(session.store, session.guard(), parsed, author=author, progress=report)

    def finished(result: object) -> None:
        progress.close()
        progress.deleteLater()
        if isinstance(result, RosterParse):
            dialogs.error(
                parent,
                translate("RosterImport", "Nothing was imported. Please correct the file:")
                + "\n"
                + problems_text(result.problems[:30]),
            )
            return
        count = int(result)  # type: ignore[call-overload]
        session.notify("member")
        if on_done is not None:
            on_done(count)

    def failed(exc: Exception) -> None:
        progress.close()
        progress.deleteLater()
        dialogs.error(parent, dialogs.error_text(exc))

    def advance(done: int, total: int, _text: str) -> None:
        progress.setMaximum(max(total, 1))
        progress.setValue(done)

    start_worker(job, on_result=finished, on_error=failed, on_progress=advance, owner=parent)
