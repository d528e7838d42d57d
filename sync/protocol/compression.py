"""gzip for request and response bodies, with a cap on the decompressed size (zip-bomb guard).

Bodies under about 1 KiB are sent plain: gzip's header and the CPU are not worth it there
(sync-notes.md §6.9). Decompression is incremental and stops as soon as the output would pass
the cap, so a 10 KB bomb that inflates to 10 GB costs at most ``max_size`` bytes of memory.
"""

from __future__ import annotations

import gzip
import zlib

GZIP_THRESHOLD = 1024
_CHUNK = 64 * 1024


class DecompressedTooLarge(ValueError):
    """The body inflates past the allowed size."""


class BadCompressedBody(ValueError):
    """The body claims gzip but is not a valid gzip stream."""


def maybe_gzip(data: bytes, threshold: int = GZIP_THRESHOLD) -> tuple[bytes, bool]:
    """``(body, compressed)``: gzip ``data`` when it is at least ``threshold`` bytes long."""
    if len(data) < threshold:
        return data, False
    # mtime=0 keeps the output deterministic, so retries of one request send identical bytes.
    return gzip.compress(data, compresslevel=6, mtime=0), True


def gunzip_capped(data: bytes, max_size: int) -> bytes:
    """Inflate a gzip ``data``; raise :class:`DecompressedTooLarge` past ``max_size`` bytes."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    pending = data
    try:
        while pending:
            out += inflater.decompress(pending, max_size + 1 - len(out))
            if len(out) > max_size:
                raise DecompressedTooLarge(f"decompressed body exceeds {max_size} bytes")
            pending = inflater.unconsumed_tail
            if inflater.eof:
                break
        if not inflater.eof:
            raise BadCompressedBody("truncated gzip stream")
        if inflater.unused_data:
            # Concatenated gzip members are legal but never produced by our clients; refuse them
            # rather than silently ignoring trailing bytes.
            raise BadCompressedBody("trailing data after the gzip stream")
    except zlib.error as exc:
        raise BadCompressedBody(str(exc)) from exc
    return bytes(out)
