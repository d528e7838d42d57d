"""Console sessions and login throttling.

A session is a random token in an HttpOnly, SameSite=Strict cookie; the server keeps only its
SHA-256 (a stolen database backup opens no session), with a per-session CSRF token that every
form must echo. A session ends on logout, after ``idle_minutes`` without a request, or after
``max_hours`` in any case.

Throttling counts failed logins per account name and per client address in a sliding window;
past the limit, logins for that key are refused without checking the password until the lock
expires. Both keys are needed: per account stops guessing one password from many addresses,
per address stops trying many accounts from one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from sync.server.console.tables import console_sessions, console_throttle
from sync.server.console.users import User, get_user
from sync.server.timeutil import from_text, now_text, to_text, utcnow


@dataclass(frozen=True)
class SessionPolicy:
    idle_minutes: int = 30
    max_hours: int = 12
    max_failures: int = 5  # per key within the window
    window_minutes: int = 15
    lock_minutes: int = 15


@dataclass(frozen=True)
class ConsoleSession:
    token_hash: str
    user: User
    csrf_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(conn: Connection, user: User, address: str) -> tuple[str, str]:
    """A new session for ``user``: (cookie token, CSRF token)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    now = now_text()
    conn.execute(insert(console_sessions).values(token_hash=_digest(token), user_id=user.id, csrf_token=csrf,
                                                 created_at=now, last_seen_at=now, address=address[:64]))
    return token, csrf


def load_session(conn: Connection, token: str, policy: SessionPolicy) -> ConsoleSession | None:
    """The live session for ``token`` (and mark it seen), or None if unknown, idle or expired."""
    if not token or len(token) > 200:
        return None
    row = conn.execute(select(console_sessions).where(console_sessions.c.token_hash == _digest(token))).first()
    if row is None:
        return None
    now = utcnow()
    idle = now - from_text(row.last_seen_at) > dt.timedelta(minutes=policy.idle_minutes)
    old = now - from_text(row.created_at) > dt.timedelta(hours=policy.max_hours)
    user = get_user(conn, row.user_id)
    if idle or old or user is None or user.disabled:
        conn.execute(delete(console_sessions).where(console_sessions.c.token_hash == row.token_hash))
        return None
    if now - from_text(row.last_seen_at) > dt.timedelta(seconds=30):
        conn.execute(update(console_sessions).where(console_sessions.c.token_hash == row.token_hash)
                     .values(last_seen_at=to_text(now)))
    return ConsoleSession(row.token_hash, user, row.csrf_token)


def end_session(conn: Connection, token_hash: str) -> None:
    conn.execute(delete(console_sessions).where(console_sessions.c.token_hash == token_hash))


def end_sessions_of(conn: Connection, user_id: int) -> None:
    """Log a user out everywhere (password changed, account disabled)."""
    conn.execute(delete(console_sessions).where(console_sessions.c.user_id == user_id))


def locked_minutes(conn: Connection, keys: list[str]) -> int:
    """Minutes until the longest lock on any of ``keys`` ends (0: not locked)."""
    now = utcnow()
    longest = 0
    for row in conn.execute(select(console_throttle).where(console_throttle.c.key.in_(keys))).all():
        if row.locked_until and from_text(row.locked_until) > now:
            left = from_text(row.locked_until) - now
            longest = max(longest, int(left.total_seconds() // 60) + 1)
    return longest


def note_failure(conn: Connection, keys: list[str], policy: SessionPolicy) -> bool:
    """Count a failed login against each key; True when one of them is now locked."""
    now = utcnow()
    locked = False
    for key in keys:
        row = conn.execute(select(console_throttle).where(console_throttle.c.key == key)).first()
        if row is None or now - from_text(row.window_start) > dt.timedelta(minutes=policy.window_minutes):
            failures, start = 1, now
        else:
            failures, start = row.failures + 1, from_text(row.window_start)
        lock = to_text(now + dt.timedelta(minutes=policy.lock_minutes)) if failures >= policy.max_failures else None
        locked = locked or lock is not None
        values = {"failures": failures, "window_start": to_text(start), "locked_until": lock}
        if row is None:
            conn.execute(insert(console_throttle).values(key=key, **values))
        else:
            conn.execute(update(console_throttle).where(console_throttle.c.key == key).values(**values))
    return locked


def clear_failures(conn: Connection, keys: list[str]) -> None:
    conn.execute(delete(console_throttle).where(console_throttle.c.key.in_(keys)))
