"""Who is calling: bearer tokens for devices and for admins, and what each may touch.

A device token authenticates one device bound to one branch; everything it reads or writes is
confined to that branch by the service (the branch is taken from the device row, never from the
request). Admin tokens are a separate namespace: a device token never opens an admin endpoint.
"""

from __future__ import annotations

from starlette.requests import Request

from sync.server.devices import Device
from sync.server.errors import ApiError
from sync.server.service import HeadOffice


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


def authenticate_device(office: HeadOffice, request: Request) -> Device:
    device = office.device_for_token(bearer_token(request))
    if device is None:
        raise ApiError(401, "unauthorized", headers={"WWW-Authenticate": "Bearer"})
    if device.revoked:
        raise ApiError(403, "device_revoked")
    return device


def authenticate_admin(office: HeadOffice, request: Request) -> str:
    name = office.admin_for_token(bearer_token(request))
    if name is None:
        raise ApiError(401, "unauthorized", "管理令牌无效。", headers={"WWW-Authenticate": "Bearer"})
    return name
