"""The store's sync state as the app uses it (Qt-free): status, enrolment, one sync run, probes,
conflicts.

The engine (:class:`sync.client.engine.SyncEngine`) drives a
:class:`~desktop_app.store.sync_state.StoreSyncState`. Every call the engine makes into it goes
through :class:`LockedState`, which takes the session lock for that one call — one page applied,
one batch read — so a sync on a worker thread never holds the store for longer than a page, and
network waits happen with the lock released.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from branch_ledger import __version__
from desktop_app.store import Store
from desktop_app.store.sync_state import Conflict, StoreSyncState, enrol_store
from desktop_app.ui.session import StoreLocked
from sync.client.backoff import RetryPolicy
from sync.client.engine import SyncEngine, SyncProgress, SyncStats
from sync.client.errors import SyncError
from sync.client.transport import check_base_url

PROBE_TIMEOUT_S = 5.0


def app_version() -> str:
    """This installation's version, told to head office (its device list shows it)."""
    return __version__


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    base_url: str
    branch_name: str
    pending: int
    rejected: int
    conflicts: int
    last_success: str | None
    last_error: str | None  # Chinese, from the sync error
    quarantined: int = 0  # local changes that cannot be sent + pulled ones not accepted


class LockedState:
    """Proxy a ``StoreSyncState`` so each method call runs under ``lock`` (and fails once closed)."""

    def __init__(self, inner: StoreSyncState, lock: threading.RLock, is_closed: Callable[[], bool]) -> None:
        self._inner = inner
        self._lock = lock
        self._is_closed = is_closed
        self.device_id = inner.device_id

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                if self._is_closed():
                    raise StoreLocked()
                return value(*args, **kwargs)

        return call


class SyncBridge:
    def __init__(self, store: Store, lock: threading.RLock, is_closed: Callable[[], bool] = lambda: False) -> None:
        self.store = store
        self.lock = lock
        self.is_closed = is_closed
        self.retry: RetryPolicy | None = None  # the engine's per-request retries (tests make them fast)

    def state(self) -> Any:
        with self.lock:
            inner = StoreSyncState(self.store)
        return LockedState(inner, self.lock, self.is_closed)

    def status(self) -> SyncStatus:
        """Short read for the UI thread."""
        with self.lock:
            state = StoreSyncState(self.store)
            status = state.status()
            creds = state.credentials()
        return SyncStatus(
            enrolled=status.enrolled,
            base_url=creds.base_url if creds else "",
            branch_name=status.branch_name or "",
            pending=status.pending,
            rejected=status.rejected,
            conflicts=status.conflicts,
            last_success=status.last_success,
            last_error=status.last_error,
            quarantined=status.quarantined,
        )

    def base_url(self) -> str | None:
        with self.lock:
            creds = StoreSyncState(self.store).credentials()
        return creds.base_url if creds else None

    def rejected(self) -> list[dict[str, Any]]:
        with self.lock:
            return StoreSyncState(self.store).rejected()

    def conflicts(self) -> list[Conflict]:
        with self.lock:
            return StoreSyncState(self.store).conflicts()

    # ------------------------------------------------------------ worker-thread operations

    def enrol(self, base_url: str, code: str, ca_bundle: str | None, device_name: str | None = None) -> str:
        """Trade the one-time code for credentials; returns the branch name head office knows.

        The state is :meth:`state`'s lock-per-call proxy: the store is not held during the request."""
        creds = enrol_store(
            self.state(),
            base_url,
            code,
            device_name=device_name or socket.gethostname(),
            ca_bundle=ca_bundle or None,
            app_version=app_version(),
        )
        return creds.branch_name

    def sync(self, progress: Callable[[SyncProgress], None] | None = None, ca_bundle: str | None = None) -> SyncStats:
        """One full sync run; returns the engine's ``SyncStats`` (raises a ``SyncError``)."""
        engine = SyncEngine(self.state(), ca_bundle=ca_bundle or None, progress=progress, retry=self.retry,
                            app_version=app_version())
        try:
            return engine.sync_once()
        finally:
            engine.close()

    def probe(self, ca_bundle: str | None = None, timeout: float = PROBE_TIMEOUT_S) -> bool:
        """Whether head office answers its health check now (one short request, no retries)."""
        url = self.base_url()
        if not url:
            return False
        try:
            reply = requests.get(check_base_url(url) + "/v1/health", timeout=timeout, verify=ca_bundle or True)
            return reply.status_code == 200 and reply.json().get("status") == "ok"
        except (requests.RequestException, ValueError, SyncError):
            return False

    def resolve(self, record_id: str, body: dict[str, Any], author: str) -> str:
        """Write the merge revision (validated, through the repository); returns its rev."""
        with self.lock:
            if self.is_closed():
                raise StoreLocked()
            return StoreSyncState(self.store).resolve_conflict(record_id, body, author=author)
