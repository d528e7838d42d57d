"""Bad input to ``branch-ledger`` subcommands gets a plain Chinese message, never English exception text.

Each case is a real run of the program (``python -m desktop_app.cli``) against a real store: a
wrong passphrase, missing files and folders, a damaged database, a mistyped date or enrolment
code. The message must start with 错误：, name what is wrong, hold no English sentence (the
English that raw exception text would bring), and the exit status must be 1, not a crash.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.conftest import ROOT, SAMPLE_RECORDS

PASSPHRASE = "cli-errors-passphrase"
MEETING_ID = "0190a0a0-0000-7000-8000-000000000010"
# Three English words in a row is a sentence from an exception (the commands' own messages are
# Chinese; command names, paths and options are single tokens or joined by punctuation).
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\b")


def _cli(data: Path, *args: str, passphrase: str = PASSPHRASE, logs: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env.update(LANG="C.UTF-8", BRANCH_LEDGER_PASSPHRASE=passphrase, BRANCH_LEDGER_LOG_DIR=str(logs))
    return subprocess.run([sys.executable, "-m", "desktop_app.cli", "--data-dir", str(data), *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("ledger") / "data"
    logs = data.parent / "logs"
    assert _cli(data, "create", "--branch-name", "毕拉河林场党支部", logs=logs).returncode == 0
    assert _cli(data, "import", str(SAMPLE_RECORDS), logs=logs).returncode == 0
    return data


def _refused(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    message = result.stderr.strip()
    assert result.returncode == 1, (result.returncode, result.stdout, message)
    assert message.startswith("错误："), message
    assert "Traceback" not in message and "意外错误" not in message, message
    commands = re.sub(r"branch-ledger(?: [a-z][a-z-]*)*", "", message)  # advice naming commands is fine
    assert not ENGLISH_RUN.search(commands), f"English exception text: {message}"
    for part in expected:
        assert part in message, message
    return message


def test_wrong_passphrase(ledger: Path, tmp_path: Path) -> None:
    _refused(_cli(ledger, "unlock", passphrase="not-the-passphrase", logs=tmp_path), "密码不正确")


def test_missing_files_and_folders(ledger: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    logs = tmp_path / "logs"
    _refused(_cli(ledger, "import", str(missing / "records.json"), logs=logs), "导入文件", "不存在")
    _refused(_cli(ledger, "--passphrase-file", str(missing / "pass.txt"), "unlock", logs=logs), "密码文件", "不存在")
    # The clerk's own path in the message, not the temporary file the write goes through.
    for command in (["export", "--out", str(missing / "x.json")],
                    ["print", "minutes", MEETING_ID, "--out", str(missing / "x.pdf")],
                    ["salvage", "export", "--out", str(missing / "s.json")]):
        message = _refused(_cli(ledger, *command, logs=logs), str(missing), "不存在")
        assert ".tmp" not in message
    message = _refused(_cli(ledger, "export", "--out", str(tmp_path), logs=logs), "文件夹")
    assert ".tmp" not in message
    _refused(_cli(tmp_path / "no-ledger-here", "unlock", logs=logs), "没有找到台账数据")
    _refused(_cli(ledger, "restore", "20990101T000000Z-manual", "--yes", logs=logs), "没有找到该备份")


def test_mistyped_values(ledger: Path, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    _refused(_cli(ledger, "compliance", "--period", "2026", "--today", "2026-02-30", logs=logs),
             "--today", "2026-02-30")
    _refused(_cli(ledger, "print", "ledger", "2026", "--today", "2026-02-30", "--out", str(tmp_path / "l.pdf"),
                  logs=logs), "--today", "2026-02-30")
    _refused(_cli(ledger, "print", "ledger", "2026-13", "--out", str(tmp_path / "l.pdf"), logs=logs), "2026-13")
    _refused(_cli(ledger, "compliance", "--period", "2026-Q9", logs=logs), "2026-Q9")
    # A code too short for the request model was a pydantic ValidationError and a crash report.
    _refused(_cli(ledger, "enrol", "--server", "http://127.0.0.1:9", "--code", "ABC", logs=logs), "注册码")
    _refused(_cli(ledger, "backup", "config", "--keep", "0", logs=logs), "备份")
    assert not list(logs.glob("crash-*")), "a crash report for bad input"


def test_damaged_store(ledger: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged"
    shutil.copytree(ledger, damaged)
    with open(damaged / "ledger.db", "r+b") as db:
        db.seek(8192)
        db.write(b"\xff" * 4096)
    message = _refused(_cli(damaged, "search", "防火", logs=tmp_path / "logs"), "损坏")
    assert "salvage export" in message and "restore" in message
