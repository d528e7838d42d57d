"""The client transport against hostile networks: captive portals, proxies, stalls, TLS, back-off."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sync.client import errors
from sync.client.backoff import RetryPolicy, parse_retry_after
from sync.client.transport import Transport, check_base_url
from sync.protocol.versions import PROTOCOL_HEADER
from sync.server.app import create_app
from tests.sync.hq import HeadOfficeFixture, meeting
from tests.sync.net import running

Reply = tuple[int, dict[str, str], bytes]


class ScriptedServer:
    """A plain HTTP server that answers POSTs from a script of replies (the last one repeats)."""

    def __init__(self, replies: list[Reply]) -> None:
        self.replies = replies
        self.requests = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status, headers, body = owner.replies[min(owner.requests, len(owner.replies) - 1)]
                owner.requests += 1
                self.send_response(status)
                for key, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def scripted() -> Iterator[list[ScriptedServer]]:
    servers: list[ScriptedServer] = []
    yield servers
    for server in servers:
        server.close()


def serve(scripted: list[ScriptedServer], *replies: Reply) -> ScriptedServer:
    server = ScriptedServer(list(replies))
    scripted.append(server)
    return server


OURS = {"Content-Type": "application/json", PROTOCOL_HEADER: "1"}
HTML = {"Content-Type": "text/html; charset=utf-8"}


def test_html_200_from_a_captive_portal_is_an_error(scripted: list[ScriptedServer]) -> None:
    portal = serve(scripted, (200, HTML, "<html><body>请登录 WiFi</body></html>".encode()))
    with pytest.raises(errors.CaptivePortal):
        Transport(portal.url, token="t").post_json("/v1/sync", b"{}")
    redirect = serve(scripted, (302, {"Location": "http://login.example/"}, b""))
    with pytest.raises(errors.CaptivePortal):
        Transport(redirect.url, token="t").post_json("/v1/sync", b"{}")
    # JSON without our marker (some other service on that address) is not data either.
    other = serve(scripted, (200, {"Content-Type": "application/json"}, b'{"ok": true}'))
    with pytest.raises(errors.CaptivePortal):
        Transport(other.url, token="t").post_json("/v1/sync", b"{}")


def test_retries_honour_retry_after_then_succeed(scripted: list[ScriptedServer]) -> None:
    busy = (503, {**OURS, "Retry-After": "7"}, json.dumps({"protocol": 1, "code": "busy", "message": "忙"}).encode())
    proxy_error = (502, HTML, b"<html>Bad Gateway</html>")
    server = serve(scripted, busy, proxy_error, (200, OURS, b'{"protocol":1,"fine":true}'))
    slept: list[float] = []
    transport = Transport(server.url, token="t", retry=RetryPolicy(attempts=5, base=0.5, cap=60), sleep=slept.append)
    assert transport.post_json("/v1/sync", b"{}")["fine"] is True
    assert server.requests == 3
    assert slept[0] == 7 and 0 <= slept[1] <= 1.0


def test_gives_up_after_the_attempt_budget(scripted: list[ScriptedServer]) -> None:
    server = serve(scripted, (500, OURS, b'{"protocol":1,"code":"internal_error","message":"x"}'))
    slept: list[float] = []
    transport = Transport(server.url, token="t", retry=RetryPolicy(attempts=3, base=1, cap=4), sleep=slept.append)
    with pytest.raises(errors.ServerUnavailable):
        transport.post_json("/v1/sync", b"{}")
    assert server.requests == 3 and len(slept) == 2 and all(0 <= s <= 4 for s in slept)


def test_a_stalled_transfer_is_detected_by_lack_of_progress() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    held: list[socket.socket] = []

    def stall() -> None:
        conn, _ = listener.accept()
        held.append(conn)
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + PROTOCOL_HEADER.encode()
                     + b": 1\r\nContent-Length: 1000\r\n\r\n{\"protocol\":1,")  # ...and then nothing

    threading.Thread(target=stall, daemon=True).start()
    transport = Transport(f"http://127.0.0.1:{port}", token="t", stall_timeout=0.5, retry=RetryPolicy(attempts=1))
    started = time.monotonic()
    with pytest.raises(errors.NetworkError):
        transport.post_json("/v1/sync", b"{}")
    assert time.monotonic() - started < 5
    for sock in [*held, listener]:
        sock.close()


def test_plain_http_only_to_loopback() -> None:
    for url in ("http://hq.example.org", "http://10.0.0.5:8443", "ftp://hq.example.org"):
        with pytest.raises(errors.InsecureTransport):
            check_base_url(url)
    for url in ("https://hq.example.org", "http://127.0.0.1:8000/", "http://localhost", "http://[::1]:80"):
        check_base_url(url)


def test_parse_retry_after() -> None:
    assert parse_retry_after("120") == 120
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert 25 <= (parse_retry_after(soon) or 0) <= 31
    assert parse_retry_after("garbage") is None and parse_retry_after(None) is None


def _certificates(tmp: Path) -> tuple[Path, Path, Path]:
    """A private CA (as head offices run) and a server certificate for 127.0.0.1 signed by it."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "集团党委 测试 CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hq")]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = tmp / "ca.pem", tmp / "server.pem", tmp / "server.key"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return ca_path, cert_path, key_path


def test_tls_with_a_custom_ca_bundle(hq_sqlite: HeadOfficeFixture, tmp_path: Path) -> None:
    ca_path, cert_path, key_path = _certificates(tmp_path)
    dev = hq_sqlite.device()
    dev.state.create("meeting", meeting())
    app = create_app(hq_sqlite.office)
    with running(app, ssl_certfile=str(cert_path), ssl_keyfile=str(key_path)) as server:
        url = f"https://127.0.0.1:{server.port}"
        token = dev.state.creds.token  # type: ignore[union-attr]
        untrusted = Transport(url, token=token, retry=RetryPolicy(attempts=1))
        with pytest.raises(errors.TlsError):
            untrusted.post_json("/v1/sync", json.dumps({"protocol": 1}).encode())
        from sync.client.engine import SyncEngine

        engine = SyncEngine(dev.state, url, token=token, ca_bundle=str(ca_path))
        assert engine.sync_once().accepted == 1
