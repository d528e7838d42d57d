"""This head office's identity: the database's epoch plus the secrets of its key file.

The epoch lives in ``server_meta`` (it names one history of sequence numbers; after restoring a
backup, renew it with ``branch-ledger-hq epoch renew`` so every client re-verifies instead of
trusting cursors into a history that was rolled back). The cursor secret and signing keys live in
the key file (keyfile.py). Databases made before migration 0002 kept both secrets in
``server_meta``: on first start they are moved into a new key file and deleted from the database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, delete, insert, select, update

from domain.i18n import t
from sync.protocol.signatures import SigningKey, b64decode
from sync.protocol.wire import KeyRotation, ServerKeys
from sync.server.keyfile import HeadOfficeKeys, KeyFileError, load_keys, save_keys
from sync.server.tables import server_meta

LEGACY_SECRETS = ("cursor_secret", "signing_key")


@dataclass(frozen=True)
class ServerIdentity:
    epoch: str
    cursor_secret: bytes
    signing_key: SigningKey  # the current key
    chain: tuple[KeyRotation, ...] = field(default=())

    def server_keys(self) -> ServerKeys:
        return ServerKeys(current=self.signing_key.public_key_b64(), chain=list(self.chain))


def _get(conn: Connection, key: str) -> str | None:
    return conn.execute(select(server_meta.c.value).where(server_meta.c.key == key)).scalar_one_or_none()


def _legacy_keys(conn: Connection) -> HeadOfficeKeys | None:
    secret, signing = (_get(conn, key) for key in LEGACY_SECRETS)
    if secret is None or signing is None:
        return None
    return HeadOfficeKeys(bytes.fromhex(secret), (SigningKey.from_bytes(b64decode(signing)),))


def ensure_identity(engine: Engine, key_file: Path) -> ServerIdentity:
    """Load the identity, creating what is missing (first start after ``migrate``)."""
    with engine.begin() as conn:
        epoch = _get(conn, "epoch")
        if epoch is None:
            epoch = uuid.uuid4().hex
            conn.execute(insert(server_meta).values(key="epoch", value=epoch))
        legacy = _legacy_keys(conn)
        keys = load_keys(key_file)
        if keys is None:
            # create_only: if another process wrote the file a moment ago, use that one.
            save_keys(key_file, legacy or HeadOfficeKeys.generate(), create_only=True)
            keys = load_keys(key_file)
            assert keys is not None
        if legacy is not None:
            legacy_public = legacy.current.public_key_b64()
            if legacy_public not in {k.public_key_b64() for k in keys.signing_keys}:
                raise KeyFileError(t(
                    "数据库中仍有一把不在 {path} 中的签名密钥；用它注册的设备将不再信任总部。请使用为这个数据库"
                    "生成的密钥文件（或把另一个文件移走，以便从数据库重新生成）。", path=key_file))
            conn.execute(delete(server_meta).where(server_meta.c.key.in_(LEGACY_SECRETS)))
    return ServerIdentity(epoch, keys.cursor_secret, keys.current, keys.chain)


def renew_epoch(engine: Engine) -> str:
    """Start a new epoch (after a restore); running servers must be restarted to pick it up."""
    epoch = uuid.uuid4().hex
    with engine.begin() as conn:
        conn.execute(update(server_meta).where(server_meta.c.key == "epoch").values(value=epoch))
    return epoch
