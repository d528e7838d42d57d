"""Named console accounts: roles, org scope, Argon2id password hashes.

Passwords are hashed with argon2-cffi's ``PasswordHasher`` (Argon2id, the RFC 9106 defaults the
library keeps current): a well-kept binding of the reference implementation, so we write no
crypto of our own, and ``check_needs_rehash`` lets stored hashes follow stronger parameters on
the next successful login. An unknown account name is checked against a dummy hash so the reply
takes as long as for a real one (no account enumeration by timing).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, insert, select, update

from domain.errors import LedgerError
from domain.i18n import N_, listing, t
from sync.server.console.tables import console_users
from sync.server.orgs import get_unit, resolve_unit
from sync.server.timeutil import now_text

# Chinese sources, shown with role_label() in the reader's language.
ROLE_LABELS: dict[str, str] = {"admin": N_("管理员"), "reviewer": N_("审核员"), "viewer": N_("查看")}
# What each role may do, cumulatively: a 管理员 may also review, a 审核员 also read.
_RANK = {"viewer": 0, "reviewer": 1, "admin": 2}
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """What an unknown name is verified against, so it costs what a wrong password does. Made on
    first use, not at import: an argon2 hash is ~0.3 s of CPU that every ``branch-ledger-hq``
    launch (and every server worker) would otherwise pay before doing anything."""
    return _hasher.hash("branch-ledger-no-such-user")


def role_label(role: str) -> str:
    """管理员 / Administrator: a role as the reader's language names it."""
    return t(ROLE_LABELS[role]) if role in ROLE_LABELS else role


class UserError(LedgerError, ValueError):
    """A user operation that cannot be done; ``str()`` is a message for the admin in the shown language."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    display_name: str
    role: str
    org_id: str | None  # None: the whole organisation tree
    disabled: bool

    @property
    def role_label(self) -> str:
        return role_label(self.role)

    def can(self, role: str) -> bool:
        """Whether this user has at least ``role``'s powers."""
        return not self.disabled and _RANK.get(self.role, -1) >= _RANK[role]


def _user(row: object) -> User:
    r = row
    return User(r.id, r.name, r.display_name, r.role, r.org_id, r.disabled_at is not None)  # type: ignore[attr-defined]


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(t("密码至少需要 {n} 个字符", n=MIN_PASSWORD_LENGTH))
    if password.strip() != password or not password.strip():
        raise UserError(t("密码首尾不能是空格"))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_role(role: str) -> None:
    if role not in ROLE_LABELS:
        raise UserError(t("未知的角色：{role}（可选：{choices}）", role=role,
                          choices=listing(f"{key} {role_label(key)}" for key in ROLE_LABELS)))


def _scope_id(conn: Connection, org: str | None) -> str | None:
    if not org:
        return None
    return resolve_unit(conn, org).id


def add_user(conn: Connection, name: str, role: str, password: str, *, org: str | None = None,
             display_name: str = "") -> User:
    name = name.strip()
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise UserError(t("用户名不能为空、不能含空格，最长 100 个字符"))
    _check_role(role)
    check_password_rules(password)
    org_id = _scope_id(conn, org)
    if conn.execute(select(console_users.c.id).where(console_users.c.name == name)).first():
        raise UserError(t("用户名已存在：{name}", name=name))
    now = now_text()
    result = conn.execute(
        insert(console_users).values(name=name, display_name=(display_name.strip() or name)[:100], role=role,
                                     org_id=org_id, password_hash=hash_password(password), created_at=now,
                                     updated_at=now)
    )
    user_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
    found = get_user(conn, int(user_id)) if user_id is not None else user_by_name(conn, name)
    assert found is not None
    return found


def get_user(conn: Connection, user_id: int) -> User | None:
    row = conn.execute(select(console_users).where(console_users.c.id == user_id)).first()
    return _user(row) if row else None


def user_by_name(conn: Connection, name: str) -> User | None:
    row = conn.execute(select(console_users).where(console_users.c.name == name)).first()
    return _user(row) if row else None


def list_users(conn: Connection) -> list[User]:
    return [_user(r) for r in conn.execute(select(console_users).order_by(console_users.c.name)).all()]


def verify_login(conn: Connection, name: str, password: str) -> User | None:
    """The user if ``password`` is theirs and the account is enabled; None otherwise."""
    row = conn.execute(select(console_users).where(console_users.c.name == name.strip())).first()
    stored = row.password_hash if row is not None else _dummy_hash()
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled_at is not None:
        return None
    if _hasher.check_needs_rehash(stored):
        conn.execute(update(console_users).where(console_users.c.id == row.id)
                     .values(password_hash=hash_password(password), updated_at=now_text()))
    return _user(row)


def change_user(conn: Connection, user_id: int, *, role: str | None = None, org: str | None = None,
                clear_org: bool = False, password: str | None = None, disabled: bool | None = None,
                display_name: str | None = None) -> User:
    values: dict[str, object] = {"updated_at": now_text()}
    if role is not None:
        _check_role(role)
        values["role"] = role
    if clear_org:
        values["org_id"] = None
    elif org is not None:
        values["org_id"] = _scope_id(conn, org)
    if password is not None:
        check_password_rules(password)
        values["password_hash"] = hash_password(password)
    if disabled is not None:
        values["disabled_at"] = now_text() if disabled else None
    if display_name is not None and display_name.strip():
        values["display_name"] = display_name.strip()[:100]
    done = conn.execute(update(console_users).where(console_users.c.id == user_id).values(**values))
    if done.rowcount != 1:
        raise UserError(t("找不到该用户"))
    found = get_user(conn, user_id)
    assert found is not None
    return found


def scope_label(conn: Connection, user: User) -> str:
    if user.org_id is None:
        return t("全部组织")
    unit = get_unit(conn, user.org_id)
    return unit.name if unit else user.org_id
