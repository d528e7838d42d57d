"""Request and response body codings, with caps on the decompressed size (zip-bomb guard).

Four codings, chosen by measurement (docs/benchmarks.md, "Compression"):

* ``gzip`` — what every client and server has spoken since protocol 1; the fallback.
* ``zstd`` — RFC 8878 Zstandard of the UTF-8 JSON; accepted for requests (other tools).
* ``x-bl-zstd-gb18030-d1`` (:data:`MINUTES`) — the JSON text transcoded to GB18030, then Zstandard
  with dictionary 1 (``sync/protocol/dictionaries/minutes-1.zdict``, trained on branch records).
  GB18030 is a Unicode transformation (every code point round-trips) that takes two bytes per
  Chinese character where UTF-8 takes three, so the compressor sees denser text; the dictionary
  holds the record structure and the branch vocabulary, which matters most for small pages (a
  single change compresses to about 60 % of its gzip size). On a page of meeting minutes this is
  about 20 % smaller than gzip at comparable CPU.
* ``x-bl-bzip2-gb18030`` (:data:`BZIP2`) — the same GB18030 text, then bzip2 at level 9. For large
  bodies only (:data:`LARGE_BODY` and up, a push page or a big pull): the Burrows-Wheeler sort
  models mixed Chinese prose and ids better than an LZ coder, 7-8 % fewer bytes than the minutes
  coding on a 470-change page of minutes at about 0.4 s of CPU per MB of JSON; on a single change
  the dictionary coding wins (``bench wire`` and docs/benchmarks.md have the figures).

Negotiation keeps old peers working. Head office announces the codings it accepts for requests in
every reply (:data:`ENCODINGS_HEADER`); a client uses the best one announced (remembered with its
credentials) and gzip until it has heard any. A client asks for reply codings with
``Accept-Encoding``; an old client asks only for gzip and gets gzip. A server that refuses a
coding (415) makes the client fall back to gzip.

Bodies under about 1 KiB are sent plain: the header and the CPU are not worth it there
(sync-notes.md §6.9). Decompression is incremental and stops as soon as the output would pass
the cap, so a 10 KB bomb that inflates to 10 GB costs at most ``max_size`` bytes of memory.
"""

from __future__ import annotations

import bz2
import functools
import gzip
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

try:  # Python 3.14's compression.zstd, or its backport (the same API) before that
    from compression import zstd  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the Python version
    from backports import zstd  # type: ignore[no-redef]

GZIP_THRESHOLD = 1024
_CHUNK = 64 * 1024

GZIP = "gzip"
ZSTD = "zstd"
MINUTES = "x-bl-zstd-gb18030-d1"
BZIP2 = "x-bl-bzip2-gb18030"
# What head office accepts in requests, best first; it announces this list in every reply.
ACCEPTED = (MINUTES, BZIP2, ZSTD, GZIP)
# What a client asks for in replies (plain zstd is left out: urllib3 would decode it unasked).
REPLY_PREFERENCE = (MINUTES, BZIP2, GZIP)
# Bodies of this much JSON or more go in BZIP2 where the other end speaks it (below it the minutes
# coding's dictionary wins; measured crossover about 80 KB).
LARGE_BODY = 128 * 1024
BZIP2_LEVEL = 9
ENCODINGS_HEADER = "X-BranchLedger-Encodings"
DICTIONARY_FILE = Path(__file__).resolve().parent / "dictionaries" / "minutes-1.zdict"
MINUTES_LEVEL = 9  # replies, and requests until the link has been measured (see level_for_link)


class DecompressedTooLarge(ValueError):
    """The body inflates past the allowed size."""


class BadCompressedBody(ValueError):
    """The body claims a coding but is not a valid stream of it."""


class UnsupportedEncoding(ValueError):
    """A coding this end does not speak."""


@functools.cache
def minutes_dictionary() -> zstd.ZstdDict:
    return zstd.ZstdDict(DICTIONARY_FILE.read_bytes())


# Below this size a body is compressed with the dictionary *digested* (prepared once per level and
# kept in the ZstdDict) instead of loaded into every compression: the same bytes, in about half
# the CPU on a 10 KB reply (issue 15: head office compresses every sync reply on its event loop).
# Above it zstd picks other parameters for a digested dictionary (a few % more bytes on a 1 MB
# page), so large bodies keep the plain load; tests/sync/test_wire_compression.py checks both.
DIGESTED_BELOW = 64 * 1024


def _minutes_dict_for(size: int) -> Any:
    dictionary = minutes_dictionary()
    return dictionary.as_digested_dict if size < DIGESTED_BELOW else dictionary


@functools.cache
def spoken() -> tuple[str, ...]:
    """The codings this installation can use: the minutes coding only if its dictionary loads (a
    broken install then speaks gzip and zstd rather than failing every sync)."""
    try:
        minutes_dictionary()
    except (OSError, zstd.ZstdError):
        return tuple(c for c in ACCEPTED if c != MINUTES)
    return ACCEPTED


def maybe_gzip(data: bytes, threshold: int = GZIP_THRESHOLD) -> tuple[bytes, bool]:
    """``(body, compressed)``: gzip ``data`` when it is at least ``threshold`` bytes long."""
    if len(data) < threshold:
        return data, False
    # mtime=0 keeps the output deterministic, so retries of one request send identical bytes.
    return gzip.compress(data, compresslevel=6, mtime=0), True


def encode(data: bytes, coding: str, level: int | None = None) -> bytes:
    """``data`` (UTF-8 JSON) in ``coding``; deterministic, so a retried request sends the same bytes."""
    if coding == GZIP:
        return gzip.compress(data, compresslevel=6 if level is None else level, mtime=0)
    if coding == ZSTD:
        return zstd.compress(data, level=3 if level is None else level)
    if coding == MINUTES:
        text = data.decode("utf-8").encode("gb18030")
        return zstd.compress(text, level=MINUTES_LEVEL if level is None else level,
                             zstd_dict=_minutes_dict_for(len(text)))
    if coding == BZIP2:
        return bz2.compress(data.decode("utf-8").encode("gb18030"), BZIP2_LEVEL)
    raise UnsupportedEncoding(coding)


def decode(data: bytes, coding: str, max_size: int) -> bytes:
    """The UTF-8 JSON inside ``data``; :class:`DecompressedTooLarge` past ``max_size`` bytes."""
    coding = coding.strip().lower()
    if coding == GZIP:
        return gunzip_capped(data, max_size)
    if coding == ZSTD:
        return _unzstd_capped(data, max_size, None)
    if coding in (MINUTES, BZIP2):
        if coding == MINUTES:  # the digested dictionary: the same output, not prepared per body
            text = _unzstd_capped(data, max_size, minutes_dictionary().as_digested_dict)
        else:
            text = _bunzip_capped(data, max_size)
        try:
            out = text.decode("gb18030").encode("utf-8")
        except UnicodeError as exc:
            raise BadCompressedBody(f"not GB18030 text: {exc}") from exc
        if len(out) > max_size:  # UTF-8 is up to 1.5 times the GB18030 size
            raise DecompressedTooLarge(f"decompressed body exceeds {max_size} bytes")
        return out
    raise UnsupportedEncoding(coding)


class Stream:
    """One body compressed in pieces: ``compress(start)`` early, ``finish(end)`` later.

    The result decodes like :func:`encode` of the whole (one gzip member or one zstd frame), so the
    receiver cannot tell. The pieces must split the JSON text between characters; ours split it
    at ASCII punctuation, so transcoding each piece to GB18030 equals transcoding the whole.
    """

    def __init__(self, coding: str, level: int | None = None) -> None:
        self.coding = coding
        if coding == GZIP:
            self._zlib = zlib.compressobj(6 if level is None else level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        elif coding == BZIP2:
            self._bz2 = bz2.BZ2Compressor(BZIP2_LEVEL)
        elif coding in (ZSTD, MINUTES):
            dictionary = minutes_dictionary() if coding == MINUTES else None
            chosen = (MINUTES_LEVEL if coding == MINUTES else 3) if level is None else level
            self._zstd = zstd.ZstdCompressor(level=chosen, zstd_dict=dictionary)
        else:
            raise UnsupportedEncoding(coding)

    def _text(self, data: bytes) -> bytes:
        return data.decode("utf-8").encode("gb18030") if self.coding in (MINUTES, BZIP2) else data

    def compress(self, data: bytes) -> bytes:
        if self.coding == GZIP:
            return self._zlib.compress(data)
        if self.coding == BZIP2:
            return self._bz2.compress(self._text(data))
        return self._zstd.compress(self._text(data))

    def finish(self, data: bytes) -> bytes:
        if self.coding == GZIP:
            return self._zlib.compress(data) + self._zlib.flush()
        if self.coding == BZIP2:
            return self._bz2.compress(self._text(data)) + self._bz2.flush()
        return self._zstd.compress(self._text(data), mode=zstd.ZstdCompressor.FLUSH_FRAME)


def choose(offered: Iterable[str], preference: Iterable[str] = ACCEPTED) -> str | None:
    """The first of ``preference`` that ``offered`` (a header's comma-separated tokens) contains."""
    tokens = {t.split(";", 1)[0].strip().lower() for t in offered if t.strip()}
    return next((c for c in preference if c in tokens), None)


def for_size(coding: str, size: int, offered: Iterable[str]) -> str:
    """``coding``, or :data:`BZIP2` for a body of :data:`LARGE_BODY` bytes or more when ``offered``
    (the other end's codings) has it and this installation speaks the minutes coding's text form."""
    if size >= LARGE_BODY and coding == MINUTES and BZIP2 in set(offered):
        return BZIP2
    return coding


def split_header(value: str | None) -> list[str]:
    return [t.split(";", 1)[0].strip().lower() for t in (value or "").split(",") if t.strip()]


def level_for_link(bits_per_second: float | None) -> int:
    """A zstd level whose CPU (on a slow laptop) stays under the time the link needs for the output.

    Measured on a 2 MB page of minutes (docs/benchmarks.md): level 9 ≈ 0.1 s, level 12 ≈ 1 s for
    2 % fewer bytes, level 15 ≈ 2 s for 5 % fewer. A pipelined client compresses the next page
    while the current one is on the wire, so on a slow link the higher levels cost no time.
    """
    if bits_per_second is None or bits_per_second > 8e6:
        return MINUTES_LEVEL
    return 12 if bits_per_second > 1.5e6 else 15


def _unzstd_capped(data: bytes, max_size: int, dictionary: Any) -> bytes:
    try:
        inflater = zstd.ZstdDecompressor(zstd_dict=dictionary) if dictionary else zstd.ZstdDecompressor()
        out = _drain_capped(inflater, data, max_size)
        if not inflater.eof:
            raise BadCompressedBody("truncated zstd stream")
        if inflater.unused_data:
            raise BadCompressedBody("trailing data after the zstd frame")
    except zstd.ZstdError as exc:
        raise BadCompressedBody(str(exc)) from exc
    return bytes(out)


def _drain_capped(inflater: Any, data: bytes, max_size: int) -> bytearray:
    """Feed ``data`` to a zstd or bz2 decompressor (both take ``max_length`` and report ``eof`` /
    ``needs_input``), never holding more than ``max_size`` + 1 bytes: a bomb stops at the cap."""
    out = bytearray()
    pending = data
    while True:
        out += inflater.decompress(pending, max_size + 1 - len(out))
        pending = b""
        if len(out) > max_size:
            raise DecompressedTooLarge(f"decompressed body exceeds {max_size} bytes")
        if inflater.eof or inflater.needs_input:
            return out


def _bunzip_capped(data: bytes, max_size: int) -> bytes:
    inflater = bz2.BZ2Decompressor()
    try:
        out = _drain_capped(inflater, data, max_size)
    except (OSError, EOFError, ValueError) as exc:
        if isinstance(exc, DecompressedTooLarge):
            raise
        raise BadCompressedBody(str(exc)) from exc
    if not inflater.eof:
        raise BadCompressedBody("truncated bzip2 stream")
    if inflater.unused_data:
        raise BadCompressedBody("trailing data after the bzip2 stream")
    return bytes(out)


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
