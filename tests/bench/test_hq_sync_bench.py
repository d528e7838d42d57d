"""Head office's in-process CPU-per-change benchmark runs end to end at a tiny scale (SQLite)."""

from __future__ import annotations

from pathlib import Path

from bench.hq_sync import run


def test_hq_sync_bench_smoke(tmp_path: Path) -> None:
    figures = run(["--sqlite", str(tmp_path / "hq.sqlite3"), "--devices", "4", "--rounds", "2", "--warmup", "1"])
    assert figures["syncs"] == 8 and figures["changes"] == 24, "every pushed change accepted (the bench checks)"
    cpu = figures["cpu_ms_per_change"]
    assert all(cpu[k] > 0 for k in ("parse", "sync", "reply"))
    assert cpu["total"] == round(cpu["parse"] + cpu["sync"] + cpu["reply"], 3)
    assert figures["postgres_cpu_ms_per_change"] is None and figures["sqlalchemy_statements_per_sync"] > 0
