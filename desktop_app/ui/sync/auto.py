"""Automatic sync: on a schedule, soon after unlocking, and as soon as head office is reachable again.

While head office answers, a timer syncs every ``sync_interval_minutes``. When a run fails for a
reason that can pass (network down, server busy), the schedule pauses and a cheap health probe
runs instead, after a delay that grows exponentially with full jitter (the same policy as the
engine's retries, :class:`sync.client.backoff.RetryPolicy`), so a hundred branches coming back
online at once do not all knock at the same second. The first probe that succeeds starts a sync.
Probes and syncs run in workers; the UI thread only arms timers.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.ui.sync.controller import SyncController
from desktop_app.ui.ui_settings import UiSettings
from sync.client.backoff import RetryPolicy

STARTUP_DELAY_MS = 3_000
PROBE_POLICY = RetryPolicy(base=15.0, cap=600.0)  # seconds: 0–15 s, 0–30 s, … at most 10 min
MIN_PROBE_MS = 1_000


class AutoSync(QObject):
    state_changed = Signal()

    def __init__(
        self,
        controller: SyncController,
        settings: UiSettings | None = None,
        *,
        policy: RetryPolicy = PROBE_POLICY,
        min_probe_ms: int = MIN_PROBE_MS,
        startup_delay_ms: int = STARTUP_DELAY_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or controller)
        self.controller = controller
        self.settings = settings or UiSettings()
        self.policy = policy
        self.min_probe_ms = min_probe_ms
        self.startup_delay_ms = startup_delay_ms
        self.offline = False  # the last run failed for a passing reason: probing
        self.attempt = 0
        self.probes = 0
        self.next_probe_ms: int | None = None
        self.schedule = QTimer(self)
        self.schedule.timeout.connect(lambda: self._tick("schedule"))
        self.probe_timer = QTimer(self)
        self.probe_timer.setSingleShot(True)
        self.probe_timer.timeout.connect(self._probe)
        self.startup = QTimer(self)
        self.startup.setSingleShot(True)
        self.startup.timeout.connect(lambda: self._tick("startup"))
        controller.synced.connect(lambda _stats: self._succeeded())
        controller.failed.connect(self._run_failed)

    @property
    def enabled(self) -> bool:
        return self.settings.auto_sync

    def start(self) -> None:
        """Arm the schedule (per the settings) and one sync shortly after unlocking."""
        self.reconfigure()
        if self.enabled:
            self.startup.start(self.startup_delay_ms)

    def stop(self) -> None:
        for timer in (self.schedule, self.probe_timer, self.startup):
            timer.stop()

    def reconfigure(self, interval_ms: int | None = None) -> None:
        """Apply the settings (called when the clerk changes them)."""
        self.schedule.stop()
        if not self.enabled:
            self.probe_timer.stop()
            self.offline = False
            self.state_changed.emit()
            return
        self.schedule.start(interval_ms or self.settings.sync_interval_minutes * 60_000)
        self.state_changed.emit()

    def _tick(self, reason: str) -> None:
        if self.enabled and not self.offline:
            self.controller.sync_now(reason)

    def _succeeded(self) -> None:
        self.offline = False
        self.attempt = 0
        self.next_probe_ms = None
        self.probe_timer.stop()
        self.state_changed.emit()

    def _run_failed(self, _message: str, retryable: bool) -> None:
        if not retryable or not self.enabled:
            return  # e.g. revoked or needs an upgrade: the clerk has to act, probing would not help
        self.offline = True
        self._schedule_probe()

    def _schedule_probe(self) -> None:
        self.attempt += 1
        delay = max(self.min_probe_ms, int(self.policy.delay(self.attempt) * 1000))
        self.next_probe_ms = delay
        self.probe_timer.start(delay)
        self.state_changed.emit()

    def _probe(self) -> None:
        if not self.enabled or self.controller.session.closed:
            return
        self.probes += 1
        self.controller.probe(self._probed, owner=self)

    def _probed(self, reachable: bool) -> None:
        if self.controller.session.closed or not self.offline:
            return
        if reachable and self.controller.sync_now("reconnect"):
            return  # success or failure of that run decides what comes next
        self._schedule_probe()
