"""The FastAPI application: wiring only. Routes live in routes_*.py, storage behind HeadOffice."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.protocol.compression import GZIP_THRESHOLD
from sync.protocol.errors import message_for
from sync.protocol.versions import JSON_CONTENT_TYPE, PROTOCOL_HEADER, PROTOCOL_VERSION
from sync.protocol.wire import ErrorBody
from sync.server.body import (
    BODY_GRACE,
    BODY_IDLE_TIMEOUT,
    BODY_MIN_RATE,
    DEFAULT_MAX_JSON_BYTES,
    DEFAULT_MAX_WIRE_BYTES,
    BodyLimits,
)
from sync.server.console import mount as mount_console
from sync.server.errors import ApiError
from sync.server.openapi import build_openapi
from sync.server.quotas import DEFAULT_BURST, DEFAULT_ENROL_PER_MINUTE, DEFAULT_REQUESTS_PER_MINUTE, RateLimiter
from sync.server.routes_admin import router as admin_router
from sync.server.routes_sync import router as sync_router
from sync.server.service import HeadOffice

log = logging.getLogger("branch_ledger_hq")


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

    def body_limits(self) -> BodyLimits:
        return BodyLimits(self.max_wire_bytes, self.max_json_bytes, self.body_idle_timeout, self.body_grace,
                          self.body_min_rate)


class ProtocolHeaderMiddleware:
    """Stamp every reply with the protocol marker (the captive-portal test on the client)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

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
                    headers.insert(0, (name, str(PROTOCOL_VERSION).encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, stamped)


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
            response = error_response(500, "internal_error", message_for("internal_error"))
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
    headers = {**(headers or {}), PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
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
        return error_response(422, "invalid_request", message_for("invalid_request"), details=details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> Response:
        code = "not_found" if exc.status_code == 404 else "invalid_request"
        return error_response(exc.status_code, code, message_for(code), details=str(exc.detail))

    app.add_middleware(InternalErrorMiddleware)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_THRESHOLD)
    app.add_middleware(ProtocolHeaderMiddleware)
    return app
