"""One sync at a time for an unlocked ledger: enrolment, 立即同步, automatic runs, resolutions.

The 同步 page and the automatic schedule both ask this object, so two runs never overlap. Work
happens in workers (:func:`desktop_app.ui.workers.start_worker`); results come back as signals,
and after a run that changed records every page is told to reload (``session.notify("")``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop_app.operations import StoreLocked
from desktop_app.operations.sync import Resolved, SyncOps, SyncRun, SyncStatus
from desktop_app.ui import dialogs
from desktop_app.ui.session import Session
from desktop_app.ui.ui_settings import UiSettings
from desktop_app.ui.workers import ProgressFn, start_worker
from sync.client.engine import SyncProgress


class SyncController(QObject):
    started = Signal(str)  # why: "manual", "schedule", "reconnect", "resolved", "startup"
    progress = Signal(int, int, int)  # page, pushed, pulled
    synced = Signal(object)  # SyncStats
    failed = Signal(str, bool)  # message, retryable
    enrolled = Signal(str)  # branch name
    enrol_failed = Signal(str)
    resolved = Signal(str)  # record id
    resolve_failed = Signal(str, str)  # record id, message
    status_changed = Signal()

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.ops = SyncOps(session.ledger)
        self.running = False
        self.enrolling = False
        self.last_failure: str | None = None

    # ------------------------------------------------------------ state

    def status(self) -> SyncStatus | None:
        """None once the ledger is locked."""
        if self.session.closed:
            return None
        return self.ops.status()

    def is_enrolled(self) -> bool:
        status = self.status()
        return bool(status and status.enrolled)

    # ------------------------------------------------------------ enrolment

    def enrol(self, base_url: str, code: str, ca_bundle: str | None = None) -> bool:
        if self.enrolling or self.session.closed:
            return False
        self.enrolling = True
        ops = self.ops

        def job(_p: ProgressFn) -> str:
            return ops.enrol(base_url, code, ca_bundle or None).branch_name

        def done(branch: Any) -> None:
            self.enrolling = False
            self.enrolled.emit(str(branch))
            self.status_changed.emit()

        def failed(exc: Exception) -> None:
            self.enrolling = False
            self.enrol_failed.emit(dialogs.error_text(exc))

        start_worker(job, on_result=done, on_error=failed, owner=self)
        return True

    # ------------------------------------------------------------ sync

    def sync_now(self, reason: str = "manual") -> bool:
        """Start a sync run in a worker; False when one is running or this device is not enrolled."""
        if self.running or self.session.closed or not self.is_enrolled():
            return False
        self.running = True
        ops = self.ops
        ca = UiSettings().ca_bundle or None

        def job(progress: ProgressFn) -> SyncRun:
            def report(p: SyncProgress) -> None:
                progress(p.page, p.pushed, str(p.pulled))

            return ops.sync(report, ca_bundle=ca)

        self.started.emit(reason)
        start_worker(job, on_result=self._synced, on_error=self._failed, on_progress=self._progress, owner=self)
        return True

    def _progress(self, page: int, pushed: int, pulled: str) -> None:
        self.progress.emit(page, pushed, int(pulled or 0))

    def _synced(self, run: SyncRun) -> None:
        self.running = False
        self.last_failure = None
        if self.session.closed:
            return
        self.synced.emit(run.stats)
        self.session.broadcast(run.changes)  # records arrived or changed state: every page reloads
        self.status_changed.emit()

    def _failed(self, exc: Exception) -> None:
        self.running = False
        if self.session.closed or isinstance(exc, StoreLocked):
            return
        self.last_failure = dialogs.error_text(exc)
        self.failed.emit(self.last_failure, bool(getattr(exc, "retryable", False)))
        self.status_changed.emit()

    # ------------------------------------------------------------ probe and conflicts

    def probe(self, on_result: Callable[[bool], None], *, owner: QObject | None = None) -> None:
        """Ask head office's health check in a worker; ``on_result(reachable)`` runs unless ``owner``
        (the object ``on_result`` belongs to; this controller by default) was deleted meanwhile."""
        ops = self.ops
        ca = UiSettings().ca_bundle or None
        start_worker(lambda _p: ops.probe(ca), on_result=on_result, on_error=lambda _e: on_result(False),
                     owner=owner or self)

    def resolve(self, record_id: str, body: dict[str, Any], *, then_sync: bool = True) -> None:
        """Write the clerk's merge in a worker; afterwards the record leaves the conflict list and,
        when this device is enrolled, a sync sends the merge to head office."""
        ops = self.ops

        def job(_p: ProgressFn) -> Resolved:
            return ops.resolve(record_id, body)

        def done(resolved: Resolved) -> None:
            if self.session.closed:
                return
            self.resolved.emit(record_id)
            self.session.broadcast(resolved.changes)
            self.status_changed.emit()
            if then_sync:
                self.sync_now("resolved")

        def failed(exc: Exception) -> None:
            self.resolve_failed.emit(record_id, _violation_text(exc))

        start_worker(job, on_result=done, on_error=failed, owner=self)


def _violation_text(exc: BaseException) -> str:
    violations = getattr(exc, "violations", None)
    if violations:
        return "\n".join(f"{getattr(v, 'message', v)}" for v in violations)
    return dialogs.error_text(exc)
