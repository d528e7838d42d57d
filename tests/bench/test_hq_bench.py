"""The head-office console benchmark runs end to end at a tiny scale (SQLite, a few branches)."""

from __future__ import annotations

from pathlib import Path

from bench.hq import run


def test_hq_bench_smoke(tmp_path: Path) -> None:
    figures = run(["--sqlite", str(tmp_path / "hq.sqlite3"), "--branches", "3", "--meetings", "6", "--members", "4",
                   "--repeat", "2"])
    assert figures["records"] == 3 * (6 + 4 + 1) and figures["meetings"] == 18
    for key in ("matrix_ms", "branch_page_ms", "record_pdf_ms", "search_ms", "baseline_ms"):
        assert figures[key]["n"] == 2 and 0 < figures[key]["p50"] <= figures[key]["p95"]
    assert figures["matrix_ms"]["target_p95"] == 1000
