"""The head office as one object: every operation runs in its own database transaction.

Routes (routes_*.py) and the admin CLI call this facade; it calls the storage modules (ledger,
devices, orgs, publish, reports). Authorization *decisions* live in auth.py; this layer trusts
the :class:`Device` it is given but re-checks revocation inside the transaction, so a device
revoked a moment ago cannot slip one more write in.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, Engine, bindparam, select, text, update

from sync.protocol import compact
from sync.protocol import cursor as cursor_codec
from sync.protocol.checksum import encode_checksum
from sync.protocol.hlc import BadTimestamp, HLCTimestamp, HybridLogicalClock
from sync.protocol.signatures import attestation_bytes
from sync.protocol.wire import (
    MAX_PAGE_BYTES,
    MAX_PAGE_ITEMS,
    ChangeResult,
    EnrolRequest,
    EnrolResponse,
    PulledChange,
    SyncRequest,
    SyncResponse,
    TokenRenewRequest,
    TokenRenewResponse,
)
from sync.server import admin_tokens, blobrefs, evidence, secrets_util
from sync.server import devices as device_store
from sync.server.blobs import Blobs
from sync.server.db import migrate
from sync.server.devices import Device
from sync.server.identity import ServerIdentity, ensure_identity
from sync.server.keyfile import default_key_file
from sync.server.ledger import BranchLedger
from sync.server.orgs import get_unit, org_path
from sync.server.profiles import profile_heads
from sync.server.push import apply_push
from sync.server.quotas import DEFAULT_MAX_BRANCH_BLOB_BYTES, DEFAULT_MAX_STORED_BYTES
from sync.server.tables import branch_state, devices
from sync.server.timeutil import now_text

HLC_MAX_AHEAD_MS = 5 * 60 * 1000
# The statements every sync runs, built once (building a Core statement and its cache key per
# call cost about as much CPU as running it).
_DEVICE_STATE = select(
    devices.c.revoked_at, devices.c.last_counter, devices.c.counter_gaps, devices.c.stored_bytes,
    devices.c.token_hash, devices.c.token_expires_at,
).where(devices.c.device_id == bindparam("device_id"))
# The same row and the branch's lock in one statement (one round trip fewer per sync, issue 15):
# ``FOR UPDATE OF branch_state`` locks only the branch row, exactly as BranchLedger would; the
# device row is read as of the statement's start, as it was when it had a statement of its own
# before the lock. No row: the device or the branch is missing, which _DEVICE_STATE then tells.
_DEVICE_STATE_AND_LOCK = (
    select(*_DEVICE_STATE.selected_columns, branch_state.c.seq, branch_state.c.checksum)
    .select_from(devices.join(branch_state, branch_state.c.branch_id == bindparam("branch_id")))
    .where(devices.c.device_id == bindparam("device_id"))
    .with_for_update(of=branch_state)
)
_DEVICE_SYNCED = (
    update(devices)
    .where(devices.c.device_id == bindparam("key_device_id"))
    .values(stored_bytes=devices.c.stored_bytes + bindparam("added_bytes", type_=BigInteger),
            last_sync_at=bindparam("last_sync_at"), last_counter=bindparam("last_counter"),
            counter_gaps=bindparam("counter_gaps"), app_version=bindparam("app_version"))
)


def _wire_body(kind: str, text: str | None, stripped: bool) -> tuple[dict[str, Any] | None, str | None]:
    """A pulled body as it travels: ``(body, body_schema)``, compact when the client can expand it.

    ``compact.strip`` gives None when the stored body would not expand back exactly (a body an old
    client sent without its defaults spelled out): that one travels as stored, marked full.
    """
    if text is None:
        return None, None
    body: dict[str, Any] = json.loads(text)
    if not stripped:
        return body, None
    small = compact.strip(kind, body)
    return (body, None) if small is None else (small, compact.schema_id())


class DeviceRevoked(Exception):
    """The device was revoked by head office; it must stop syncing."""


class TokenRefused(Exception):
    """The bearer token a sync was admitted with is no longer the device's current, unexpired one
    (renewed, expired or re-enrolled since the admission lookup was cached): ``code`` says which,
    exactly as an uncached lookup would have (``token_expired`` or ``unauthorized``)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


class InvalidCursor(ValueError):
    """The cursor was not issued by this server for this branch."""


class QuotaExceeded(Exception):
    """The device already stores its quota at head office; it may pull but not push."""


@dataclass
class ServerLimits:
    max_page_bytes: int = MAX_PAGE_BYTES
    max_page_items: int = MAX_PAGE_ITEMS
    max_stored_bytes: int = DEFAULT_MAX_STORED_BYTES  # per device
    max_branch_blob_bytes: int = DEFAULT_MAX_BRANCH_BLOB_BYTES  # attachment bytes per branch; 0 = no limit


# How long a device token's admission lookup is kept in memory. The lookup only decides whether a
# sync request's body is read at all; the sync transaction re-checks the token (and revocation)
# against the devices row it reads anyway, so a cached admission never lets a write through.
ADMISSION_TTL_S = 30.0
ADMISSION_ENTRIES = 20_000


@dataclass
class HeadOffice:
    engine: Engine
    identity: ServerIdentity
    limits: ServerLimits = field(default_factory=ServerLimits)
    # Called with a stage name at fixed points; a test can raise from it to cut a reply after
    # the commit, exactly like a process dying between commit and response.
    fault_hook: Callable[[str], None] | None = None
    clock: HybridLogicalClock = field(default_factory=lambda: HybridLogicalClock("hq"))
    # Attachment bytes and references (blobs.py); create_app sets the default directory store.
    blobs: Blobs | None = None
    _admitted: OrderedDict[str, tuple[float, Device]] = field(default_factory=OrderedDict, repr=False)
    _admitted_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, engine: Engine, *, key_file: Path | None = None, run_migrations: bool = True) -> HeadOffice:
        """Migrate, then load the identity (epoch from the database, secrets from the key file)."""
        if run_migrations:
            migrate(engine)
        return cls(engine=engine, identity=ensure_identity(engine, key_file or default_key_file(engine.url)))

    # ------------------------------------------------------------------ auth lookups

    def device_for_token(self, token: str) -> Device | None:
        with self.engine.begin() as conn:
            return device_store.device_by_token(conn, token)

    def admit_device(self, token: str) -> Device | None:
        """:meth:`device_for_token` for ``POST /v1/sync``, answered from memory for a token seen in
        the last ``ADMISSION_TTL_S`` seconds (one database round trip fewer per sync, issue 15).

        Only a device that was admissible (neither revoked nor expired) is remembered; its expiry
        is looked at on every use. Pass the same token to :meth:`sync`, which re-checks it.
        """
        digest = secrets_util.digest(token)
        now = time.monotonic()
        with self._admitted_lock:
            found = self._admitted.get(digest)
        if found is not None and now - found[0] < ADMISSION_TTL_S:
            device = found[1]
            if device.token_expires_at is None or device.token_expires_at > now_text():
                return device
        looked_up = self.device_for_token(token)
        with self._admitted_lock:
            self._admitted.pop(digest, None)
            if looked_up is not None and not looked_up.revoked and not looked_up.token_expired:
                self._admitted[digest] = (now, looked_up)
                while len(self._admitted) > ADMISSION_ENTRIES:
                    self._admitted.popitem(last=False)
        return looked_up

    def _forget_admission(self, token: str) -> None:
        with self._admitted_lock:
            self._admitted.pop(secrets_util.digest(token), None)

    def admin_for_token(self, token: str) -> admin_tokens.AdminToken | None:
        with self.engine.begin() as conn:
            return admin_tokens.admin_by_token(conn, token)

    def database_ready(self) -> bool:
        """Whether the database answers a trivial query (for ``GET /v1/health``)."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    # ------------------------------------------------------------------ enrolment

    def enrol(self, request: EnrolRequest) -> EnrolResponse:
        with self.engine.begin() as conn:
            branch_id, token, expires = device_store.enrol_device(
                conn,
                code=request.code,
                device_id=request.device_id,
                device_name=request.device_name,
                public_key=request.public_key,
                app_version=request.app_version,
            )
            unit = get_unit(conn, branch_id)
            path = org_path(conn, branch_id)
            held = profile_heads(conn, branch_id)
        return EnrolResponse(
            device_id=request.device_id,
            branch_id=branch_id,
            branch_name=unit.name if unit else branch_id,
            org_path=path,
            token=token,
            epoch=self.identity.epoch,
            server_public_key=self.identity.signing_key.public_key_b64(),
            server_time=now_text(),
            token_expires_at=expires,
            profile_record_id=held[0].record_id if held else None,
        )

    def renew_token(self, token: str, request: TokenRenewRequest) -> TokenRenewResponse:
        with self.engine.begin() as conn:
            new, expires = device_store.renew_token(conn, token=token, device_id=request.device_id, sig=request.sig)
        return TokenRenewResponse(token=new, token_expires_at=expires)

    # ------------------------------------------------------------------ sync

    def _start_seq(self, device: Device, request: SyncRequest) -> tuple[int, bool]:
        """(seq to pull after, epoch changed) from the request's cursor."""
        if request.cursor is None:
            return 0, False
        try:
            peeked = cursor_codec.peek_cursor(request.cursor)
        except cursor_codec.BadCursor as exc:
            raise InvalidCursor(str(exc)) from exc
        if peeked.epoch != self.identity.epoch:
            return 0, True
        try:
            parsed = cursor_codec.decode_cursor(request.cursor, self.identity.cursor_secret)
        except cursor_codec.BadCursor as exc:
            raise InvalidCursor(str(exc)) from exc
        if parsed.branch_id != device.branch_id:
            raise InvalidCursor("cursor belongs to another branch")
        return parsed.seq, False

    def _observe_hlc(self, text: str | None) -> None:
        if not text:
            return
        # A device's clock is never a reason to refuse its data (F19): a bad HLC is ignored.
        with contextlib.suppress(BadTimestamp):
            self.clock.observe(HLCTimestamp.decode(text), max_ahead_ms=HLC_MAX_AHEAD_MS)

    def sync(
        self, device: Device, request: SyncRequest, refused: Sequence[ChangeResult] = (), *,
        token: str | None = None,
    ) -> SyncResponse:
        """Push then pull, in one transaction (sync-notes §6.6).

        ``refused`` are the answers for pushed changes the request parser could not accept; they
        are returned with the others and nothing is stored for them. ``token``: the bearer token
        the device was admitted with (:meth:`admit_device`), checked again here against the
        devices row, so a token renewed, expired or replaced since is refused (:class:`TokenRefused`).
        """
        self._observe_hlc(request.hlc)
        after_seq, epoch_changed = self._start_seq(device, request)
        include_own = request.include_own or epoch_changed
        max_items = min(request.limits.max_items, self.limits.max_page_items)
        max_bytes = min(request.limits.max_bytes, self.limits.max_page_bytes)
        with self.engine.begin() as conn:
            row: Any = conn.execute(_DEVICE_STATE_AND_LOCK,
                               {"device_id": device.device_id, "branch_id": device.branch_id}).first()
            locked = (row.seq, row.checksum) if row is not None else None
            if row is None:
                row = conn.execute(_DEVICE_STATE, {"device_id": device.device_id}).first()
            if row is None or row.revoked_at is not None:
                raise DeviceRevoked(device.device_id)
            if token is not None and (
                row.token_hash != secrets_util.digest(token)
                or (row.token_expires_at is not None and row.token_expires_at <= now_text())
            ):
                self._forget_admission(token)
                current = device_store.device_by_token(conn, token)
                raise TokenRefused("unauthorized" if current is None or current.device_id != device.device_id
                                   else "token_expired")
            if request.push and row.stored_bytes >= self.limits.max_stored_bytes:
                raise QuotaExceeded(device.device_id)
            ledger = BranchLedger(conn, device.branch_id, locked=locked)
            last_counter, gaps = row.last_counter, row.counter_gaps
            pushed = sorted(request.push, key=lambda c: c.counter)
            results: list[ChangeResult] = apply_push(ledger, device, pushed)
            for change in pushed:
                if change.counter > last_counter:
                    # A gap is recorded for audit but never blocks the queue (F11).
                    gaps += 1 if change.counter > last_counter + 1 else 0
                    last_counter = change.counter
            ledger.flush(then=(
                _DEVICE_SYNCED,
                {
                    "key_device_id": device.device_id,
                    "added_bytes": ledger.stored_bytes,
                    "last_sync_at": now_text(),
                    "last_counter": last_counter,
                    "counter_gaps": gaps,
                    "app_version": request.client.app_version,
                },
            ))
            page = ledger.read_page(
                after_seq=after_seq,
                exclude_device=None if include_own else device.device_id,
                max_items=max_items,
                max_bytes=max_bytes,
            )
            checksum = None if page.has_more else encode_checksum(ledger.checksum)
            missing_blobs = blobrefs.missing(conn, device.branch_id) if request.blobs and not page.has_more else []
            evidence_policy = evidence.get_policy(conn).to_json() if request.blobs and not page.has_more else None
            if self.fault_hook:
                self.fault_hook("before_commit")
        if self.fault_hook:
            self.fault_hook("after_commit")
        key = self.identity.signing_key
        stripped = request.compact is not None and request.compact == compact.schema_id()
        changes = [self._pulled(r, device.branch_id, stripped) for r in page.rows]
        new_cursor = cursor_codec.encode_cursor(
            cursor_codec.Cursor(self.identity.epoch, device.branch_id, page.last_seq),
            self.identity.cursor_secret,
        )
        return SyncResponse(
            server_time=now_text(),
            hlc=self.clock.now().encode(),
            epoch=self.identity.epoch,
            epoch_changed=epoch_changed,
            results=[*results, *refused],
            changes=changes,
            cursor=new_cursor,
            has_more=page.has_more,
            checksum=checksum,
            missing_blobs=missing_blobs,
            evidence=evidence_policy,
            server_keys=None
            if request.client.server_key == key.public_key_b64()
            else self.identity.server_keys(),
        )

    def _pulled(self, r: Any, branch_id: str, stripped: bool) -> PulledChange:
        """One page row as it travels, attested by head office's current key."""
        parents = json.loads(r.parents)
        body, body_schema = _wire_body(r.kind, r.body, stripped)
        return PulledChange(
            seq=r.seq,
            record_id=r.record_id,
            kind=r.kind,
            rev=r.rev,
            parents=parents,
            deleted=bool(r.deleted),
            status=r.status,
            schema_version=r.schema_version,
            body=body,
            body_schema=body_schema,
            hlc=r.hlc,
            device_time=r.device_time,
            author=r.author,
            device_id=r.device_id,
            sig=r.sig,
            received_at=r.received_at,
            current_rev=r.current_rev,
            conflicted=bool(r.conflicted),
            leaves=json.loads(r.leaves),
            hq_sig=self.identity.signing_key.sign(
                attestation_bytes(
                    branch_id=branch_id,
                    record_id=r.record_id,
                    rev=r.rev,
                    parents=parents,
                    device_id=r.device_id,
                    author=r.author,
                    hlc=r.hlc,
                    kind=r.kind,
                )
            ),
        )

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a storage function ``fn(conn, *args, **kwargs)`` in its own transaction."""
        with self.engine.begin() as conn:
            return fn(conn, *args, **kwargs)
