"""Reading a request body safely: a size cap on the wire, gzip with a cap on the inflated size.

FastAPI's GZipMiddleware only compresses responses; request bodies are decoded here
(sync-notes.md §6.9). The wire cap is checked while streaming, so an oversized or endless body
is refused without buffering it; the inflated cap defeats zip bombs.
"""

from __future__ import annotations

import json
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from sync.protocol.compression import BadCompressedBody, DecompressedTooLarge, gunzip_capped
from sync.protocol.versions import is_supported, upgrade_required_body
from sync.server.errors import ApiError

M = TypeVar("M", bound=BaseModel)

DEFAULT_MAX_WIRE_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_JSON_BYTES = 32 * 1024 * 1024


async def read_body(request: Request, max_wire: int, max_json: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_wire:
        raise ApiError(413, "payload_too_large", extra={"max_bytes": max_wire})
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_wire:
            raise ApiError(413, "payload_too_large", extra={"max_bytes": max_wire})
        chunks.append(chunk)
    data = b"".join(chunks)
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding == "gzip":
        try:
            data = gunzip_capped(data, max_json)
        except DecompressedTooLarge as exc:
            raise ApiError(413, "payload_too_large", extra={"max_bytes": max_json}) from exc
        except BadCompressedBody as exc:
            raise ApiError(400, "invalid_request", details=str(exc)) from exc
    elif encoding not in ("identity", ""):
        raise ApiError(415, "unsupported_encoding")
    elif len(data) > max_json:
        raise ApiError(413, "payload_too_large", extra={"max_bytes": max_json})
    return data


def parse_model(data: bytes, model: type[M]) -> M:
    """Parse JSON into ``model``; an unsupported ``protocol`` is a 426 before anything else."""
    try:
        raw = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, "invalid_request", "请求不是有效的 JSON。", details=str(exc)) from exc
    if not isinstance(raw, dict):
        raise ApiError(400, "invalid_request", "请求应为 JSON 对象。")
    protocol = raw.get("protocol")
    if not isinstance(protocol, int) or isinstance(protocol, bool) or not is_supported(protocol):
        body = upgrade_required_body()
        raise ApiError(
            426,
            "upgrade_required",
            str(body["message"]),
            extra={"min_protocol": body["min_protocol"], "max_protocol": body["max_protocol"]},
        )
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        details = [
            {"loc": ".".join(str(p) for p in err["loc"]), "msg": err["msg"]} for err in exc.errors()[:20]
        ]
        raise ApiError(422, "invalid_request", details=details) from exc
