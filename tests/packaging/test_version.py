"""One version, everywhere: both commands, the installed metadata, and what head office is told."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from branch_ledger import __version__
from tests.packaging.conftest import ROOT, SAMPLE_RECORDS
from tests.packaging.hq_process import HqProcess

PASSPHRASE = "version-test-passphrase"


def client(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRANCH_LEDGER_PASSPHRASE": PASSPHRASE}
    result = subprocess.run([sys.executable, "-m", "desktop_app.cli", "--data-dir", str(data_dir), *args],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HqProcess]:
    server = HqProcess.start(f"sqlite:///{tmp_path / 'hq.sqlite3'}", tmp_path / "hq.log")
    yield server
    server.stop()


def test_installed_metadata_reads_the_one_version() -> None:
    assert importlib.metadata.version("branch-ledger") == __version__


@pytest.mark.parametrize("program", ["branch-ledger", "branch-ledger-hq"])
def test_version_flag(program: str) -> None:
    result = subprocess.run([str(Path(sys.executable).parent / program), "--version"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == f"{program} {__version__} (支部台账 BranchLedger)"


def test_devices_list_shows_the_version_the_cli_reported(hq: HqProcess, tmp_path: Path) -> None:
    data = tmp_path / "data"
    client(data, "create", "--branch-name", "毕拉河林场党支部")
    client(data, "enrol", "--server", hq.base_url, "--code", hq.enrol_code(), "--device-name", "林场办公室")
    assert [(d["name"], d["app_version"]) for d in hq.devices()] == [("林场办公室", __version__)]
    client(data, "import", str(SAMPLE_RECORDS))
    client(data, "sync")  # a sync reports the version again (it used to overwrite it with "")
    assert [d["app_version"] for d in hq.devices()] == [__version__]
