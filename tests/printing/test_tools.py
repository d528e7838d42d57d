"""The sample renderer script and the printing benchmark run end to end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.print import run

ROOT = Path(__file__).resolve().parents[2]


def test_render_samples_writes_a_png_of_page_one_per_kind(tmp_path: Path) -> None:
    out = tmp_path / "samples"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "render_samples.py"), str(out), "--dpi", "30", "--draft"],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    pngs = sorted(p.name for p in out.glob("*.png"))
    kinds = ["party_congress", "committee", "group", "lecture", "theme_day", "org_life", "appraisal"]
    expected = {f"minutes-{k}-1.png" for k in kinds} | {"signin-1.png", "post-1.png"}
    assert expected <= set(pngs)
    assert any(name.startswith("ledger-") for name in pngs) and len(pngs) == 10
    for png in out.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_benchmark_reports_the_figures() -> None:
    figures = run(["--repeat", "1"])
    for key in ("minutes_1page_s", "minutes_1page_kb", "ledger_100_s", "ledger_100_kb"):
        assert isinstance(figures[key], float) and figures[key] > 0
    assert figures["minutes_1page_pages"] == 1
    assert figures["minutes_1page_kb"] <= 150  # size does not depend on the machine's speed
    assert figures["ledger_100_pages"] > 100


def test_printing_imports_neither_qt_nor_the_desktop_client() -> None:
    code = (
        "import sys, printing, testsupport.print_samples;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'desktop_app', 'fastapi', 'sync')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
