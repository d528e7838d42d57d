"""HTTP transport to head office: one keep-alive session, verified TLS, compression, stall detection.

- TLS verification is always on; ``ca_bundle`` adds a head office's own CA (``verify=path``).
  Plain ``http://`` is refused except to loopback (development and tests).
- A reply counts only if it carries our protocol header and a JSON content type: a captive
  portal's HTML 200, a proxy's error page or a redirect is an error, never data (§6.14).
- There is no total timeout. A transfer fails when no byte moves for ``stall_timeout`` seconds
  (the socket read timeout), so a slow but moving link on 64 kbit/s still completes.
- Network errors, 5xx, 408 and 429 are retried with full-jitter back-off, honouring Retry-After.
  The sync endpoint is idempotent, so retrying a POST is safe (sync-notes §6.6). Head office's
  other refusals become typed errors (errors.py) the engine acts on: 413 → smaller batches,
  401 token_expired → renew, 403 quota_exceeded → pull only; none of them drops local data.
- Compression is negotiated (sync/protocol/compression.py): requests use the best coding head
  office announced (``encodings``, remembered with the credentials; gzip until one is known), at
  a level suited to the uplink head office measured (``Server-Timing: recv``); replies are asked
  for in the minutes coding or gzip. A 415 makes the transport fall back to gzip and resend.
- :meth:`Transport.prepare` compresses a body ahead of time, so the engine can build and compress
  the next page while the current one is in flight (it runs in the engine's worker thread).
- Pipelined pages (protocol 3): ``post_json(side=True)`` sends on a second keep-alive connection
  while the first waits for its reply, and ``written`` is set once a body's last byte has been
  handed to the socket, so the engine starts the next upload only then (two uploads at once would
  split the uplink and delay the page head office could already be applying).
"""

from __future__ import annotations

import ipaddress
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from domain.i18n import t
from sync.client import errors
from sync.client.backoff import RetryPolicy, parse_retry_after
from sync.protocol import compression
from sync.protocol.compression import ENCODINGS_HEADER, GZIP, GZIP_THRESHOLD, REPLY_PREFERENCE
from sync.protocol.versions import (
    COMPACT_HEADER,
    IDEMPOTENCY_HEADER,
    JSON_CONTENT_TYPE,
    MAX_PROTOCOL_HEADER,
    PROTOCOL_HEADER,
)

DEFAULT_CONNECT_TIMEOUT = 15.0
DEFAULT_STALL_TIMEOUT = 60.0
MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # inflated; a zip-bomb guard for replies
_CHUNK = 16 * 1024
_RECV_TIMING = re.compile(r'recv;dur=([0-9.]+);desc="([0-9]+)"')
MIN_TIMED_BYTES = 32 * 1024  # smaller bodies say more about the round trip than about the link


@dataclass(frozen=True)
class Prepared:
    """A request body compressed ahead of sending (:meth:`Transport.prepare`)."""

    payload: bytes  # the JSON, kept for a resend in another coding
    body: bytes
    coding: str | None  # None: sent as it is


@dataclass
class Partial:
    """The compressed start of a body whose end is not known yet (:meth:`Transport.prepare_start`)."""

    prefix: bytes
    coding: str
    stream: compression.Stream
    head: bytes


class _WrittenBody:
    """A request body that sets ``written`` when its last byte has been read for the socket.

    ``__len__`` gives requests the Content-Length (no chunked encoding); urllib3 reads it in blocks
    and sends each before reading the next, so the empty read comes after the last block went out."""

    def __init__(self, data: bytes, written: threading.Event) -> None:
        self._data = memoryview(data)
        self._pos = 0
        self._written = written

    def __len__(self) -> int:
        return len(self._data)

    def getvalue(self) -> bytes:
        """The whole body (for a hook that looks at what was sent)."""
        return self._data.tobytes()

    def read(self, size: int = -1) -> bytes:
        if self._pos >= len(self._data):
            self._written.set()
            return b""
        end = len(self._data) if size is None or size < 0 else self._pos + size
        chunk = self._data[self._pos:end].tobytes()
        self._pos += len(chunk)
        return chunk


@dataclass
class Exchange:
    """Counters of one logical request (all its attempts)."""

    attempts: int = 0
    bytes_up: int = 0  # request bodies as sent (compressed), all attempts
    bytes_down: int = 0  # response bodies as received (compressed), all attempts


def is_loopback_host(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(base_url: str) -> str:
    """Normalise ``base_url`` and refuse plain HTTP to anything but loopback."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise errors.InsecureTransport(t("总部服务器地址无效，应为 https://主机名[:端口]"), detail=base_url)
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise errors.InsecureTransport(detail=base_url)
    return base_url.strip().rstrip("/")


class Transport:
    """Posts JSON to head office and returns the parsed JSON reply (or raises a SyncError)."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        ca_bundle: str | None = None,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        stall_timeout: float = DEFAULT_STALL_TIMEOUT,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        user_agent: str = "BranchLedger",
        encodings: Sequence[str] | None = None,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.token = token
        self.verify: str | bool = ca_bundle or True
        self.timeout = (connect_timeout, stall_timeout)
        self.retry = retry or RetryPolicy()
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.session.headers["Accept-Encoding"] = ", ".join(c for c in REPLY_PREFERENCE if c in compression.spoken())
        self._sleep = sleep
        # What head office announced in its last reply (None: not heard yet): request codings and
        # the compact-body fingerprint; ``encodings`` seeds the first from the credentials.
        self.server_encodings: list[str] | None = list(encodings) if encodings is not None else None
        self.server_compact: str | None = None
        self.server_protocol: int | None = None  # the highest sync protocol head office announced
        self.uplink_bps: float | None = None  # as head office measured our last large body
        self.last_reply_coding: str | None = None  # the Content-Encoding of the last reply (benchmarks)
        self._lock = threading.Lock()  # prepare() may run in the engine's worker thread
        self._side: requests.Session | None = None  # the second connection of pipelined pages

    @property
    def request_coding(self) -> str:
        """The best coding head office accepts that this client speaks (gzip when unknown)."""
        return compression.choose(self.server_encodings or (), compression.spoken()) or GZIP

    def prepare_start(self, prefix: bytes) -> Partial:
        """Compress the start of a body now (in the engine's worker thread, while another request is
        in flight); :meth:`prepare_finish` adds the end once it is known. Thread-safe; no network."""
        with self._lock:
            coding, level = self._coding_for(len(prefix)), compression.level_for_link(self.uplink_bps)
        stream = compression.Stream(coding, level)
        return Partial(prefix, coding, stream, stream.compress(prefix))

    def prepare_finish(self, partial: Partial, tail: bytes) -> Prepared:
        """The whole body: ``partial``'s start, then ``tail``; the same coding as the start."""
        body = partial.head + partial.stream.finish(tail)
        return Prepared(partial.prefix + tail, body, partial.coding)

    def prepare(self, payload: bytes) -> Prepared:
        """Compress ``payload`` for the next request (thread-safe; no network)."""
        if len(payload) < GZIP_THRESHOLD:
            return Prepared(payload, payload, None)
        with self._lock:
            coding, level = self._coding_for(len(payload)), compression.level_for_link(self.uplink_bps)
        if coding == GZIP:
            return Prepared(payload, compression.encode(payload, GZIP), GZIP)
        return Prepared(payload, compression.encode(payload, coding, level), coding)

    def _coding_for(self, size: int) -> str:
        """The request coding for a body of ``size`` JSON bytes (large ones: compression.for_size)."""
        coding = self.request_coding
        return compression.for_size(coding, size, (c for c in self.server_encodings or () if c in compression.spoken()))

    def close(self) -> None:
        self.session.close()
        if self._side is not None:
            self._side.close()
            self._side = None

    def _session_for(self, side: bool) -> requests.Session:
        """The main session, or (``side``) a second one with the same headers and hooks: its own connection."""
        if not side:
            return self.session
        with self._lock:
            if self._side is None:
                self._side = requests.Session()
                self._side.headers.update(self.session.headers)
                self._side.hooks = self.session.hooks  # the same hooks (tests and benchmarks watch them)
            return self._side

    # ------------------------------------------------------------------ public

    def post_json(
        self,
        path: str,
        payload: bytes | Prepared,
        *,
        auth: bool = True,
        idempotency_key: str | None = None,
        exchange: Exchange | None = None,
        side: bool = False,
        written: threading.Event | None = None,
    ) -> dict[str, Any]:
        """POST ``payload`` (JSON bytes, or a :class:`Prepared` body) with retries; the reply's JSON.

        ``side``: on the second connection (a pipelined page); ``written`` is set when the body has
        been sent (on each attempt)."""
        prepared = payload if isinstance(payload, Prepared) else self.prepare(payload)
        session = self._session_for(side)
        try:
            return self._post(path, prepared, auth=auth, idempotency_key=idempotency_key, exchange=exchange,
                              session=session, written=written)
        except errors.RequestRejected as exc:
            if exc.code != "unsupported_encoding" or prepared.coding in (None, GZIP):
                raise
            # Head office no longer speaks what it once announced (a downgrade): gzip, as always.
            self.server_encodings = [GZIP]
            return self._post(path, self.prepare(prepared.payload), auth=auth, idempotency_key=idempotency_key,
                              exchange=exchange, session=session, written=written)

    def _post(
        self,
        path: str,
        prepared: Prepared,
        *,
        auth: bool,
        idempotency_key: str | None,
        exchange: Exchange | None,
        session: requests.Session | None = None,
        written: threading.Event | None = None,
    ) -> dict[str, Any]:
        exchange = exchange if exchange is not None else Exchange()
        body = prepared.body
        headers = {
            "Content-Type": JSON_CONTENT_TYPE,
            IDEMPOTENCY_HEADER: idempotency_key or str(uuid.uuid4()),
        }
        if prepared.coding is not None:
            headers["Content-Encoding"] = prepared.coding
        if auth:
            if not self.token:
                raise errors.NotEnrolled()
            headers["Authorization"] = f"Bearer {self.token}"
        attempt = 0
        while True:
            attempt += 1
            exchange.attempts += 1
            try:
                return self._once(self.base_url + path, body, headers, exchange, session, written)
            except (errors.NetworkError, errors.ServerUnavailable) as exc:
                if attempt >= self.retry.attempts:
                    raise
                hint = exc.retry_after if isinstance(exc, errors.ServerUnavailable) else None
                self._sleep(self.retry.delay(attempt, hint))

    # ------------------------------------------------------------------ one attempt

    def _once(self, url: str, body: bytes, headers: dict[str, str], exchange: Exchange,
              session: requests.Session | None = None, written: threading.Event | None = None) -> dict[str, Any]:
        data_in: bytes | _WrittenBody = body if written is None else _WrittenBody(body, written)
        try:
            response = (session or self.session).post(
                url,
                data=data_in,
                headers=headers,
                timeout=self.timeout,
                verify=self.verify,
                stream=True,
                allow_redirects=False,
            )
        except requests.exceptions.SSLError as exc:
            raise errors.TlsError(detail=str(exc)) from exc
        except requests.exceptions.RequestException as exc:
            raise errors.NetworkError(detail=str(exc)) from exc
        exchange.bytes_up += len(body)
        try:
            data = self._read(response, exchange)
        finally:
            response.close()
        self._learn(response, len(body))
        coding = response.headers.get("Content-Encoding", "").strip().lower()
        self.last_reply_coding = coding or None
        if coding and coding != GZIP and PROTOCOL_HEADER in response.headers:  # urllib3 already inflated gzip
            try:
                data = compression.decode(data, coding, MAX_RESPONSE_BYTES)
            except compression.DecompressedTooLarge as exc:
                raise errors.RequestRejected(t("总部应答过大"), detail=str(exc)) from exc
            except (compression.BadCompressedBody, compression.UnsupportedEncoding) as exc:
                raise errors.NetworkError(detail=f"undecodable reply ({coding}): {exc}") from exc
        return self._interpret(response, data)

    def _learn(self, response: requests.Response, sent: int) -> None:
        """Remember what head office announced, and the uplink rate it measured for our body."""
        if PROTOCOL_HEADER not in response.headers:
            return
        with self._lock:
            announced = response.headers.get(ENCODINGS_HEADER)
            self.server_encodings = compression.split_header(announced) if announced else [GZIP]
            self.server_compact = response.headers.get(COMPACT_HEADER) or None
            announced = response.headers.get(MAX_PROTOCOL_HEADER, "").strip()
            self.server_protocol = int(announced) if announced.isdigit() and len(announced) < 6 else 1
            timing = _RECV_TIMING.search(response.headers.get("Server-Timing", ""))
            if timing and sent >= MIN_TIMED_BYTES:
                seconds = float(timing.group(1)) / 1000
                self.uplink_bps = sent * 8 / seconds if seconds > 0.001 else None

    def _read(self, response: requests.Response, exchange: Exchange) -> bytes:
        """Stream the body; fail on a stall (socket read timeout) or an oversized inflation."""
        out = bytearray()
        try:
            for chunk in response.iter_content(chunk_size=_CHUNK):
                out += chunk
                if len(out) > MAX_RESPONSE_BYTES:
                    raise errors.RequestRejected(t("总部应答过大"), detail=f"> {MAX_RESPONSE_BYTES} bytes")
        except requests.exceptions.RequestException as exc:
            raise errors.NetworkError(detail=f"transfer interrupted: {exc}") from exc
        finally:
            exchange.bytes_down += int(getattr(response.raw, "tell", lambda: len(out))() or 0)
        return bytes(out)

    def _interpret(self, response: requests.Response, data: bytes) -> dict[str, Any]:
        status = response.status_code
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        content_type = response.headers.get("Content-Type", "").lower()
        if PROTOCOL_HEADER not in response.headers:
            if 300 <= status < 400:
                raise errors.CaptivePortal(detail=f"HTTP {status} redirect to {response.headers.get('Location')}")
            if not content_type:
                # The link dropped inside the header block: http.client hands back what it got.
                raise errors.NetworkError(detail=f"incomplete reply (HTTP {status})")
            if status in (502, 503, 504):
                raise errors.ServerUnavailable(detail=f"HTTP {status} from a proxy", retry_after=retry_after)
            raise errors.CaptivePortal(detail=f"HTTP {status}, Content-Type={content_type}")
        # Our server sends the marker first and only complete JSON; anything less was cut short.
        if not content_type.startswith(JSON_CONTENT_TYPE):
            raise errors.NetworkError(detail=f"incomplete reply (HTTP {status})")
        try:
            parsed = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise errors.NetworkError(detail=f"truncated reply (HTTP {status})") from exc
        if not isinstance(parsed, dict) or "protocol" not in parsed:
            raise errors.CaptivePortal(detail="reply lacks the protocol marker")
        if 200 <= status < 300:
            return parsed
        code = str(parsed.get("code", ""))
        message = errors.shown_reply(parsed)  # in the clerk's language, by code (sync/client/errors.py)
        if status == 426 or code == "upgrade_required":
            raise errors.UpgradeRequired(message, min_protocol=parsed.get("min_protocol"))
        if status == 401 and code == "token_expired":
            raise errors.TokenExpired(message, code=code)
        if status == 401:
            raise errors.AuthenticationFailed(message, code=code)
        if status == 403 and code == "device_revoked":
            raise errors.DeviceRevoked(message, code=code)
        if status == 403 and code == "quota_exceeded":
            raise errors.QuotaExceeded(message, code=code)
        if status == 413:
            raise errors.PayloadTooLarge(message, code=code)
        if status in (408, 429) or status >= 500:
            hint = retry_after if retry_after is not None else parsed.get("retry_after")
            kind = errors.RateLimited if status == 429 else errors.ServerUnavailable
            raise kind(
                message,
                detail=f"HTTP {status}",
                code=code,
                retry_after=float(hint) if hint is not None else None,
            )
        raise errors.RequestRejected(message, detail=f"HTTP {status}: {parsed.get('details')}", code=code)
