"""Roster updates sent from the console: a CSV or Excel sheet, all or nothing, per-row errors.

The sheet is read by :mod:`domain.roster_sheet` (the same reader the client's roster import
uses). A row whose 姓名 matches a member head office already holds for the branch updates that
member — starting from the member's current record, so fields the sheet does not have are kept —
and any other row adds a member. If any row has a problem nothing is sent and every problem is
listed with its line number; otherwise every row goes down in one transaction
(``Publisher.push_roster``), signed by head office, and arrives at the branch's next sync.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from domain.i18n import t
from domain.roster_sheet import RosterFormatError, parse_table, read_table_bytes
from sync.server.findings import branch_members
from sync.server.jsonlimits import bad_text

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Rows per upload: a 支部 has tens of members (a 党总支 a few hundred). The bound keeps one upload
# from writing hundreds of thousands of members in one transaction under the branch's lock, all
# of which every laptop of the branch would then have to pull.
MAX_ROSTER_ROWS = 1000


@dataclass
class RosterPlan:
    members: list[dict[str, Any]] = field(default_factory=list)  # bodies, with record_id for updates
    problems: list[tuple[int, str]] = field(default_factory=list)
    added: int = 0
    updated: int = 0


def plan_roster(conn: Connection, branch_id: str, filename: str, data: bytes) -> RosterPlan:
    """Read and check the sheet against the branch's roster; nothing is written."""
    plan = RosterPlan()
    if len(data) > MAX_UPLOAD_BYTES:
        plan.problems.append((0, t("文件过大（最大 {size}）", size="5 MB")))
        return plan
    try:
        table = read_table_bytes(data, filename)
        rows = sum(1 for row in table if any(str(c or "").strip() for c in row)) - 1  # less the header
        if rows > MAX_ROSTER_ROWS:
            plan.problems.append((0, t("一次最多上传 {n} 名党员，本文件有 {rows} 行；请分批上传",
                                        n=MAX_ROSTER_ROWS, rows=rows)))
            return plan
        parsed = parse_table(table)
    except RosterFormatError as exc:
        plan.problems.append((0, str(exc)))
        return plan
    plan.problems = list(parsed.problems)
    for row in parsed.rows:  # text the databases cannot store (PostgreSQL refuses NUL)
        problem = bad_text(row.data)
        if problem:
            plan.problems.append((row.line, problem))
    plan.problems.sort()
    if plan.problems:
        return plan
    by_name = {m.name: (rid, m) for rid, m in branch_members(conn, branch_id).items()}
    for row in parsed.rows:
        found = by_name.get(row.data.get("name", ""))
        if found is None:
            plan.members.append(dict(row.data))
            plan.added += 1
        else:
            record_id, current = found
            merged = current.model_dump(mode="json")
            merged.update(row.data)
            plan.members.append({"record_id": record_id, **merged})
            plan.updated += 1
    return plan
