"""Which attachment digests a branch references, and which of them head office holds (issue 14).

A revision's body lists its attachments (``body["attachments"]``, domain/attachments.py). Every
revision the ledger stores adds its digests to ``blob_refs`` in the same transaction, so "may this
device upload or fetch this digest" is one indexed lookup scoped to the device's branch (branch
isolation exactly as for records, sync-notes §6.11 and the Couchbase caveat B1), and the sync
reply's ``missing_blobs`` is one query. Head office does not judge a body's attachments list
here: an entry that is not a well-formed reference is simply not a reference (nothing can be
uploaded for it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from domain.attachments import MAX_REF_BYTES, name_problem
from sync.server.tables import blob_refs
from sync.server.timeutil import now_text

SHA256 = re.compile(r"^[0-9a-f]{64}$")
# The largest attachment head office takes: the clerk's configurable limit (20 MB by default) may be
# raised, but not past this; a reference declaring more is no reference.
MAX_BLOB_BYTES = min(64 * 1024 * 1024, MAX_REF_BYTES)
MAX_MISSING = 1000  # digests listed per sync reply


@dataclass(frozen=True)
class BlobRef:
    branch_id: str
    sha256: str
    size: int
    mime: str
    name: str
    completed: bool = False
    has_thumbnail: bool = False


def _safe_name(name: Any) -> bool:
    return isinstance(name, str) and name_problem(name) is None


def refs_in_body(body: dict[str, Any] | None) -> list[tuple[str, int, str, str]]:
    """``(sha256, size, mime, name)`` of each well-formed attachment reference in ``body``."""
    if not body:
        return []
    items = body.get("attachments")
    if not isinstance(items, list):
        return []
    out: list[tuple[str, int, str, str]] = []
    for item in items[:200]:
        if not isinstance(item, dict):
            continue
        sha, size, mime, name = item.get("sha256"), item.get("size"), item.get("mime"), item.get("name")
        if (isinstance(sha, str) and SHA256.match(sha) and isinstance(size, int) and not isinstance(size, bool)
                and 0 < size <= MAX_BLOB_BYTES and isinstance(mime, str) and 0 < len(mime) <= 100
                and _safe_name(name)):
            out.append((sha, size, mime, str(name)))
    return out


def insert_refs(conn: Connection, branch_id: str, staged: Sequence[tuple[int, tuple[str, int, str, str]]]) -> None:
    """Add ``(seq, ref)`` pairs; a digest the branch already references keeps its first row."""
    now = now_text()
    rows: dict[str, dict[str, Any]] = {}
    for seq, (sha, size, mime, name) in staged:
        rows.setdefault(sha, dict(branch_id=branch_id, sha256=sha, size=size, mime=mime, name=name, first_seq=seq,
                                  referenced_at=now, completed_at=None, has_thumbnail=False))
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(blob_refs).on_conflict_do_nothing(index_elements=["branch_id", "sha256"])
    conn.execute(statement, list(rows.values()))


def get_ref(conn: Connection, branch_id: str, sha256: str) -> BlobRef | None:
    row = conn.execute(
        select(blob_refs).where(blob_refs.c.branch_id == branch_id, blob_refs.c.sha256 == sha256)
    ).first()
    if row is None:
        return None
    return BlobRef(row.branch_id, row.sha256, int(row.size), row.mime, row.name, row.completed_at is not None,
                   bool(row.has_thumbnail))


def missing(conn: Connection, branch_id: str, limit: int = MAX_MISSING) -> list[str]:
    """Digests the branch references that head office does not hold completely, oldest first."""
    query = (
        select(blob_refs.c.sha256)
        .where(blob_refs.c.branch_id == branch_id, blob_refs.c.completed_at.is_(None))
        .order_by(blob_refs.c.first_seq, blob_refs.c.sha256)
        .limit(limit)
    )
    return list(conn.execute(query).scalars())


def branch_refs(conn: Connection, branch_id: str, digests: Sequence[str]) -> dict[str, BlobRef]:
    """The branch's references among ``digests`` (for a record page)."""
    if not digests:
        return {}
    rows = conn.execute(
        select(blob_refs).where(blob_refs.c.branch_id == branch_id, blob_refs.c.sha256.in_(list(digests)))
    )
    return {r.sha256: BlobRef(r.branch_id, r.sha256, int(r.size), r.mime, r.name, r.completed_at is not None,
                              bool(r.has_thumbnail)) for r in rows}


def held_bytes(conn: Connection, branch_id: str) -> int:
    """Bytes of the branch's attachments head office holds completely (its blob quota's use)."""
    total = conn.execute(select(func.coalesce(func.sum(blob_refs.c.size), 0)).where(
        blob_refs.c.branch_id == branch_id, blob_refs.c.completed_at.is_not(None))).scalar_one()
    return int(total)


def mark_complete(conn: Connection, branch_id: str, sha256: str, *, has_thumbnail: bool) -> None:
    conn.execute(
        update(blob_refs)
        .where(blob_refs.c.branch_id == branch_id, blob_refs.c.sha256 == sha256)
        .values(completed_at=now_text(), has_thumbnail=has_thumbnail)
    )
