"""Notices with receipts: which branches have read a notice that asked for acknowledgement.

Head office sends a notice as one record per branch (``publish.Publisher.publish_notice``); the
console groups them back into one notice by content (``console_records.notice_key``). A branch
has read it when one of its devices synced a ``notice_receipt`` for *its* copy (确认已读 on the
client): a receipt is matched by branch and notice id, so a receipt another branch files under the
same id never marks this branch's copy as read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, Integer, and_, case, cast, false, func, select
from sqlalchemy.orm import aliased

from sync.server.console.scope import OutOfScope, Scope
from sync.server.console.tables import console_records


@dataclass
class NoticeSummary:
    key: str
    title: str
    issued_on: str
    requires_ack: bool
    branches: int
    read: int

    @property
    def unread(self) -> int:
        return self.branches - self.read


@dataclass
class NoticeDetail:
    summary: NoticeSummary
    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # branch id, name, record, by, at


def list_notices(conn: Connection, scope: Scope, limit: int = 200) -> list[NoticeSummary]:
    ids = scope.branch_ids
    if not ids:
        return []
    n = console_records.c
    receipt = aliased(console_records)
    # Receipts grouped once and joined (a correlated count per copy scans the table each time).
    # A receipt acknowledges its own branch's copy: ids are per branch, so the join is on both.
    receipts = (
        select(receipt.c.branch_id.label("branch_id"), receipt.c.target_id.label("notice_id"),
               func.count().label("n"))
        .where(receipt.c.kind == "notice_receipt", receipt.c.deleted == false())
        .group_by(receipt.c.branch_id, receipt.c.target_id)
        .subquery()
    )
    per_copy = (
        select(n.notice_key, n.title, n.event_date, n.requires_ack,
               case((receipts.c.n > 0, 1), else_=0).label("read"))
        .select_from(console_records.outerjoin(
            receipts, and_(receipts.c.branch_id == n.branch_id, receipts.c.notice_id == n.record_id)))
        .where(n.kind == "notice", n.deleted == false(), n.branch_id.in_(ids))
        .subquery()
    )
    rows = conn.execute(
        select(per_copy.c.notice_key, func.max(per_copy.c.title), func.max(per_copy.c.event_date),
               func.max(cast(per_copy.c.requires_ack, Integer)), func.count(), func.sum(per_copy.c.read))
        .group_by(per_copy.c.notice_key)
        .order_by(func.max(per_copy.c.event_date).desc())
        .limit(limit)
    ).all()
    return [NoticeSummary(r[0], r[1], r[2] or "", bool(r[3]), int(r[4]), int(r[5] or 0)) for r in rows]


def notice_detail(conn: Connection, scope: Scope, key: str) -> NoticeDetail:
    ids = scope.branch_ids
    n = console_records.c
    receipt = aliased(console_records)
    rows = conn.execute(
        select(n.branch_id, n.record_id, n.title, n.event_date, n.requires_ack, receipt.c.actor, receipt.c.acted_at)
        .select_from(console_records.outerjoin(
            receipt, and_(receipt.c.branch_id == n.branch_id, receipt.c.target_id == n.record_id,
                          receipt.c.kind == "notice_receipt", receipt.c.deleted == false())))
        .where(n.kind == "notice", n.notice_key == key, n.deleted == false(), n.branch_id.in_(ids or [""]))
        .order_by(n.branch_id)
    ).all()
    if not rows:
        raise OutOfScope(key)
    names = {b.id: b.name for b in scope.branches}
    seen: dict[str, tuple[str, str, str, str, str]] = {}
    for r in rows:
        if r.branch_id in seen and seen[r.branch_id][3]:
            continue
        seen[r.branch_id] = (r.branch_id, names.get(r.branch_id, r.branch_id), r.record_id, r.actor or "",
                             r.acted_at or "")
    detail_rows = sorted(seen.values(), key=lambda x: (bool(x[3]), x[1]))
    summary = NoticeSummary(key, rows[0].title, rows[0].event_date or "", bool(rows[0].requires_ack),
                            len(detail_rows), sum(1 for x in detail_rows if x[3]))
    return NoticeDetail(summary, detail_rows)
