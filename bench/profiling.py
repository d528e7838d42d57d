"""CPU breakdown of a benchmark step with py-spy: which layers the client and the server spend time in.

``python -m bench sync --profile`` attaches ``py-spy record`` (sampling, ``--nonblocking`` so the
target is never paused) to the head-office process and to the benchmark's own process (the client)
for each profiled scenario, then sorts every sample into a layer by the innermost frame that
belongs to one (:data:`LAYERS`). py-spy samples every thread, which matters: head office runs
each sync in a worker thread, where cProfile (main thread only) would see nothing.
The raw stacks are written next to the JSON (``<dir>/<scenario>-server.txt``), one
``frame;frame;… count`` line per stack, for a flame graph.
"""

from __future__ import annotations

import collections
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# (layer, substrings of a frame "function (file:line)"), tried from the innermost frame outwards.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sql (driver + database)", ("do_execute (", "do_executemany (", "/sqlite3/", "/psycopg/", "sqlcipher3")),
    ("sqlalchemy (python)", ("/sqlalchemy/",)),
    ("store (SQLCipher statements)", ("desktop_app/store/",)),
    ("ed25519", ("/cryptography/", "signatures.py")),
    ("hash + canonical json", ("canonical.py", "revisions.py", "checksum.py", "hashlib")),
    ("compression", ("gzip.py", "zlib", "compression.py", "zstandard", "zstd")),
    ("pydantic", ("/pydantic/", "pydantic_core")),
    ("domain validation", ("/domain/",)),
    ("json", ("/json/", "jsonlimits.py")),
    ("http (uvicorn/starlette/requests)", ("/uvicorn/", "/starlette/", "/fastapi/", "/h11/", "/anyio/",
                                           "/requests/", "/urllib3/", "/http/", "socket.py", "ssl.py")),
    ("threads/asyncio", ("/asyncio/", "threading.py", "/concurrent/", "selectors.py")),
)


def py_spy() -> str | None:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    return found if Path(found).exists() else None


def layer_of(stack: list[str]) -> str:
    for frame in reversed(stack):
        for layer, needles in LAYERS:
            if any(n in frame for n in needles):
                return layer
    return "other"


def breakdown(raw: Path, rate: int) -> dict[str, Any]:
    """Seconds and shares per layer, and the busiest innermost functions, from a py-spy raw file."""
    layers: collections.Counter[str] = collections.Counter()
    leaves: collections.Counter[str] = collections.Counter()
    total = 0
    if raw.exists():
        for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
            stack_text, _, count_text = line.rpartition(" ")
            if not count_text.isdigit():
                continue
            stack = stack_text.split(";")
            count = int(count_text)
            total += count
            layers[layer_of(stack)] += count
            leaves[stack[-1]] += count
    return {
        "cpu_s": round(total / rate, 2),
        "layers": {k: {"s": round(v / rate, 2), "share": round(v / total, 3)} for k, v in layers.most_common()}
        if total else {},
        "top_functions": [{"frame": k, "s": round(v / rate, 2)} for k, v in leaves.most_common(12)],
    }


class Profiler:
    """Profiles labelled steps of the client (this process) and of a server process."""

    def __init__(self, out_dir: Path, rate: int = 200, subprocesses: bool = False) -> None:
        self.out_dir = out_dir
        self.rate = rate
        self.subprocesses = subprocesses  # `serve --workers N`: sample the supervisor's workers too
        self.results: dict[str, Any] = {}
        self.binary = py_spy()
        if self.binary is None:
            raise RuntimeError("py-spy is not installed (pip install py-spy)")
        out_dir.mkdir(parents=True, exist_ok=True)

    def _record(self, pid: int, path: Path, subprocesses: bool = False) -> subprocess.Popen[bytes]:
        assert self.binary is not None
        return subprocess.Popen(
            [self.binary, "record", "--nonblocking", "-r", str(self.rate), "-f", "raw", "-o", str(path),
             "-p", str(pid), *(["--subprocesses"] if subprocesses else [])],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    @contextlib.contextmanager
    def run(self, label: str, server_pid: int) -> Iterator[None]:
        files = {"server": self.out_dir / f"{label}-server.txt", "client": self.out_dir / f"{label}-client.txt"}
        procs = [self._record(server_pid, files["server"], self.subprocesses),
                 self._record(os.getpid(), files["client"])]
        time.sleep(1.0)  # py-spy attaches
        try:
            yield
        finally:
            for proc in procs:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGINT)
            for proc in procs:
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
            self.results[label] = {side: breakdown(path, self.rate) for side, path in files.items()}
            self.results[label]["raw_files"] = {side: str(path) for side, path in files.items()}
