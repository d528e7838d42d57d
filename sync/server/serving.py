"""How ``serve`` runs uvicorn: TLS pinned to 1.2+ with modern ciphers, and timeouts for slow clients.

* **TLS** (when head office terminates TLS itself): TLS 1.2 minimum, TLS 1.2 limited to ECDHE key
  exchange with AES-GCM or ChaCha20-Poly1305 (forward secrecy, AEAD only); TLS 1.3 suites are
  modern by definition. No TLS compression, no renegotiation. Host defaults are never trusted.
* **Slow clients** (slowloris): uvicorn's h11 protocol has no timeout for a request's header
  block, so :class:`GuardedH11Protocol` closes a connection whose headers are not complete within
  ``header_timeout`` seconds of their first byte (or of connecting). The body has an idle timeout
  and a minimum rate (body.py); idle keep-alive connections close after ``keep_alive`` seconds.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

MIN_TLS_VERSION = ssl.TLSVersion.TLSv1_2
TLS12_CIPHERS = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL:!MD5:!SHA1:!DSS"
HEADER_TIMEOUT = 20.0
KEEP_ALIVE = 75.0


def tls_context(certfile: str, keyfile: str, password: str | None = None) -> ssl.SSLContext:
    """A server context that refuses anything older than TLS 1.2 and any non-AEAD or non-PFS cipher."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = MIN_TLS_VERSION
    context.set_ciphers(TLS12_CIPHERS)
    context.options |= ssl.OP_NO_COMPRESSION | ssl.OP_CIPHER_SERVER_PREFERENCE | ssl.OP_NO_RENEGOTIATION
    context.load_cert_chain(certfile, keyfile, password)
    return context


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol plus a deadline for each request's header block."""

    header_timeout: float = HEADER_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._header_timer: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.logger.info("closing a connection whose request headers took over %.0f s", self.header_timeout)
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            self._arm()  # the first bytes of a new request: its headers must be complete in time
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def protocol_class(header_timeout: float) -> type[GuardedH11Protocol]:
    return type("GuardedH11Protocol", (GuardedH11Protocol,), {"header_timeout": header_timeout})


def server_config(
    app: Any,
    *,
    host: str,
    port: int,
    certfile: str | None = None,
    keyfile: str | None = None,
    header_timeout: float = HEADER_TIMEOUT,
    keep_alive: float = KEEP_ALIVE,
    **options: Any,
) -> uvicorn.Config:
    """The uvicorn configuration ``serve`` uses (tests start servers with the same one)."""
    factory: Callable[[uvicorn.Config, Callable[[], ssl.SSLContext]], ssl.SSLContext] | None = None
    if certfile and keyfile:
        cert, key = certfile, keyfile

        def factory(_config: uvicorn.Config, _default: Callable[[], ssl.SSLContext]) -> ssl.SSLContext:
            return tls_context(cert, key)

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol_class(header_timeout),
        ssl_context_factory=factory,
        timeout_keep_alive=int(keep_alive),
        **options,
    )
