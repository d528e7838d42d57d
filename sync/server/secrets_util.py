"""Random credentials and their stored form: the server keeps only SHA-256 digests.

Tokens and codes are high-entropy random values, so a plain SHA-256 (no salt, no slow KDF) is
enough: there is nothing to brute-force from the digest, and lookups stay a single index probe.
"""

from __future__ import annotations

import hashlib
import secrets

# No 0/O/1/I/L: codes are read out over the phone and typed by clerks.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS, CODE_GROUP_LEN = 4, 4  # 16 symbols ≈ 79 bits


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_enrol_code() -> str:
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LEN)) for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


def normalize_code(code: str) -> str:
    """Accept codes typed with spaces, dashes or lower case."""
    return "".join(ch for ch in code.upper() if ch.isalnum())
