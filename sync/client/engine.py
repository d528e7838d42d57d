"""The sync loop: push the outbox and pull the branch's changes, page by page, until both are done.

One request does both directions. The loop continues while the server says ``has_more`` or the
outbox still has entries, so a backlog costs ⌈size/page⌉ round trips and a no-op sync costs one.
Each reply is applied in one local transaction before the next request is built, so a cut link
loses at most the page in flight and resending is harmless (the endpoint is idempotent).

On the last page the server sends its checksum of the branch's heads; if ours differs, or the
server reports a new epoch, the engine runs one *verify* pass that re-reads the whole branch
(including this device's own revisions) and compares again (sync-notes §6.13).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from sync.client import errors
from sync.client.backoff import RetryPolicy
from sync.client.state import SyncState
from sync.client.transport import Exchange, Transport
from sync.client.verify import check_pulled, follow_rotation
from sync.protocol.signatures import renewal_bytes
from sync.protocol.wire import (
    MAX_PAGE_BYTES,
    MAX_PUSH_CHANGES,
    ClientInfo,
    Limits,
    SyncRequest,
    SyncResponse,
    TokenRenewRequest,
    TokenRenewResponse,
)

log = logging.getLogger(__name__)

# A push page of up to 500 changes / 1 MiB of JSON (≈ 200–250 KB gzipped for minutes text): on a
# 600 ms link, fewer round trips matter more than a smaller page, and a cut link still costs only
# this one page (measured in docs/benchmarks.md: 256 KiB/100 gave 0.41 of PouchDB's time, this 0.22).
DEFAULT_PUSH_BYTES = 1024 * 1024
DEFAULT_PUSH_ITEMS = MAX_PUSH_CHANGES
# The same reasoning for pulls: a reinstalled laptop or a second device of the branch pulls the
# whole branch, and 64 KiB pages (about ten minutes records each) would make that hundreds of
# round trips. The server caps pages at MAX_PAGE_BYTES / MAX_PAGE_ITEMS.
DEFAULT_PULL_BYTES = MAX_PAGE_BYTES
DEFAULT_PULL_ITEMS = 500
MAX_ROUNDS = 10_000  # a safety net against a loop that makes no progress


@dataclass
class SyncStats:
    """What one :meth:`SyncEngine.sync_once` did — for the status bar and for benchmarks."""

    requests: int = 0  # HTTP attempts, including retries
    pages: int = 0  # replies applied
    bytes_up: int = 0
    bytes_down: int = 0
    pushed: int = 0
    accepted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0
    pulled: int = 0
    verified: bool = False  # a verify pass ran
    requeued: int = 0  # own revisions head office no longer held, pushed again
    checksum_ok: bool | None = None
    epoch_changed: bool = False
    new_conflicts: list[str] = field(default_factory=list)
    started_at: str = ""
    finished_at: str = ""


@dataclass(frozen=True)
class SyncProgress:
    """Reported after each page; the Qt UI forwards it through a signal."""

    page: int
    pushed: int
    pulled: int
    pending: int
    has_more: bool
    bytes_up: int
    bytes_down: int


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class SyncEngine:
    """Drives sync for one replica. Not thread-safe: run one ``sync_once`` at a time (in a worker)."""

    def __init__(
        self,
        state: SyncState,
        base_url: str | None = None,
        *,
        token: str | None = None,
        ca_bundle: str | None = None,
        transport: Transport | None = None,
        retry: RetryPolicy | None = None,
        stall_timeout: float | None = None,
        page_bytes: int = DEFAULT_PULL_BYTES,
        page_items: int = DEFAULT_PULL_ITEMS,
        push_items: int = DEFAULT_PUSH_ITEMS,
        push_bytes: int = DEFAULT_PUSH_BYTES,
        progress: Callable[[SyncProgress], None] | None = None,
        app_version: str = "",
    ) -> None:
        self.state = state
        if transport is None:
            creds = state.credentials()
            url = base_url or (creds.base_url if creds else None)
            if url is None:
                raise errors.NotEnrolled()
            extra = {"stall_timeout": stall_timeout} if stall_timeout else {}
            transport = Transport(
                url,
                token=token or (creds.token if creds else None),
                ca_bundle=ca_bundle or (creds.ca_bundle if creds else None),
                retry=retry,
                **extra,  # type: ignore[arg-type]
            )
        self.transport = transport
        creds = state.credentials()
        self.server_public_key = creds.server_public_key if creds else None
        self.branch_id = creds.branch_id if creds else ""
        self.page_bytes = page_bytes
        self.page_items = page_items
        self.push_items = min(push_items, MAX_PUSH_CHANGES)
        self.push_bytes = push_bytes
        self.progress = progress
        self.app_version = app_version
        self.last_success: str | None = None
        self.last_error: errors.SyncError | None = None

    def close(self) -> None:
        self.transport.close()

    # ------------------------------------------------------------------ the loop

    def sync_once(self) -> SyncStats:
        """Sync until the outbox is empty (or only rejected entries remain) and the pull is done.

        Raises a :class:`~sync.client.errors.SyncError` when it has to stop; everything applied
        before that stays applied.
        """
        stats = SyncStats(started_at=_now())
        try:
            self._loop(stats)
        except errors.SyncError as exc:
            self.last_error = exc
            stats.finished_at = _now()
            self.state.record_outcome(ok=False, at=stats.finished_at, error=exc.message)
            raise
        stats.finished_at = _now()
        self.last_success, self.last_error = stats.finished_at, None
        self.state.record_outcome(ok=True, at=stats.finished_at, error=None)
        return stats

    def _loop(self, stats: SyncStats) -> None:
        verify = False  # in a verify pass: pull everything, own revisions included
        restart = False  # next request starts the pull from the beginning
        verified_once = False
        requeued = False  # revisions head office lost were queued again (once per sync)
        push_items = self.push_items
        last_batch: list[str] | None = None
        quota: errors.QuotaExceeded | None = None  # head office holds our quota: pull only, then say so
        for _ in range(MAX_ROUNDS):
            batch = self.state.pending_changes(push_items, self.push_bytes) if push_items else []
            ids = [c.change_id for c in batch]
            if batch and ids == last_batch:
                log.warning("outbox made no progress; stopping this sync")
                break
            request = SyncRequest(
                client=ClientInfo(
                    device_id=self.state.device_id, app_version=self.app_version, server_key=self.server_public_key
                ),
                cursor=None if restart else self.state.cursor(),
                hlc=self.state.hlc_now(),
                push=batch,
                limits=Limits(max_bytes=self.page_bytes, max_items=self.page_items),
                include_own=verify,
            )
            try:
                reply = self._send(request, stats)
            except errors.PayloadTooLarge as exc:
                if len(batch) > 1:
                    push_items = max(1, len(batch) // 2)  # bisect on 413 (F5)
                    continue
                if batch:
                    # This one change is too big (bytes, values or nesting) to ever be accepted: keep
                    # it on the device as rejected with head office's reason; the rest goes on.
                    code = exc.code if exc.code and exc.code != "payload_too_large" else "too_large"
                    message = exc.message if code != "too_large" else "单条记录过大，无法同步。"
                    self.state.reject_locally(batch[0].change_id, code, message)
                    stats.rejected += 1
                    continue
                raise
            except errors.QuotaExceeded as exc:
                if not batch:
                    raise
                quota, push_items = exc, 0  # the outbox waits on the device; pull what there is
                continue
            restart = False
            last_batch = ids
            outcome = self.state.apply_reply(batch, reply)
            stats.pages += 1
            stats.pushed += len(batch)
            stats.accepted += outcome.accepted
            stats.duplicates += outcome.duplicates
            stats.conflicts += outcome.conflicts
            stats.rejected += outcome.rejected
            stats.pulled += outcome.pulled
            stats.new_conflicts.extend(outcome.new_conflicts)
            if reply.epoch_changed:
                stats.epoch_changed = True
                verify = True
            pending = self.state.pending_count()
            if self.progress:
                self.progress(
                    SyncProgress(
                        stats.pages,
                        stats.pushed,
                        stats.pulled,
                        pending,
                        reply.has_more,
                        stats.bytes_up,
                        stats.bytes_down,
                    )
                )
            if reply.has_more:
                continue
            if verify and not requeued:
                # The verify pass has pulled everything head office holds; push back what it lost.
                requeued = True
                stats.requeued = self.state.requeue_unconfirmed()
                if stats.requeued:
                    log.warning("head office lacks %d revisions of this device; pushing them again", stats.requeued)
                    verify = False
                    continue
            if reply.checksum is not None:
                ok = int(reply.checksum, 16) == self.state.server_checksum()
                stats.checksum_ok = ok
                if not ok and not verified_once:
                    log.warning("checksum mismatch; running a verify pass")
                    verify, restart, verified_once, stats.verified = True, True, True, True
                    continue
            verify = False
            if batch and pending:
                continue
            break
        if quota is not None:
            raise quota

    def _post(self, path: str, payload: bytes, stats: SyncStats) -> dict[str, object]:
        exchange = Exchange()
        try:
            return self.transport.post_json(path, payload, idempotency_key=str(uuid.uuid4()), exchange=exchange)
        finally:
            stats.requests += exchange.attempts
            stats.bytes_up += exchange.bytes_up
            stats.bytes_down += exchange.bytes_down

    def _send(self, request: SyncRequest, stats: SyncStats) -> SyncResponse:
        payload = request.model_dump_json(exclude_none=True).encode()
        try:
            data = self._post("/v1/sync", payload, stats)
        except errors.TokenExpired:
            self._renew_token(stats)
            data = self._post("/v1/sync", payload, stats)
        try:
            reply = SyncResponse.model_validate(data)
        except ValueError as exc:
            raise errors.RequestRejected("总部应答格式不正确", detail=str(exc)[:300]) from exc
        if reply.server_keys is not None and self.server_public_key is not None:
            self._follow_rotation(reply)
        check_pulled(reply.changes, self.server_public_key, self.branch_id)
        return reply

    def _renew_token(self, stats: SyncStats) -> None:
        """Trade the expired token for a new one, proven with the device key (never re-enrol)."""
        creds = self.state.credentials()
        token = self.transport.token
        if creds is None or token is None:
            raise errors.NotEnrolled()
        sig = self.state.signing_key().sign(renewal_bytes(device_id=self.state.device_id, token=token))
        data = self._post("/v1/token", TokenRenewRequest(device_id=self.state.device_id, sig=sig)
                          .model_dump_json().encode(), stats)
        reply = TokenRenewResponse.model_validate(data)
        # Stored before it is used: a crash now leaves the new token on disk (the old one can
        # still renew, so even a lost reply never locks the device out).
        self.state.update_credentials(
            dataclasses.replace(creds, token=reply.token, token_expires_at=reply.token_expires_at)
        )
        self.transport.token = reply.token
        log.info("device token renewed (expires %s)", reply.token_expires_at)

    def _follow_rotation(self, reply: SyncResponse) -> None:
        assert reply.server_keys is not None and self.server_public_key is not None
        if reply.server_keys.current == self.server_public_key:
            return
        new_key = follow_rotation(self.server_public_key, reply.server_keys)
        creds = self.state.credentials()
        if creds is not None:
            self.state.update_credentials(dataclasses.replace(creds, server_public_key=new_key))
        self.server_public_key = new_key
        log.warning("head office rotated its signing key; now trusting %s", new_key)
