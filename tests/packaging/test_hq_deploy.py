"""Head-office deployment files, run for real: the nginx site in front of a head-office process,
the systemd unit through ``systemd-analyze verify``, the logrotate file through ``logrotate -d``.

Each file is used as shipped, with only the machine-specific parts (ports, certificate and log
paths, the install prefix) substituted, so a broken directive fails here before it fails on a
server.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.packaging.conftest import ROOT, SAMPLE_RECORDS
from tests.packaging.hq_process import HqProcess
from tests.sync.net import free_port

NGINX_SITE = ROOT / "packaging" / "nginx-branch-ledger.conf"
UNIT = ROOT / "packaging" / "hq" / "branch-ledger-hq.service"
LOGROTATE = ROOT / "packaging" / "hq" / "logrotate-branch-ledger-hq"


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A head office's own CA and a server certificate for 127.0.0.1 signed by it."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "集团党委 测试 CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = folder / "ca.pem", folder / "fullchain.pem", folder / "privkey.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


class Nginx:
    def __init__(self, folder: Path, upstream_port: int) -> None:
        self.folder = folder
        self.http_port, self.https_port = free_port(), free_port()
        self.ca, cert, key = _certificates(folder)
        site = NGINX_SITE.read_text(encoding="utf-8")
        site = re.sub(r"^\s*listen \[::\].*$", "", site, flags=re.MULTILINE)  # IPv6 may be absent here
        site = (site.replace("listen 80;", f"listen 127.0.0.1:{self.http_port};")
                .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https_port} ssl http2;")
                .replace("/etc/ssl/branch-ledger/fullchain.pem", str(cert))
                .replace("/etc/ssl/branch-ledger/privkey.pem", str(key))
                .replace("server 127.0.0.1:8080;", f"server 127.0.0.1:{upstream_port};")
                .replace("/var/log/nginx/", f"{folder}/"))
        (folder / "site.conf").write_text(site, encoding="utf-8")
        temp = "".join(f"    {kind}_temp_path {folder}/{kind};\n" for kind in (
            "client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (folder / "nginx.conf").write_text(
            f"daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
            + ("user root;\n" if os.geteuid() == 0 else "")
            + f"events {{ worker_connections 64; }}\nhttp {{\n    access_log {folder}/access.log;\n{temp}"
            f"    include {folder}/site.conf;\n}}\n", encoding="utf-8")
        self.proc: subprocess.Popen[bytes] | None = None

    def command(self, *extra: str) -> list[str]:
        return ["nginx", "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"), *extra]

    def start(self) -> None:
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                requests.get(f"https://127.0.0.1:{self.https_port}/", verify=str(self.ca), timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError((self.folder / "error.log").read_text())

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)

    def url(self, path: str) -> str:
        return f"https://127.0.0.1:{self.https_port}{path}"


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HqProcess]:
    server = HqProcess.start(f"sqlite:///{tmp_path / 'hq.sqlite3'}", tmp_path / "hq.log")
    yield server
    server.stop()


@pytest.fixture
def nginx(hq: HqProcess, tmp_path: Path) -> Iterator[Nginx]:
    if shutil.which("nginx") is None:
        pytest.fail("nginx missing (apt-get install nginx; dev.sh does)")
    folder = tmp_path / "nginx"
    folder.mkdir()
    proxy = Nginx(folder, hq.port)
    checked = subprocess.run(proxy.command("-t"), capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    proxy.start()
    yield proxy
    proxy.stop()


def test_nginx_site_in_front_of_head_office(nginx: Nginx, hq: HqProcess, tmp_path: Path) -> None:
    ca = str(nginx.ca)
    health = requests.get(nginx.url("/v1/health"), verify=ca, timeout=10)
    assert health.status_code == 200 and health.headers["X-BranchLedger-Protocol"]  # reached the server
    assert health.headers["Strict-Transport-Security"].startswith("max-age=")
    assert health.headers["X-Frame-Options"] == "DENY" and health.headers["Server"] == "nginx"  # no version
    # Admin API and console: head-office LAN only; loopback is not in the list.
    assert requests.get(nginx.url("/v1/admin/orgs"), verify=ca, timeout=10).status_code == 403
    assert requests.get(nginx.url("/console/"), verify=ca, timeout=10).status_code == 403
    assert requests.get(nginx.url("/wp-login.php"), verify=ca, timeout=10).status_code == 404
    plain = requests.get(f"http://127.0.0.1:{nginx.http_port}/v1/health", allow_redirects=False, timeout=10)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    # A branch laptop through the proxy, trusting the head office's own CA.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRANCH_LEDGER_PASSPHRASE": "through-nginx-passphrase"}

    def client(*args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "desktop_app.cli", "--data-dir", str(tmp_path / "data"), *args],
                                capture_output=True, text=True, env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    client("create", "--branch-name", "毕拉河林场党支部")
    client("import", str(SAMPLE_RECORDS))
    client("enrol", "--server", f"https://127.0.0.1:{nginx.https_port}", "--code", hq.enrol_code(), "--ca-bundle", ca)
    synced = client("sync")
    assert "同步完成" in synced and "拒绝 0" in synced, synced

    # Guessing enrolment codes is slowed down: after the burst, 429.
    statuses = [requests.post(nginx.url("/v1/enrol"), data=b"{}", verify=ca, timeout=10,
                              headers={"Content-Type": "application/json"}).status_code for _ in range(8)]
    assert 429 in statuses and statuses[0] != 429, statuses


def test_systemd_unit_verifies(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze missing")
    unit = UNIT.read_text(encoding="utf-8").replace("/opt/branch-ledger-hq/venv/bin/branch-ledger-hq",
                                                   str(Path(sys.executable).parent / "branch-ledger-hq"))
    copy = tmp_path / "branch-ledger-hq.service"
    copy.write_text(unit, encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", str(copy)], capture_output=True, text=True)
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if "branch-ledger-hq.service" in line and "User" not in line and "Group" not in line]
    assert result.returncode == 0 or not problems, result.stdout + result.stderr
    assert not problems, problems
    for needed in ("ExecStartPre=", "migrate", "--behind-proxy", "--workers ${WORKERS}", "NoNewPrivileges=yes",
                   "ProtectSystem=strict", "EnvironmentFile=/etc/branch-ledger-hq/env"):
        assert needed in unit


def test_logrotate_file_parses_and_rotates(tmp_path: Path) -> None:
    if shutil.which("logrotate") is None:
        pytest.fail("logrotate missing (apt-get install logrotate; dev.sh does)")
    logs = tmp_path / "log"
    logs.mkdir(mode=0o755)
    (logs / "hq.log").write_text("line\n" * 1000)
    config = LOGROTATE.read_text(encoding="utf-8").replace("/var/log/branch-ledger-hq", str(logs))
    config = config.replace("su branch-ledger-hq branch-ledger-hq", "su root root")
    (tmp_path / "rotate.conf").write_text(config, encoding="utf-8")
    state = tmp_path / "state"
    result = subprocess.run(["logrotate", "-f", "-s", str(state), str(tmp_path / "rotate.conf")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (logs / "hq.log.1").exists() and (logs / "hq.log").stat().st_size == 0  # copied, then truncated


def test_nginx_streams_attachment_chunks_to_head_office(nginx: Nginx, hq: HqProcess) -> None:
    """/v1/blobs is not buffered: the first part of a PATCH is on head office's disk (HEAD counts it)
    while the rest of that PATCH has not even been sent — so a cut there costs no resend."""
    import hashlib
    import http.client
    import ssl

    from sync.client.engine import SyncEngine
    from sync.client.enrol import enrol
    from testsupport.memory_state import MemoryState

    ca = str(nginx.ca)
    base = f"https://127.0.0.1:{nginx.https_port}"
    state = MemoryState(author="组织委员")
    creds, reply = enrol(base, hq.enrol_code(), device_id=state.device_id, device_name="林场电脑",
                         signing_key=state.signing_key(), ca_bundle=ca)
    state.save_enrolment(creds, reply)
    data = hashlib.sha256(b"seed").digest() * (40 * 1024)  # 1.25 MiB the test sends in two halves
    sha = hashlib.sha256(data).hexdigest()
    state.create("meeting", {"meeting_type": "lecture", "title": "党课", "starts_at": "2026-10-20T15:00:00",
                             "attachments": [{"sha256": sha, "size": len(data), "mime": "application/pdf",
                                              "name": "讲稿.pdf", "role": "lecture"}]}, unchecked=True)
    SyncEngine(state, base, token=creds.token, ca_bundle=ca).sync_once()
    auth = {"Authorization": f"Bearer {creds.token}", "Tus-Resumable": "1.0.0"}
    assert requests.post(nginx.url(f"/v1/blobs/{sha}"), headers={**auth, "Upload-Length": str(len(data))},
                         verify=ca, timeout=10).status_code == 201

    half = len(data) // 2
    conn = http.client.HTTPSConnection("127.0.0.1", nginx.https_port, timeout=30,
                                       context=ssl.create_default_context(cafile=ca))
    conn.putrequest("PATCH", f"/v1/blobs/{sha}")
    for key, value in {**auth, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream",
                       "Content-Length": str(len(data))}.items():
        conn.putheader(key, value)
    conn.endheaders()
    conn.send(data[:half])
    deadline, held = time.monotonic() + 20, 0
    while time.monotonic() < deadline and held < 256 * 1024:
        head = requests.head(nginx.url(f"/v1/blobs/{sha}"), headers=auth, verify=ca, timeout=10)
        held = int(head.headers["Upload-Offset"])
        time.sleep(0.2)
    assert held >= 256 * 1024, "nginx held the chunk back (request buffering is on for /v1/blobs)"
    conn.send(data[half:])
    answer = conn.getresponse()
    # Not a PDF (the test's bytes): head office verified the whole file and refused it, keeping nothing.
    assert answer.status == 422 and answer.getheader("Tus-Resumable") == "1.0.0"
    conn.close()
