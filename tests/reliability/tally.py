"""The reliability suite's own figures: each test reports its trials, and the run writes the table.

A test asks :func:`trials` how many trials to run (reduced by default, full with
``--full-counts``), runs them against the real parts, and reports what it saw through the
``tally`` fixture. At the end of a ``--full-counts`` session the table in ``docs/reliability.md``
(between the markers) is rewritten from these reports, merged by test name, so the figures in the
document are the ones the suite produced at full counts, never typed by hand. Reduced runs only
update ``out/reliability/results.json``.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "reliability.md"
RESULTS = REPO / "out" / "reliability" / "results.json"
START, END = "<!-- reliability-table:start -->", "<!-- reliability-table:end -->"


@dataclass
class Trial:
    """What one reliability test saw. ``lost``/``duplicated``/``leaked`` must all be 0 to pass."""

    test: str
    trials: int
    passed: int
    lost: int = 0
    duplicated: int = 0
    leaked: int = 0
    counts: str = "reduced"
    detail: str = ""
    run_at: str = ""


class Tally:
    def __init__(self, full: bool) -> None:
        self.full = full
        self.reports: list[Trial] = []

    def trials(self, reduced: int, full: int) -> int:
        """How many trials to run: ``full`` with ``--full-counts``, else ``reduced``."""
        return full if self.full else reduced

    def record(
        self,
        test: str,
        *,
        trials: int,
        passed: int,
        lost: int = 0,
        duplicated: int = 0,
        leaked: int = 0,
        detail: str = "",
    ) -> Trial:
        report = Trial(
            test=test,
            trials=trials,
            passed=passed,
            lost=lost,
            duplicated=duplicated,
            leaked=leaked,
            counts="full" if self.full else "reduced",
            detail=detail,
            run_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        )
        self.reports.append(report)
        return report

    def write(self) -> None:
        """Merge this run's reports into results.json and rewrite the table in docs/reliability.md."""
        if not self.reports:
            return
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        # Parallel workers (pytest-xdist) each hold the reports of the tests they ran and write at
        # the end of their session: the lock keeps one worker's merge from dropping another's rows.
        with open(RESULTS.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._merge_and_write()

    def _merge_and_write(self) -> None:
        merged: dict[str, dict[str, object]] = {}
        if RESULTS.exists():
            try:
                merged = {row["test"]: row for row in json.loads(RESULTS.read_text(encoding="utf-8"))}
            except (ValueError, KeyError, TypeError):
                merged = {}
        for report in self.reports:
            merged[report.test] = asdict(report)
        RESULTS.write_text(json.dumps(sorted(merged.values(), key=lambda r: str(r["test"])), ensure_ascii=False,
                                      indent=1), encoding="utf-8")
        # The document holds the full-count figures: a reduced run (every CI run) only refreshes
        # results.json, so it never overwrites the table the full run wrote.
        if DOC.exists() and self.full:
            _rewrite_table(sorted((r for r in merged.values() if r.get("counts") == "full"),
                                  key=lambda r: str(r["test"])))


def _rewrite_table(rows: list[dict[str, object]]) -> None:
    lines = [
        START,
        "| test | trials | passed | lost | duplicated | leaked | counts | run (UTC) | what was seen |",
        "|---|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for r in rows:
        detail = str(r.get("detail", "")).replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| `{r['test']}` | {r['trials']} | {r['passed']} | {r['lost']} | {r['duplicated']} | {r['leaked']} "
            f"| {r['counts']} | {r['run_at']} | {detail} |"
        )
    lines.append(END)
    text = DOC.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
    new = pattern.sub("\n".join(lines), text) if pattern.search(text) else text.rstrip() + "\n\n" + "\n".join(lines)
    DOC.write_text(new + ("" if new.endswith("\n") else "\n"), encoding="utf-8")
