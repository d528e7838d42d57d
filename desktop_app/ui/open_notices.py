"""What the clerk must hear right after unlocking: a recovery key never confirmed, a key file
repaired or partly damaged, a database log that did not replay completely (store.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop_app.operations import StoreLocked
from desktop_app.operations.settings import opening_notices
from desktop_app.ui import dialogs
from desktop_app.ui.i18n import translate
from desktop_app.ui.recovery_key import RecoveryKeyDialog
from desktop_app.ui.session import Session


def show_open_notices(parent: QWidget, session: Session) -> RecoveryKeyDialog | None:
    """Tell the clerk (short reads under the lock); returns the recovery-key dialog if one opened."""
    try:
        notices = opening_notices(session.ledger)
    except StoreLocked:
        return None
    pending, kept, lost = notices.pending_recovery_key, notices.kept_aside, notices.commits_lost
    for warning in notices.key_warnings:
        dialogs.error(parent, warning)
    if kept:
        dialogs.error(parent, translate(
            "OpenNotices",
            "The database log could not be read back completely: about {0} recent saves are missing. The log was "
            "kept unchanged in {1}. The next sync fetches everything head office has again.",
        ).format(lost, kept))
    if pending:
        dialog = RecoveryKeyDialog(session, pending, parent)
        dialog.open()
        return dialog
    return None
