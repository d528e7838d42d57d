"""Device-facing routes: enrolment, token renewal, sync, health. Thin: authorise, read, delegate.

For ``POST /v1/sync`` the order is the defence (issue 11): authenticate from the headers (one
indexed lookup, off the event loop), take a token from the device's rate bucket, and only then
read the body (size caps, timeouts) and parse it in a worker thread with limits. An anonymous
client never gets its body read, and nothing heavy ever runs on the event loop, so ``/v1/health``
and every other branch keep being served while one device sends garbage.

Protocol 3's pipelined pages (issue 15) add two steps between parsing and applying: a page that
names its predecessor (``after_counter``) waits at the ordering gate (ordering.py) until that page
is committed, and a push-only page (``pull: false``) pulls nothing — its reply carries no changes
and the cursor as sent, so the device's pull stays one sequential stream.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sync.protocol import cursor as cursor_codec
from sync.protocol import wire_v2
from sync.protocol.signatures import BadKey, WeakKey, load_public_key
from sync.protocol.versions import JSON_CONTENT_TYPE, PIPELINE_PROTOCOL, PROTOCOL_VERSION
from sync.protocol.wire import EnrolRequest, EnrolResponse, Limits, SyncRequest, SyncResponse, TokenRenewRequest
from sync.protocol.wire import TokenRenewResponse as RenewReply
from sync.server import ordering
from sync.server.auth import authenticate_device, bearer_token
from sync.server.body import BodyLimits, parse_model, parse_sync, read_body
from sync.server.devices import EnrolmentError, RenewalRefused
from sync.server.errors import ApiError
from sync.server.openapi import ERROR_RESPONSES, HEALTH_SCHEMA, request_body
from sync.server.quotas import RateLimiter, retry_after_header
from sync.server.service import DeviceRevoked, HeadOffice, InvalidCursor, QuotaExceeded, TokenRefused

router = APIRouter()
M = TypeVar("M", bound=BaseModel)

ENROL_MAX_BYTES = 64 * 1024
HEALTH_DB_TIMEOUT = 2.0
# Health checks get a thread of their own: a pool busy with syncs waiting on the database lock
# must not make the health check wait too.
_health_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hq-health")


def _office(request: Request) -> HeadOffice:
    office: HeadOffice = request.app.state.office
    return office


def _limits(request: Request, *, max_json: int | None = None) -> BodyLimits:
    limits: BodyLimits = request.app.state.body_limits
    if max_json is not None:
        return BodyLimits(min(limits.max_wire, max_json), min(limits.max_json, max_json), limits.idle_timeout,
                          limits.grace, limits.min_rate, limits.encodings, limits.compact, limits.max_protocol)
    return limits


def _json(model_json: str, status: int = 200) -> Response:
    return Response(model_json, status_code=status, media_type=JSON_CONTENT_TYPE)


def _rate(limiter: RateLimiter, key: str) -> None:
    wait = limiter.check(key)
    if wait > 0:
        headers = {"Retry-After": retry_after_header(wait)}
        raise ApiError(429, "rate_limited", headers=headers, extra={"retry_after": round(wait, 1)})


async def _small_request(request: Request, model: type[M]) -> M:
    """Enrolment and renewal: rate-limited per client address, small bodies, bounded parse."""
    client = request.client.host if request.client else "?"
    _rate(request.app.state.enrol_limiter, client)
    data = await read_body(request, _limits(request, max_json=ENROL_MAX_BYTES))
    return await run_in_threadpool(parse_model, data, model)


@router.get("/v1/health", responses={200: {"content": {JSON_CONTENT_TYPE: {"schema": HEALTH_SCHEMA}}},
                                     503: {"content": {JSON_CONTENT_TYPE: {"schema": HEALTH_SCHEMA}}}})
async def health(request: Request) -> Response:
    """Liveness and database readiness; never waits behind sync work."""
    loop = asyncio.get_running_loop()
    try:
        ready = await asyncio.wait_for(
            loop.run_in_executor(_health_pool, _office(request).database_ready), HEALTH_DB_TIMEOUT
        )
    except TimeoutError:
        ready = False
    database = "ok" if ready else "unavailable"
    body = f'{{"protocol":{PROTOCOL_VERSION},"status":"{"ok" if ready else "degraded"}","database":"{database}"}}'
    return _json(body, 200 if ready else 503)


@router.post(
    "/v1/enrol",
    responses={200: {"model": EnrolResponse}, **ERROR_RESPONSES},
    openapi_extra=request_body(EnrolRequest),
)
async def enrol(request: Request) -> Response:
    enrol_request = await _small_request(request, EnrolRequest)
    try:
        load_public_key(enrol_request.public_key)
    except WeakKey as exc:
        raise ApiError(400, "weak_key") from exc
    except BadKey as exc:
        raise ApiError(400, "invalid_request", reason="bad_public_key") from exc
    try:
        reply = await run_in_threadpool(_office(request).enrol, enrol_request)
    except EnrolmentError as exc:
        raise ApiError(exc.status, exc.code) from exc
    return _json(reply.model_dump_json())


@router.post(
    "/v1/token",
    responses={200: {"model": RenewReply}, **ERROR_RESPONSES},
    openapi_extra=request_body(TokenRenewRequest, secured=True),
)
async def renew_token(request: Request) -> Response:
    """A new device token for the old one (expired or not) plus the device key's signature."""
    token = bearer_token(request)
    renewal = await _small_request(request, TokenRenewRequest)
    try:
        reply = await run_in_threadpool(_office(request).renew_token, token, renewal)
    except RenewalRefused as exc:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        raise ApiError(exc.status, exc.code, headers=headers) from exc
    return _json(reply.model_dump_json())


@router.post(
    "/v1/sync",
    responses={200: {"model": SyncResponse}, **ERROR_RESPONSES},
    openapi_extra=request_body(SyncRequest, secured=True),
)
async def sync(request: Request) -> Response:
    office = _office(request)
    device = await run_in_threadpool(functools.partial(authenticate_device, office, request, admission=True))
    _rate(request.app.state.device_limiter, device.device_id)
    limits = _limits(request)
    data = await read_body(request, limits)
    parsed = await run_in_threadpool(parse_sync, data, limits.compact, limits.max_protocol)
    if not limits.compact:
        parsed.request.compact = None  # full bodies in the reply too
    if parsed.request.client.device_id != device.device_id:
        raise ApiError(400, "invalid_request", reason="device_mismatch")
    pipelined = parsed.request.protocol >= PIPELINE_PROTOCOL
    if pipelined and parsed.request.after_counter is not None:
        # Page n+1 of a pipelined run: applied only once page n is committed (ordering.py).
        await ordering.wait_for_predecessor(office.engine, device.device_id, parsed.request.after_counter,
                                            timeout=getattr(request.app.state, "pipeline_gate_timeout",
                                                            ordering.GATE_TIMEOUT_S))
    push_only = pipelined and parsed.request.pull is False
    if push_only:
        # Pull as little as the page reader allows; the reply's pull part is dropped below.
        parsed.request.limits, parsed.request.blobs = Limits(max_bytes=1024, max_items=1), None
    try:
        reply = await run_in_threadpool(
            functools.partial(office.sync, device, parsed.request, parsed.refused, token=bearer_token(request)))
    except TokenRefused as exc:
        raise ApiError(401, exc.code, headers={"WWW-Authenticate": "Bearer"}) from exc
    except DeviceRevoked as exc:
        raise ApiError(403, "device_revoked") from exc
    except QuotaExceeded as exc:
        raise ApiError(403, "quota_exceeded", extra={"max_bytes": office.limits.max_stored_bytes}) from exc
    except InvalidCursor as exc:
        raise ApiError(400, "bad_cursor", details=str(exc)) from exc
    if parsed.request.protocol >= 2:
        # Protocol 2 (wire_v2.py): plain acceptances by seq only; the device knows the rest.
        reply.results, reply.accepted = wire_v2.compact_results(parsed.request.push, reply.results)
        reply.protocol = min(parsed.request.protocol, PROTOCOL_VERSION)
    if push_only:
        reply.changes, reply.has_more, reply.checksum = [], False, None
        reply.cursor = parsed.request.cursor or cursor_codec.encode_cursor(
            cursor_codec.Cursor(office.identity.epoch, device.branch_id, 0), office.identity.cursor_secret)
    dumped: Any = reply.model_dump_json(exclude_none=parsed.request.protocol >= 2)
    return _json(dumped)
