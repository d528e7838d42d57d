"""Admin HTTP endpoints (admin token): the same reads as the CLI, plus device revocation."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sync.protocol.versions import JSON_CONTENT_TYPE
from sync.server import devices as device_store
from sync.server import orgs, reports
from sync.server.auth import authenticate_admin
from sync.server.compliance import BadPeriod
from sync.server.errors import ApiError
from sync.server.jsonlimits import bad_text
from sync.server.openapi import ERROR_RESPONSES, admin_security
from sync.server.service import HeadOffice

router = APIRouter(prefix="/v1/admin", responses=ERROR_RESPONSES)  # type: ignore[arg-type]
_DOC = admin_security()


def _json(value: Any) -> Response:
    return Response(json.dumps(value, ensure_ascii=False), media_type=JSON_CONTENT_TYPE)


async def _run(request: Request, scope: str, fn: Any, *args: Any) -> Any:
    """Authenticate the admin for ``scope``, then run ``fn(conn, *args)`` in one transaction off the loop."""
    office: HeadOffice = request.app.state.office
    await run_in_threadpool(authenticate_admin, office, request, scope)
    for arg in args:
        problem = bad_text(arg) if isinstance(arg, str) else None
        if problem:
            raise ApiError(400, "invalid_request", reason="bad_text", params={"problem": problem})
    try:
        return await run_in_threadpool(office.call, fn, *args)
    except orgs.OrgNotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    except (orgs.OrgError, BadPeriod) as exc:
        raise ApiError(400, "invalid_request", str(exc)) from exc
    except device_store.DeviceNotFound as exc:
        raise ApiError(404, "not_found", reason="device_not_found", params={"device": str(exc)}) from exc


def _org_tree(conn: Any) -> Any:
    return orgs.tree_as_json(orgs.all_units(conn))


def _devices(conn: Any, branch: str | None) -> Any:
    branch_id = orgs.resolve_branch(conn, branch).id if branch else None
    return [d.__dict__ for d in device_store.list_devices(conn, branch_id)]


def _records(conn: Any, branch: str, kind: str | None) -> Any:
    return reports.list_records(conn, orgs.resolve_branch(conn, branch).id, kind)


def _export(conn: Any, branch: str) -> Any:
    return reports.export_branch(conn, orgs.resolve_branch(conn, branch))


def _revoke(conn: Any, device_id: str, reason: str) -> Any:
    device_store.revoke_device(conn, device_id, reason)
    return {"device_id": device_id, "revoked": True}


@router.get("/orgs", openapi_extra=_DOC)
async def org_tree(request: Request) -> Response:
    return _json(await _run(request, "orgs:read", _org_tree))


@router.get("/devices", openapi_extra=_DOC)
async def devices(request: Request, branch: str | None = None) -> Response:
    return _json(await _run(request, "devices:read", _devices, branch))


@router.post("/devices/{device_id}/revoke", openapi_extra=_DOC)
async def revoke(request: Request, device_id: str, reason: str = "") -> Response:
    return _json(await _run(request, "devices:revoke", _revoke, device_id, reason))


@router.get("/branches/{branch}/records", openapi_extra=_DOC)
async def records(request: Request, branch: str, kind: str | None = None) -> Response:
    return _json(await _run(request, "records:read", _records, branch, kind))


@router.get("/branches/{branch}/export", openapi_extra=_DOC)
async def export(request: Request, branch: str) -> Response:
    return _json(await _run(request, "records:export", _export, branch))


@router.get("/compliance", openapi_extra=_DOC)
async def compliance(request: Request, period: str, org: str | None = None) -> Response:
    return _json(await _run(request, "compliance:read", reports.compliance, period, org))
