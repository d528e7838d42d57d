"""How the window runs an operation (:mod:`desktop_app.operations`): on a worker, or — for the
short ones whose answer the window needs at once — right here, always with the same ending.

Modelled on Anki's ``aqt.operations.CollectionOp``: ``UiOp(parent, session, op)`` takes a function
of the :class:`~desktop_app.operations.Ledger`; ``.success(fn)`` and ``.failure(fn)`` say what to
do with its result or its exception, then ``.run_in_background()`` runs it on the pool (never a
disk or network wait on the UI thread) or ``.run_now()`` runs it here (a save the close question
waits for, one record read to open an editor). Either way:

* a failure the caller does not handle is shown with :func:`dialogs.error_text` in an error
  dialog (a ``StoreLocked`` after the clerk locked the ledger is not a failure: it is dropped);
* the result's change set (the result itself when it is an ``OpChanges``, else its ``changes``)
  is broadcast through :meth:`Session.broadcast` before the success callback runs, so every page
  showing those kinds reloads — whoever ran the operation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from desktop_app.operations import Ledger, OpChanges, StoreLocked
from desktop_app.ui import dialogs
from desktop_app.ui.session import Session
from desktop_app.ui.workers import ProgressFn, start_worker

R = TypeVar("R")


def changes_of(result: object) -> OpChanges:
    """The change set an operation's result carries (empty for a read)."""
    if isinstance(result, OpChanges):
        return result
    changes = getattr(result, "changes", None)
    return changes if isinstance(changes, OpChanges) else OpChanges()


class UiOp(Generic[R]):
    """One operation as the window runs it (see the module docstring). ``parent`` is the widget (or
    object) the result belongs to: a result arriving after it was deleted is dropped."""

    def __init__(self, parent: QObject | None, session: Session,
                 op: Callable[[Ledger], R] | Callable[[Ledger, ProgressFn], R], *, with_progress: bool = False) -> None:
        self._parent = parent
        self._session = session
        self._op = op
        self._with_progress = with_progress
        self._success: Callable[[R], Any] | None = None
        self._failure: Callable[[Exception], Any] | None = None
        self._progress: Callable[[int, int, str], None] | None = None

    def success(self, fn: Callable[[R], Any] | None) -> UiOp[R]:
        self._success = fn
        return self

    def failure(self, fn: Callable[[Exception], Any] | None) -> UiOp[R]:
        """Handle failures yourself (a rule violation shown at its fields …) instead of the dialog."""
        self._failure = fn
        return self

    def progress(self, fn: Callable[[int, int, str], None]) -> UiOp[R]:
        """Receive the operation's ``(done, total, text)`` reports (background runs only); the op
        is then called as ``op(ledger, progress)``."""
        self._progress = fn
        self._with_progress = True
        return self

    # ------------------------------------------------------------ running

    def run_in_background(self) -> None:
        """Run on the worker pool; success, failure and the broadcast arrive on the UI thread."""
        op: Callable[..., R] = self._op
        ledger, with_progress = self._session.ledger, self._with_progress

        def job(report: ProgressFn) -> R:
            return op(ledger, report) if with_progress else op(ledger)

        # Qt holds bound-method slots weakly: the operation keeps itself alive until its worker is done.
        _in_flight.add(self)
        signals = start_worker(job, on_result=lambda result: self._succeeded(result),
                               on_error=lambda exc: self._failed(exc), on_progress=self._progress,
                               owner=self._parent)
        signals.done.connect(lambda: _in_flight.discard(self))

    def run_now(self) -> R | None:
        """Run on the UI thread (short operations only); returns the result, or None after a failure."""
        op: Callable[..., R] = self._op
        try:
            result = op(self._session.ledger, _no_progress) if self._with_progress else op(self._session.ledger)
        except Exception as exc:
            self._failed(exc)
            return None
        self._succeeded(result)
        return result

    def _succeeded(self, result: Any) -> None:
        # The views first: a success callback may open a modal dialog ("32 members imported"),
        # and the pages behind it should already show what was written.
        self._session.broadcast(changes_of(result))
        if self._success is not None:
            self._success(result)

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, StoreLocked) and self._session.closed:
            return  # the clerk locked the ledger meanwhile: nothing to tell
        if self._failure is not None:
            self._failure(exc)
        else:
            dialogs.error(self._parent if isinstance(self._parent, QWidget) else None, dialogs.error_text(exc))


_in_flight: set[UiOp[Any]] = set()


def _no_progress(_done: int, _total: int, _text: str) -> None:
    return None
