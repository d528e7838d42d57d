"""Who is calling: bearer tokens for devices and for admins, and what each may touch.

A device token authenticates one device bound to one branch; everything it reads or writes is
confined to that branch by the service (the branch is taken from the device row, never from the
request). An expired device token is refused with ``token_expired``; the device renews it with
its enrolment key (``POST /v1/token``) and carries on. Admin tokens are a separate namespace with
scopes and an expiry: a device token never opens an admin endpoint, and an admin token opens
only the endpoints its scopes name.
"""

from __future__ import annotations

from starlette.requests import Request

from sync.server.admin_tokens import AdminToken
from sync.server.devices import Device
from sync.server.errors import ApiError
from sync.server.service import HeadOffice

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 512:
        raise ApiError(401, "unauthorized", headers=_CHALLENGE)
    return token.strip()


def authenticate_device(office: HeadOffice, request: Request, *, admission: bool = False) -> Device:
    """The calling device, or a 401/403. ``admission``: the lookup may come from memory
    (:meth:`HeadOffice.admit_device`) — only for a route whose transaction re-checks the token."""
    token = bearer_token(request)
    device = office.admit_device(token) if admission else office.device_for_token(token)
    if device is None:
        raise ApiError(401, "unauthorized", headers=_CHALLENGE)
    if device.revoked:
        raise ApiError(403, "device_revoked")
    if device.token_expired:
        raise ApiError(401, "token_expired", headers=_CHALLENGE)
    return device


def authenticate_admin(office: HeadOffice, request: Request, scope: str) -> AdminToken:
    token = office.admin_for_token(bearer_token(request))
    if token is None:
        raise ApiError(401, "unauthorized", reason="admin_token_invalid", headers=_CHALLENGE)
    if not token.allows(scope):
        raise ApiError(403, "insufficient_scope", reason="scope_needed", params={"scope": scope})
    return token
