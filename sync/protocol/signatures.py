"""Ed25519 signatures over each change: proof of which device (or head office) wrote what.

The signed bytes are the canonical JSON of ``(record_id, rev, parents, device_id, author, hlc,
kind)``; the rev already binds the body, status and deletion, so the signature covers the whole
revision without re-hashing the body (sync-notes.md §6.2). A domain-separation prefix keeps these
signatures from being valid for any other message the same key might ever sign.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from sync.protocol.canonical import canonical_json
from sync.protocol.weakkeys import is_weak_public_key

SIGNATURE_CONTEXT = b"branchledger/change-signature/v1\n"
ATTESTATION_CONTEXT = b"branchledger/hq-attestation/v1\n"
ROTATION_CONTEXT = b"branchledger/hq-key-rotation/v1\n"
RENEWAL_CONTEXT = b"branchledger/token-renewal/v1\n"
HQ_DEVICE_ID = "hq"  # the device_id signed for changes head office writes itself


class BadKey(ValueError):
    """Key material that is not a raw 32-byte Ed25519 key in base64."""


class WeakKey(BadKey):
    """A public key of small order (or non-canonical): a constant signature would verify anything."""


class BadSignature(ValueError):
    """A signature that does not verify."""


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError("not base64") from exc


def signing_bytes(
    *, record_id: str, rev: str, parents: Sequence[str], device_id: str, author: str, hlc: str, kind: str
) -> bytes:
    """The exact bytes a change's signature covers."""
    return SIGNATURE_CONTEXT + canonical_json(_revision_claim(record_id, rev, parents, device_id, author, hlc, kind))


def _revision_claim(
    record_id: str, rev: str, parents: Sequence[str], device_id: str | None, author: str, hlc: str, kind: str
) -> dict[str, object]:
    """Who wrote which revision of which record: what both signatures over a revision cover."""
    return {
        "record_id": record_id,
        "rev": rev,
        "parents": sorted(parents),
        "device_id": device_id,
        "author": author,
        "hlc": hlc,
        "kind": kind,
    }


def attestation_bytes(
    *,
    branch_id: str,
    record_id: str,
    rev: str,
    parents: Sequence[str],
    device_id: str | None,
    author: str,
    hlc: str,
    kind: str,
) -> bytes:
    """What head office signs for every revision it delivers: this branch, this revision, this writer.

    The rev binds body, status and deletion; ``device_id`` None means head office wrote it. A
    client that checks this for every pulled change cannot be handed a revision head office did
    not deliver to its branch, whatever ``device_id`` it claims.
    """
    payload = {"branch_id": branch_id, **_revision_claim(record_id, rev, parents, device_id, author, hlc, kind)}
    return ATTESTATION_CONTEXT + canonical_json(payload)


def rotation_bytes(*, previous: str, next_key: str, at: str) -> bytes:
    """What the outgoing head-office key signs to hand over to ``next_key``."""
    return ROTATION_CONTEXT + canonical_json({"previous": previous, "next": next_key, "at": at})


def renewal_bytes(*, device_id: str, token: str) -> bytes:
    """What a device signs to renew ``token`` (its digest only: the signature never reveals it)."""
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
    return RENEWAL_CONTEXT + canonical_json({"device_id": device_id, "token_sha256": digest})


@dataclass(frozen=True)
class SigningKey:
    """A device's (or head office's) private Ed25519 key."""

    _key: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_bytes(cls, raw: bytes) -> SigningKey:
        try:
            return cls(Ed25519PrivateKey.from_private_bytes(raw))
        except ValueError as exc:
            raise BadKey("an Ed25519 private key is 32 raw bytes") from exc

    def to_bytes(self) -> bytes:
        """The raw 32-byte seed; store it only inside the encrypted database."""
        return self._key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    def public_key_b64(self) -> str:
        return b64encode(self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    def sign(self, message: bytes) -> str:
        return b64encode(self._key.sign(message))


def load_public_key(public_key_b64: str) -> Ed25519PublicKey:
    """Parse a base64 raw public key as sent at enrolment; weak keys raise :class:`WeakKey`."""
    try:
        raw = b64decode(public_key_b64)
        key = Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise BadKey("an Ed25519 public key is 32 raw bytes in base64") from exc
    if is_weak_public_key(raw):
        raise WeakKey("the public key is of small order or not canonically encoded")
    return key


def verify(public_key_b64: str, message: bytes, signature_b64: str) -> None:
    """Raise :class:`BadSignature` unless ``signature_b64`` is valid for ``message``."""
    key = load_public_key(public_key_b64)
    try:
        key.verify(b64decode(signature_b64), message)
    except (InvalidSignature, ValueError) as exc:
        raise BadSignature("signature does not verify") from exc
