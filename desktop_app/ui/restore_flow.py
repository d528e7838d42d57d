"""Restoring a backup from 设置: lock, swap the database, unlock again on the restored one.

The restore needs the passphrase again (it replaces the clerk's data, and the key left memory with
the lock). It runs in a worker after the closing store has finished (its backup on close
included), and the restored ledger (``operations.opening.restore_closed``) opens a new session
exactly as an unlock does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.operations import opening
from desktop_app.operations.ledger import Ledger
from desktop_app.operations.types import BackupInfo
from desktop_app.ui.i18n import translate
from desktop_app.ui.session import wait_for_closing

if TYPE_CHECKING:
    from desktop_app.ui.shell import ShellWindow


def restore_into(shell: ShellWindow, info: BackupInfo, passphrase: str) -> None:
    data_dir = shell.data_dir
    shell.lock()

    def job() -> Ledger:
        wait_for_closing()
        return opening.restore_closed(data_dir, info, passphrase)

    shell.unlock_screen.run_opening(job, translate("RestoreFlow", "Restoring the backup of {0}…")
                                    .format(info.describe()))
