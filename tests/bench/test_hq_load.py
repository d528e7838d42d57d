"""The throughput bench's replay load generator (bench/hq_load.py) sends what a client would.

Its request bodies are spliced from a pre-compressed push and a per-request tail; head office
must read them as one ordinary gzip body, and a tiny throughput run must get every change
accepted by a real head office on a real PostgreSQL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.hq_load import Prepared, gzip_parts, prepare_push
from sync.client.changes import build_change
from sync.protocol.compression import gunzip_capped
from sync.protocol.revisions import compute_rev
from sync.protocol.signatures import SigningKey

ROOT = Path(__file__).resolve().parents[2]


def _change(n: int) -> object:
    body = {"meeting_type": "party_congress", "title": f"第{n}次支部党员大会", "starts_at": "2026-10-15T09:00:00"}
    rev = compute_rev(kind="meeting", body=body, parents=[], deleted=False, status="draft")
    return build_change(signing_key=SigningKey.generate(), device_id="dev-1", change_id=f"c{n}", counter=n,
                        record_id=f"r{n}", kind="meeting", rev=rev, parents=[], deleted=False, status="draft",
                        schema_version=1, body=body, hlc=f"17638888880{n:02d}-0000-dev-1",
                        device_time="2026-11-23T09:00:00+08:00", author="王书记")


def test_a_spliced_body_is_one_gzip_member_of_the_whole_request() -> None:
    prepared: Prepared = prepare_push([_change(1), _change(2)])  # type: ignore[list-item]
    tail = b'"client":{"device_id":"dev-1"},"cursor":"abc","protocol":1}'
    body = gunzip_capped(gzip_parts(prepared, tail), 10_000_000)  # refuses trailing or concatenated members
    request = json.loads(body)
    assert [c["change_id"] for c in request["push"]] == ["c1", "c2"]
    assert request["cursor"] == "abc" and body.endswith(tail)


def test_the_replay_load_gets_every_change_accepted_at_tiny_scale() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench", "sync", "--json", "--throughput-only", "--devices", "4",
         "--throughput-seconds", "2", "--workers", "1"],
        capture_output=True, text=True, timeout=900, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run = json.loads(result.stdout)["server_throughput"]["runs"]["workers_1"]
    assert run["load_generator"].startswith("pre-built")
    for phase in ("saturation", "paced_half_load"):
        figures = run[phase]
        assert figures["errors"] == 0, figures["error_samples"]
        assert figures["changes_accepted"] > 0 and figures["changes_pulled"] > 0
        assert figures["cpu_s"]["load_generator"] >= 0
