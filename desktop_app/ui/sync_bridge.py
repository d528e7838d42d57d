"""The sync page's view of sync (Qt-free): status, enrolment, one sync run, conflicts.

The engine (:class:`sync.client.engine.SyncEngine`) drives a ``SyncState`` over the encrypted
store. Every call the engine makes into that state goes through :class:`LockedState`, which takes
the session lock for that one call — one page applied, one batch read — so a sync on a worker
thread never holds the store for longer than a page and the window stays responsive.
"""

from __future__ import annotations

import importlib
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_app.store import RecordFilter, RecordSummary, Store


@dataclass(frozen=True)
class SyncStatus:
    available: bool  # the store-side sync state exists in this build
    enrolled: bool
    base_url: str
    branch_name: str
    pending: int
    conflicts: int
    last_success: str | None
    last_error: str | None


class LockedState:
    """Proxy a ``SyncState`` so each method call runs under ``lock``."""

    def __init__(self, inner: Any, lock: threading.RLock) -> None:
        self._inner = inner
        self._lock = lock
        self.device_id = inner.device_id

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return value(*args, **kwargs)

        return call


def _state_factory() -> Callable[[Store], Any] | None:
    """The store-backed ``SyncState`` class, once desktop_app/store/sync_state.py provides it."""
    try:
        module = importlib.import_module("desktop_app.store.sync_state")
    except ImportError:
        return None
    for name in ("StoreSyncState", "SyncStateStore", "EncryptedSyncState", "LocalSyncState"):
        factory = getattr(module, name, None)
        if factory is not None:
            return factory  # type: ignore[no-any-return]
    return None


class SyncBridge:
    def __init__(self, store: Store, lock: threading.RLock) -> None:
        self.store = store
        self.lock = lock
        self._factory = _state_factory()

    @property
    def available(self) -> bool:
        return self._factory is not None

    def state(self) -> LockedState:
        if self._factory is None:
            raise RuntimeError("sync is not available in this build")
        with self.lock:
            inner = self._factory(self.store)
        return LockedState(inner, self.lock)

    def status(self) -> SyncStatus:
        with self.lock:
            pending = self.store.outbox_pending_count()
            conflicts = self.store.records.count(RecordFilter(conflicted=True))
            meta_last = self.store.meta.get("sync_last_success") or self.store.meta.get("ui_last_sync_at")
            meta_error = self.store.meta.get("sync_last_error")
        creds = None
        if self._factory is not None:
            creds = self.state().credentials()
        return SyncStatus(
            available=self._factory is not None,
            enrolled=creds is not None,
            base_url=creds.base_url if creds else "",
            branch_name=creds.branch_name if creds else "",
            pending=pending,
            conflicts=conflicts,
            last_success=meta_last if isinstance(meta_last, str) else None,
            last_error=meta_error if isinstance(meta_error, str) else None,
        )

    def enrol(self, base_url: str, code: str, ca_bundle: str | None) -> str:
        """Trade the one-time code for credentials; returns the branch name head office knows."""
        from sync.client.enrol import enrol

        state = self.state()
        creds, reply = enrol(
            base_url,
            code,
            device_id=state.device_id,
            device_name=socket.gethostname(),
            signing_key=state.signing_key(),
            ca_bundle=ca_bundle or None,
        )
        state.save_enrolment(creds, reply)
        return creds.branch_name

    def sync(self, progress: Callable[[Any], None] | None = None, ca_bundle: str | None = None) -> Any:
        """One full sync run (on a worker thread); returns the engine's ``SyncStats``."""
        from sync.client.engine import SyncEngine

        engine = SyncEngine(self.state(), ca_bundle=ca_bundle or None, progress=progress)
        try:
            stats = engine.sync_once()
        finally:
            engine.close()
        with self.lock, self.store.transaction():
            self.store.meta.set("ui_last_sync_at", stats.finished_at)
        return stats

    def conflicts(self) -> list[RecordSummary]:
        with self.lock:
            return self.store.records.query(RecordFilter(conflicted=True), limit=500)
