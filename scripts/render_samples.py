"""Render the sample records of every document kind and turn page 1 of each into a PNG.

Usage::

    python scripts/render_samples.py OUT_DIR [--dpi 100] [--draft] [--all-pages]

Writes ``OUT_DIR/<kind>.pdf`` and ``OUT_DIR/<kind>-1.png`` (poppler's ``pdftoppm``), so a person —
or a reviewer without a PDF viewer — can look at what the renderer produces against the typical
page of domain.md §8.2. The data is the fictional branch of :mod:`testsupport.print_samples`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.enums import RecordStatus
from printing.document import PrintResult
from printing.inputs import LedgerInput
from printing.ledger import render_ledger
from printing.minutes import render_minutes
from printing.posts import render_post_report
from printing.signin import render_signin_sheet
from testsupport import print_samples as samples


def documents(status: RecordStatus) -> dict[str, Callable[[Path], PrintResult]]:
    """Kind name → function writing that sample to a path."""
    out: dict[str, Callable[[Path], PrintResult]] = {}
    for meeting in samples.all_meetings():
        out[f"minutes-{meeting.meeting_type.value}"] = partial(render_minutes, samples.minutes_input(meeting, status))
    out["signin"] = lambda path: render_signin_sheet(samples.signin_input(), path)
    out["post"] = lambda path: render_post_report(samples.post_report_input(), path)
    ledger = LedgerInput(
        branch=samples.BRANCH,
        period="2025",
        records=[samples.minutes_input(m, status, record_id=f"r{i}") for i, m in enumerate(samples.all_meetings())],
        members=samples.MEMBERS,
        posts=[samples.post_report_input()],
        today=dt.date(2025, 12, 31),
    )
    out["ledger"] = lambda path: render_ledger(ledger, path)
    return out


def render_all(out_dir: Path, dpi: int = 100, draft: bool = False, all_pages: bool = False) -> list[Path]:
    """Render every sample into ``out_dir``; return the PNG files written."""
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm not found: install poppler-utils")
    out_dir.mkdir(parents=True, exist_ok=True)
    status = RecordStatus.DRAFT if draft else RecordStatus.FINAL
    pngs: list[Path] = []
    for name, render in documents(status).items():
        pdf = out_dir / f"{name}.pdf"
        result = render(pdf)
        pages = ["-f", "1", "-l", "1"] if not all_pages else []
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", *pages, str(pdf), str(out_dir / name)], check=True)
        produced = sorted(out_dir.glob(f"{name}-*.png"))
        pngs += produced
        missing = f", missing characters: {''.join(result.missing_chars)}" if result.missing_chars else ""
        print(f"{name}: {result.pages} page(s), {result.size_bytes // 1024} KB{missing}")
    return pngs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--dpi", type=int, default=100)
    parser.add_argument("--draft", action="store_true", help="print the records as drafts (watermark)")
    parser.add_argument("--all-pages", action="store_true", help="every page, not only page 1")
    args = parser.parse_args(argv)
    pngs = render_all(args.out_dir, args.dpi, args.draft, args.all_pages)
    print(f"{len(pngs)} PNG file(s) in {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
