"""The CLI's log file and crash report: an uncaught error is reported, redacted, and written down."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop_app.logs import redact

ROOT = Path(__file__).resolve().parents[2]
RECORD_TEXT = "王建华同志传达上级关于秋季森林防火的部署"


def test_uncaught_error_in_the_cli(tmp_path: Path) -> None:
    script = ("from desktop_app import logs\nlogs.setup('cli')\n"
              f"raise ValueError('cannot save ' + {RECORD_TEXT!r})\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRANCH_LEDGER_LOG_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert "程序出现意外错误：ValueError" in result.stderr and str(tmp_path) in result.stderr
    [report] = tmp_path.glob("crash-*-cli.txt")
    text = report.read_text(encoding="utf-8")
    assert "Traceback" in text and "ValueError" in text
    log = (tmp_path / "branch-ledger-cli.log").read_text(encoding="utf-8")
    assert "uncaught ValueError" in log
    for where in (result.stderr, text, log):
        assert RECORD_TEXT not in where


def test_redaction() -> None:
    token = "Vx3k9QpLm2Zt7Rw0YbN4cHs8JdF6gTa1EeKuWiOoPq5"
    line = (f"bad '{RECORD_TEXT}' token={token} key 0123456789abcdef0123456789abcdef "
            "rk 9Q9K-9KJ6-AT78-3RXE-KQ9H-A9F2-FR5L-BXKL Authorization: Bearer abc.def")
    out = redact(line)
    for secret in (RECORD_TEXT, token, "0123456789abcdef0123456789abcdef", "9Q9K-9KJ6", "abc.def"):
        assert secret not in out
    traceback_line = '  File "/opt/branch-ledger/_internal/desktop_app/store/repository_module_name.py", line 12, in f'
    assert redact(traceback_line) == traceback_line  # where it happened stays readable
