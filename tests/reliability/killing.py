"""Running a child (child.py) and SIGKILLing it at a random moment of its work."""

from __future__ import annotations

import os
import random
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Killed:
    acks: list[list[str]] = field(default_factory=list)  # the fields of each ACK line, in order
    lines: list[str] = field(default_factory=list)
    killed: bool = True  # False: it ended on its own first


def run_and_kill(what: str, data_dir: Path, *args: str, rng: random.Random, wait_for: str = "START",
                 min_s: float = 0.0, max_s: float = 0.4, timeout: float = 60.0) -> Killed:
    """Start the child, wait for its ``wait_for`` line, let it work a random while, SIGKILL it,
    and return every line it printed (what it acknowledged)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "tests.reliability.child", what, str(data_dir), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, env=env)
    assert proc.stdout is not None
    out = Killed()
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    buffer = b""
    deadline = time.monotonic() + timeout
    kill_at: float | None = None

    def take(chunk: bytes) -> None:
        nonlocal buffer
        buffer += chunk
        *complete, buffer = buffer.split(b"\n")
        for raw in complete:
            line = raw.decode("utf-8")
            out.lines.append(line)
            if line.startswith("ACK "):
                out.acks.append(line.split(" ")[1:])

    while True:
        now = time.monotonic()
        if now > deadline:
            proc.kill()
            raise AssertionError(f"{what}: no {wait_for!r} within {timeout} s: {out.lines[-5:]}")
        if kill_at is not None and now >= kill_at:
            os.kill(proc.pid, signal.SIGKILL)
            break
        for _key, _ in selector.select(timeout=0.005):
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            take(chunk)
        if kill_at is None and wait_for in out.lines:
            kill_at = time.monotonic() + rng.uniform(min_s, max_s)
        if proc.poll() is not None:
            out.killed = False
            break
    proc.wait(10)
    while chunk := os.read(proc.stdout.fileno(), 65536):  # what it printed before it died
        take(chunk)
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.stdout.close()
    if proc.stderr:
        proc.stderr.close()
    if not out.killed and proc.returncode != 0:
        raise AssertionError(f"{what} failed on its own:\n{stderr[-2000:]}")
    return out
