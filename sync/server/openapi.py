"""The published OpenAPI document of ``/v1`` (``GET /v1/openapi.json``).

The routes read and parse their own bodies (after authentication, with limits: body.py), so
FastAPI cannot derive the request schemas; they are declared here from the same pydantic wire
models the client uses, and every documented error status points at :class:`ErrorBody`. The
tests validate the document (openapi-spec-validator) and drive it with schemathesis, which also
checks that every reply matches what is documented here.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from sync.protocol.versions import JSON_CONTENT_TYPE, PROTOCOL_HEADER, PROTOCOL_VERSION
from sync.protocol.wire import EnrolRequest, ErrorBody, SyncRequest, TokenRenewRequest

REF = "#/components/schemas/{model}"
REQUEST_MODELS: tuple[type[BaseModel], ...] = (SyncRequest, EnrolRequest, TokenRenewRequest)

ERROR_STATUSES: dict[int, str] = {
    400: "malformed request, bad cursor, weak key or reserved id",
    401: "unknown or expired token (code token_expired: renew with POST /v1/token)",
    403: "device revoked, storage quota reached, or admin token lacks the scope",
    404: "no such organisation unit or device, or an attachment digest this branch does not reference",
    408: "the request body arrived too slowly",
    409: "device id already enrolled, or an upload offset that is not the one held",
    410: "enrolment code used or expired",
    413: "request too large: bytes, values or nesting (the client halves its batch)",
    415: "unsupported Content-Encoding (or Content-Type of an upload)",
    422: "JSON that does not match the schema, or an uploaded file head office refused",
    426: "protocol outside the supported range",
    429: "rate limited; see Retry-After",
    507: "the branch's attachment storage quota is reached (blob_quota_exceeded; records still sync)",
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text} for status, text in ERROR_STATUSES.items()
}
HEALTH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["protocol", "status", "database"],
    "properties": {
        "protocol": {"type": "integer"},
        "status": {"type": "string", "enum": ["ok", "degraded"]},
        "database": {"type": "string", "enum": ["ok", "unavailable"]},
    },
}


def request_body(model: type[BaseModel], *, secured: bool = False) -> dict[str, Any]:
    """``openapi_extra`` for a route that reads ``model`` as its JSON body."""
    extra: dict[str, Any] = {
        "requestBody": {
            "required": True,
            "content": {JSON_CONTENT_TYPE: {"schema": {"$ref": REF.format(model=model.__name__)}}},
        }
    }
    if secured:
        extra["security"] = [{"bearer": []}]
    return extra


def admin_security() -> dict[str, Any]:
    return {"security": [{"bearer": []}]}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The document, cached on the app: generated routes plus the request models and security."""
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=f"BranchLedger head-office sync API, protocol {PROTOCOL_VERSION}. "
        f"Every reply carries the {PROTOCOL_HEADER} header. See docs/sync-protocol.md.",
        routes=app.routes,
    )
    _, definitions = models_json_schema([(m, "validation") for m in REQUEST_MODELS], ref_template=REF)
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name, schema in definitions.get("$defs", {}).items():
        schemas.setdefault(name, schema)
    components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    app.openapi_schema = document
    return document
