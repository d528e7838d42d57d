"""已审核 / 退回修改: head office's verdict on a finalized record, sent down to the branch.

Head office never edits a branch's record. Its verdict is a record of its own (kind ``review``,
one per reviewed record, ``sync.protocol.record_ids.review_record_id``), signed by head office
and carried to the branch's devices in the normal sync reply like a notice. The clerk corrects a
returned record with an amendment (更正), which arrives as a new record whose
``amends_record_id`` names the returned one: that is the link the console shows.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Connection, select

from domain.enums import ReviewDecision
from domain.errors import LedgerError
from domain.i18n import N_, t
from sync.protocol.record_ids import review_record_id
from sync.server.console import audit
from sync.server.console.scope import OutOfScope, Scope
from sync.server.console.users import User
from sync.server.publish import Publisher
from sync.server.tables import heads, revisions

MAX_COMMENT = 2000


class ReviewError(LedgerError, ValueError):
    """A verdict that cannot be given; the message is for the reviewer."""


def review(conn: Connection, publisher: Publisher, scope: Scope, user: User, branch_id: str, record_id: str,
           decision: str, comment: str, address: str = "") -> None:
    """Record ``user``'s verdict on record ``record_id`` of branch ``branch_id`` and queue it for
    that branch (one transaction). Ids are per branch: the verdict goes into the ledger of the
    branch named, never to another branch holding a record of the same id."""
    try:
        verdict = ReviewDecision(decision)
    except ValueError as exc:
        raise ReviewError(t("请选择“已审核”或“退回修改”")) from exc
    comment = comment.strip()
    if verdict is ReviewDecision.RETURNED and not comment:
        raise ReviewError(t("退回修改时请填写退回意见，告诉支部需要更正什么"))
    if len(comment) > MAX_COMMENT:
        raise ReviewError(t("意见不能超过 {n} 字", n=MAX_COMMENT))
    scope.branch(branch_id)  # out of scope: OutOfScope before anything is read
    head = conn.execute(select(heads).where(heads.c.branch_id == branch_id, heads.c.record_id == record_id)).first()
    if head is None:
        raise OutOfScope(record_id)
    if head.kind != "meeting" or head.deleted:
        raise ReviewError(t("只能审核会议记录"))
    if head.status != "final":
        raise ReviewError(t("草稿尚未定稿，不能审核；支部定稿后再审核"))
    title = conn.execute(
        select(revisions.c.body).where(revisions.c.branch_id == branch_id, revisions.c.record_id == record_id,
                                       revisions.c.rev == head.current_rev)
    ).scalar_one_or_none()
    body_title = ""
    if title:
        raw = json.loads(title).get("title")
        body_title = raw[:500] if isinstance(raw, str) else ""
    body = {
        "target_record_id": record_id,
        "target_rev": head.current_rev,
        "target_title": body_title,
        "decision": verdict.value,
        "comment": comment,
        "reviewer": user.display_name,
        "reviewed_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
    publisher.publish_review(conn, branch_id=branch_id, record_id=review_record_id(record_id), body=body,
                             author=f"{N_('总部')}:{user.name}")
    audit.record(conn, user.name, "return" if verdict is ReviewDecision.RETURNED else "approve",
                 audit.record_target(branch_id, record_id), {"title": body_title, "comment": comment}, address)
