"""The per-branch additive checksum that proves both ends hold the same heads (sync-notes §6.13).

``sum(trunc64(sha256(record_id | current_rev | conflicted))) mod 2**64`` over every record of
the branch. Being a sum, the server updates it incrementally (subtract the old head, add the new)
in the same transaction that moves a head, and the client computes it over its copy of the
*server* heads, never over its unsynced drafts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

MOD = 1 << 64


def head_term(record_id: str, current_rev: str, conflicted: bool) -> int:
    """The contribution of one record's head."""
    text = f"{record_id}|{current_rev}|{1 if conflicted else 0}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")


def branch_checksum(heads: Iterable[tuple[str, str, bool]]) -> int:
    """The checksum of ``(record_id, current_rev, conflicted)`` triples, computed from scratch."""
    return sum(head_term(r, c, f) for r, c, f in heads) % MOD


def replace_term(checksum: int, old: tuple[str, str, bool] | None, new: tuple[str, str, bool] | None) -> int:
    """Update ``checksum`` for one head that changed from ``old`` to ``new`` (None = absent)."""
    if old is not None:
        checksum -= head_term(*old)
    if new is not None:
        checksum += head_term(*new)
    return checksum % MOD


def encode_checksum(value: int) -> str:
    """Fixed-width hex: what travels on the wire."""
    return f"{value % MOD:016x}"


def to_signed64(value: int) -> int:
    """Store an unsigned 64-bit value in a signed BIGINT column."""
    value %= MOD
    return value - MOD if value >= 1 << 63 else value


def from_signed64(value: int) -> int:
    return value % MOD
