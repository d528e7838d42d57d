"""A record's attachment files for reviewers: open (inline), download, thumbnail.

Authorization is the record page's: the signed-in user must see the branch (else 404, before any
read), and the record must reference the digest — a reviewer cannot fetch another record's file, or
another branch's, by guessing digests. Downloads are written to the audit log like prints.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from domain.i18n import t
from sync.server import blobrefs
from sync.server.blobs import Blobs
from sync.server.console import audit
from sync.server.console.attachments_view import record_references
from sync.server.console.scope import OutOfScope
from sync.server.console.web import ConsoleError, client_address, not_found, run, viewer
from sync.server.errors import ApiError
from sync.server.routes_blobs import serve_blob, serve_thumbnail

router = APIRouter(prefix="/console")


async def _ref(request: Request, branch_id: str, record_id: str, sha256: str) -> blobrefs.BlobRef:
    who = await viewer(request)
    try:
        who.scope.branch(branch_id)
    except OutOfScope as exc:
        raise not_found() from exc
    if not await run(request, record_references, branch_id, record_id, sha256):
        raise not_found()
    ref = await run(request, blobrefs.get_ref, branch_id, sha256)
    if ref is None:
        raise not_found()
    if not ref.completed:
        raise ConsoleError(404, t("附件未上传完：支部设备下次联网同步后即可查看。"))
    return ref


def _blobs(request: Request) -> Blobs:
    blobs: Blobs = request.app.state.blobs
    return blobs


@router.get("/branches/{branch_id}/records/{record_id}/attachments/{sha256}")
async def attachment(request: Request, branch_id: str, record_id: str, sha256: str) -> Response:
    ref = await _ref(request, branch_id, record_id, sha256)
    download = request.query_params.get("download") == "1"
    if download:
        who = await viewer(request)
        await run(request, audit.record, who.user.name, "download", audit.record_target(branch_id, record_id),
                  {"name": ref.name, "sha256": ref.sha256}, client_address(request))
    try:
        response = serve_blob(request, _blobs(request), ref)
    except ApiError as exc:
        raise not_found() from exc
    disposition = "attachment" if download else "inline"
    name = quote(ref.name)
    response.headers["Content-Disposition"] = f"{disposition}; filename=\"attachment\"; filename*=UTF-8''{name}"
    # Served under the console's own origin: never let a browser guess another type (a PDF stays a PDF).
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


@router.get("/branches/{branch_id}/records/{record_id}/attachments/{sha256}/thumbnail")
async def attachment_thumbnail(request: Request, branch_id: str, record_id: str, sha256: str) -> Response:
    ref = await _ref(request, branch_id, record_id, sha256)
    try:
        return await serve_thumbnail(request, _blobs(request), ref)
    except ApiError as exc:
        raise not_found() from exc
