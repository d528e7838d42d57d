"""Head office's verdicts on this branch's records (退回修改) and the notices it sent down (通知):
what the review banner, the 退回修改 panel and a notice's 确认已读 read and write.
The facts are :mod:`desktop_app.reviews`; these functions add the guard and the change set."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app import reviews
from desktop_app.operations.ledger import Ledger, OpChanges
from desktop_app.reviews import ReviewInfo
from domain.records import NoticeReceipt

__all__ = ["Acknowledged", "ReviewInfo", "acknowledge_notice", "receipt_of", "returned_records", "review_of"]


@dataclass(frozen=True)
class Acknowledged:
    receipt: NoticeReceipt
    changes: OpChanges


def review_of(ledger: Ledger, record_id: str) -> ReviewInfo | None:
    with ledger.guard() as store:
        return reviews.review_of(store, record_id)


def returned_records(ledger: Ledger) -> list[ReviewInfo]:
    with ledger.guard() as store:
        return reviews.returned_records(store)


def receipt_of(ledger: Ledger, notice_id: str) -> NoticeReceipt | None:
    with ledger.guard() as store:
        return reviews.receipt_of(store, notice_id)


def acknowledge_notice(ledger: Ledger, notice_id: str, *, author: str | None = None) -> Acknowledged:
    """确认已读: a receipt record that syncs up to head office (``ValueError`` for a notice that
    asks for none)."""
    with ledger.guard() as store:
        receipt = reviews.acknowledge_notice(store, notice_id, author=author or ledger.author)
    return Acknowledged(receipt, OpChanges.of("notice_receipt", notice_id))
