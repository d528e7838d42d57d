"""Admin API tokens: named, scoped, expiring and revocable (``branch-ledger-hq admin-token …``).

A token carries a set of scopes; each admin endpoint names the one it needs (routes_admin.py).
Only a SHA-256 of the token is stored. Tokens made before migration 0002 have scope ``*`` (every
scope) and no expiry, so an upgrade breaks no script; new tokens expire (default 90 days) and
default to read-only scopes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from domain.errors import LedgerError
from domain.i18n import N_, t
from sync.server import secrets_util
from sync.server.tables import admin_tokens
from sync.server.timeutil import now_text, to_text, utcnow

SCOPES: dict[str, str] = {
    "orgs:read": N_("组织架构"),
    "devices:read": N_("设备列表"),
    "devices:revoke": N_("停用设备"),
    "records:read": N_("支部记录列表"),
    "records:export": N_("导出支部全部记录"),
    "compliance:read": N_("三会一课完成情况"),
}
ALL = "*"
READ_SCOPES = ("orgs:read", "devices:read", "records:read", "compliance:read")
DEFAULT_TTL = dt.timedelta(days=90)


class TokenError(LedgerError, ValueError):
    """A token command that cannot be carried out (unknown scope, unknown token)."""


@dataclass(frozen=True)
class AdminToken:
    id: int
    name: str
    scopes: tuple[str, ...]
    created_at: str
    expires_at: str | None
    revoked_at: str | None

    def allows(self, scope: str) -> bool:
        return ALL in self.scopes or scope in self.scopes

    @property
    def active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now_text())


def _row(row: object) -> AdminToken:
    r = row
    return AdminToken(
        r.id,  # type: ignore[attr-defined]
        r.name,  # type: ignore[attr-defined]
        tuple(str(r.scopes).split()),  # type: ignore[attr-defined]
        r.created_at,  # type: ignore[attr-defined]
        r.expires_at,  # type: ignore[attr-defined]
        r.revoked_at,  # type: ignore[attr-defined]
    )


def create_admin_token(
    conn: Connection, name: str, scopes: tuple[str, ...] = READ_SCOPES, ttl: dt.timedelta | None = DEFAULT_TTL
) -> str:
    """A new token (shown once). ``ttl`` None: never expires."""
    unknown = [s for s in scopes if s != ALL and s not in SCOPES]
    if unknown or not scopes:
        if not unknown:
            raise TokenError(t("未给出权限范围（可选：{choices}，或 {all}）", choices=", ".join(SCOPES), all=ALL))
        raise TokenError(t("未知的权限范围：{scopes}（可选：{choices}，或 {all}）",
                           scopes=", ".join(unknown), choices=", ".join(SCOPES), all=ALL))
    token = secrets_util.new_token()
    conn.execute(
        insert(admin_tokens).values(
            name=name,
            token_hash=secrets_util.digest(token),
            created_at=now_text(),
            scopes=" ".join(dict.fromkeys(scopes)),
            expires_at=to_text(utcnow() + ttl) if ttl else None,
        )
    )
    return token


def admin_by_token(conn: Connection, token: str) -> AdminToken | None:
    """The token's record, or None when unknown, revoked or expired."""
    row = conn.execute(select(admin_tokens).where(admin_tokens.c.token_hash == secrets_util.digest(token))).first()
    if row is None:
        return None
    found = _row(row)
    return found if found.active else None


def list_admin_tokens(conn: Connection) -> list[AdminToken]:
    return [_row(r) for r in conn.execute(select(admin_tokens).order_by(admin_tokens.c.id)).all()]


def revoke_admin_token(conn: Connection, token_id: int) -> None:
    done = conn.execute(
        update(admin_tokens)
        .where(admin_tokens.c.id == token_id, admin_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now_text())
    )
    if done.rowcount != 1 and not conn.execute(select(admin_tokens.c.id).where(admin_tokens.c.id == token_id)).first():
        raise TokenError(t("没有编号为 {id} 的管理令牌", id=token_id))
