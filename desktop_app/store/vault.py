"""Key hierarchy: the passphrase and the recovery key each wrap one random database key.

The database key (256 random bits) opens SQLCipher as a raw key, so SQLCipher runs no KDF of its
own. The passphrase goes through Argon2id (memory-hard, tuned to ~0.3–1 s here) to a key-encryption
key; the recovery key (160 random bits, shown once) goes through HKDF, since it has full entropy.
Each KEK wraps the database key with AES-256-GCM. Changing the passphrase rewrites only this small
file, never the database (design.md, "The local store").
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop_app.store.errors import (
    KeyFileUnsupported,
    StoreCorrupted,
    WeakPassphrase,
    WrongPassphrase,
    WrongRecoveryKey,
)

KEYFILE_FORMAT = "branch-ledger-keyfile"
KEYFILE_VERSION = 1
MIN_PASSPHRASE_CHARS = 8
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # Crockford-like: no 0/O, 1/I


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost. Defaults measured on the 2-core reference machine: ~0.35 s per derivation."""

    memory_kib: int = 128 * 1024
    iterations: int = 3
    lanes: int = 2

    @classmethod
    def fast_for_tests(cls) -> KdfParams:
        """Cheap parameters so test suites that create many stores stay quick (never for users)."""
        return cls(memory_kib=8 * 1024, iterations=1, lanes=1)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _argon2(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    kdf = Argon2id(
        salt=salt, length=32, iterations=params.iterations, lanes=params.lanes, memory_cost=params.memory_kib
    )
    return kdf.derive(passphrase.encode("utf-8"))


def _hkdf(recovery_bits: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"branch-ledger recovery v1").derive(
        recovery_bits
    )


def new_recovery_key() -> str:
    """A recovery key for people to write down: 32 characters in 8 groups, 160 bits."""
    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(32))
    return "-".join(chars[i : i + 4] for i in range(0, 32, 4))


def _recovery_bits(recovery_key: str) -> bytes:
    normalized = recovery_key.upper().replace("-", "").replace(" ", "").replace("O", "0")
    if len(normalized) != 32 or any(c not in _RECOVERY_ALPHABET for c in normalized):
        raise WrongRecoveryKey("恢复密钥格式不正确：应为 8 组、每组 4 个字符")
    return normalized.encode("ascii")


def _wrap(kek: bytes, db_key: bytes, label: str) -> dict[str, str]:
    nonce = os.urandom(12)
    return {"nonce": _b64(nonce), "ciphertext": _b64(AESGCM(kek).encrypt(nonce, db_key, _aad(label)))}


def _unwrap(kek: bytes, wrapped: dict[str, str], label: str) -> bytes:
    return AESGCM(kek).decrypt(_unb64(wrapped["nonce"]), _unb64(wrapped["ciphertext"]), _aad(label))


def _aad(label: str) -> bytes:
    return f"{KEYFILE_FORMAT}:v{KEYFILE_VERSION}:{label}".encode()


def check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise WeakPassphrase()


@dataclass
class KeyFile:
    """The on-disk key file: KDF parameters, salts and the two wrapped copies of the database key."""

    kdf: KdfParams
    passphrase_salt: bytes
    passphrase_wrapped: dict[str, str]
    recovery_salt: bytes
    recovery_wrapped: dict[str, str]

    @classmethod
    def create(cls, db_key: bytes, passphrase: str, recovery_key: str, kdf: KdfParams) -> KeyFile:
        check_passphrase_strength(passphrase)
        p_salt, r_salt = os.urandom(16), os.urandom(16)
        return cls(
            kdf=kdf,
            passphrase_salt=p_salt,
            passphrase_wrapped=_wrap(_argon2(passphrase, p_salt, kdf), db_key, "passphrase"),
            recovery_salt=r_salt,
            recovery_wrapped=_wrap(_hkdf(_recovery_bits(recovery_key), r_salt), db_key, "recovery"),
        )

    def unlock(self, passphrase: str) -> bytes:
        try:
            return _unwrap(_argon2(passphrase, self.passphrase_salt, self.kdf), self.passphrase_wrapped, "passphrase")
        except InvalidTag as exc:
            raise WrongPassphrase() from exc

    def unlock_with_recovery_key(self, recovery_key: str) -> bytes:
        try:
            return _unwrap(_hkdf(_recovery_bits(recovery_key), self.recovery_salt), self.recovery_wrapped, "recovery")
        except InvalidTag as exc:
            raise WrongRecoveryKey() from exc

    def rewrap_passphrase(self, db_key: bytes, new_passphrase: str, kdf: KdfParams | None = None) -> KeyFile:
        """A key file whose passphrase slot is rewrapped; the recovery slot is kept as is."""
        check_passphrase_strength(new_passphrase)
        kdf = kdf or self.kdf
        salt = os.urandom(16)
        return KeyFile(
            kdf=kdf,
            passphrase_salt=salt,
            passphrase_wrapped=_wrap(_argon2(new_passphrase, salt, kdf), db_key, "passphrase"),
            recovery_salt=self.recovery_salt,
            recovery_wrapped=self.recovery_wrapped,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "format": KEYFILE_FORMAT,
            "version": KEYFILE_VERSION,
            "kdf": {"name": "argon2id", **asdict(self.kdf), "salt": _b64(self.passphrase_salt)},
            "passphrase": self.passphrase_wrapped,
            "recovery": {"kdf": "hkdf-sha256", "salt": _b64(self.recovery_salt), **self.recovery_wrapped},
        }

    @classmethod
    def from_json(cls, data: Any) -> KeyFile:
        if not isinstance(data, dict) or data.get("format") != KEYFILE_FORMAT:
            raise StoreCorrupted("密钥文件已损坏或不是本程序的密钥文件")
        if not isinstance(data.get("version"), int) or data["version"] > KEYFILE_VERSION:
            raise KeyFileUnsupported()
        try:
            kdf = data["kdf"]
            recovery = data["recovery"]
            return cls(
                kdf=KdfParams(int(kdf["memory_kib"]), int(kdf["iterations"]), int(kdf["lanes"])),
                passphrase_salt=_unb64(kdf["salt"]),
                passphrase_wrapped={
                    "nonce": data["passphrase"]["nonce"],
                    "ciphertext": data["passphrase"]["ciphertext"],
                },
                recovery_salt=_unb64(recovery["salt"]),
                recovery_wrapped={"nonce": recovery["nonce"], "ciphertext": recovery["ciphertext"]},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreCorrupted("密钥文件已损坏", detail=str(exc)) from exc

    def save(self, path: Path) -> None:
        """Write atomically: a crash leaves either the old or the new file, never half of one."""
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(self.to_json(), fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            raw = path.read_text(encoding="utf-8")
            return cls.from_json(json.loads(raw))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreCorrupted("密钥文件已损坏或不是本程序的密钥文件") from exc


def new_database_key() -> bytes:
    return secrets.token_bytes(32)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
