"""A real head office in its own process: ``branch-ledger-hq serve`` from the source tree's venv.

The packaging tests talk to it the way a branch laptop does (over HTTP on a loopback port) and
administer it the way an admin does (its CLI), so nothing of the server runs inside the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.sync.net import free_port

ROOT = Path(__file__).resolve().parents[2]


def hq_cli(db: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "sync.server.cli", "--db", db, *args],
                          capture_output=True, text=True, env=env, timeout=timeout)


def hq_ok(db: str, *args: str) -> str:
    result = hq_cli(db, *args)
    assert result.returncode == 0, f"branch-ledger-hq {' '.join(args)}: {result.stderr}"
    return result.stdout


@dataclass
class HqProcess:
    db: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def start(cls, db: str, log: Path, *, workers: int = 1, with_branch: bool = True,
              extra: tuple[str, ...] = ()) -> HqProcess:
        if with_branch:
            hq_ok(db, "org", "add", "--kind", "group", "--id", "g", "集团党委")
            hq_ok(db, "org", "add", "--kind", "branch", "--parent", "g", "--id", "b1", "毕拉河林场党支部")
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "sync.server.cli", "--db", db, "serve", "--port", str(port),
                 "--workers", str(workers), "--log-level", "warning", *extra],
                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        server = cls(db, port, proc, log)
        server.wait_ready()
        return server

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"head office exited: {self.log.read_text(errors='replace')}")
            try:
                if requests.get(f"{self.base_url}/v1/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"head office did not start: {self.log.read_text(errors='replace')}")

    def enrol_code(self, branch: str = "b1") -> str:
        return str(json.loads(hq_ok(self.db, "enrol-code", "--branch", branch, "--json"))["code"])

    def devices(self) -> list[dict[str, object]]:
        return list(json.loads(hq_ok(self.db, "devices", "list", "--json")))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(timeout=10)
