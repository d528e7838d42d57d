"""The sync benchmark runs end to end at a tiny scale (our side only: PouchDB needs npm).

A smoke test, not a measurement: it catches a benchmark that no longer runs against the current
engine and state interfaces (the pull scenario's load source once missed a new parameter).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_sync_bench_runs_at_tiny_scale() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench", "sync", "--json", "--links", "loopback", "--meetings", "60",
         "--roster", "4", "--pull-records", "40", "--skip-throughput", "--skip-pouch"],
        capture_output=True, text=True, timeout=600, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout)
    scenarios = figures["links"]["loopback"]["scenarios"]
    assert {"initial", "fifty_changes", "no_op"} <= set(scenarios), sorted(scenarios)
    initial = scenarios["initial"]["ours"]
    assert initial["requests"] >= 1 and initial["bytes_up"] > 0
