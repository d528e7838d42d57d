"""``/v1/blobs/{sha256}``: attachment upload (tus core 1.0) and download (Range, ETag).

Device-authenticated exactly like ``/v1/sync`` (the same bearer token), and scoped to the
device's branch: a digest no accepted revision of that branch references is a 404 — whether it
is unknown, another branch's, or nobody's (blobs.py). The upload follows tus core
(https://tus.io/protocols/resumable-upload):

- ``HEAD`` → ``Upload-Offset`` (bytes held; 0 before the upload was created) and ``Upload-Length``;
- ``POST`` with ``Upload-Length`` (must be the size the record declared) creates the upload (and
  links one whose bytes all arrived but whose linking was interrupted);
- ``PATCH`` with ``Upload-Offset`` and ``Content-Type: application/offset+octet-stream`` appends.
  The body is streamed to disk as it arrives and fsynced before the new offset is answered; a cut
  mid-chunk keeps what arrived (the client resumes from ``HEAD``), an append at any other offset is
  a 409. The append that completes the file verifies it (sha256, ``check_content``) before head
  office links it; a refused file is deleted and answered 422 (``digest_mismatch`` /
  ``attachment_refused``): the client keeps it as refused and never sends it again.

Attachment bytes have their own quota per branch (``ServerLimits.max_branch_blob_bytes``, ``serve
--blob-quota-mb``): a ``POST`` whose ``Upload-Length`` would take the branch's completely held files
past it, or a ``PATCH`` of such an upload, is a 507 ``blob_quota_exceeded`` before any byte is written.

``GET /v1/blobs/{sha256}`` serves a complete blob with ``ETag: "<sha256>"`` (``If-None-Match`` →
304) and byte ranges; ``GET /v1/blobs/{sha256}/thumbnail`` a small JPEG made once at upload.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, Response, StreamingResponse

from sync.server.auth import authenticate_device
from sync.server.blobrefs import BlobRef
from sync.server.blobs import BlobRefused, Blobs
from sync.server.blobstore import Appender, OffsetMismatch
from sync.server.errors import ApiError
from sync.server.openapi import ERROR_RESPONSES
from sync.server.quotas import RateLimiter, retry_after_header
from sync.server.service import HeadOffice

router = APIRouter()


def _documented(*statuses: int, ok: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """``responses=`` for a blob route: its successes and the error statuses it can answer (ErrorBody)."""
    errors: dict[int | str, dict[str, Any]] = {s: ERROR_RESPONSES[s] for s in statuses if s in ERROR_RESPONSES}
    return {"responses": {**ok, **errors}, "openapi_extra": {"security": [{"bearer": []}]},
            "response_class": Response, "status_code": min(ok)}


_OFFSET_HEADERS = {"Upload-Offset": {"schema": {"type": "integer"}}, "Upload-Length": {"schema": {"type": "integer"}},
                   "Tus-Resumable": {"schema": {"type": "string"}}}
_AUTH_ERRORS = (400, 401, 403, 404, 429)

TUS_VERSION = "1.0.0"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
MAX_PATCH_BYTES = 8 * 1024 * 1024  # clients send 256 KiB–1 MiB; more in one request is refused
WRITE_BATCH = 256 * 1024  # bytes gathered from the socket before a (threaded) write
IDLE_TIMEOUT = 30.0
_TUS = {"Tus-Resumable": TUS_VERSION}


def _blobs(request: Request) -> Blobs:
    blobs: Blobs = request.app.state.blobs
    return blobs


async def _ref(request: Request, sha256: str) -> BlobRef:
    office: HeadOffice = request.app.state.office
    device = await run_in_threadpool(authenticate_device, office, request)
    limiter: RateLimiter = request.app.state.blob_limiter
    wait = limiter.check(device.device_id)
    if wait > 0:
        raise ApiError(429, "rate_limited", headers={"Retry-After": retry_after_header(wait)},
                       extra={"retry_after": round(wait, 1)})
    ref = await run_in_threadpool(_blobs(request).ref, device.branch_id, sha256.lower() if len(sha256) == 64 else "")
    if ref is None or ref.sha256 != sha256:
        raise ApiError(404, "not_found", reason="blob_unknown", headers=_TUS)
    return ref


def _int_header(request: Request, name: str) -> int:
    raw = request.headers.get(name, "")
    if not raw.isdigit() or len(raw) > 18:
        raise ApiError(400, "invalid_request", reason="bad_header", params={"header": name}, headers=_TUS)
    return int(raw)


async def _within_quota(request: Request, ref: BlobRef) -> None:
    """507 before anything is written when completing ``ref`` would pass the branch's blob quota.

    Counted against the files held completely; uploads running at the same moment from several
    devices of the branch can each pass, so the quota may be exceeded by at most the files in flight.
    """
    office: HeadOffice = request.app.state.office
    quota = office.limits.max_branch_blob_bytes
    if quota <= 0:
        return
    held = await run_in_threadpool(_blobs(request).held_bytes, ref.branch_id)
    if held + ref.size > quota:
        raise ApiError(507, "blob_quota_exceeded", headers=_TUS, extra={"max_bytes": quota},
                       details={"held_bytes": held, "upload_length": ref.size})


def _offset_reply(ref: BlobRef, offset: int, status: int = 204) -> Response:
    headers = {**_TUS, "Upload-Offset": str(offset), "Upload-Length": str(ref.size), "Cache-Control": "no-store"}
    return Response(status_code=status, headers=headers)


@router.options("/v1/blobs/{sha256}", include_in_schema=False)
async def blob_options() -> Response:
    return Response(status_code=204, headers={**_TUS, "Tus-Version": TUS_VERSION,
                                              "Tus-Max-Size": str(64 * 1024 * 1024)})


@router.head("/v1/blobs/{sha256}", **_documented(
    *_AUTH_ERRORS, ok={200: {"description": "bytes held (Upload-Offset) of Upload-Length",
                             "headers": _OFFSET_HEADERS}}))
async def blob_head(request: Request, sha256: str) -> Response:
    ref = await _ref(request, sha256)
    return _offset_reply(ref, await run_in_threadpool(_blobs(request).offset, ref), 200)


@router.post("/v1/blobs/{sha256}", **_documented(*_AUTH_ERRORS, 507, ok={
    200: {"description": "already held completely (nothing to send)", "headers": _OFFSET_HEADERS},
    201: {"description": "upload created", "headers": _OFFSET_HEADERS}}))
async def blob_create(request: Request, sha256: str) -> Response:
    ref = await _ref(request, sha256)
    length = _int_header(request, "Upload-Length")
    if length != ref.size:
        raise ApiError(400, "invalid_request", reason="length_mismatch", params={"header": "Upload-Length"},
                       headers=_TUS)
    blobs = _blobs(request)
    if ref.completed:
        return _offset_reply(ref, ref.size, 200)  # held already (another device of the branch): nothing to send
    await _within_quota(request, ref)
    offset = await run_in_threadpool(blobs.storage.create, ref.branch_id, ref.sha256)
    if offset == ref.size:
        # Every byte arrived before, but linking it did not finish (the object store was down, or
        # head office stopped mid-way): verify and link it now rather than leave it stuck at full.
        try:
            await run_in_threadpool(blobs.finish, ref)
        except BlobRefused as exc:
            raise ApiError(422, exc.code, reason=exc.reason, params=exc.params, headers=_TUS) from exc
        except FileNotFoundError:
            # Another request (a second device's POST) may have linked it a moment ago.
            now = await run_in_threadpool(blobs.ref, ref.branch_id, ref.sha256)
            if now is None or not now.completed:
                raise
        return _offset_reply(ref, ref.size, 200)
    reply = _offset_reply(ref, offset, 201)
    reply.headers["Location"] = f"/v1/blobs/{ref.sha256}"
    return reply


async def _receive_into(request: Request, appender: Appender, budget: int) -> None:
    """Stream the body into ``appender``; at most ``budget`` bytes, else 413.

    Whatever arrived is written even when the body ends early (a cut link, a timeout): the client
    resumes from the offset HEAD then reports, so nothing that reached head office is sent twice.
    """
    pending: list[bytes] = []
    size = 0
    try:
        while True:
            try:
                message = await asyncio.wait_for(request.receive(), IDLE_TIMEOUT)
            except TimeoutError as exc:
                raise ApiError(408, "request_timeout", headers=_TUS) from exc
            if message["type"] == "http.disconnect":
                raise ClientDisconnect()
            chunk = message.get("body", b"")
            if chunk:
                if len(chunk) > budget:
                    raise ApiError(413, "payload_too_large", reason="blob_overrun", headers=_TUS)
                budget -= len(chunk)
                pending.append(chunk)
                size += len(chunk)
                if size >= WRITE_BATCH:
                    await run_in_threadpool(appender.write, b"".join(pending))
                    pending, size = [], 0
            if not message.get("more_body", False):
                break
    finally:
        if pending:
            await run_in_threadpool(appender.write, b"".join(pending))


@router.patch("/v1/blobs/{sha256}", **_documented(
    *_AUTH_ERRORS, 408, 409, 413, 415, 422, 507,
    ok={204: {"description": "appended and fsynced; the new Upload-Offset", "headers": _OFFSET_HEADERS}}))
async def blob_append(request: Request, sha256: str) -> Response:
    ref = await _ref(request, sha256)
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != OFFSET_CONTENT_TYPE:
        raise ApiError(415, "unsupported_media_type",
                       params={"header": "Content-Type", "expected": OFFSET_CONTENT_TYPE},
                       headers=_TUS)
    offset = _int_header(request, "Upload-Offset")
    declared = _int_header(request, "Content-Length")
    blobs = _blobs(request)
    if ref.completed:
        raise ApiError(409, "offset_mismatch", reason="blob_complete",
                       headers={**_TUS, "Upload-Offset": str(ref.size)})
    if declared > MAX_PATCH_BYTES or offset + declared > ref.size:
        raise ApiError(413, "payload_too_large", reason="blob_overrun", headers=_TUS)
    await _within_quota(request, ref)  # the quota may have filled since the POST (another device)
    try:
        appender = await run_in_threadpool(blobs.storage.open_append, ref.branch_id, ref.sha256, offset)
    except FileNotFoundError as exc:
        raise ApiError(404, "not_found", reason="upload_not_started", params={"method": "POST"}, headers=_TUS) from exc
    except OffsetMismatch as exc:
        raise ApiError(409, "offset_mismatch",
                       headers={**_TUS, "Upload-Offset": str(exc.held)}) from exc
    try:
        await _receive_into(request, appender, declared)
    finally:
        # Written and fsynced even when the link was cut mid-body: HEAD then counts these bytes.
        await run_in_threadpool(appender.close)
    if appender.offset == ref.size:
        try:
            await run_in_threadpool(blobs.finish, ref)
        except BlobRefused as exc:
            raise ApiError(422, exc.code, reason=exc.reason, params=exc.params, headers=_TUS) from exc
    return _offset_reply(ref, appender.offset)


def _not_modified(request: Request, etag: str) -> bool:
    wanted = request.headers.get("if-none-match", "")
    return any(tag.strip() in (etag, f"W/{etag}", "*") for tag in wanted.split(",")) if wanted else False


@router.get("/v1/blobs/{sha256}", **_documented(*_AUTH_ERRORS, ok={
    200: {"description": "the file (its own media type)", "content": {"*/*": {}}},
    206: {"description": "the requested byte range", "content": {"*/*": {}}},
    304: {"description": "unchanged (If-None-Match)"}}))
async def blob_get(request: Request, sha256: str) -> Response:
    ref = await _ref(request, sha256)
    return serve_blob(request, _blobs(request), ref)


@router.get("/v1/blobs/{sha256}/thumbnail", **_documented(*_AUTH_ERRORS, ok={
    200: {"description": "a small JPEG", "content": {"image/jpeg": {}}},
    304: {"description": "unchanged (If-None-Match)"}}))
async def blob_thumbnail(request: Request, sha256: str) -> Response:
    ref = await _ref(request, sha256)
    return await serve_thumbnail(request, _blobs(request), ref)


def serve_blob(request: Request, blobs: Blobs, ref: BlobRef, *, filename: str | None = None) -> Response:
    """A complete blob with ETag and Range support (also used by the console)."""
    if not ref.completed:
        raise ApiError(404, "blob_incomplete")
    etag = f'"{ref.sha256}"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=31536000, immutable"}
    if _not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    local = blobs.storage.local_file(ref.branch_id, ref.sha256)
    if local is not None:
        return FileResponse(local, media_type=ref.mime, headers=headers,
                            filename=filename, content_disposition_type="attachment" if filename else "inline")
    return _ranged_stream(request, blobs, ref, headers, filename)


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """One ``bytes=a-b`` / ``a-`` / ``-n`` range (inclusive ends); None for the whole file.

    Several ranges are answered with the whole file (RFC 9110 lets a server ignore Range); a
    range that cannot be satisfied raises 416.
    """
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash or not (first or last) or (first and not first.isdigit()) or (last and not last.isdigit()):
        return None
    if not first:  # the last n bytes
        length = int(last)
        if length == 0:
            raise ApiError(416, "range_not_satisfiable", headers={"Content-Range": f"bytes */{size}"})
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise ApiError(416, "range_not_satisfiable", headers={"Content-Range": f"bytes */{size}"})
    return start, end


def _ranged_stream(request: Request, blobs: Blobs, ref: BlobRef, headers: dict[str, str],
                   filename: str | None) -> Response:
    """A blob held remotely (an object store), streamed by a ranged GET: 200 or 206, never held whole."""
    from urllib.parse import quote

    headers = {**headers, "Accept-Ranges": "bytes"}
    if filename:
        headers["Content-Disposition"] = f"attachment; filename*=utf-8''{quote(filename)}"
    wanted = _byte_range(request.headers.get("range", ""), ref.size) if request.headers.get("range") else None
    start, end = wanted or (0, ref.size - 1)
    headers["Content-Length"] = str(end - start + 1)
    if wanted is not None:
        headers["Content-Range"] = f"bytes {start}-{end}/{ref.size}"
    if ref.size == 0:
        return Response(b"", media_type=ref.mime, headers=headers)
    return StreamingResponse(blobs.storage.read_range(ref.branch_id, ref.sha256, start, end),
                             status_code=206 if wanted is not None else 200, media_type=ref.mime, headers=headers)


async def serve_thumbnail(request: Request, blobs: Blobs, ref: BlobRef) -> Response:
    if not ref.completed or not ref.has_thumbnail:
        raise ApiError(404, "not_found", reason="no_thumbnail")
    etag = f'"{ref.sha256}-thumb"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=31536000, immutable"}
    if _not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    data = await run_in_threadpool(blobs.storage.thumbnail, ref.branch_id, ref.sha256)
    if data is None:
        raise ApiError(404, "not_found", reason="no_thumbnail")
    return Response(data, media_type="image/jpeg", headers=headers)
