"""Refusing weak Ed25519 public keys: small-order points and non-canonical encodings.

OpenSSL (behind ``cryptography``) verifies with the cofactorless equation and accepts any
32-byte string that decodes to a curve point. For a point of small order (the eight points of
the 8-torsion subgroup: the all-zero key is one of them) a constant signature verifies *every*
message, so a device enrolled with such a key could disown or forge its own history. We refuse:

* the encodings libsodium lists as small-order (``crypto_core_ed25519_is_valid_point`` /
  ``ge25519_has_small_order`` blacklist), including the non-canonical ``y ≥ p`` spellings;
* any key whose ``y`` coordinate is not canonical, that is not on the curve, or whose point times
  8 is the identity — the check, in plain integer arithmetic (three doublings, well under a
  millisecond), so an encoding missing from the list is still caught.
"""

from __future__ import annotations

P = 2**255 - 19
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)

# libsodium's blacklist of small-order encodings (little-endian y, top bit = sign of x).
SMALL_ORDER_ENCODINGS: frozenset[bytes] = frozenset(
    bytes.fromhex(h)
    for h in (
        "0000000000000000000000000000000000000000000000000000000000000000",  # order 4
        "0100000000000000000000000000000000000000000000000000000000000000",  # identity, order 1
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  # order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  # order 8
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # p-1, order 2
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # p (= 0), order 4
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # p+1 (= 1), order 1
    )
)


def _decode(raw: bytes) -> tuple[int, int] | None:
    """The affine point of a canonical encoding (RFC 8032 §5.1.3), or None if there is none."""
    value = int.from_bytes(raw, "little")
    sign = value >> 255
    y = value & ((1 << 255) - 1)
    if y >= P:
        return None
    u = (y * y - 1) % P
    v = (D * y * y + 1) % P
    x = (u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P)) % P
    if (v * x * x - u) % P != 0:
        x = (x * SQRT_M1) % P
        if (v * x * x - u) % P != 0:
            return None
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = P - x
    return x, y


def _double(point: tuple[int, int]) -> tuple[int, int]:
    x, y = point
    t = (D * x * x * y * y) % P
    x3 = (2 * x * y * pow((1 + t) % P, P - 2, P)) % P
    y3 = ((y * y + x * x) * pow((1 - t) % P, P - 2, P)) % P
    return x3, y3


def is_weak_public_key(raw: bytes) -> bool:
    """True for anything but a canonical encoding of a point outside the 8-torsion subgroup."""
    if len(raw) != 32 or raw in SMALL_ORDER_ENCODINGS:
        return True
    point = _decode(raw)
    if point is None:
        return True
    for _ in range(3):
        point = _double(point)
    return point == (0, 1)
