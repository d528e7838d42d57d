"""This database's identity: epoch, cursor MAC secret and head office's signing key.

Created on first start and kept in ``server_meta``. The epoch names one history of sequence
numbers; after restoring a backup, renew it (``branch-ledger-hq epoch renew``) so every client
notices and re-verifies instead of trusting cursors into a history that was rolled back.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, select, update

from sync.protocol.signatures import SigningKey, b64decode, b64encode
from sync.server.tables import server_meta


@dataclass(frozen=True)
class ServerIdentity:
    epoch: str
    cursor_secret: bytes
    signing_key: SigningKey


def _get(conn: Connection, key: str) -> str | None:
    return conn.execute(select(server_meta.c.value).where(server_meta.c.key == key)).scalar_one_or_none()


def ensure_identity(engine: Engine) -> ServerIdentity:
    """Load the identity, creating any missing part (first start after ``migrate``)."""
    with engine.begin() as conn:
        wanted = {
            "epoch": lambda: uuid.uuid4().hex,
            "cursor_secret": lambda: secrets.token_hex(32),
            "signing_key": lambda: b64encode(SigningKey.generate().to_bytes()),
        }
        values: dict[str, str] = {}
        for key, make in wanted.items():
            value = _get(conn, key)
            if value is None:
                value = make()
                conn.execute(insert(server_meta).values(key=key, value=value))
            values[key] = value
    return ServerIdentity(
        epoch=values["epoch"],
        cursor_secret=bytes.fromhex(values["cursor_secret"]),
        signing_key=SigningKey.from_bytes(b64decode(values["signing_key"])),
    )


def renew_epoch(engine: Engine) -> str:
    """Start a new epoch (after a restore); running servers must be restarted to pick it up."""
    epoch = uuid.uuid4().hex
    with engine.begin() as conn:
        conn.execute(update(server_meta).where(server_meta.c.key == "epoch").values(value=epoch))
    return epoch
