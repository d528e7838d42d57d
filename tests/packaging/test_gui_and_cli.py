"""The app and the command line on one data directory, as a clerk's laptop runs them.

One scripted session with real processes: a head office (``branch-ledger-hq serve``), the CLI
creating a store, importing records, enrolling and syncing, the desktop app (a real ``run_gui``
process, unlocked by typing the passphrase) saving records while a scheduled-style
``branch-ledger sync`` runs beside it, and a second launch of the app. Then the log directory is
searched for every secret and every record text the session handled.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from desktop_app.store import Store
from desktop_app.store.sync_state import StoreSyncState
from tests.packaging.conftest import ROOT, SAMPLE_RECORDS
from tests.packaging.hq_process import HqProcess, hq_ok

PASSPHRASE = "Bilahe-forest-2026-concurrency"  # typed with QTest.keyClicks, which types ASCII only
GUI_RECORDS = 30
RECORD_TEXTS = ("王建华同志传达上级关于秋季森林防火的部署", "沿北沟防火道巡护", "森林防火巡护先锋岗", "并发党员0")


@dataclass
class Session:
    data: Path
    logs: Path
    hq: HqProcess
    recovery_key: str = ""
    token: str = ""
    db_key_hex: str = ""
    gui_lines: list[str] = field(default_factory=list)
    gui_status: int | None = None
    second_launch: subprocess.CompletedProcess[str] | None = None
    cli_syncs: list[subprocess.CompletedProcess[str]] = field(default_factory=list)


def _env(logs: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRANCH_LEDGER_LOG_DIR": str(logs),
           "QT_QPA_PLATFORM": "offscreen", "BRANCH_LEDGER_PASSPHRASE": PASSPHRASE}
    return env


def _cli(s: Session, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "desktop_app.cli", "--data-dir", str(s.data), *args],
                            capture_output=True, text=True, env=_env(s.logs), timeout=180)
    if check:
        assert result.returncode == 0, f"branch-ledger {' '.join(args)}: {result.stderr}"
    return result


class Lines:
    """A child's stdout, line by line, with a wait for a given line."""

    def __init__(self, proc: subprocess.Popen[str], into: list[str]) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        self.into = into
        assert proc.stdout is not None
        threading.Thread(target=self._pump, args=(proc.stdout,), daemon=True).start()

    def _pump(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.into.append(line.rstrip("\n"))
            self.queue.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        if any(text in line for line in self.into):
            return
        while time.monotonic() < deadline:
            try:
                line = self.queue.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            if text in line:
                return
        raise AssertionError(f"no {text!r} from the app; it printed: {self.into}")


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    base = tmp_path_factory.mktemp("gui-and-cli")
    logs = base / "logs"
    hq = HqProcess.start(f"sqlite:///{base / 'hq.sqlite3'}", base / "hq.log")
    s = Session(base / "data", logs, hq)
    try:
        created = _cli(s, "create", "--branch-name", "毕拉河林场党支部")
        s.recovery_key = created.stdout.strip().splitlines()[-1]
        _cli(s, "import", str(SAMPLE_RECORDS))
        _cli(s, "enrol", "--server", hq.base_url, "--code", hq.enrol_code(), "--device-name", "林场办公室")
        s.cli_syncs.append(_cli(s, "sync"))
        passphrase_file = base / "passphrase.txt"
        passphrase_file.write_text(PASSPHRASE, encoding="utf-8")
        stop = base / "stop"
        gui = subprocess.Popen(
            [sys.executable, "-m", "tests.packaging.gui_driver", str(s.data), str(passphrase_file),
             str(GUI_RECORDS), str(stop)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=_env(logs), cwd=ROOT)
        lines = Lines(gui, s.gui_lines)
        try:
            lines.wait_for("driver: unlocked")
            # A second launch while the first is open: it wakes the first window and exits.
            s.second_launch = _cli(s, check=False)
            lines.wait_for("driver: activated", timeout=20)
            # Scheduled-style syncs while the app saves records and syncs on its own.
            for _ in range(3):
                s.cli_syncs.append(_cli(s, "sync", check=False))
            lines.wait_for(f"driver: created {GUI_RECORDS}", timeout=120)
            lines.wait_for("driver: synced", timeout=60)
            stop.write_text("stop")
            s.gui_status = gui.wait(timeout=60)
            lines.wait_for("driver: exit")
        finally:
            if gui.poll() is None:
                gui.kill()
                gui.wait()
        s.cli_syncs.append(_cli(s, "sync"))
        with Store.open(s.data, PASSPHRASE) as store:
            creds = StoreSyncState(store).credentials()
            assert creds is not None
            s.token = creds.token
            s.db_key_hex = store._db_key.hex()
        yield s
    finally:
        hq.stop()


def test_second_launch_wakes_the_first_window(session: Session) -> None:
    assert session.second_launch is not None and session.second_launch.returncode == 0, session.second_launch
    assert "已经在运行" in session.second_launch.stdout
    assert "driver: activated" in session.gui_lines


def test_cli_sync_beside_the_running_app(session: Session) -> None:
    assert session.gui_status == 0, session.gui_lines
    assert [r.returncode for r in session.cli_syncs] == [0] * len(session.cli_syncs), [
        r.stderr for r in session.cli_syncs]
    assert not [line for line in session.gui_lines if "sync failed" in line]
    status = json.loads(_cli(session, "sync-status", "--json").stdout)["status"]
    assert status["pending"] == 0 and status["rejected"] == 0 and status["conflicts"] == 0
    local = json.loads(_cli(session, "export").stdout)["records"]
    remote = json.loads(hq_ok(session.hq.db, "records", "list", "--branch", "b1", "--json"))
    assert len(local) == 1 + 6 + GUI_RECORDS  # branch profile, the sample file, what the app saved
    assert sorted(r["id"] for r in local) == sorted(r["record_id"] for r in remote)  # all there, once
    with Store.open(session.data, PASSPHRASE) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_logs_hold_no_secret_and_no_record_text(session: Session) -> None:
    files = sorted(p for p in session.logs.iterdir() if p.is_file())
    names = {p.name for p in files}
    assert {"branch-ledger-cli.log", "branch-ledger-gui.log"} <= names, names
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)
    assert "command sync: exit 0" in text and "gui 0." in text  # the logs are not empty
    secrets = {"passphrase": PASSPHRASE, "recovery key": session.recovery_key,
               "recovery key (no dashes)": session.recovery_key.replace("-", ""),
               "device token": session.token, "database key": session.db_key_hex}
    for what, secret in secrets.items():
        assert secret and secret not in text, f"{what} found in the logs"
    for record_text in RECORD_TEXTS:
        assert record_text not in text, f"record text {record_text!r} found in the logs"
