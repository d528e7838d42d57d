"""The root of every failure a user is shown: store, sync, rules, printing, operations, the CLI.

Every exception that reaches a clerk (or a head-office reviewer) is a :class:`LedgerError` with a
Chinese ``message`` written for that user — what went wrong and, where it helps, what to do. The
window's error dialog (``desktop_app.ui.dialogs.error_text``) and the command line
(``desktop_app.cli.main``) show :meth:`LedgerError.user_message` for any of them, so a new failure
type needs no new handling anywhere; an exception that is not a ``LedgerError`` is a bug, reported
as one (a crash report and a plain "something unexpected went wrong").

``message`` stays the Chinese text the code was written with (tests and head office's logs match
on it); :meth:`LedgerError.user_message` is the single place a translation of it hooks in.
``detail`` is technical (often a library's English) and is shown only on request (``--verbose``)
or written to the log.

Qt-free and framework-free: the domain, the store, sync (both ends) and printing all import it.
"""

from __future__ import annotations

from domain.i18n import N_, t


class LedgerError(Exception):
    """A failure with a message for the user (Chinese); see the module docstring."""

    message: str = N_("操作没有完成")

    def __init__(self, message: str | None = None, *, detail: str = "") -> None:
        # A class's own message is marked for the catalog (N_) and shown in the user's language.
        self.message = message if message is not None else t(type(self).message)
        self.detail = detail
        super().__init__(f"{self.message}{' (' + detail + ')' if detail else ''}")

    def user_message(self) -> str:
        """What the user is shown, in the shown language (:mod:`domain.i18n`): a message given at
        the raise is looked up here too (a text not in the catalog is shown as written)."""
        return t(self.message)
