"""The sync benchmark's shaping proxy: the figures it reports are only as good as these checks.

Delay, bandwidth cap, exact byte/connection/request counts (keep-alive, bodies that look like
request lines, chunked bodies) and the drop-after-N-bytes fault. Real sockets, a few seconds.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.proxy import HttpRequestParser, LinkProfile, ProxyProcess, ShapingProxy, TokenBucket, normalise_target

# ---------------------------------------------------------------------------------- servers


class _Handler(BaseHTTPRequestHandler):
    """Echoes nothing useful: replies with ``?size=N`` bytes after reading the whole request body."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def _reply(self) -> None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                self.rfile.read(size + 2)
                if size == 0:
                    break
        else:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
        size = int(self.path.split("size=", 1)[1]) if "size=" in self.path else 2
        self.send_response(200)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        self.wfile.write(b"x" * size)

    do_GET = _reply
    do_POST = _reply
    do_PUT = _reply


@pytest.fixture
def http_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def _tcp_server(handle: Callable[[socket.socket], None]) -> Iterator[int]:
    """A raw loopback TCP server calling ``handle`` for each connection; yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn, contextlib.suppress(OSError):
                handle(conn)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        listener.close()


@pytest.fixture
def blast_port() -> Iterator[int]:
    """Reads 4 bytes, then sends 5000 bytes and closes."""

    def blast(conn: socket.socket) -> None:
        conn.recv(4)
        conn.sendall(b"y" * 5000)

    with _tcp_server(blast) as port:
        yield port


@pytest.fixture
def echo_port() -> Iterator[int]:
    """Every byte back, until the client half-closes."""

    def echo(conn: socket.socket) -> None:
        while data := conn.recv(65536):
            conn.sendall(data)

    with _tcp_server(echo) as port:
        yield port


def _recv_all(sock: socket.socket) -> bytes:
    out = bytearray()
    with contextlib.suppress(ConnectionResetError):
        while data := sock.recv(65536):
            out += data
    return bytes(out)


# ---------------------------------------------------------------------------------- parsing


def test_parser_counts_keep_alive_requests_and_ignores_request_lines_inside_bodies() -> None:
    body = b"POST /fake HTTP/1.1\r\nContent-Length: 0\r\n\r\n"
    stream = (
        b"GET /db/ HTTP/1.1\r\nHost: x\r\n\r\n"
        + b"POST /db/_bulk_docs HTTP/1.1\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        + b"PUT /db/_local/abc HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"5\r\nGET /\r\n" + b"3;ext=1\r\n x \r\n" + b"0\r\nTrailer: 1\r\n\r\n"
        + b"DELETE /db/doc HTTP/1.1\r\n\r\n"
    )
    parser = HttpRequestParser()
    assert parser.feed(stream) == ["GET /db/", "POST /db/_bulk_docs", "PUT /db/_local/abc", "DELETE /db/doc"]
    # The same stream fed one byte at a time (how it may arrive on a slow link).
    slow = HttpRequestParser()
    found = [line for i in range(len(stream)) for line in slow.feed(stream[i : i + 1])]
    assert found == ["GET /db/", "POST /db/_bulk_docs", "PUT /db/_local/abc", "DELETE /db/doc"]


def test_parser_gives_up_on_a_stream_that_is_not_http() -> None:
    parser = HttpRequestParser()
    assert parser.feed(b"\x16\x03\x01" + b"z" * (70 * 1024)) == []
    assert parser.feed(b"\r\n\r\nGET / HTTP/1.1\r\n\r\n") == []


def test_request_kinds_group_ids_and_drop_queries() -> None:
    assert normalise_target("/db/_local/bt2EhjxWliN.UmCIaxtciA%3D%3D?x=1") == "/db/_local/*"
    assert normalise_target("/v1/sync") == "/v1/sync"


def test_token_bucket_serialises_at_the_rate_and_allows_its_burst() -> None:
    link = TokenBucket(8000)  # 1000 bytes/s
    assert link.reserve(500, 10.0) == pytest.approx(10.5)
    assert link.reserve(500, 10.0) == pytest.approx(11.0)  # queued behind the first
    assert link.reserve(100, 20.0) == pytest.approx(20.1)  # idle link: no credit without burst
    bursty = TokenBucket(8000, burst_bytes=1000)
    assert bursty.reserve(1000, 5.0) == pytest.approx(5.0)
    assert TokenBucket(None).reserve(10**9, 3.0) == 3.0


# ---------------------------------------------------------------------------------- through the proxy


def test_counts_bytes_connections_and_requests_exactly(http_port: int, echo_port: int) -> None:
    with ShapingProxy(echo_port) as proxy:
        with socket.create_connection(("127.0.0.1", proxy.port)) as sock:
            payload = b"GET / HTTP/1.1\r\n\r\n" + b"a" * 12345
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)
            assert _recv_all(sock) == payload
        time.sleep(0.05)
        stats = proxy.stats()
        assert (stats.connections, stats.bytes_up, stats.bytes_down) == (1, len(payload), len(payload))
        assert stats.requests == 1
        proxy.reset()
        assert proxy.stats().bytes_up == 0

    with ShapingProxy(http_port) as proxy:
        conn = http.client.HTTPConnection("127.0.0.1", proxy.port)
        conn.request("POST", "/a?size=10", body=b"POST /not-a-request HTTP/1.1\r\n\r\n")
        assert conn.getresponse().read() == b"x" * 10
        conn.request("PUT", "/b?size=3", body=iter([b"chunk one", b"GET / HTTP/1.1\r\n"]),
                     encode_chunked=True, headers={"Transfer-Encoding": "chunked"})
        assert conn.getresponse().read() == b"xxx"
        conn.request("GET", "/c")
        assert conn.getresponse().read() == b"xx"
        conn.close()
        second = http.client.HTTPConnection("127.0.0.1", proxy.port)
        second.request("GET", "/d")
        second.getresponse().read()
        second.close()
        stats = proxy.stats()
        assert stats.requests == 4
        assert stats.connections == 2
        assert stats.request_kinds == {"GET /c": 1, "GET /d": 1, "POST /a": 1, "PUT /b": 1}


def test_adds_the_round_trip_and_the_handshake(http_port: int) -> None:
    rtt = 0.2
    with ShapingProxy(http_port, LinkProfile(rtt_s=rtt)) as proxy:
        conn = http.client.HTTPConnection("127.0.0.1", proxy.port)
        t = time.perf_counter()
        conn.request("GET", "/")
        conn.getresponse().read()
        cold = time.perf_counter() - t
        t = time.perf_counter()
        conn.request("GET", "/")
        conn.getresponse().read()
        warm = time.perf_counter() - t
        conn.close()
    assert 2 * rtt <= cold < 2 * rtt + 0.15  # handshake + request/response
    assert rtt <= warm < rtt + 0.15  # keep-alive: one round trip


def test_caps_bandwidth_per_direction(http_port: int) -> None:
    size = 100_000
    with ShapingProxy(http_port, LinkProfile(down_bps=1_000_000, handshake=False)) as proxy:
        conn = http.client.HTTPConnection("127.0.0.1", proxy.port)
        t = time.perf_counter()
        conn.request("GET", f"/?size={size}")
        assert len(conn.getresponse().read()) == size
        down = time.perf_counter() - t
        t = time.perf_counter()
        conn.request("POST", "/", body=b"z" * size)  # the uplink is not capped
        conn.getresponse().read()
        up = time.perf_counter() - t
        conn.close()
    assert size * 8 / 1e6 <= down < size * 8 / 1e6 + 0.4
    assert up < 0.3


def test_drop_after_n_bytes_cuts_that_connection_once(blast_port: int) -> None:
    with ShapingProxy(blast_port) as proxy:
        proxy.arm_drop(down=1000)
        with socket.create_connection(("127.0.0.1", proxy.port)) as sock:
            sock.sendall(b"ping")
            assert len(_recv_all(sock)) == 1000
        with socket.create_connection(("127.0.0.1", proxy.port)) as sock:  # disarmed after one cut
            sock.sendall(b"ping")
            assert len(_recv_all(sock)) == 5000
        time.sleep(0.05)
        stats = proxy.stats()
        assert stats.drops == 1
        assert stats.bytes_down == 6000


def test_child_process_proxy_reports_and_resets(http_port: int) -> None:
    with ProxyProcess(http_port, LinkProfile()) as proxy:
        conn = http.client.HTTPConnection("127.0.0.1", proxy.port)
        conn.request("GET", "/x?size=5")
        assert conn.getresponse().read() == b"xxxxx"
        conn.close()
        # The proxy counts a segment after handing it on: the reply can be read before it is counted.
        deadline = time.monotonic() + 5
        stats = proxy.stats()
        while stats.bytes_down <= 5 and time.monotonic() < deadline:
            time.sleep(0.02)
            stats = proxy.stats()
        assert (stats.requests, stats.connections) == (1, 1)
        assert stats.bytes_down > 5
        proxy.reset()
        assert proxy.stats().requests == 0
