"""Pull cursors: opaque to the client, MACed by the server, bound to one branch and one epoch.

A cursor is ``base64url(json{v, e, b, s}) "." base64url(hmac)``: version, server epoch, branch id
and the branch sequence already delivered. The client stores it and sends it back; it never
looks inside. The MAC stops a client from forging a cursor for another branch or a future seq;
the epoch lets the server notice a restored or replaced database and make the client re-verify
instead of trusting a position in a history that no longer exists (sync-notes.md §6.7).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass

CURSOR_VERSION = 1


class BadCursor(ValueError):
    """A cursor that is malformed or whose MAC does not verify."""


@dataclass(frozen=True)
class Cursor:
    epoch: str
    branch_id: str
    seq: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise BadCursor("cursor is not base64url") from exc


def encode_cursor(cursor: Cursor, secret: bytes) -> str:
    payload = json.dumps(
        {"v": CURSOR_VERSION, "e": cursor.epoch, "b": cursor.branch_id, "s": cursor.seq},
        separators=(",", ":"),
        sort_keys=True,
    ).encode()
    mac = hmac.new(secret, payload, hashlib.sha256).digest()[:16]
    return f"{_b64(payload)}.{_b64(mac)}"


def peek_cursor(text: str) -> Cursor:
    """Parse without checking the MAC: only to learn the epoch, which is compared before the MAC
    (a database restored elsewhere has a new secret *and* a new epoch; the epoch explains why)."""
    payload_text, sep, _mac = text.partition(".")
    if not sep:
        raise BadCursor("cursor has no MAC")
    try:
        data = json.loads(_unb64(payload_text))
        if data.get("v") != CURSOR_VERSION:
            raise BadCursor("unknown cursor version")
        seq = data["s"]
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise BadCursor("bad cursor sequence")
        return Cursor(epoch=str(data["e"]), branch_id=str(data["b"]), seq=seq)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        if isinstance(exc, BadCursor):
            raise
        raise BadCursor("cursor payload is not valid") from exc


def decode_cursor(text: str, secret: bytes) -> Cursor:
    """Parse and authenticate a cursor produced by :func:`encode_cursor` with ``secret``."""
    cursor = peek_cursor(text)
    payload_text, _, mac_text = text.partition(".")
    expected = hmac.new(secret, _unb64(payload_text), hashlib.sha256).digest()[:16]
    if not hmac.compare_digest(expected, _unb64(mac_text)):
        raise BadCursor("cursor MAC does not verify")
    return cursor
