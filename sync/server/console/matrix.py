"""The compliance matrix: branches × required activities for a period, with roll-ups.

Each cell is one requirement of ``domain.compliance`` for one branch — done / due / overdue /
not yet due / not applicable — with how many counted records it has against how many are
required. The 党小组会 of all groups of a branch share one column (the worst group decides its
state). Per org unit above the branches (二级党委, 党总支, 集团) the roll-up gives, per column,
the share of branches where the requirement is done, and the share of branches with nothing
overdue. "Silent" branches are those whose devices have not synced for ``SILENT_DAYS`` days (or
never): head office cannot know what they did (彭山's 30-day rule, domain.md §7).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection

from domain.compliance import ComplianceState, Period, RequirementStatus
from domain.i18n import N_, pt, t
from sync.server.compliance import BranchCompliance, compliance_for
from sync.server.console.scope import Scope
from sync.server.orgs import KIND_LABELS, OrgUnit

SILENT_DAYS = 30
# The org kinds (sync.server.orgs.KIND_LABELS) as the console shows them, marked for the catalog here.
ORG_KIND_WORDS = (N_("集团党委"), N_("二级党委"), N_("党总支"), N_("支部"))

COLUMNS: tuple[tuple[str, str], ...] = (
    ("congress", N_("党员大会")),
    ("committee", N_("支委会")),
    ("group", N_("党小组会")),
    ("theme_day", N_("主题党日")),
    ("lecture", N_("党课")),
    ("org_life", N_("组织生活会")),
    ("appraisal", N_("民主评议")),
    ("secretary_lecture", N_("书记讲党课")),
)
def state_label(state: str) -> str:
    """已完成 / Done: a cell's state as the matrix, its legend and its exports name it."""
    words = {
        "done": pt("matrix", "已完成"),
        "due": pt("matrix", "待完成"),
        "overdue": pt("matrix", "逾期"),
        "upcoming": pt("matrix", "未到期"),
        "not_applicable": pt("matrix", "不适用"),
    }
    return words.get(state, state)
_WORST = ("overdue", "due", "upcoming", "done", "not_applicable")


@dataclass(frozen=True)
class Cell:
    state: str
    done: int
    required: int
    due_soon: bool = False
    note: str = ""

    @property
    def label(self) -> str:
        return state_label(self.state)

    @property
    def text(self) -> str:
        if self.state == "not_applicable":
            return "—"
        return f"{self.done}/{self.required}"


@dataclass
class BranchRow:
    unit: OrgUnit
    path: list[str]
    cells: dict[str, Cell]
    result: BranchCompliance
    silent_days: int | None  # None: never synced

    @property
    def behind(self) -> bool:
        return self.result.behind

    @property
    def silent(self) -> bool:
        return self.silent_days is None or self.silent_days >= SILENT_DAYS

    @property
    def not_counted(self) -> dict[str, int]:
        return {k: v for k, v in self.result.states.items() if k != "counted"}


@dataclass
class RollUp:
    unit: OrgUnit
    branches: int = 0
    on_track: int = 0  # nothing overdue
    done: dict[str, int] = field(default_factory=dict)
    applicable: dict[str, int] = field(default_factory=dict)
    silent: int = 0

    @property
    def kind_label(self) -> str:
        return t(KIND_LABELS[self.unit.kind]) if self.unit.kind in KIND_LABELS else self.unit.kind

    def percent(self, key: str) -> int | None:
        total = self.applicable.get(key, 0)
        return None if total == 0 else round(100 * self.done.get(key, 0) / total)

    @property
    def on_track_percent(self) -> int | None:
        return None if self.branches == 0 else round(100 * self.on_track / self.branches)


@dataclass
class Matrix:
    period: Period
    today: dt.date
    rows: list[BranchRow]
    rollups: list[RollUp]

    @property
    def silent(self) -> list[BranchRow]:
        return sorted((r for r in self.rows if r.silent), key=lambda r: -(r.silent_days or 10**6))


def columns() -> list[tuple[str, str]]:
    """(key, heading) of the matrix's columns in the reader's language."""
    return [(key, t(heading)) for key, heading in COLUMNS]


def _column(key: str) -> str:
    return "group" if key.startswith("group:") else key


def _cells(requirements: Sequence[RequirementStatus]) -> dict[str, Cell]:
    grouped: dict[str, list[RequirementStatus]] = {}
    for req in requirements:
        grouped.setdefault(_column(req.key), []).append(req)
    cells: dict[str, Cell] = {}
    for key, _label in COLUMNS:
        reqs = grouped.get(key, [])
        if not reqs:
            cells[key] = Cell("not_applicable", 0, 0, note=t("支部未设党小组") if key == "group" else "")
            continue
        states = [r.state.value for r in reqs]
        state = next(s for s in _WORST if s in states)
        note = (t("；").join(t("{requirement}：{state}", requirement=r.label, state=t(r.state.label)) for r in reqs)
                if len(reqs) > 1 else reqs[0].note)
        cells[key] = Cell(state, sum(r.done for r in reqs), sum(r.required for r in reqs),
                          any(r.due_soon for r in reqs), note)
    return cells


def _silent_days(last_sync_at: str | None, today: dt.date) -> int | None:
    if not last_sync_at:
        return None
    return max(0, (today - dt.date.fromisoformat(last_sync_at[:10])).days)  # stored as UTC ISO text


def build_matrix(conn: Connection, scope: Scope, root_id: str | None, period: Period, today: dt.date) -> Matrix:
    """The matrix of the visible branches under ``root_id`` (None: the user's whole scope)."""
    branches = scope.under(root_id) if root_id else scope.branches
    results = compliance_for(conn, [(b.id, b.name) for b in branches], period, today)
    rows: list[BranchRow] = []
    for unit in branches:
        result = results[unit.id]
        path = [u.name for u in scope.path(unit.id)][:-1]
        cells = result.derived.get("cells")
        if cells is None:
            cells = result.derived["cells"] = _cells(result.report.requirements)
        rows.append(BranchRow(unit, path, cells, result, _silent_days(result.last_sync_at, today)))
    rows.sort(key=lambda r: (r.path, r.unit.name, r.unit.id))
    return Matrix(period, today, rows, _rollups(scope, root_id, rows))


def _rollups(scope: Scope, root_id: str | None, rows: list[BranchRow]) -> list[RollUp]:
    """Per org unit above the branches: each branch row is added to every visible ancestor."""
    allowed: set[str] | None = None
    if root_id:
        allowed = {u.id for u in scope.path(root_id)} | {u.id for u in _descendants(scope, root_id)}
    rollups = {u.id: RollUp(u) for u in scope.units if not u.is_branch and (allowed is None or u.id in allowed)}
    for row in rows:
        ancestors = [u for u in scope.path(row.unit.id)[:-1] if u.id in rollups]
        for unit in ancestors:
            roll = rollups[unit.id]
            roll.branches += 1
            roll.on_track += 0 if row.behind else 1
            roll.silent += 1 if row.silent else 0
            for key, cell in row.cells.items():
                if cell.state == "not_applicable":
                    continue
                roll.applicable[key] = roll.applicable.get(key, 0) + 1
                roll.done[key] = roll.done.get(key, 0) + (1 if cell.state == "done" else 0)
    return [r for r in rollups.values() if r.branches]


def _descendants(scope: Scope, unit_id: str) -> list[OrgUnit]:
    children: dict[str | None, list[OrgUnit]] = {}
    for u in scope.units:
        children.setdefault(u.parent_id, []).append(u)
    out: list[OrgUnit] = []
    stack = list(children.get(unit_id, []))
    while stack:
        u = stack.pop()
        out.append(u)
        stack.extend(children.get(u.id, []))
    return out


def state_class(state: str) -> str:
    return {"done": "ok", "due": "due", "overdue": "bad", "upcoming": "later", "not_applicable": "na"}.get(state, "")


__all__ = ["COLUMNS", "SILENT_DAYS", "BranchRow", "Cell", "ComplianceState", "Matrix", "RollUp", "build_matrix"]
