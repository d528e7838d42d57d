"""Head office's secrets, outside the database: a key file of its own (mode 0600).

The file holds the cursor MAC secret and head office's Ed25519 signing keys — every key it ever
used, the last one current — plus the public *rotation chain*: for each rotation, the outgoing
key's signature handing over to the next (``signatures.rotation_bytes``). Devices that enrolled
under an older key follow the chain, one verified link at a time, to the current key
(docs/sync-protocol.md, "Key rotation"). A backup of the database alone no longer carries the
means to sign as head office or to forge cursors.

Where the file is: ``--key-file`` or ``$BRANCH_LEDGER_HQ_KEY_FILE`` (point it at a secret store's
mounted file, e.g. systemd ``LoadCredential=``); by default ``<database>.keys`` beside an SQLite
file, or ``keys/<database-name>.keys`` in the head-office data directory for PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy.engine import URL

from domain.i18n import t
from sync.protocol.signatures import SigningKey, b64decode, b64encode, rotation_bytes, verify
from sync.protocol.wire import KeyRotation
from sync.server.private_files import narrow, write_private
from sync.server.timeutil import now_text

KEYFILE_FORMAT = "branch-ledger-hq-keys/1"
ENV_KEY_FILE = "BRANCH_LEDGER_HQ_KEY_FILE"


class KeyFileError(RuntimeError):
    """The key file is missing where it must exist, unreadable, or disagrees with the database."""


@dataclass(frozen=True)
class HeadOfficeKeys:
    cursor_secret: bytes
    signing_keys: tuple[SigningKey, ...]  # oldest first; the last is current
    chain: tuple[KeyRotation, ...] = field(default=())

    @property
    def current(self) -> SigningKey:
        return self.signing_keys[-1]

    @classmethod
    def generate(cls) -> HeadOfficeKeys:
        return cls(secrets.token_bytes(32), (SigningKey.generate(),))

    def rotated(self) -> HeadOfficeKeys:
        """A new current key, handed over by the present one (a signed link appended to the chain)."""
        new = SigningKey.generate()
        at = now_text()
        previous = self.current.public_key_b64()
        link = KeyRotation(
            previous=previous,
            next=new.public_key_b64(),
            at=at,
            sig=self.current.sign(rotation_bytes(previous=previous, next_key=new.public_key_b64(), at=at)),
        )
        return HeadOfficeKeys(self.cursor_secret, (*self.signing_keys, new), (*self.chain, link))

    def to_json(self) -> bytes:
        data = {
            "format": KEYFILE_FORMAT,
            "cursor_secret": self.cursor_secret.hex(),
            "signing_keys": [b64encode(k.to_bytes()) for k in self.signing_keys],
            "chain": [link.model_dump() for link in self.chain],
        }
        return json.dumps(data, indent=1).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> HeadOfficeKeys:
        try:
            data: dict[str, Any] = json.loads(raw)
            if data.get("format") != KEYFILE_FORMAT:
                raise KeyFileError(t("密钥文件格式未知：{format}", format=repr(data.get("format"))))
            keys = tuple(SigningKey.from_bytes(b64decode(k)) for k in data["signing_keys"])
            chain = tuple(KeyRotation.model_validate(link) for link in data.get("chain", []))
            result = cls(bytes.fromhex(data["cursor_secret"]), keys, chain)
        except (ValueError, KeyError, TypeError) as exc:
            raise KeyFileError(t("密钥文件已损坏：{reason}", reason=exc)) from exc
        if not keys or len(chain) != len(keys) - 1:
            raise KeyFileError(t("密钥文件中的密钥与轮换链不一致"))
        for link, old, new in zip(chain, keys[:-1], keys[1:], strict=True):
            if link.previous != old.public_key_b64() or link.next != new.public_key_b64():
                raise KeyFileError(t("密钥文件中的轮换链与其密钥对不上"))
            verify(old.public_key_b64(), rotation_bytes(previous=link.previous, next_key=link.next, at=link.at),
                   link.sig)
        return result


def default_key_file(url: URL) -> Path:
    """Where the key file lives when neither ``--key-file`` nor the environment says."""
    configured = os.environ.get(ENV_KEY_FILE)
    if configured:
        return Path(configured).expanduser()
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db = Path(url.database)
        return db.with_name(db.name + ".keys")
    name = f"{url.host or 'local'}-{url.port or ''}-{url.database or 'db'}"
    tag = hashlib.sha256(name.encode()).hexdigest()[:10]
    return Path(user_data_dir("branch-ledger-hq", appauthor=False)) / "keys" / f"{url.database or 'db'}-{tag}.keys"


def load_keys(path: Path) -> HeadOfficeKeys | None:
    """The keys in ``path``, or None if there is no such file (a file wider than 0600 is narrowed)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise KeyFileError(t("无法读取密钥文件 {path}：{reason}", path=path, reason=exc)) from exc
    narrow(path)
    return HeadOfficeKeys.from_json(raw)


def save_keys(path: Path, keys: HeadOfficeKeys, *, create_only: bool = False) -> bool:
    """Write ``keys`` atomically, 0600; with ``create_only`` an existing file wins (returns False)."""
    return write_private(path, keys.to_json(), exclusive=create_only)
