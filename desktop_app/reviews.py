"""Head office's verdicts and the branch's receipts, as the clerk's store holds them (no Qt).

Reviews arrive by sync as records of kind ``review`` (one per reviewed record; its latest
revision is head office's current verdict, written only by head office). A record is *returned*
while head office's verdict on it is 退回修改; the clerk corrects it with an amendment (更正),
and the return then shows as corrected (the amendment waits for head office's next verdict).

A notice that asks for acknowledgement is acknowledged with a ``notice_receipt`` record written
through the repository (validate → write → history → outbox), finalized at once: it syncs up
like any record, and head office counts the branch as having read the notice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app.store.store import Store
from domain.enums import RecordStatus, ReviewDecision
from domain.errors import LedgerError
from domain.i18n import N_
from domain.records import Notice, NoticeReceipt, Review
from sync.protocol.record_ids import review_record_id


@dataclass(frozen=True)
class ReviewInfo:
    record_id: str  # the reviewed record
    decision: ReviewDecision
    comment: str
    reviewer: str
    reviewed_at: dt.datetime
    title: str
    amendment_id: str | None  # the clerk's 更正 of it, if any
    amendment_final: bool

    @property
    def corrected(self) -> bool:
        return self.amendment_id is not None


def _review(store: Store, record_id: str) -> Review | None:
    try:
        env = store.records.get(review_record_id(record_id))
    except Exception:
        return None
    return env.body if isinstance(env.body, Review) and not env.deleted else None


def _amendment(store: Store, record_id: str) -> tuple[str | None, bool]:
    row = store.conn.execute(
        "SELECT id, status FROM records WHERE amends = ? AND deleted = 0 ORDER BY updated_at DESC LIMIT 1",
        (record_id,),
    ).fetchone()
    return (None, False) if row is None else (str(row[0]), row[1] == RecordStatus.FINAL.value)


def _info(store: Store, review: Review) -> ReviewInfo:
    title = store.records.title_of(review.target_record_id) or review.target_title
    amendment, final = _amendment(store, review.target_record_id)
    return ReviewInfo(review.target_record_id, review.decision, review.comment, review.reviewer,
                      review.reviewed_at, title, amendment, final)


def review_of(store: Store, record_id: str) -> ReviewInfo | None:
    """Head office's current verdict on ``record_id`` (None: not reviewed)."""
    review = _review(store, record_id)
    return None if review is None else _info(store, review)


def returned_records(store: Store) -> list[ReviewInfo]:
    """Every record head office returned for correction, newest return first; corrected ones too
    (their amendment waits for head office), so the clerk sees the whole loop."""
    out = []
    for _rid, body in store.records.iter_bodies("review"):
        if isinstance(body, Review) and body.decision is ReviewDecision.RETURNED:
            out.append(_info(store, body))
    return sorted(out, key=lambda r: (r.corrected, -r.reviewed_at.timestamp()))


def open_returns(store: Store) -> int:
    """Returned records not yet corrected: the number on the overview's badge."""
    return sum(1 for r in returned_records(store) if not r.corrected)


def receipt_of(store: Store, notice_id: str) -> NoticeReceipt | None:
    """This branch's 确认已读 of a notice (made on this or another laptop of the branch)."""
    for _rid, body in store.records.iter_bodies("notice_receipt"):
        if isinstance(body, NoticeReceipt) and body.notice_id == notice_id:
            return body
    return None


class NotAcknowledgeable(LedgerError, ValueError):
    """The record is not a notice that asks for acknowledgement."""


def acknowledge_notice(store: Store, notice_id: str, *, author: str) -> NoticeReceipt:
    """确认已读: write the receipt (once per branch); returns the receipt now on file."""
    env = store.records.get(notice_id)
    if not isinstance(env.body, Notice) or not env.body.requires_ack:
        raise NotAcknowledgeable(N_("此记录不是需要确认的通知"))
    with store.transaction():
        existing = receipt_of(store, notice_id)
        if existing is not None:
            return existing
        receipt = NoticeReceipt(notice_id=notice_id, acknowledged_by=author,
                                acknowledged_at=dt.datetime.now(dt.UTC).replace(microsecond=0))
        created = store.records.create("notice_receipt", receipt, author=author)
        store.records.finalize(created.record_id, author=author)
    return receipt
