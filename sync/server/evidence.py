"""Head office's evidence requirement ("needs photo / needs 签到表" per activity) and what it finds.

The policy (``domain.compliance.evidence.EvidencePolicy``) is one JSON value in ``server_meta``,
set by ``branch-ledger-hq evidence set`` and sent down to every device on the last page of a sync
reply (``SyncResponse.evidence``). Compliance (compliance.py) then counts a finalized meeting of a
type that needs evidence only if its current version lists attachments of every required role
that head office holds completely (``blob_refs.completed_at``); otherwise it is 缺少佐证材料.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, and_, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from domain.attachments import AttachmentRole
from domain.compliance.evidence import EvidencePolicy
from sync.server.tables import blob_refs, heads, revisions, server_meta

POLICY_KEY = "evidence_policy"


def get_policy(conn: Connection) -> EvidencePolicy:
    raw = conn.execute(select(server_meta.c.value).where(server_meta.c.key == POLICY_KEY)).scalar_one_or_none()
    return EvidencePolicy.from_json(json.loads(raw)) if raw else EvidencePolicy()


def set_policy(conn: Connection, policy: EvidencePolicy) -> None:
    value = json.dumps(policy.to_json(), ensure_ascii=False, sort_keys=True)
    if conn.execute(update(server_meta).where(server_meta.c.key == POLICY_KEY).values(value=value)).rowcount:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(server_meta).values(key=POLICY_KEY, value=value).on_conflict_do_nothing())


def completed_counts(conn: Connection, branch_ids: Sequence[str]) -> dict[str, int]:
    """Blobs held completely per branch (part of compliance's cache key: a finished upload changes it)."""
    if not branch_ids:
        return {}
    rows = conn.execute(select(blob_refs.c.branch_id, func.count()).where(
        blob_refs.c.branch_id.in_(list(branch_ids)), blob_refs.c.completed_at.is_not(None))
        .group_by(blob_refs.c.branch_id))
    return {b: int(n) for b, n in rows}


def held_roles(conn: Connection, branch_id: str, record_ids: Sequence[str]) -> dict[str, set[str]]:
    """For each record, the roles of the attachments of its current version head office holds."""
    if not record_ids:
        return {}
    rows = conn.execute(
        select(revisions.c.record_id, revisions.c.body)
        .join(heads, and_(heads.c.branch_id == revisions.c.branch_id, heads.c.record_id == revisions.c.record_id,
                          heads.c.current_rev == revisions.c.rev))
        .where(heads.c.branch_id == branch_id, heads.c.record_id.in_(list(record_ids)))
    ).all()
    wanted: dict[str, list[tuple[str, str]]] = {}
    for record_id, text in rows:
        body = json.loads(text) if text else {}
        items = body.get("attachments") if isinstance(body, dict) else None
        wanted[record_id] = [(str(a.get("sha256")), str(a.get("role", AttachmentRole.OTHER.value)))
                             for a in items or [] if isinstance(a, dict)]
    digests = sorted({sha for pairs in wanted.values() for sha, _ in pairs})
    done: set[str] = set()
    for start in range(0, len(digests), 1000):
        done.update(conn.execute(select(blob_refs.c.sha256).where(
            blob_refs.c.branch_id == branch_id, blob_refs.c.sha256.in_(digests[start:start + 1000]),
            blob_refs.c.completed_at.is_not(None))).scalars())
    return {rid: {role for sha, role in pairs if sha in done} for rid, pairs in wanted.items()}


def shortfalls(conn: Connection, policy: EvidencePolicy, branch_id: str,
               meetings: Mapping[str, str]) -> dict[str, list[AttachmentRole]]:
    """``{record_id: missing roles}`` for the records (id → meeting type) that lack required evidence."""
    needing = [rid for rid, kind in meetings.items() if policy.needs(kind)]
    roles = held_roles(conn, branch_id, needing)
    out = {}
    for rid in needing:
        missing = policy.missing(meetings[rid], roles.get(rid, set()))
        if missing:
            out[rid] = missing
    return out
