"""Sync as the 同步 page and ``branch-ledger sync`` use it: status, enrolment, one sync run, the
health probe, conflicts and their resolution.

The engine (:class:`sync.client.engine.SyncEngine`) drives a
:class:`~desktop_app.store.sync_state.StoreSyncState`. Every call the engine makes into it goes
through :class:`LockedState`, which takes the ledger's guard for that one call — one page applied,
one batch read — so a sync on a worker thread never holds the store for longer than a page, and
network waits happen with the lock released.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import requests

from branch_ledger import __version__
from desktop_app.operations.ledger import Ledger, OpChanges
from desktop_app.store.sync_state import Conflict, StoreSyncState, SyncStatus, enrol_store
from sync.client.backoff import RetryPolicy
from sync.client.engine import SyncEngine, SyncProgress, SyncStats
from sync.client.errors import SyncError
from sync.client.state import ApplyOutcome, Credentials, QuarantinedChange
from sync.client.transport import check_base_url
from sync.protocol.signatures import SigningKey
from sync.protocol.wire import Change, EnrolResponse, SyncResponse

PROBE_TIMEOUT_S = 5.0


def app_version() -> str:
    """This installation's version, told to head office (its device list shows it)."""
    return __version__


__all__ = ["LockedState", "Resolved", "SyncOps", "SyncReport", "SyncRun", "SyncStatus", "app_version"]


class LockedState:
    """The store's sync state as the engine sees it (:class:`sync.client.state.SyncState`), each call
    under the ledger's guard — so a run never holds the store across a network wait, and stops
    (:class:`~desktop_app.operations.ledger.StoreLocked`) at its next call once the ledger is locked.

    Written out method by method rather than as a ``__getattr__`` proxy, so the engine's calls are
    type-checked against the protocol and a method the engine starts to need fails here, visibly.
    """

    def __init__(self, inner: StoreSyncState, ledger: Ledger) -> None:
        self._inner = inner
        self._guard = ledger.guard()
        self.device_id = inner.device_id

    def signing_key(self) -> SigningKey:
        with self._guard:
            return self._inner.signing_key()

    def credentials(self) -> Credentials | None:
        with self._guard:
            return self._inner.credentials()

    def update_credentials(self, creds: Credentials) -> None:
        with self._guard:
            self._inner.update_credentials(creds)

    def save_enrolment(self, creds: Credentials, reply: EnrolResponse) -> None:
        with self._guard:
            self._inner.save_enrolment(creds, reply)

    def cursor(self) -> str | None:
        with self._guard:
            return self._inner.cursor()

    def hlc_now(self) -> str:
        with self._guard:
            return self._inner.hlc_now()

    def pending_changes(self, max_items: int, max_bytes: int) -> list[Change]:
        with self._guard:
            return self._inner.pending_changes(max_items, max_bytes)

    def pending_changes_after(self, counter: int | None, max_items: int, max_bytes: int) -> list[Change]:
        """The engine reads the next page after the one on the wire with this (sync/client/state.py);
        without it the engine falls back to re-reading both pages."""
        with self._guard:
            return self._inner.pending_changes_after(counter, max_items, max_bytes)

    def pending_count(self) -> int:
        with self._guard:
            return self._inner.pending_count()

    def apply_reply(self, sent: Sequence[Change], reply: SyncResponse,
                    quarantined: Sequence[QuarantinedChange] = ()) -> ApplyOutcome:
        with self._guard:
            return self._inner.apply_reply(sent, reply, quarantined)

    def reject_locally(self, change_id: str, code: str, message: str) -> None:
        with self._guard:
            self._inner.reject_locally(change_id, code, message)

    def requeue_unconfirmed(self) -> int:
        with self._guard:
            return self._inner.requeue_unconfirmed()

    def server_checksum(self) -> int:
        with self._guard:
            return self._inner.server_checksum()

    def record_outcome(self, *, ok: bool, at: str, error: str | None) -> None:
        with self._guard:
            self._inner.record_outcome(ok=ok, at=at, error=error)

    def full_resync_pending(self) -> bool:
        with self._guard:
            return self._inner.full_resync_pending()

    def full_resync_done(self) -> None:
        with self._guard:
            self._inner.full_resync_done()


@dataclass(frozen=True)
class SyncReport:
    """The store's own sync state in full (what the CLI prints), beside the page's short status."""

    state: SyncStatus
    rejected: list[dict[str, Any]]
    quarantined_pulls: list[dict[str, Any]]
    conflicts: list[Conflict]


@dataclass(frozen=True)
class Resolved:
    """A conflict resolved: the merge revision written, and what changed."""

    record_id: str
    rev: str
    changes: OpChanges


@dataclass(frozen=True)
class SyncRun:
    """One sync run: the engine's figures, and what changed locally (everything, when anything
    arrived or changed state — a run's reach is not worth listing)."""

    stats: SyncStats
    changes: OpChanges


class SyncOps:
    """The sync operations of one ledger (the 同步 page's controller and the CLI hold one).

    A class rather than free functions only because it carries ``retry`` (the engine's
    per-request retry policy, which tests make fast); every method takes the guard itself.
    """

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.retry: RetryPolicy | None = None

    def state(self) -> LockedState:
        """The engine's view of the store, guarded per call."""
        with self.ledger.guard() as store:
            inner = StoreSyncState(store)
        return LockedState(inner, self.ledger)

    def status(self) -> SyncStatus:
        """Short read for the UI thread."""
        with self.ledger.guard() as store:
            return StoreSyncState(store).status()

    def base_url(self) -> str | None:
        with self.ledger.guard() as store:
            creds = StoreSyncState(store).credentials()
        return creds.base_url if creds else None

    def rejected(self) -> list[dict[str, Any]]:
        with self.ledger.guard() as store:
            return StoreSyncState(store).rejected()

    def conflicts(self) -> list[Conflict]:
        """Every conflicted record with all its open versions side by side."""
        with self.ledger.guard() as store:
            return StoreSyncState(store).conflicts()

    def report(self) -> SyncReport:
        """Everything ``branch-ledger sync-status`` shows, read in one guarded step."""
        with self.ledger.guard() as store:
            state = StoreSyncState(store)
            return SyncReport(state.status(), state.rejected(), state.quarantined_pulls(), state.conflicts())

    def device_id(self) -> str:
        with self.ledger.guard() as store:
            return store.device_id

    # ------------------------------------------------------------ worker-thread operations

    def enrol(self, base_url: str, code: str, ca_bundle: str | None, device_name: str | None = None) -> Credentials:
        """Trade the one-time code for credentials (kept in the encrypted store) and return them.

        The state is :meth:`state`'s guard-per-call proxy: the store is not held during the request."""
        with self.ledger.guard() as store:
            state = LockedState(StoreSyncState(store), self.ledger)
        creds = enrol_store(
            cast(StoreSyncState, state),  # enrol_store takes the sync state or a proxy of it
            base_url,
            code,
            device_name=device_name or socket.gethostname(),
            ca_bundle=ca_bundle or None,
            app_version=app_version(),
        )
        return creds

    def sync(self, progress: Callable[[SyncProgress], None] | None = None, ca_bundle: str | None = None) -> SyncRun:
        """One full sync run (raises a ``SyncError``)."""
        from desktop_app.operations.sync_blobs import blob_queue

        engine = SyncEngine(self.state(), ca_bundle=ca_bundle or None, progress=progress, retry=self.retry,
                            app_version=app_version(), blobs=blob_queue(self.ledger))
        try:
            stats = engine.sync_once()
        finally:
            engine.close()
        from desktop_app.operations.sync_blobs import save_evidence_policy, save_unsent

        if engine.evidence_policy is not None:
            save_evidence_policy(self.ledger, engine.evidence_policy)
        if engine.unsent_blobs is not None:
            save_unsent(self.ledger, engine.unsent_blobs)
        changed = bool(stats.pulled or stats.conflicts or stats.accepted or stats.rejected)
        return SyncRun(stats, OpChanges.all() if changed else OpChanges())

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

    def resolve(self, record_id: str, body: dict[str, Any], author: str | None = None) -> Resolved:
        """Write the merge revision (validated, through the repository); see
        :func:`desktop_app.operations.conflicts.resolve_conflict`."""
        from desktop_app.operations.conflicts import resolve_conflict

        return resolve_conflict(self.ledger, record_id, body, author=author)
