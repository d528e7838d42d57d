"""The FastAPI application: wiring only. Routes live in routes_*.py, storage behind HeadOffice."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.protocol import compact
from sync.protocol.compression import (
    ACCEPTED,
    BZIP2,
    ENCODINGS_HEADER,
    GZIP_THRESHOLD,
    REPLY_PREFERENCE,
    choose,
    encode,
    for_size,
    split_header,
)
from sync.protocol.errors import server_text
from sync.protocol.versions import (
    BASE_PROTOCOL,
    COMPACT_HEADER,
    JSON_CONTENT_TYPE,
    MAX_PROTOCOL_HEADER,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
)
from sync.protocol.wire import ErrorBody
from sync.server.blobs import Blobs
from sync.server.body import (
    BODY_GRACE,
    BODY_IDLE_TIMEOUT,
    BODY_MIN_RATE,
    DEFAULT_MAX_JSON_BYTES,
    DEFAULT_MAX_WIRE_BYTES,
    TIMING_SCOPE_KEY,
    BodyLimits,
)
from sync.server.console import mount as mount_console
from sync.server.errors import ApiError
from sync.server.openapi import build_openapi
from sync.server.quotas import DEFAULT_BURST, DEFAULT_ENROL_PER_MINUTE, DEFAULT_REQUESTS_PER_MINUTE, RateLimiter
from sync.server.routes_admin import router as admin_router
from sync.server.routes_blobs import router as blob_router
from sync.server.routes_sync import router as sync_router
from sync.server.service import HeadOffice

log = logging.getLogger("branch_ledger_hq")

# The ASGI factory's configuration: `serve --workers N` sets these for its worker processes; a
# process manager (systemd + uvicorn/gunicorn) sets them itself. See docs/deploy-hq.md.
ENV_SETTINGS = "BRANCH_LEDGER_HQ_SETTINGS"  # AppSettings as JSON, e.g. {"max_wire_bytes": 8388608}
ENV_LIMITS = "BRANCH_LEDGER_HQ_LIMITS"  # ServerLimits as JSON, e.g. {"max_stored_bytes": 536870912}
ENV_HEADER_TIMEOUT = "BRANCH_LEDGER_HQ_HEADER_TIMEOUT"  # seconds (serve --header-timeout)
FACTORY = "sync.server.app:create_app_from_env"


OPENAPI_URL = "/v1/openapi.json"


@dataclass(frozen=True)
class AppSettings:
    """HTTP-level limits; per-device quotas of requests (the storage quota is ServerLimits')."""

    max_wire_bytes: int = DEFAULT_MAX_WIRE_BYTES  # compressed request body, per request
    max_json_bytes: int = DEFAULT_MAX_JSON_BYTES  # inflated request body, per request
    body_idle_timeout: float = BODY_IDLE_TIMEOUT
    body_grace: float = BODY_GRACE
    body_min_rate: float = BODY_MIN_RATE
    requests_per_minute: float = DEFAULT_REQUESTS_PER_MINUTE  # per device
    burst: int = DEFAULT_BURST
    enrol_per_minute: float = DEFAULT_ENROL_PER_MINUTE  # per client address (enrol and token renewal)
    # Request codings accepted and announced (best first), and whether compact bodies are spoken
    # (announced and expanded). Narrowing them is for a proxy that mangles unknown codings, and
    # lets the tests play an older head office.
    request_encodings: tuple[str, ...] = ACCEPTED
    compact_bodies: bool = True
    # The highest sync protocol spoken and announced (versions.py); 1 plays a head office from
    # before protocol 2 (the tests' old peer).
    max_protocol: int = PROTOCOL_VERSION

    def body_limits(self) -> BodyLimits:
        return BodyLimits(self.max_wire_bytes, self.max_json_bytes, self.body_idle_timeout, self.body_grace,
                          self.body_min_rate, tuple(self.request_encodings), self.compact_bodies,
                          self.max_protocol)

    def announcements(self) -> list[tuple[bytes, bytes]]:
        out = [(ENCODINGS_HEADER.lower().encode(), ", ".join(self.request_encodings).encode())]
        if self.max_protocol > BASE_PROTOCOL:
            out.append((MAX_PROTOCOL_HEADER.lower().encode(), str(self.max_protocol).encode()))
        if self.compact_bodies:
            out.append((COMPACT_HEADER.lower().encode(), compact.schema_id().encode()))
        return out


class ProtocolHeaderMiddleware:
    """Stamp every reply with the protocol marker (the captive-portal test on the client), and
    announce what this head office speaks: request codings and the compact-body fingerprint."""

    def __init__(self, app: ASGIApp, announce: list[tuple[bytes, bytes]]) -> None:
        self.app = app
        self.announce = announce

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                name = PROTOCOL_HEADER.lower().encode()
                if all(key.lower() != name for key, _ in headers):
                    # First, so a reply cut inside its headers never looks like a foreign one.
                    headers.insert(0, (name, str(BASE_PROTOCOL).encode()))
                headers += self.announce
                recv = scope.get(TIMING_SCOPE_KEY, {}).get("recv")
                if recv is not None:
                    seconds, size = recv
                    headers.append((b"server-timing", f'recv;dur={seconds * 1000:.1f};desc="{size}"'.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, stamped)


_THREAD_MINIMUM = 64 * 1024  # bodies this large are compressed in a worker thread, off the event loop
# The reply codings chosen by the client's list; BZIP2 is then picked by size (compression.for_size).
_SIZED = tuple(c for c in REPLY_PREFERENCE if c != BZIP2)


class CompressionMiddleware:
    """Compress replies of at least 1 KiB in the best coding the client accepts (compression.py).

    ``Accept-Encoding`` is read as a list of codings (q-values are not needed by our clients): an
    old client asks for gzip and gets gzip, a current one gets the minutes coding. Replies are
    JSON written in one piece, so the body is collected and compressed whole.
    """

    def __init__(self, app: ASGIApp, minimum_size: int = GZIP_THRESHOLD) -> None:
        self.app = app
        self.minimum_size = minimum_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("path", "").startswith("/v1/blobs/"):
            await self.app(scope, receive, send)  # attachments: streamed as they are, never buffered whole
            return
        accept = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"accept-encoding"), "")
        offered = split_header(accept)
        coding = choose(offered, tuple(c for c in REPLY_PREFERENCE if c in _SIZED))
        if coding is None:
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            await self._send(start, body, for_size(coding, len(body), offered), send)

        await self.app(scope, receive, buffered)

    async def _send(self, start: Message, body: bytes, coding: str, send: Send) -> None:
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        already = any(k.lower() == b"content-encoding" for k, _ in headers)
        if len(body) >= self.minimum_size and not already:
            if len(body) >= _THREAD_MINIMUM:
                body = await anyio.to_thread.run_sync(encode, body, coding)
            else:
                body = encode(body, coding)
            headers += [(b"content-encoding", coding.encode()), (b"vary", b"Accept-Encoding")]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})


class InternalErrorMiddleware:
    """Turn an unexpected exception into our JSON 500 *and keep the connection healthy*.

    Starlette's own handler re-raises after replying, which makes uvicorn close the socket under
    the client; with keep-alive that surfaces as a connection reset instead of a clear 500.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except ClientDisconnect:
            return  # nobody is left to answer
        except Exception as exc:
            log.exception("unhandled error", exc_info=exc)
            if started:
                raise
            response = error_response(500, "internal_error", server_text("internal_error"))
            await response(scope, receive, send)


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    details: object = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, object] | None = None,
) -> Response:
    body = ErrorBody(code=code, message=message, details=details, **(extra or {}))  # type: ignore[arg-type]
    # Set here as well as by the middleware: a 500 is produced outside every middleware.
    headers = {**(headers or {}), PROTOCOL_HEADER: str(BASE_PROTOCOL)}
    return Response(
        body.model_dump_json(exclude_none=True),
        status_code=status,
        media_type=JSON_CONTENT_TYPE,
        headers=headers,
    )


def create_app(office: HeadOffice, settings: AppSettings | None = None) -> FastAPI:
    app = FastAPI(
        title="BranchLedger head office",
        version=str(PROTOCOL_VERSION),
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    settings = settings or AppSettings()
    app.state.office = office
    app.state.settings = settings
    app.state.body_limits = settings.body_limits()
    app.state.device_limiter = RateLimiter(settings.requests_per_minute, settings.burst)
    app.state.enrol_limiter = RateLimiter(settings.enrol_per_minute, max(1, int(settings.enrol_per_minute)))
    app.include_router(sync_router)
    if office.blobs is None:
        office.blobs = Blobs.for_engine(office.engine)
    app.state.blobs = office.blobs
    # Blob chunks are many small requests (a photo is a handful of PATCHes): a budget of their own.
    app.state.blob_limiter = RateLimiter(settings.requests_per_minute * 10, settings.burst * 4)
    app.include_router(blob_router)
    app.include_router(admin_router)
    mount_console(app)  # the reviewers' web console (issue 13)

    @app.get(OPENAPI_URL, include_in_schema=False)
    async def _openapi() -> Response:
        return JSONResponse(build_openapi(app))

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> Response:
        return error_response(
            exc.status, exc.code, exc.message, details=exc.details, headers=exc.headers, extra=exc.extra
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> Response:
        details = [{"loc": ".".join(str(p) for p in e["loc"]), "msg": e["msg"]} for e in exc.errors()[:20]]
        return error_response(422, "invalid_request", server_text("invalid_request"), details=details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> Response:
        code = "not_found" if exc.status_code == 404 else "invalid_request"
        return error_response(exc.status_code, code, server_text(code), details=str(exc.detail))

    app.add_middleware(InternalErrorMiddleware)
    app.add_middleware(CompressionMiddleware, minimum_size=GZIP_THRESHOLD)
    app.add_middleware(ProtocolHeaderMiddleware, announce=settings.announcements())
    return app


def settings_to_env(settings: Any) -> str:
    """AppSettings or ServerLimits as the JSON the factory reads from the environment."""
    return json.dumps(dataclasses.asdict(settings))


def create_app_from_env() -> FastAPI:
    """ASGI factory for several worker processes: ``uvicorn --factory sync.server.app:create_app_from_env``.

    Each worker opens its own engine (``$BRANCH_LEDGER_HQ_DB``) and pool and reads the same key
    file; the server keeps no state but its database (and the per-worker request-rate limiter), so
    any worker can answer any request. Workers never migrate — N processes
    racing Alembic would collide — so the schema must already be current (``branch-ledger-hq
    migrate`` first; ``serve --workers N`` does it before starting them), else this refuses to start.
    """
    from sync.server.db import ENV_DB_URL, database_url, is_sqlite, make_engine, schema_is_current
    from sync.server.keyfile import default_key_file
    from sync.server.service import ServerLimits
    from sync.server.serving import GuardedH11Protocol

    url = database_url(os.environ.get(ENV_DB_URL))
    options: dict[str, Any] = {}
    if not is_sqlite(url):
        # One name per worker in pg_stat_activity, so a DBA can tell whose connections these are.
        options["connect_args"] = {"application_name": f"branch-ledger-hq/{os.getpid()}"}
    engine = make_engine(url, **options)
    if not schema_is_current(engine):
        raise RuntimeError("database schema is not current: run `branch-ledger-hq migrate` before starting workers")
    settings = AppSettings(**json.loads(os.environ.get(ENV_SETTINGS) or "{}"))
    # The key file: $BRANCH_LEDGER_HQ_KEY_FILE, else the same default place the CLI uses.
    office = HeadOffice.open(engine, key_file=default_key_file(engine.url), run_migrations=False)
    office.limits = ServerLimits(**json.loads(os.environ.get(ENV_LIMITS) or "{}"))
    if os.environ.get(ENV_HEADER_TIMEOUT):
        GuardedH11Protocol.header_timeout = float(os.environ[ENV_HEADER_TIMEOUT])
    return create_app(office, settings)
