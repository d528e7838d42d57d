"""The sync loop: push the outbox and pull the branch's changes, page by page, until both are done.

One request does both directions. The loop continues while the server says ``has_more`` or the
outbox still has entries, so a backlog costs ⌈size/page⌉ round trips and a no-op sync costs one.
Each reply is applied in one local transaction before the next request is sent, so a cut link
loses at most the page in flight and resending is harmless (the endpoint is idempotent).

Pipelining (issue 15): while a push page is in flight, a worker thread already serializes and
compresses the next one (the outbox entries after it, read and signed on the engine's thread), so
on a slow link that CPU costs no time. Only the request's small tail — cursor, clock, limits,
which depend on the reply — is added once the reply is applied. If the reply did not settle the
whole page (a 413, a quota refusal) the prepared page is dropped and built again.

With a head office that speaks protocol 3 the prepared page does not even wait for the reply: it
is sent on a second keep-alive connection as soon as the current page's body has been written
(not before: two uploads would split the uplink), so head office applies page n while page n+1
crosses the link, and the uplink is never idle during an initial sync. Head office applies it
only after page n is committed (it names page n's last outbox counter; sync/server/ordering.py).
Those pages are push only, so the pull stays one sequential stream: a page that has another after
it does not pull, the last one does, with the cursor as it then is. A pipelined page that fails
in any way (refused, cut, 409 out of order, expired token) changes nothing: the loop sends it
again in order and pipelines no more in this sync; a reply it did get is applied, as any reply.

On the last page the server sends its checksum of the branch's heads; if ours differs, or the
server reports a new epoch, the engine runs one *verify* pass that re-reads the whole branch
(including this device's own revisions) and compares again (sync-notes §6.13). The same pass runs
first after the device itself went back in time (a local restore, a WAL that did not replay).

One bad change never blocks the rest (issue 11): a pulled change that cannot be accepted is
quarantined by reply.py; a local one that cannot be put on the wire is quarantined by the state;
and when head office refuses a whole request (4xx) or fails on it (500) while it answers the same
request without our changes, the batch is halved until the one change it cannot take is found,
which is then kept locally as refused with head office's message, and the rest goes through.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter

from domain.i18n import t
from sync.client import errors
from sync.client.backoff import RetryPolicy
from sync.client.blobs import BlobQueue, BlobStats
from sync.client.changes import fit_batch
from sync.client.reply import parse_reply
from sync.client.state import QuarantinedChange, SyncState
from sync.client.transport import Exchange, Partial, Prepared, Transport
from sync.client.verify import check_pulled, follow_rotation
from sync.protocol import compact, wire_v2
from sync.protocol.signatures import renewal_bytes
from sync.protocol.versions import PIPELINE_PROTOCOL, negotiated
from sync.protocol.wire import (
    MAX_PAGE_BYTES,
    MAX_PUSH_CHANGES,
    Change,
    ClientInfo,
    Limits,
    SyncRequest,
    SyncResponse,
    TokenRenewRequest,
    TokenRenewResponse,
)

log = logging.getLogger(__name__)

# A push page of up to 500 changes / 512 KiB *on the wire* (compressed; issue 15: pages are sized by
# what they cost on the link, not by their JSON): on a 600 ms link fewer round trips matter more
# than a smaller page, and a cut link still costs only this one page (≈ 2 s at 2 Mbit/s).
DEFAULT_PUSH_BYTES = 512 * 1024
# The page is read from the outbox by its JSON size, so the wire budget is turned into a JSON budget
# with the compression ratio measured on the previous page (this guess until then), within limits
# well under head office's 16 MiB cap on an inflated body.
FIRST_RATIO = 3.0
MAX_PUSH_JSON = 6 * 1024 * 1024
DEFAULT_PUSH_ITEMS = MAX_PUSH_CHANGES
# The same reasoning for pulls: a reinstalled laptop or a second device of the branch pulls the
# whole branch, and 64 KiB pages (about ten minutes records each) would make that hundreds of
# round trips. The server caps pages at MAX_PAGE_BYTES / MAX_PAGE_ITEMS.
DEFAULT_PULL_BYTES = MAX_PAGE_BYTES
DEFAULT_PULL_ITEMS = 500
MAX_ROUNDS = 10_000  # a safety net against a loop that makes no progress
# A pipelined page whose predecessor failed waits at head office's gate (ordering.py) until that
# one is committed or the gate gives up; we wait this long for its answer before going on.
DRAIN_TIMEOUT_S = 15.0
_PUSH_JSON: TypeAdapter[list[Change]] = TypeAdapter(list[Change])


@dataclass
class _Ahead:
    """The next push page, read while the current one was in flight and compressed in the worker."""

    batch: list[Change]
    after: list[str]  # the change ids of the page it follows
    start: Partial
    protocol: int  # the sync protocol the start was written in


# Runs on the engine's thread while a request is on the wire: (its reply, its body written, on the
# second connection).
_Meanwhile = Callable[[Future[dict[str, object]], threading.Event | None, bool], None]


@dataclass
class _Launched:
    """A pipelined page already sent (protocol 3) whose reply is still to come."""

    batch: list[Change]
    request: SyncRequest
    reply: Future[dict[str, object]]
    exchange: Exchange
    written: threading.Event  # set when its body has been handed to the socket
    side: bool  # on the transport's second connection


class _LaunchFailed(Exception):
    """A pipelined page did not get an answer; it is sent again in order (the cause is logged)."""


@dataclass
class SyncStats:
    """What one :meth:`SyncEngine.sync_once` did — for the status bar and for benchmarks."""

    requests: int = 0  # HTTP attempts, including retries
    pipelined: int = 0  # pages sent while the reply to the one before was awaited (protocol 3)
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
    quarantined: int = 0  # pulled changes this device could not accept (kept, shown)
    isolated: int = 0  # local changes head office could not take as part of a request (kept as refused)
    new_conflicts: list[str] = field(default_factory=list)
    started_at: str = ""
    finished_at: str = ""
    blobs: BlobStats | None = None  # the attachment queue's run after the records (if it has one)


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
        pipeline: bool = True,
        blobs: BlobQueue | None = None,
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
                encodings=creds.encodings if creds else None,
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
        # Compact bodies (sync/protocol/compact.py) go to a head office that announced our own
        # fingerprint; a compact_mismatch refusal turns them off for this engine.
        self.compact_ok = True
        self.pipeline = pipeline
        self._pool: ThreadPoolExecutor | None = None  # compresses the next page
        self._net: ThreadPoolExecutor | None = None  # makes a request while the next page is read
        self._launcher: ThreadPoolExecutor | None = None  # pipelined pages (two may be on the wire)
        self._pipelined_off = False  # a pipelined page failed in this sync: the rest goes in order
        self._settled: set[str] = set()  # change ids the last applied reply answered
        self._ratio = FIRST_RATIO  # request JSON bytes per byte on the wire, measured
        # Attachments follow the record exchange on their own serial queue (sync/client/blobs.py).
        self.blobs = blobs
        self._missing_blobs: list[str] = []
        self.evidence_policy: dict[str, list[str]] | None = None
        self.unsent_blobs: list[str] | None = None  # after a run with a queue: what head office still lacks
        if creds is not None and creds.compact and self.transport.server_compact is None:
            self.transport.server_compact = creds.compact
        if creds is not None and self.transport.server_protocol is None:
            self.transport.server_protocol = getattr(creds, "protocol", None)

    def close(self) -> None:
        for pool in (self._pool, self._net, self._launcher):
            if pool is not None:
                pool.shutdown(wait=True)
        self._pool = self._net = self._launcher = None
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
            if self.blobs is not None:
                t = self.transport
                self.blobs.bind(t.base_url, t.session, t.token, t.verify, t.timeout)
                stats.blobs = self.blobs.run(self._missing_blobs)
                self.unsent_blobs = self.blobs.unsent(self._missing_blobs, stats.blobs)
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
        # After a local restore the first pass re-reads everything, own revisions included.
        resync = bool(getattr(self.state, "full_resync_pending", lambda: False)())
        verify = resync  # in a verify pass: pull everything, own revisions included
        restart = resync  # next request starts the pull from the beginning
        verified_once = False
        requeued = False  # revisions head office lost were queued again (once per sync)
        push_items = self.push_items
        last_batch: list[str] | None = None
        quota: errors.QuotaExceeded | None = None  # head office holds our quota: pull only, then say so
        ahead: Future[_Ahead] | None = None
        isolating = False  # halving a batch head office refused as a whole
        launched: _Launched | None = None  # the next page, already on the wire (protocol 3)
        self._pipelined_off = False
        for _ in range(MAX_ROUNDS):
            current, launched = launched, None
            if current is not None:
                batch, start, request = current.batch, None, current.request
                ahead = None
            else:
                prepared = self._take(ahead, last_batch, push_items)
                ahead = None
                if prepared is not None:
                    batch, start = prepared.batch, prepared.start
                else:
                    batch = self.state.pending_changes(push_items, self._json_budget()) if push_items else []
                    start = None
                # A page with another after it is push only when the next may be pipelined: the
                # last one pulls (the pull stays one sequential stream).
                push_only = (bool(batch) and self._may_pipeline(verify or restart or isolating or quota is not None)
                             and self._more_after(len(batch)))
                request = self._request(batch, cursor=None if restart else self.state.cursor(), include_own=verify,
                                        pull=False if push_only else None)
            ids = [c.change_id for c in batch]
            if current is None and batch and ids == last_batch:
                log.warning("outbox made no progress; stopping this sync")
                break
            upcoming: list[Future[_Ahead] | None] = []
            flying: list[_Launched] = []
            # Read and sign the next page on this thread while this one is on the wire (the request
            # goes out from a worker thread); it is compressed in another, and with protocol 3 sent.
            meanwhile = (functools.partial(self._read_ahead, upcoming, flying, batch, push_items, request)
                         if batch and self.pipeline and not isolating else None)
            try:
                try:
                    try:
                        if current is not None:
                            reply, quarantined = self._await_launched(current, stats, meanwhile)
                        else:
                            reply, quarantined = self._send(request, stats, start, meanwhile)
                    finally:
                        ahead = upcoming[0] if upcoming else None
                        launched = flying[0] if flying else None
                except BaseException:
                    if launched is not None:  # its outcome first: no two requests of ours at once
                        self._drain(launched, stats)
                        launched = None
                    raise
            except _LaunchFailed:
                self._pipelined_off = True  # the page goes again, in order, as the next request
                continue
            except errors.PayloadTooLarge as exc:
                if len(batch) > 1:
                    push_items = max(1, len(batch) // 2)  # bisect on 413 (F5)
                    continue
                if batch:
                    # This one change is too big (bytes, values or nesting) to ever be accepted: keep
                    # it on the device as rejected with head office's reason; the rest goes on.
                    code = exc.code if exc.code and exc.code != "payload_too_large" else "too_large"
                    message = exc.message if code != "too_large" else t("单条记录过大，无法同步。")
                    self.state.reject_locally(batch[0].change_id, code, message)
                    stats.rejected += 1
                    continue
                raise
            except errors.QuotaExceeded as exc:
                if not batch:
                    raise
                quota, push_items = exc, 0  # the outbox waits on the device; pull what there is
                continue
            except (errors.RequestRejected, errors.ServerUnavailable) as exc:
                if not batch or not _may_be_one_change(exc):
                    raise
                if not isolating:
                    # Is it our changes? Ask the same without them; if that fails too, it is not.
                    self._apply(self._request([], cursor=None if restart else self.state.cursor(),
                                              include_own=verify), [], stats)
                    restart = False
                    isolating = True
                if len(batch) > 1:
                    push_items = max(1, len(batch) // 2)
                    continue
                self._isolate(batch[0], exc)
                stats.isolated += 1
                isolating, push_items = False, self.push_items
                continue
            restart = False
            last_batch = ids
            isolating = False
            push_only = request.pull is False
            if push_only:
                reply.cursor = self.state.cursor() or reply.cursor  # a push-only reply pulled nothing
            outcome = self.state.apply_reply(batch, reply, quarantined)
            if not reply.has_more and not push_only:
                self._missing_blobs = list(reply.missing_blobs)
                if reply.evidence is not None:
                    self.evidence_policy = reply.evidence  # head office's "needs photo / 签到表" setting
            self._settled = {r.change_id for r in reply.results}
            self._count(stats, batch, outcome)
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
            if reply.has_more or push_only:
                continue
            if verify and not requeued:
                # The verify pass has pulled everything head office holds; push back what it lost.
                requeued = True
                stats.requeued = self.state.requeue_unconfirmed()
                if resync:
                    self.state.full_resync_done()  # type: ignore[attr-defined]
                    resync = False
                if stats.requeued:
                    log.warning("head office lacks %d revisions of this device; pushing them again", stats.requeued)
                    verify = False
                    continue
            if batch and pending:
                # This pull is complete; the checksum is compared once, when nothing is left to push
                # (computing it over every record after each page cost as much as the page itself).
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

    @property
    def protocol(self) -> int:
        """The sync protocol spoken with this head office (versions.negotiated)."""
        return negotiated(self.transport.server_protocol)

    def _request(self, batch: list[Change], *, cursor: str | None, include_own: bool, pull: bool | None = None,
                 after_counter: int | None = None) -> SyncRequest:
        return SyncRequest(
            protocol=self.protocol,
            client=ClientInfo(
                device_id=self.state.device_id, app_version=self.app_version, server_key=self.server_public_key
            ),
            cursor=cursor,
            hlc=self.state.hlc_now(),
            push=batch,
            limits=Limits(max_bytes=self.page_bytes, max_items=self.page_items),
            include_own=include_own,
            compact=compact.schema_id(),
            blobs=True if self.blobs is not None and pull is not False else None,
            pull=pull,
            after_counter=after_counter,
        )

    def _apply(self, request: SyncRequest, batch: list[Change], stats: SyncStats) -> None:
        reply, quarantined = self._send(request, stats)
        self._count(stats, batch, self.state.apply_reply(batch, reply, quarantined))

    def _count(self, stats: SyncStats, batch: list[Change], outcome: Any) -> None:
        stats.pages += 1
        stats.pushed += len(batch)
        stats.accepted += outcome.accepted
        stats.duplicates += outcome.duplicates
        stats.conflicts += outcome.conflicts
        stats.rejected += outcome.rejected
        stats.pulled += outcome.pulled
        stats.quarantined += getattr(outcome, "quarantined", 0)
        stats.new_conflicts.extend(outcome.new_conflicts)

    def _isolate(self, change: Change, exc: errors.SyncError) -> None:
        """Keep the one change head office cannot take as refused, with its reason; the rest goes on."""
        if isinstance(exc, errors.RequestRejected):
            code, message = "request_refused", t("上级党委拒绝了这条修改：{reason}", reason=exc.message)
        else:
            code = "server_error"
            message = t("上级党委处理这条修改时出错，已暂停发送这一条，其余修改照常同步。可稍后在“同步”页面重试。")
        log.warning("head office cannot take change %s (%s); kept locally as refused", change.change_id, exc)
        self.state.reject_locally(change.change_id, code, message)

    def _post(self, path: str, payload: bytes | Prepared, stats: SyncStats,
              meanwhile: _Meanwhile | None = None, *, launches: bool = False) -> dict[str, object]:
        """POST with retries; with ``meanwhile``, the request is made from a worker thread while
        ``meanwhile`` runs on this one (the store is only ever touched from this thread)."""
        exchange = Exchange()
        key = str(uuid.uuid4())
        try:
            if meanwhile is None:
                return self.transport.post_json(path, payload, idempotency_key=key, exchange=exchange)
            if self._net is None:
                self._net = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-request")
            # A page that another may follow before its reply: its body's end is watched.
            written = threading.Event() if launches and self.protocol >= PIPELINE_PROTOCOL else None
            extra: dict[str, Any] = {"written": written} if written is not None else {}
            in_flight: Future[dict[str, object]] = self._net.submit(
                self.transport.post_json, path, payload, idempotency_key=key, exchange=exchange, **extra)
            try:
                meanwhile(in_flight, written, False)
            except Exception:  # the next page is then read again the normal way; this request goes on
                log.exception("reading the next page ahead failed")
            return in_flight.result()
        finally:
            stats.requests += exchange.attempts
            stats.bytes_up += exchange.bytes_up
            stats.bytes_down += exchange.bytes_down

    # ------------------------------------------------------------------ pipelining

    def _read_ahead(self, into: list[Future[_Ahead] | None], flying: list[_Launched], batch: list[Change],
                    push_items: int, request: SyncRequest, in_flight: Future[dict[str, object]],
                    written: threading.Event | None, side: bool) -> None:
        """While ``request`` is on the wire: prepare the page after ``batch`` (into ``into``) and,
        when ``request`` is push only and head office speaks protocol 3, send it (into ``flying``)."""
        ahead = self._look_ahead(batch, push_items)
        if ahead is None:
            return
        launched = None
        if request.pull is False and written is not None and not self._pipelined_off:
            launched = self._launch(ahead, batch, in_flight, written, side=not side)
        if launched is None:
            into.append(ahead)
        else:
            flying.append(launched)

    def _may_pipeline(self, sequential: bool) -> bool:
        """Whether the next page may be sent before this one's reply (not in a verify pass, a
        restart, an isolation or under a quota: ``sequential``)."""
        return (self.pipeline and not sequential and not self._pipelined_off and self.compact_ok
                and self.protocol >= PIPELINE_PROTOCOL and hasattr(self.state, "pending_changes_after"))

    def _more_after(self, unsent: int) -> bool:
        """Whether the outbox holds more than the ``unsent`` changes of the pages being sent (a count:
        nothing is read or signed; an entry it counts that no page would carry costs one pull)."""
        return self.state.pending_count() > unsent

    def _launch(self, ahead: Future[_Ahead], batch: list[Change], in_flight: Future[dict[str, object]],
                written: threading.Event, *, side: bool) -> _Launched | None:
        """Send the prepared page after ``batch`` once ``batch``'s body is written (None: not sent).

        It names ``batch``'s last counter, so head office applies it after ``batch``; it pulls
        only if it is the outbox's last page (``batch`` itself is push only)."""
        try:
            prepared = ahead.result()
        except Exception:  # _take logs it and the page is built again
            return None
        if prepared.protocol != self.protocol or prepared.protocol < PIPELINE_PROTOCOL or not self.compact_ok:
            return None
        while not written.wait(0.05):
            if in_flight.done():
                break
        if in_flight.done() and in_flight.exception() is not None:
            return None  # the page before failed: this one would only wait at head office's gate
        # The pages not yet answered are still pending: ``batch`` (its reply comes after this) and this one.
        more = self._more_after(len(batch) + len(prepared.batch))
        request = self._request(prepared.batch, cursor=self.state.cursor(), include_own=False,
                                pull=False if more else None, after_counter=max(c.counter for c in batch))
        payload = self._payload(request, prepared.start)
        if self._launcher is None:
            self._launcher = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sync-pipelined")
        exchange, sent = Exchange(), threading.Event()
        reply = self._launcher.submit(self.transport.post_json, "/v1/sync", payload, idempotency_key=str(uuid.uuid4()),
                                      exchange=exchange, side=side, written=sent)
        return _Launched(prepared.batch, request, reply, exchange, sent, side)

    def _await_launched(self, current: _Launched, stats: SyncStats,
                        meanwhile: _Meanwhile | None) -> tuple[SyncResponse, list[QuarantinedChange]]:
        """The reply to a page sent ahead; :class:`_LaunchFailed` if it got none (it goes again)."""
        if meanwhile is not None:
            try:
                meanwhile(current.reply, current.written, current.side)
            except Exception:
                log.exception("reading the next page ahead failed")
        try:
            data = current.reply.result()
        except Exception as exc:
            log.warning("a pipelined page got no answer (%s); sending it again in order", exc)
            raise _LaunchFailed(str(exc)) from exc
        finally:
            self._add_exchange(stats, current.exchange)
        stats.pipelined += 1
        self._remember_announcements()
        return self._finish(current.request, data)

    def _drain(self, launched: _Launched, stats: SyncStats) -> None:
        """Wait for a pipelined page whose predecessor failed; apply its reply if it got one."""
        self._pipelined_off = True
        try:
            data = launched.reply.result(timeout=DRAIN_TIMEOUT_S)
        except Exception as exc:  # including a timeout: then its outcome is left to idempotency
            log.info("pipelined page after a failed one: %s", exc or type(exc).__name__)
            return
        finally:
            self._add_exchange(stats, launched.exchange)
        try:
            reply, quarantined = self._finish(launched.request, data)
            if launched.request.pull is False:
                reply.cursor = self.state.cursor() or reply.cursor
            outcome = self.state.apply_reply(launched.batch, reply, quarantined)
        except errors.SyncError as exc:
            log.warning("the reply to a pipelined page cannot be applied (%s); its changes go again", exc)
            return
        self._count(stats, launched.batch, outcome)

    @staticmethod
    def _add_exchange(stats: SyncStats, exchange: Exchange) -> None:
        stats.requests += exchange.attempts
        stats.bytes_up += exchange.bytes_up
        stats.bytes_down += exchange.bytes_down

    def _look_ahead(self, batch: list[Change], push_items: int) -> Future[_Ahead] | None:
        """Read the page after ``batch`` now and have the worker serialize and compress it."""
        read_after = getattr(self.state, "pending_changes_after", None)  # optional (state.py)
        if read_after is not None:
            following = read_after(batch[-1].counter, push_items, self._json_budget())
        else:
            more = self.state.pending_changes(len(batch) + push_items, 2 * self._json_budget())
            if [c.change_id for c in more[: len(batch)]] != [c.change_id for c in batch]:
                return None
            following = fit_batch(more[len(batch) : len(batch) + push_items], self._json_budget())
        if not following:
            return None
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pipeline")
        after = [c.change_id for c in batch]
        protocol = self.protocol
        return self._pool.submit(lambda: _Ahead(following, after, self._start_body(following, protocol), protocol))

    def _json_budget(self) -> int:
        """The outbox JSON a page may hold so that it fills about ``push_bytes`` on the wire."""
        return int(min(MAX_PUSH_JSON, max(self.push_bytes, self.push_bytes * self._ratio)))

    def _take(self, ahead: Future[_Ahead] | None, last_batch: list[str] | None, push_items: int) -> _Ahead | None:
        """The prepared page, if the reply just applied settled every change of the page before it."""
        if ahead is None:
            return None
        try:
            prepared = ahead.result()
        except Exception:  # a page that failed to build is built again, on this thread, the normal way
            log.exception("preparing the next page failed")
            return None
        if (prepared.after != last_batch or not set(prepared.after) <= self._settled
                or len(prepared.batch) > push_items or prepared.protocol != self.protocol):
            return None
        return prepared

    def _start_body(self, push: list[Change], protocol: int) -> Partial:
        """The compressed start of a request: ``{"push":[…],`` — the rest follows in :meth:`_send`."""
        return self.transport.prepare_start(self._push_json(push, protocol))

    def _push_json(self, push: list[Change], protocol: int) -> bytes:
        """The start of a request's JSON: the page as rows (protocol 1) or columns (2, wire_v2.py)."""
        wire = self._wire_push(push)
        if protocol >= 2:
            [(key, value)] = wire_v2.push_form(wire).items()
            return f'{{"{key}":'.encode() + json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b","
        return b'{"push":' + _PUSH_JSON.dump_json(wire, exclude_none=True) + b","

    def _wire_push(self, push: list[Change]) -> list[Change]:
        """The outbox page as it travels: bodies compact when head office expands them alike."""
        if not (self.compact_ok and push and self.transport.server_compact == compact.schema_id()):
            return push
        out = []
        for change in push:
            small = compact.strip(change.kind, change.body) if change.body is not None else None
            out.append(change if small is None else
                       change.model_copy(update={"body": small, "body_schema": compact.schema_id()}))
        return out

    def _payload(self, request: SyncRequest, start: Partial | None = None) -> bytes | Prepared:
        """The request as sent: ``{"push":[…],`` then everything else, so the push can be prepared early."""
        tail = request.model_dump_json(exclude_none=True, exclude={"push"}).encode()[1:]
        if start is not None:
            return self.transport.prepare_finish(start, tail)
        return self._push_json(request.push, request.protocol) + tail

    def _send(
        self, request: SyncRequest, stats: SyncStats, start: Partial | None = None,
        meanwhile: _Meanwhile | None = None,
    ) -> tuple[SyncResponse, list[QuarantinedChange]]:
        """One request and its verified reply, with the pulled changes that cannot be accepted set aside."""
        built = self._payload(request, start if self.compact_ok else None)
        payload = built if isinstance(built, Prepared) else self.transport.prepare(built)
        if request.push and payload.coding is not None:
            self._ratio = len(payload.payload) / max(1, len(payload.body))
        try:
            try:
                data = self._post("/v1/sync", payload, stats, meanwhile, launches=request.pull is False)
            except errors.TokenExpired:
                self._renew_token(stats)
                data = self._post("/v1/sync", payload, stats)
        except errors.UpgradeRequired:
            if request.protocol <= self.protocol:
                raise
            # Head office went back to an older protocol than it once announced: speak that one.
            log.warning("head office no longer speaks protocol %d; using %d", request.protocol, self.protocol)
            request = request.model_copy(update={"protocol": self.protocol})
            data = self._post("/v1/sync", self._payload(request), stats)
        except errors.RequestRejected as exc:
            if exc.code != "compact_mismatch" or not self.compact_ok:
                raise
            self.compact_ok = False  # head office's defaults differ from ours: full bodies
            data = self._post("/v1/sync", self._payload(request), stats)
        self._remember_announcements()
        return self._finish(request, data)

    def _finish(self, request: SyncRequest, data: dict[str, object]) -> tuple[SyncResponse, list[QuarantinedChange]]:
        """The verified reply to ``request``, with the pulled changes that cannot be accepted set aside."""
        reply, quarantined = parse_reply(data)
        if request.protocol >= 2 and reply.protocol >= 2:
            try:
                reply.results = wire_v2.expand_results(request.push, reply.results, reply.accepted or [])
            except wire_v2.BadResults as exc:
                raise errors.RequestRejected(t("总部应答格式不正确"), detail=str(exc), code="bad_reply") from exc
            reply.accepted = None
        for change in reply.changes:
            if change.body_schema is not None:
                if change.body_schema != compact.schema_id() or change.body is None:
                    raise errors.RequestRejected(t("总部应答格式不正确"), detail=f"compact body {change.body_schema}",
                                                code="bad_reply")
                change.body, change.body_schema = compact.expand(change.kind, change.body), None
        if reply.server_keys is not None and self.server_public_key is not None:
            self._follow_rotation(reply)
        check_pulled(reply.changes, self.server_public_key, self.branch_id)
        return reply, quarantined

    def _remember_announcements(self) -> None:
        """Keep head office's codings and fingerprint with the credentials when they change."""
        creds = self.state.credentials()
        encodings, fingerprint = self.transport.server_encodings, self.transport.server_compact
        protocol = self.transport.server_protocol
        if creds is None or encodings is None:
            return
        if (creds.encodings, creds.compact, getattr(creds, "protocol", None)) == (encodings, fingerprint, protocol):
            return
        self.state.update_credentials(dataclasses.replace(creds, encodings=encodings, compact=fingerprint,
                                                          protocol=protocol))

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


def _may_be_one_change(exc: errors.SyncError) -> bool:
    """Whether a failed push may be caused by one of its changes (and not by the link or head
    office being down, overloaded, or refusing this device)."""
    if isinstance(exc, errors.RequestRejected):
        return exc.code not in ("bad_cursor", "bad_reply")
    detail = getattr(exc, "detail", "") or ""
    return detail.startswith("HTTP 5") and detail not in ("HTTP 502", "HTTP 503", "HTTP 504")
