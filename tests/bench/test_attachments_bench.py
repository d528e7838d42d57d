"""``python -m bench attachments`` runs end to end at a tiny scale (2 small photos, a fast link, 2 cuts).

A smoke test, not a measurement: it catches a benchmark that no longer runs against the queue, the
blob store or head office, and checks that its figures hang together.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_attachments_bench_runs_at_tiny_scale() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench", "attachments", "--json", "--photos", "2", "--min-mb", "0.4",
         "--max-mb", "0.6", "--cuts", "2", "--rtt-ms", "20", "--mbit", "40"],
        capture_output=True, text=True, timeout=600, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout)
    assert figures["head_office_files_identical"] is True
    assert figures["cuts"] == 2 and figures["cut_run"]["uploaded"] == 2
    assert 1.0 < figures["bytes_on_wire_per_payload"] < 1.2
    assert figures["resend_bytes_per_cut"] is not None and figures["resend_bytes_per_cut"] < 1024 * 1024
    assert figures["wall_s"] > 0 and figures["floor_s"] > 0
