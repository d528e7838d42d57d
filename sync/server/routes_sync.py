"""Device-facing routes: ``POST /v1/enrol`` and ``POST /v1/sync``. Thin: parse, authorise, delegate."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sync.protocol.signatures import BadKey, load_public_key
from sync.protocol.versions import JSON_CONTENT_TYPE, PROTOCOL_VERSION
from sync.protocol.wire import EnrolRequest, SyncRequest
from sync.server.auth import authenticate_device
from sync.server.body import parse_model, read_body
from sync.server.devices import EnrolmentError
from sync.server.errors import ApiError
from sync.server.service import DeviceRevoked, HeadOffice, InvalidCursor

router = APIRouter()


def _office(request: Request) -> HeadOffice:
    office: HeadOffice = request.app.state.office
    return office


async def _body(request: Request) -> bytes:
    settings = request.app.state.settings
    return await read_body(request, settings.max_wire_bytes, settings.max_json_bytes)


def _json(model_json: str) -> Response:
    return Response(model_json, media_type=JSON_CONTENT_TYPE)


@router.get("/v1/health")
async def health() -> Response:
    return _json(f'{{"protocol":{PROTOCOL_VERSION},"status":"ok"}}')


@router.post("/v1/enrol")
async def enrol(request: Request) -> Response:
    enrol_request = parse_model(await _body(request), EnrolRequest)
    try:
        load_public_key(enrol_request.public_key)
    except BadKey as exc:
        raise ApiError(400, "invalid_request", "设备公钥格式不正确。") from exc
    try:
        reply = await run_in_threadpool(_office(request).enrol, enrol_request)
    except EnrolmentError as exc:
        raise ApiError(exc.status, exc.code) from exc
    return _json(reply.model_dump_json())


@router.post("/v1/sync")
async def sync(request: Request) -> Response:
    sync_request = parse_model(await _body(request), SyncRequest)
    office = _office(request)
    device = await run_in_threadpool(authenticate_device, office, request)
    if sync_request.client.device_id != device.device_id:
        raise ApiError(400, "invalid_request", "请求中的设备编号与设备令牌不符。")
    try:
        reply = await run_in_threadpool(office.sync, device, sync_request)
    except DeviceRevoked as exc:
        raise ApiError(403, "device_revoked") from exc
    except InvalidCursor as exc:
        raise ApiError(400, "bad_cursor", details=str(exc)) from exc
    return _json(reply.model_dump_json())
