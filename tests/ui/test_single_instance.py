"""The data-directory lock: held by a live process → refused with a message; left by a dead one → taken."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop_app.ui import launch
from desktop_app.ui.single_instance import LOCK_NAME, SingleInstance

HOLD = """
import sys, time
from PySide6.QtCore import QLockFile
lock = QLockFile(sys.argv[1]); lock.setStaleLockTime(0)
assert lock.tryLock(1000)
print("held", flush=True)
if sys.argv[2] == "crash":
    import os; os._exit(0)          # dies without unlocking: the file stays behind
time.sleep(60)
"""


def _holder(data_dir: Path, mode: str) -> subprocess.Popen[str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(data_dir / LOCK_NAME), mode],
                            stdout=subprocess.PIPE, text=True, env={**os.environ})
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_in_use_by_a_process_that_does_not_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _title, text: shown.append(text))
    holder = _holder(tmp_path / "data", "hold")
    try:
        assert launch.claim_data_dir(tmp_path / "data") is None
    finally:
        holder.kill()
        holder.wait()
    assert len(shown) == 1 and str(tmp_path / "data") in shown[0]
    assert "正被另一个支部台账程序使用" in shown[0] or "in use by another" in shown[0]


def test_lock_left_by_a_crashed_run_is_taken_over(tmp_path: Path, qtbot: Any) -> None:
    holder = _holder(tmp_path / "data", "crash")
    holder.wait()
    assert (tmp_path / "data" / LOCK_NAME).exists()
    guard = SingleInstance(tmp_path / "data")
    assert guard.acquire()
    guard.release()
    assert not (tmp_path / "data" / LOCK_NAME).exists()


def test_second_instance_wakes_the_first(tmp_path: Path, qtbot: Any) -> None:
    first = SingleInstance(tmp_path / "data")
    assert first.acquire()
    try:
        second = SingleInstance(tmp_path / "data")
        assert not second.acquire()
        with qtbot.waitSignal(first.activated, timeout=5000):
            assert second.wake_running()
        other = SingleInstance(tmp_path / "elsewhere")  # another data directory is not affected
        assert other.acquire()
        other.release()
    finally:
        first.release()
