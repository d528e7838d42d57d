"""Run a roster import off the UI thread with a progress dialog (used by the wizard and 党员 page).

The import itself is :func:`desktop_app.operations.roster.import_roster` (also
``branch-ledger roster import``); this module only shows its progress and its problems.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop_app.operations.roster import RosterImported, import_roster
from desktop_app.ui import dialogs
from desktop_app.ui.failures import os_reason
from desktop_app.ui.i18n import QT_TRANSLATE_NOOP, translate
from desktop_app.ui.operations import UiOp
from desktop_app.ui.session import Session
from domain.roster_sheet import problems_text

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

    def close_progress() -> None:
        progress.close()
        progress.deleteLater()

    def finished(result: RosterImported) -> None:
        close_progress()
        if not result.ok:
            dialogs.error(
                parent,
                translate("RosterImport", "Nothing was imported. Please correct the file:")
                + "\n"
                + problems_text(result.parsed.problems[:30]),
            )
            return
        if on_done is not None:
            on_done(result.written)

    def failed(exc: Exception) -> None:
        close_progress()
        dialogs.error(parent, dialogs.error_text(exc))

    def advance(done: int, total: int, _text: str) -> None:
        progress.setMaximum(max(total, 1))
        progress.setValue(done)

    UiOp(parent, session, lambda ledger, report: import_roster(ledger, path, author=author, progress=report)
         ).progress(advance).success(finished).failure(failed).run_in_background()
