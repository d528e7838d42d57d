"""How head office serves (issue 11): TLS 1.2+ with modern ciphers, timeouts against slow clients,
the published OpenAPI document, and a health check that reports database readiness."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import ipaddress
import socket
import ssl
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from openapi_spec_validator import validate

from sync.protocol.versions import PROTOCOL_VERSION
from sync.server.app import OPENAPI_URL, AppSettings, create_app
from sync.server.db import make_engine
from sync.server.serving import MIN_TLS_VERSION, server_config, tls_context
from tests.sync.hq import HeadOfficeFixture
from tests.sync.net import free_port
from tests.sync.raw import token_of


@contextlib.contextmanager
def serving(app: Any, **options: Any) -> Iterator[int]:
    """A server built with exactly the configuration ``branch-ledger-hq serve`` uses."""
    port = free_port()
    config = server_config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", **options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _certificate(tmp: Path) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


def _handshake(port: int, *, max_version: ssl.TLSVersion | None = None, ciphers: str | None = None) -> str:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():  # TLS 1.0/1.1 are deprecated: that is the point of this client
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        if max_version:
            context.maximum_version = max_version
    context.set_ciphers(ciphers or "ALL:@SECLEVEL=0")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw, \
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        return f"{tls.version()} {tls.cipher()[0]}"  # type: ignore[index]


def test_tls_is_pinned_to_1_2_with_modern_ciphers(hq_sqlite: HeadOfficeFixture, tmp_path: Path) -> None:
    cert, key = _certificate(tmp_path)
    context = tls_context(cert, key)
    assert context.minimum_version == MIN_TLS_VERSION == ssl.TLSVersion.TLSv1_2
    offered = {c["name"] for c in context.get_ciphers() if c["protocol"] == "TLSv1.2"}
    assert offered and all(("GCM" in c or "CHACHA20" in c) and c.startswith("ECDHE") for c in offered)
    with serving(create_app(hq_sqlite.office), certfile=cert, keyfile=key) as port:
        assert _handshake(port).startswith("TLSv1.3")
        assert _handshake(port, max_version=ssl.TLSVersion.TLSv1_2, ciphers="ECDHE-ECDSA-AES128-GCM-SHA256") == (
            "TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256")
        for old in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
            with pytest.raises((ssl.SSLError, OSError)):
                _handshake(port, max_version=old)
        with pytest.raises(ssl.SSLError):  # CBC with SHA-1: refused even on TLS 1.2
            _handshake(port, max_version=ssl.TLSVersion.TLSv1_2, ciphers="ECDHE-ECDSA-AES128-SHA")
        reply = requests.get(f"https://127.0.0.1:{port}/v1/health", verify=cert, timeout=5)
        assert reply.status_code == 200


def _closed_within(sock: socket.socket, seconds: float, drip: bytes = b"") -> float:
    """Seconds until the server closes ``sock`` (dripping ``drip`` a byte at a time meanwhile)."""
    started = time.monotonic()
    sock.settimeout(0.2)
    i = 0
    while time.monotonic() - started < seconds:
        try:
            if sock.recv(4096) == b"":
                return time.monotonic() - started
        except TimeoutError:
            pass
        except OSError:
            return time.monotonic() - started
        if i < len(drip):
            with contextlib.suppress(OSError):
                sock.send(drip[i:i + 1])
            i += 1
    return float("inf")


def test_slow_headers_are_cut_off(hq_sqlite: HeadOfficeFixture) -> None:
    with serving(create_app(hq_sqlite.office), header_timeout=1.0) as port:
        silent = socket.create_connection(("127.0.0.1", port))
        dripping = socket.create_connection(("127.0.0.1", port))
        dripping.sendall(b"POST /v1/sync HTTP/1.1\r\nHost: hq\r\n")
        header = b"X-Padding: " + b"a" * 200 + b"\r\n"
        assert _closed_within(dripping, 6, drip=header) < 3, "a header dripped a byte at a time is cut off"
        assert _closed_within(silent, 6) < 3, "a connection that never sends a request is closed"
        silent.close()
        dripping.close()
        assert requests.get(f"http://127.0.0.1:{port}/v1/health", timeout=5).status_code == 200


def test_slow_bodies_get_408(hq_sqlite: HeadOfficeFixture) -> None:
    token = token_of(hq_sqlite.device())
    settings = AppSettings(body_idle_timeout=1.0, body_grace=1.0, body_min_rate=500)
    with serving(create_app(hq_sqlite.office, settings)) as port:
        head = (f"POST /v1/sync HTTP/1.1\r\nHost: hq\r\nAuthorization: Bearer {token}\r\n"
                "Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n").encode()
        for drip in (b"", b"{" + b" " * 100):  # nothing at all, then a byte every 0.2 s
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(head)
            started = time.monotonic()
            sock.settimeout(0.2)
            reply = b""
            i = 0
            while time.monotonic() - started < 8 and b"\r\n\r\n" not in reply:
                try:
                    reply += sock.recv(4096)
                except TimeoutError:
                    if i < len(drip):
                        sock.send(drip[i:i + 1])
                        i += 1
            sock.close()
            assert reply.startswith(b"HTTP/1.1 408"), reply[:80]
            assert time.monotonic() - started < 5


def test_openapi_document_is_published_and_valid(hq_sqlite: HeadOfficeFixture) -> None:
    reply = requests.get(hq_sqlite.base_url + OPENAPI_URL, timeout=5)
    assert reply.status_code == 200
    document = reply.json()
    validate(document)
    paths = set(document["paths"])
    assert {"/v1/sync", "/v1/enrol", "/v1/token", "/v1/health", "/v1/admin/devices"} <= paths
    assert all(p.startswith("/v1/") for p in paths)
    sync_op = document["paths"]["/v1/sync"]["post"]
    assert sync_op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/SyncRequest")
    assert {"200", "401", "413", "429"} <= set(sync_op["responses"])
    assert "Change" in document["components"]["schemas"] and sync_op["security"] == [{"bearer": []}]


def test_health_reports_database_readiness(hq_sqlite: HeadOfficeFixture) -> None:
    ok = requests.get(hq_sqlite.base_url + "/v1/health", timeout=5).json()
    assert ok == {"protocol": PROTOCOL_VERSION, "status": "ok", "database": "ok"}  # the highest it speaks
    unreachable = make_engine(f"postgresql+psycopg://hq@127.0.0.1:{free_port()}/gone")
    broken = dataclasses.replace(hq_sqlite.office, engine=unreachable)
    with serving(create_app(broken)) as port:
        started = time.monotonic()
        reply = requests.get(f"http://127.0.0.1:{port}/v1/health", timeout=10)
        assert reply.status_code == 503 and reply.json()["database"] == "unavailable"
        assert time.monotonic() - started < 3
    unreachable.dispose()
