"""Devices, enrolment codes and admin tokens: who may talk to head office, and as what.

A device is bound to exactly one branch at enrolment; every later request is authorised
against that binding (see auth.py). Codes are one-time and expiring; tokens are bearer secrets.
The server stores only digests of codes and tokens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, or_, select, update

from domain.errors import LedgerError
from sync.protocol.errors import message_for
from sync.protocol.signatures import BadKey, BadSignature, renewal_bytes, verify
from sync.server import secrets_util
from sync.server.orgs import resolve_branch
from sync.server.tables import devices, enrol_codes, org_units
from sync.server.timeutil import now_text, to_text, utcnow

# Ids a device may not take: "hq" is the device id head office signs its own items with, and the
# others would read as head office in logs and the admin views.
RESERVED_DEVICE_IDS = frozenset({"hq", "head-office", "headoffice", "admin", "root", "server", "system", "null"})
DEVICE_TOKEN_TTL = dt.timedelta(days=180)


class EnrolmentError(LedgerError):
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
    token_expired: bool = False
    stored_bytes: int = 0
    token_expires_at: str | None = None


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
    token_expires_at: str | None = None
    stored_bytes: int = 0


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


def is_reserved_device_id(device_id: str) -> bool:
    return device_id.strip().lower() in RESERVED_DEVICE_IDS


def enrol_device(
    conn: Connection,
    *,
    code: str,
    device_id: str,
    device_name: str,
    public_key: str,
    app_version: str,
    token_ttl: dt.timedelta = DEVICE_TOKEN_TTL,
) -> tuple[str, str, str]:
    """Consume ``code`` and register the device; returns (branch id, bearer token, token expiry).

    A *revoked* device may enrol again with a new code (a recovered laptop): it gets a new token,
    key and branch binding; its counters carry on, and its earlier revisions stay where they are.
    An id that is enrolled and not revoked stays refused (409), so nobody takes over a device.
    """
    if is_reserved_device_id(device_id):
        raise EnrolmentError("reserved_id", 400)
    code_hash = secrets_util.digest(secrets_util.normalize_code(code))
    row = conn.execute(select(enrol_codes).where(enrol_codes.c.code_hash == code_hash)).first()
    if row is None:
        raise EnrolmentError("invalid_code", 400)
    if row.used_at is not None:
        raise EnrolmentError("code_used", 410)
    now = now_text()
    if row.expires_at <= now:
        raise EnrolmentError("code_expired", 410)
    existing = conn.execute(select(devices.c.revoked_at).where(devices.c.device_id == device_id)).first()
    if existing is not None and existing.revoked_at is None:
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
    expires = to_text(utcnow() + token_ttl)
    values = dict(
        branch_id=row.branch_id,
        name=device_name,
        public_key=public_key,
        token_hash=secrets_util.digest(token),
        previous_token_hash=None,
        token_expires_at=expires,
        app_version=app_version,
        enrolled_at=now,
    )
    if existing is None:
        conn.execute(
            insert(devices).values(device_id=device_id, last_counter=0, counter_gaps=0, stored_bytes=0, **values)
        )
    else:
        conn.execute(
            update(devices)
            .where(devices.c.device_id == device_id)
            .values(revoked_at=None, revoked_reason=None, **values)
        )
    return row.branch_id, token, expires


class RenewalRefused(Exception):
    """The token is unknown, the device revoked, or the signature is not the device's."""

    def __init__(self, code: str, status: int) -> None:
        self.code, self.status = code, status
        super().__init__(message_for(code))


def renew_token(
    conn: Connection, *, token: str, device_id: str, sig: str, token_ttl: dt.timedelta = DEVICE_TOKEN_TTL
) -> tuple[str, str]:
    """Trade ``token`` — expired or not — for a new one; returns (token, expiry).

    The device proves itself with its enrolment key (a signature over the old token's digest),
    so a laptop that was offline for a year renews on its first sync instead of re-enrolling,
    and a stolen token alone renews nothing. The old token stops working for sync at once but
    may renew again (a lost reply must not lock the device out).
    """
    digest = secrets_util.digest(token)
    row = conn.execute(
        select(devices).where(
            devices.c.device_id == device_id,
            or_(devices.c.token_hash == digest, devices.c.previous_token_hash == digest),
        )
    ).first()
    if row is None:
        raise RenewalRefused("unauthorized", 401)
    if row.revoked_at is not None:
        raise RenewalRefused("device_revoked", 403)
    try:
        verify(row.public_key, renewal_bytes(device_id=device_id, token=token), sig)
    except (BadSignature, BadKey) as exc:
        raise RenewalRefused("unauthorized", 401) from exc
    new = secrets_util.new_token()
    expires = to_text(utcnow() + token_ttl)
    # The replaced token stays good for renewing only: if this reply is lost, the device renews
    # again with the token it still holds instead of being locked out with unsent data.
    previous = digest if digest == row.token_hash else row.previous_token_hash
    done = conn.execute(
        update(devices)
        .where(devices.c.device_id == device_id, devices.c.token_hash == row.token_hash)
        .values(token_hash=secrets_util.digest(new), previous_token_hash=previous, token_expires_at=expires)
    )
    if done.rowcount != 1:
        raise RenewalRefused("unauthorized", 401)
    return new, expires


def device_by_token(conn: Connection, token: str) -> Device | None:
    """The device of ``token``; a token a renewal replaced counts as expired (it may renew again)."""
    digest = secrets_util.digest(token)
    row = conn.execute(select(devices).where(devices.c.token_hash == digest)).first()
    if row is None:
        row = conn.execute(select(devices).where(devices.c.previous_token_hash == digest)).first()
    if row is None:
        return None
    expired = row.token_hash != digest or (row.token_expires_at is not None and row.token_expires_at <= now_text())
    return Device(
        row.device_id,
        row.branch_id,
        row.name,
        row.public_key,
        row.revoked_at is not None,
        row.last_counter,
        expired,
        row.stored_bytes,
        row.token_expires_at,
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
            r.token_expires_at,
            r.stored_bytes,
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
