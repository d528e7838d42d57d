"""Read-only views for head office: a branch's records, a full export, the compliance summary."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Connection, select

from sync.server.compliance import branch_compliance, parse_period
from sync.server.orgs import OrgUnit, all_units, branches_under, org_path, resolve_unit
from sync.server.tables import heads, revisions
from sync.server.timeutil import now_text


def list_records(conn: Connection, branch_id: str, kind: str | None = None) -> list[dict[str, Any]]:
    """One line per record: its head (current revision, status, conflict flag)."""
    query = (
        select(heads, revisions.c.body, revisions.c.author, revisions.c.received_at)
        .join(
            revisions,
            (revisions.c.branch_id == heads.c.branch_id)
            & (revisions.c.record_id == heads.c.record_id)
            & (revisions.c.rev == heads.c.current_rev),
        )
        .where(heads.c.branch_id == branch_id)
        .order_by(heads.c.kind, heads.c.updated_seq)
    )
    if kind:
        query = query.where(heads.c.kind == kind)
    out = []
    for row in conn.execute(query).all():
        body = json.loads(row.body) if row.body else {}
        out.append(
            {
                "record_id": row.record_id,
                "kind": row.kind,
                "title": _title(body),
                "current_rev": row.current_rev,
                "status": row.status,
                "deleted": bool(row.deleted),
                "conflicted": bool(row.conflicted),
                "leaves": json.loads(row.leaves),
                "author": row.author,
                "received_at": row.received_at,
            }
        )
    return out


def _title(body: dict[str, Any]) -> str:
    for key in ("title", "name", "description"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value[:80]
    return ""


def export_branch(conn: Connection, branch: OrgUnit) -> dict[str, Any]:
    """Everything head office holds for a branch: heads with every revision (full history)."""
    revs: dict[str, list[dict[str, Any]]] = {}
    for r in conn.execute(
        select(revisions).where(revisions.c.branch_id == branch.id).order_by(revisions.c.seq)
    ).all():
        revs.setdefault(r.record_id, []).append(
            {
                "seq": r.seq,
                "rev": r.rev,
                "parents": json.loads(r.parents),
                "kind": r.kind,
                "status": r.status,
                "deleted": bool(r.deleted),
                "schema_version": r.schema_version,
                "body": json.loads(r.body) if r.body else None,
                "hlc": r.hlc,
                "device_time": r.device_time,
                "received_at": r.received_at,
                "author": r.author,
                "device_id": r.device_id,
                "sig": r.sig,
                "violations": json.loads(r.violations) if r.violations else [],
            }
        )
    records = []
    for h in conn.execute(
        select(heads).where(heads.c.branch_id == branch.id).order_by(heads.c.record_id)
    ).all():
        history = revs.get(h.record_id, [])
        current = next((r for r in history if r["rev"] == h.current_rev), None)
        records.append(
            {
                "record_id": h.record_id,
                "kind": h.kind,
                "current_rev": h.current_rev,
                "status": h.status,
                "deleted": bool(h.deleted),
                "conflicted": bool(h.conflicted),
                "leaves": json.loads(h.leaves),
                "body": current["body"] if current else None,
                "revisions": history,
            }
        )
    return {
        "format": "branch-ledger-hq-export/1",
        "exported_at": now_text(),
        "branch": {"id": branch.id, "name": branch.name, "path": org_path(conn, branch.id)},
        "records": records,
    }


def compliance(
    conn: Connection, period_code: str, root: str | None = None, today: dt.date | None = None
) -> dict[str, Any]:
    """Which branches are behind on required meetings in ``period_code`` (e.g. ``2026-Q4``).

    Head office judges from the records it holds (the current revision of each meeting). The
    rules are the domain core's (domain.compliance), the same the branch's own overview uses.
    """
    period = parse_period(period_code)
    units = branches_under(conn, resolve_unit(conn, root).id) if root else _all_branches(conn)
    rows = []
    for unit in units:
        rows.append(
            {
                "branch_id": unit.id,
                "branch_name": unit.name,
                "path": org_path(conn, unit.id),
                **branch_compliance(conn, unit.id, period, today),
            }
        )
    behind = [r for r in rows if r.get("behind")]
    return {"period": period_code, "branches": rows, "behind": [r["branch_id"] for r in behind]}


def _all_branches(conn: Connection) -> list[OrgUnit]:
    return sorted((u for u in all_units(conn) if u.is_branch), key=lambda u: u.id)
