"""Print a record: render a PDF with the shared renderer (package ``printing``) in a worker, then
let the clerk save or open it. Rendering reads nothing from the store: the body and roster are
read on the UI thread first (one record), so the worker needs no lock."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop_app.ui import dialogs
from desktop_app.ui.i18n import translate
from desktop_app.ui.session import Session
from desktop_app.ui.workers import ProgressFn, start_worker


def _t(text: str) -> str:
    return QCoreApplication.translate("Printing", text)


def _t_missing_branch() -> str:
    return translate("Printing", "Fill in the branch profile (Settings) before printing.")


def renderer_for(kind: str) -> Any:
    """The renderer function for a record kind, or None when this build has none."""
    try:
        module = importlib.import_module("printing")
    except ImportError:
        return None
    if kind == "meeting":
        return getattr(module, "render_minutes", None)
    return None


def print_record(
    parent: QWidget, session: Session, record_id: str, target: Path | None = None, *, open_after: bool = True
) -> None:
    env = session.read(lambda s: s.records.get(record_id))
    render = renderer_for(env.kind)
    if render is None:
        dialogs.info(parent, translate("Printing", "Printing this kind of record is not available yet."))
        return
    if target is None:
        suggested = f"{env.body.model_dump().get('title', 'record')}.pdf"
        name, _ = QFileDialog.getSaveFileName(parent, translate("Printing", "Save as PDF"), suggested, "PDF (*.pdf)")
        if not name:
            return
        target = Path(name)
    from desktop_app import print_jobs

    try:
        data = session.read(lambda s: print_jobs.minutes_input(s, record_id))
    except print_jobs.NothingToPrint:
        dialogs.info(parent, _t_missing_branch())
        return

    def job(_p: ProgressFn) -> Path:
        render(data, target)
        return target

    def done(path: object) -> None:
        if open_after:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def failed(exc: Exception) -> None:
        dialogs.error(parent, translate("Printing", "The PDF could not be made: {0}").format(exc))

    start_worker(job, on_result=done, on_error=failed)
