"""Key hierarchy: the passphrase and the recovery key each wrap one random database key.

The database key (256 random bits) opens SQLCipher as a raw key, so SQLCipher runs no KDF of its
own. The passphrase goes through Argon2id (memory-hard, tuned to ~0.3–1 s here) to a key-encryption
key; the recovery key (160 random bits, shown once) goes through HKDF, since it has full entropy.
Each KEK wraps the database key with AES-256-GCM. Changing the passphrase rewrites only this small
file, never the database (design.md, "The local store").

Redundancy (issue 11): each slot carries its own checksum, so damage to one slot is reported as
damage — never as "wrong passphrase" — and does not take the other slot with it; a flipped byte in
the recovery salt is detected when the file is read, not the day the recovery key is needed. Every
backup holds a copy of this file (backups.py), and ``key_id`` (an HMAC of the database key, which
never changes) tells which backups belong to this ledger without unlocking anything.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop_app.store.atomic import atomic_write_text
from desktop_app.store.errors import (
    KeyFileUnsupported,
    KeySlotDamaged,
    StoreCorrupted,
    WeakPassphrase,
    WrongPassphrase,
    WrongRecoveryKey,
)
from domain.i18n import N_, t

KEYFILE_FORMAT = "branch-ledger-keyfile"
KEYFILE_VERSION = 2  # 2: per-slot checksums and key_id; version 1 files are read and upgraded
WRAP_VERSION = 1  # bound into each wrap's associated data; unchanged since version 1 files
MIN_PASSPHRASE_CHARS = 8
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # Crockford-like: no 0/O, 1/I
PASSPHRASE_SLOT, RECOVERY_SLOT = "passphrase", "recovery"


class KeyFileDamaged(StoreCorrupted):
    message = N_("密钥文件已损坏或不是本程序的密钥文件")


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
        raise WrongRecoveryKey(t("恢复密钥格式不正确：应为 8 组、每组 4 个字符"))
    return normalized.encode("ascii")


def _wrap(kek: bytes, db_key: bytes, label: str) -> dict[str, str]:
    nonce = os.urandom(12)
    return {"nonce": _b64(nonce), "ciphertext": _b64(AESGCM(kek).encrypt(nonce, db_key, _aad(label)))}


def _unwrap(kek: bytes, wrapped: dict[str, str], label: str) -> bytes:
    return AESGCM(kek).decrypt(_unb64(wrapped["nonce"]), _unb64(wrapped["ciphertext"]), _aad(label))


def _aad(label: str) -> bytes:
    return f"{KEYFILE_FORMAT}:v{WRAP_VERSION}:{label}".encode()


def _checksum(obj: Any) -> str:
    canonical = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()[:32]


def key_id_of(db_key: bytes) -> str:
    """A public name for a database key: the same for every backup of one ledger, reveals nothing."""
    return hmac.new(db_key, b"branch-ledger key id", hashlib.sha256).hexdigest()[:16]


def check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise WeakPassphrase()


@dataclass
class KeyFile:
    """The on-disk key file: KDF parameters, salts and the two wrapped copies of the database key.

    ``damaged`` names the slots whose checksum failed when the file was read; ``legacy`` marks a
    version 1 file (no checksums), which :meth:`upgraded` turns into a version 2 one.
    """

    kdf: KdfParams
    passphrase_salt: bytes
    passphrase_wrapped: dict[str, str]
    recovery_salt: bytes
    recovery_wrapped: dict[str, str]
    key_id: str = ""
    damaged: frozenset[str] = field(default_factory=frozenset)
    legacy: bool = False

    @classmethod
    def create(cls, db_key: bytes, passphrase: str, recovery_key: str, kdf: KdfParams) -> KeyFile:
        check_passphrase_strength(passphrase)
        p_salt = os.urandom(16)
        return cls(
            kdf=kdf,
            passphrase_salt=p_salt,
            passphrase_wrapped=_wrap(_argon2(passphrase, p_salt, kdf), db_key, PASSPHRASE_SLOT),
            recovery_salt=b"",
            recovery_wrapped={},
            key_id=key_id_of(db_key),
        ).with_recovery_key(db_key, recovery_key)

    def unlock(self, passphrase: str) -> bytes:
        if PASSPHRASE_SLOT in self.damaged:
            raise KeySlotDamaged(slot=PASSPHRASE_SLOT)
        try:
            return _unwrap(_argon2(passphrase, self.passphrase_salt, self.kdf), self.passphrase_wrapped,
                           PASSPHRASE_SLOT)
        except InvalidTag as exc:
            raise WrongPassphrase() from exc

    def unlock_with_recovery_key(self, recovery_key: str) -> bytes:
        if RECOVERY_SLOT in self.damaged:
            raise KeySlotDamaged(t("密钥文件中保存恢复密钥的部分已损坏。请用密码解锁后重新生成恢复密钥，或从备份恢复"),
                                 slot=RECOVERY_SLOT)
        try:
            return _unwrap(_hkdf(_recovery_bits(recovery_key), self.recovery_salt), self.recovery_wrapped,
                           RECOVERY_SLOT)
        except InvalidTag as exc:
            raise WrongRecoveryKey() from exc

    def rewrap_passphrase(self, db_key: bytes, new_passphrase: str, kdf: KdfParams | None = None) -> KeyFile:
        """A key file whose passphrase slot is rewrapped; the recovery slot is kept as is."""
        check_passphrase_strength(new_passphrase)
        kdf = kdf or self.kdf
        salt = os.urandom(16)
        return replace(
            self,
            kdf=kdf,
            passphrase_salt=salt,
            passphrase_wrapped=_wrap(_argon2(new_passphrase, salt, kdf), db_key, PASSPHRASE_SLOT),
            key_id=key_id_of(db_key),
            damaged=self.damaged - {PASSPHRASE_SLOT},
            legacy=False,
        )

    def with_recovery_key(self, db_key: bytes, recovery_key: str) -> KeyFile:
        """A key file whose recovery slot wraps ``db_key`` under a new recovery key (re-issue)."""
        salt = os.urandom(16)
        return replace(
            self,
            recovery_salt=salt,
            recovery_wrapped=_wrap(_hkdf(_recovery_bits(recovery_key), salt), db_key, RECOVERY_SLOT),
            key_id=key_id_of(db_key),
            damaged=self.damaged - {RECOVERY_SLOT},
            legacy=False,
        )

    def upgraded(self, db_key: bytes) -> KeyFile:
        """This file as version 2 (checksums, key id), once ``db_key`` proved the content good."""
        return replace(self, key_id=key_id_of(db_key), legacy=False)

    # ------------------------------------------------------------------ format

    def _passphrase_slot(self) -> dict[str, Any]:
        return {
            "kdf": {"name": "argon2id", **_kdf_dict(self.kdf), "salt": _b64(self.passphrase_salt)},
            "nonce": self.passphrase_wrapped["nonce"],
            "ciphertext": self.passphrase_wrapped["ciphertext"],
        }

    def _recovery_slot(self) -> dict[str, Any]:
        return {"kdf": "hkdf-sha256", "salt": _b64(self.recovery_salt), **self.recovery_wrapped}

    def to_json(self) -> dict[str, Any]:
        """The file's JSON; a damaged slot is written as ``{"damaged": true}`` (still damaged when
        read back), so the intact slot survives a rewrite or a backup copy."""
        out: dict[str, Any] = {"format": KEYFILE_FORMAT, "version": KEYFILE_VERSION, "key_id": self.key_id}
        if PASSPHRASE_SLOT in self.damaged:
            out["passphrase"] = {"damaged": True}
        else:
            p_slot = self._passphrase_slot()
            out["kdf"] = p_slot["kdf"]
            out["passphrase"] = {"nonce": p_slot["nonce"], "ciphertext": p_slot["ciphertext"],
                                 "checksum": _checksum(p_slot)}
        if RECOVERY_SLOT in self.damaged:
            out["recovery"] = {"damaged": True}
        else:
            r_slot = self._recovery_slot()
            out["recovery"] = {**r_slot, "checksum": _checksum(r_slot)}
        return out

    @classmethod
    def from_json(cls, data: Any) -> KeyFile:
        if not isinstance(data, dict) or data.get("format") != KEYFILE_FORMAT:
            raise KeyFileDamaged()
        version = data.get("version")
        if not isinstance(version, int) or version < 1:
            raise KeyFileDamaged(detail="version")
        if version > KEYFILE_VERSION:
            raise KeyFileUnsupported()
        legacy = version == 1
        damaged: set[str] = set()
        kdf, p_salt, p_wrapped = KdfParams(), b"", {"nonce": "", "ciphertext": ""}
        try:
            p_obj = data["passphrase"]
            p_slot = {"kdf": data["kdf"], "nonce": p_obj["nonce"], "ciphertext": p_obj["ciphertext"]}
            if not legacy and p_obj.get("checksum") != _checksum(p_slot):
                raise ValueError("passphrase slot checksum")
            kdf_obj = p_slot["kdf"]
            kdf = KdfParams(int(kdf_obj["memory_kib"]), int(kdf_obj["iterations"]), int(kdf_obj["lanes"]))
            p_salt = _unb64(kdf_obj["salt"])
            p_wrapped = {"nonce": str(p_obj["nonce"]), "ciphertext": str(p_obj["ciphertext"])}
            _unb64(p_wrapped["nonce"]), _unb64(p_wrapped["ciphertext"])
        except (KeyError, TypeError, ValueError, AttributeError):
            damaged.add(PASSPHRASE_SLOT)
        r_salt, r_wrapped = b"", {"nonce": "", "ciphertext": ""}
        try:
            r_obj = dict(data["recovery"])
            r_slot = {k: v for k, v in r_obj.items() if k != "checksum"}
            if not legacy and r_obj.get("checksum") != _checksum(r_slot):
                raise ValueError("recovery slot checksum")
            r_salt = _unb64(r_slot["salt"])
            r_wrapped = {"nonce": str(r_slot["nonce"]), "ciphertext": str(r_slot["ciphertext"])}
            _unb64(r_wrapped["nonce"]), _unb64(r_wrapped["ciphertext"])
        except (KeyError, TypeError, ValueError, AttributeError):
            damaged.add(RECOVERY_SLOT)
        if len(damaged) == 2:
            raise KeyFileDamaged(t("密钥文件已损坏：密码和恢复密钥两部分都无法读取"))
        key_id = str(data["key_id"]) if isinstance(data.get("key_id"), str) else ""
        return cls(kdf, p_salt, p_wrapped, r_salt, r_wrapped, key_id=key_id, damaged=frozenset(damaged),
                   legacy=legacy)

    def save(self, path: Path) -> None:
        """Write atomically: a crash leaves either the old or the new file, never half of one."""
        atomic_write_text(path, json.dumps(self.to_json(), indent=2))

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        return cls.from_bytes(path.read_bytes())

    @classmethod
    def from_bytes(cls, raw: bytes) -> KeyFile:
        try:
            return cls.from_json(json.loads(raw.decode("utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise KeyFileDamaged() from exc


def peek_key_id(path: Path) -> str:
    """The ``key_id`` of a key file without judging the rest of it ("" when unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return ""
    value = data.get("key_id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else ""


def _kdf_dict(params: KdfParams) -> dict[str, int]:
    return {"memory_kib": params.memory_kib, "iterations": params.iterations, "lanes": params.lanes}


def new_database_key() -> bytes:
    return secrets.token_bytes(32)
