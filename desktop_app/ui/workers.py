"""Run slow work (unlock's key derivation, import, PDF, sync) on a pool thread, report through signals.

The function runs on a ``QThreadPool`` thread and must not touch widgets; it gets a ``progress``
callable to report ``(done, total, text)``. Results and exceptions come back to the UI thread as
queued signals. Store access inside the function goes through ``session.lock`` (see
:mod:`desktop_app.ui.session`).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

ProgressFn = Callable[[int, int, str], None]


class WorkerSignals(QObject):
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
        try:
            result = self.fn(self.signals.progress.emit)
        except Exception as exc:  # every failure must reach the UI, never die silently on a pool thread
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)
        self.signals.done.emit()


_running: set[WorkerSignals] = set()


def start_worker(
    fn: Callable[[ProgressFn], Any],
    *,
    on_result: Callable[[Any], None] | None = None,
    on_error: Callable[[Exception], None] | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    pool: QThreadPool | None = None,
) -> WorkerSignals:
    """Start ``fn(progress)`` on the pool; callbacks run on the UI thread (queued, in order)."""
    signals = WorkerSignals()
    if on_result is not None:
        signals.finished.connect(on_result)
    if on_error is not None:
        signals.failed.connect(on_error)
    if on_progress is not None:
        signals.progress.connect(on_progress)
    _running.add(signals)
    signals.done.connect(lambda: _running.discard(signals))
    (pool or QThreadPool.globalInstance()).start(Worker(fn, signals))
    return signals


def running_count() -> int:
    """Workers not yet done (tests wait for zero before closing the store)."""
    return len(_running)
