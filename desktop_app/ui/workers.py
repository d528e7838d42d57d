"""Run slow work (unlock's key derivation, import, PDF, sync) on a pool thread, report through signals.

The function runs on a ``QThreadPool`` thread and must not touch widgets; it gets a ``progress``
callable to report ``(done, total, text)``. Results and exceptions come back to the UI thread as
queued signals. Store access inside the function goes through an operation (see
:mod:`desktop_app.operations`), usually run through :mod:`desktop_app.ui.operations`.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

ProgressFn = Callable[[int, int, str], None]


class WorkerSignals(QObject):
    """Created on the UI thread; results are queued to it from the pool thread."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)  # the exception instance
    done = Signal()  # after finished or failed, for cleanup


class Worker(QRunnable):
    """One piece of background work. Create with :func:`start_worker`."""

    def __init__(self, fn: Callable[[ProgressFn], Any], signals: WorkerSignals) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals
        # The pool deletes the runnable after run(); the signals object is kept alive separately
        # (in ``_running``) until its queued results have been delivered on the UI thread.
        self.setAutoDelete(True)

    def run(self) -> None:
        # Take the references out of the runnable: the pool deletes it on this thread, and the
        # function's closure may hold Qt objects (a page, a session) whose last reference must
        # never be dropped here — a QObject destroyed off its thread corrupts Qt's state.
        # ``start_worker`` keeps the function alive on the UI thread until ``done`` is delivered.
        fn, signals = self.fn, self.signals
        self.fn = self.signals = None  # type: ignore[assignment]
        try:
            result = fn(signals.progress.emit)
        except Exception as exc:  # every failure must reach the UI, never die silently on a pool thread
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            signals.failed.emit(exc)
        else:
            signals.finished.emit(result)
            del result
        del fn
        signals.done.emit()


_running: dict[WorkerSignals, Callable[[ProgressFn], Any]] = {}  # released on the UI thread
_owner: list[QObject] = []


def _signals_owner() -> QObject:
    """A UI-thread object that owns every ``WorkerSignals`` on the C++ side.

    The pool thread drops its reference to the runnable (and so to the signals) when ``run``
    returns; if that were the last reference, the signals object — which lives on the UI thread —
    would be destroyed from the pool thread, racing the UI thread that is delivering its queued
    results (a rare crash in ``~QObject``). With a C++ parent, dropping Python references never
    deletes it; the UI thread deletes it with ``deleteLater`` once ``done`` has been delivered.
    """
    if not _owner:
        _owner.append(QObject())
    return _owner[0]


def start_worker(
    fn: Callable[[ProgressFn], Any],
    *,
    on_result: Callable[[Any], None] | None = None,
    on_error: Callable[[Exception], None] | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    owner: QObject | None = None,
    pool: QThreadPool | None = None,
) -> WorkerSignals:
    """Start ``fn(progress)`` on the pool; callbacks run on the UI thread (queued, in order).

    ``owner`` is the widget the callbacks belong to: when it has been deleted by the time a result
    arrives (the user closed the dialog, or the app locked, mid-job) the callbacks are skipped
    instead of touching a dead C++ object.
    """
    signals = WorkerSignals(_signals_owner())
    for signal, callback in ((signals.finished, on_result), (signals.failed, on_error),
                             (signals.progress, on_progress)):
        if callback is not None:
            signal.connect(_while_alive(owner, callback))
    _running[signals] = fn

    def finished() -> None:
        _running.pop(signals, None)
        signals.deleteLater()

    signals.done.connect(finished)
    (pool or QThreadPool.globalInstance()).start(Worker(fn, signals))
    return signals


def _while_alive(owner: QObject | None, callback: Callable[..., None]) -> Callable[..., None]:
    if owner is None:
        return callback

    def guarded(*args: Any) -> None:
        if shiboken6.isValid(owner):
            callback(*args)

    return guarded


def running_count() -> int:
    """Workers not yet done (tests wait for zero before closing the store)."""
    return len(_running)
