"""Devices, enrolment codes and admin tokens: who may talk to head office, and as what.

A device is bound to exactly one branch at enrolment; every later request is authorised
against that binding (see auth.py). Codes are one-time and expiring; tokens are bearer secrets.
The server stores only digests of codes and tokens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update

from sync.protocol.errors import message_for
from sync.server import secrets_util
from sync.server.orgs import resolve_branch
from sync.server.tables import admin_tokens, devices, enrol_codes, org_units
from sync.server.timeutil import now_text, to_text, utcnow


class EnrolmentError(Exception):
    """An enrolment that cannot proceed; ``code`` is the wire code, ``status`` the HTTP status."""

    def __init__(self, code: str, status: int) -> None:
        self.code, self.status = code, status
        super().__init__(message_for(code))


class DeviceNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Device:
    device_id: str
    branch_id: str
    name: str
    public_key: str
    revoked: bool
    last_counter: int


@dataclass(frozen=True)
class DeviceSummary:
    device_id: str
    name: str
    branch_id: str
    branch_name: str
    app_version: str
    enrolled_at: str
    last_sync_at: str | None
    revoked_at: str | None
    revoked_reason: str | None
    counter_gaps: int


def create_enrol_code(conn: Connection, branch: str, ttl_hours: float) -> tuple[str, str, dt.datetime]:
    """A new one-time code for ``branch``: returns (code, branch id, expiry). Show the code once."""
    unit = resolve_branch(conn, branch)
    code = secrets_util.new_enrol_code()
    expires = utcnow() + dt.timedelta(hours=ttl_hours)
    conn.execute(
        insert(enrol_codes).values(
            code_hash=secrets_util.digest(secrets_util.normalize_code(code)),
            branch_id=unit.id,
            created_at=now_text(),
            expires_at=to_text(expires),
        )
    )
    return code, unit.id, expires


def enrol_device(
    conn: Connection, *, code: str, device_id: str, device_name: str, public_key: str, app_version: str
) -> tuple[str, str]:
    """Consume ``code`` and register the device; returns (branch id, bearer token)."""
    code_hash = secrets_util.digest(secrets_util.normalize_code(code))
    row = conn.execute(select(enrol_codes).where(enrol_codes.c.code_hash == code_hash)).first()
    if row is None:
        raise EnrolmentError("invalid_code", 400)
    if row.used_at is not None:
        raise EnrolmentError("code_used", 410)
    now = now_text()
    if row.expires_at <= now:
        raise EnrolmentError("code_expired", 410)
    if conn.execute(select(devices.c.device_id).where(devices.c.device_id == device_id)).first():
        raise EnrolmentError("device_exists", 409)
    # Compare-and-set, so two simultaneous uses of one code cannot both succeed.
    claimed = conn.execute(
        update(enrol_codes)
        .where(enrol_codes.c.code_hash == code_hash, enrol_codes.c.used_at.is_(None))
        .values(used_at=now, used_by=device_id)
    )
    if claimed.rowcount != 1:
        raise EnrolmentError("code_used", 410)
    token = secrets_util.new_token()
    conn.execute(
        insert(devices).values(
            device_id=device_id,
            branch_id=row.branch_id,
            name=device_name,
            public_key=public_key,
            token_hash=secrets_util.digest(token),
            app_version=app_version,
            enrolled_at=now,
            last_counter=0,
            counter_gaps=0,
        )
    )
    return row.branch_id, token


def device_by_token(conn: Connection, token: str) -> Device | None:
    row = conn.execute(select(devices).where(devices.c.token_hash == secrets_util.digest(token))).first()
    if row is None:
        return None
    return Device(
        row.device_id, row.branch_id, row.name, row.public_key, row.revoked_at is not None, row.last_counter
    )


def list_devices(conn: Connection, branch_id: str | None = None) -> list[DeviceSummary]:
    query = (
        select(devices, org_units.c.name.label("branch_name"))
        .join(org_units, org_units.c.id == devices.c.branch_id)
        .order_by(org_units.c.name, devices.c.name)
    )
    if branch_id:
        query = query.where(devices.c.branch_id == branch_id)
    return [
        DeviceSummary(
            r.device_id,
            r.name,
            r.branch_id,
            r.branch_name,
            r.app_version,
            r.enrolled_at,
            r.last_sync_at,
            r.revoked_at,
            r.revoked_reason,
            r.counter_gaps,
        )
        for r in conn.execute(query).all()
    ]


def revoke_device(conn: Connection, device_id: str, reason: str) -> None:
    """Stop a device from syncing (lost laptop). Its past revisions stay; it cannot be un-revoked:
    re-enrol the machine with a new code instead."""
    result = conn.execute(
        update(devices)
        .where(devices.c.device_id == device_id, devices.c.revoked_at.is_(None))
        .values(revoked_at=now_text(), revoked_reason=reason)
    )
    if result.rowcount != 1:
        exists = conn.execute(select(func.count()).where(devices.c.device_id == device_id)).scalar_one()
        if not exists:
            raise DeviceNotFound(device_id)


def create_admin_token(conn: Connection, name: str) -> str:
    token = secrets_util.new_token()
    conn.execute(
        insert(admin_tokens).values(name=name, token_hash=secrets_util.digest(token), created_at=now_text())
    )
    return token


def admin_by_token(conn: Connection, token: str) -> str | None:
    """The admin token's name, or None when unknown or revoked."""
    row = conn.execute(
        select(admin_tokens.c.name).where(
            admin_tokens.c.token_hash == secrets_util.digest(token), admin_tokens.c.revoked_at.is_(None)
        )
    ).first()
    return row.name if row else None
