"""The head-office server as a real process the reliability tests can SIGKILL and start again."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import requests

from sync.client.backoff import RetryPolicy
from sync.client.engine import SyncEngine
from sync.client.enrol import enrol
from sync.client.transport import Transport
from sync.server import devices as device_store
from sync.server import orgs
from sync.server.db import make_engine
from sync.server.service import HeadOffice
from tests.sync.net import free_port
from testsupport.memory_state import MemoryState

# Survives a restart: up to ~60 tries of at most 0.25 s apart.
PATIENT_RETRY = RetryPolicy(attempts=60, base=0.05, cap=0.25)


class HeadOfficeProcess:
    """``branch-ledger-hq serve`` on a fixed loopback port; :meth:`kill` sends SIGKILL, :meth:`start` restarts."""

    def __init__(self, db_url: str, key_file: Path, log: Path) -> None:
        self.db_url, self.key_file, self.log_path = db_url, key_file, log
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def prepare(self) -> None:
        """Org tree g → c → b1, b2, created in-process before the server first starts."""
        engine = make_engine(self.db_url)
        office = HeadOffice.open(engine, key_file=self.key_file)
        office.call(orgs.add_unit, "集团党委", "group", None, "g")
        office.call(orgs.add_unit, "林业二级党委", "committee", "g", "c")
        for branch, name in (("b1", "第一支部"), ("b2", "第二支部")):
            office.call(orgs.add_unit, name, "branch", "c", branch)
        engine.dispose()

    def enrol_code(self, branch: str) -> str:
        engine = make_engine(self.db_url)
        try:
            office = HeadOffice.open(engine, key_file=self.key_file, run_migrations=False)
            code, _, _ = office.call(device_store.create_enrol_code, branch, 1.0)
            return str(code)
        finally:
            engine.dispose()

    def start(self, timeout: float = 30.0) -> None:
        cmd = [sys.executable, "-m", "sync.server.cli", "--db", self.db_url, "--key-file", str(self.key_file),
               "serve", "--host", "127.0.0.1", "--port", str(self.port), "--requests-per-minute", "0",
               "--log-level", "warning"]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(f"head office exited with {self.proc.returncode}; {self.log_path} ends:\n{tail}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.base_url + "/v1/health", timeout=1).status_code == 200:
                    return
            time.sleep(0.05)
        raise RuntimeError("head office did not come up")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, whatever request is in flight dies with it."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class InFlight:
    """How many sync requests devices have on the wire right now."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    def busy(self) -> bool:
        with self.lock:
            return self.count > 0


class CountingTransport(Transport):
    def __init__(self, *args: Any, in_flight: InFlight, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = in_flight

    def post_json(self, path: str, payload: bytes, **kwargs: Any) -> dict[str, Any]:
        with self.in_flight.lock:
            self.in_flight.count += 1
        try:
            return super().post_json(path, payload, **kwargs)
        finally:
            with self.in_flight.lock:
                self.in_flight.count -= 1


def enrolled_device(
    hq: HeadOfficeProcess, branch: str, name: str, in_flight: InFlight
) -> tuple[MemoryState, SyncEngine]:
    state = MemoryState(author=f"clerk-{name}")
    creds, _ = enrol(hq.base_url, hq.enrol_code(branch), device_id=state.device_id, device_name=name,
                     signing_key=state.signing_key())
    state.creds = creds
    transport = CountingTransport(hq.base_url, token=creds.token, retry=PATIENT_RETRY, in_flight=in_flight)
    return state, SyncEngine(state, transport=transport)
