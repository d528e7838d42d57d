"""Lists of a branch's records and search hits, from the derived index, with what each stands for.

A record's *standing* is what a reviewer needs at a glance: 草稿 / 定稿, 会议无效, 已退回修改,
已审核, 已被更正, 冲突, 需升级客户端. It is computed here for lists and on the record page alike.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, and_, false, func, select, tuple_
from sqlalchemy.orm import aliased

from domain.compliance.counting import CountState, RecordStanding, count_states
from domain.enums import MeetingType
from domain.i18n import N_, label, pt, t
from sync.server.console import indexer
from sync.server.console.scope import Scope
from sync.server.console.search import search_hits
from sync.server.console.tables import console_records
from sync.server.orgs import OrgUnit

KIND_LABELS: dict[str, str] = {
    "meeting": N_("会议记录"),
    "member": N_("党员"),
    "pioneer_post": N_("先锋岗"),
    "post_log": N_("先锋岗记录"),
    "post_evaluation": N_("先锋岗评价"),
    "branch_profile": N_("支部信息"),
    "notice": N_("通知"),
    "review": N_("审核意见"),
    "notice_receipt": N_("通知回执"),
}
# The stored (Chinese) evaluation title, read back to be shown in the reader's language.
_EVALUATION = re.compile(
    re.escape(indexer.EVALUATION_TITLE).replace(r"\{period\}", "(.*)").replace(r"\{score\}", r"(\S+)"))
LISTED_KINDS = ("meeting", "pioneer_post", "post_log", "post_evaluation", "member", "notice")
# What "全部" lists on a branch page: the branch's own records (members have their own table).
DEFAULT_KINDS = ("meeting", "pioneer_post", "post_log", "post_evaluation")


def kind_label(kind: str) -> str:
    """会议记录 / Meeting record: a record kind in the reader's language (KIND_LABELS are the sources)."""
    return t(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


DECISION_LABELS = {"approved": N_("已审核"), "returned": N_("退回修改")}


def decision_label(decision: str) -> str:
    return t(DECISION_LABELS[decision]) if decision in DECISION_LABELS else decision


def record_url(branch_id: str, record_id: str, action: str = "") -> str:
    """The console's address of a record (``action``: ``pdf``, ``review``).

    A record is named by its branch *and* its id: ids are per branch (migration 0002), so two
    branches may hold different records under one id, and the branch in the path is what the
    scope check looks at before anything is read.
    """
    path = f"/console/branches/{quote(branch_id, safe='')}/records/{quote(record_id, safe='')}"
    return f"{path}/{action}" if action else path


@dataclass(frozen=True)
class RecordLine:
    record_id: str
    branch_id: str
    branch_name: str
    kind: str
    title: str
    event_date: str | None
    meeting_type: str | None
    status: str
    conflicted: bool
    readable: bool
    valid: bool | None
    decision: str  # head office's latest verdict: approved / returned / ""
    review_comment: str
    count_state: CountState | None  # meetings only
    amended_by: str  # a finalized 更正 of this record, if any
    amends: str
    received_at: str

    @property
    def url(self) -> str:
        return record_url(self.branch_id, self.record_id)

    @property
    def shown_title(self) -> str:
        """The title as typed; an evaluation's made-up one in the reader's language."""
        if self.kind == "post_evaluation":
            made = _EVALUATION.fullmatch(self.title)
            if made:
                return t(indexer.EVALUATION_TITLE, period=made[1], score=made[2])
        return self.title

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def type_label(self) -> str:
        if self.meeting_type:
            try:
                return label(MeetingType(self.meeting_type))
            except ValueError:
                return self.meeting_type
        return self.kind_label

    @property
    def status_label(self) -> str:
        return {"draft": t("草稿"), "final": pt("record", "定稿")}.get(self.status, self.status)

    @property
    def flags(self) -> list[tuple[str, str]]:
        """(css class, text) badges, most important first."""
        out: list[tuple[str, str]] = []
        if not self.readable:
            out.append(("bad", t("需升级客户端")))
        if self.conflicted:
            out.append(("bad", t("同步冲突")))
        if self.count_state is CountState.INVALID:
            out.append(("bad", t("会议无效")))
        if self.decision == "returned":
            out.append(("due", t("已退回修改")))
        elif self.decision == "approved":
            out.append(("ok", t("已审核")))
        if self.amended_by:
            out.append(("later", t("已更正")))
        if self.amends:
            out.append(("later", t("更正记录")))
        if self.status == "draft" and self.readable and self.kind == "meeting":
            out.append(("later", t("草稿")))
        return out


@dataclass(frozen=True)
class RecordFilter:
    kind: str | None = None
    meeting_type: str | None = None
    status: str | None = None  # draft / final / returned / approved / unreviewed / invalid / unreadable
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str = ""

    def describe(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if self.kind:
            out.append((t("类型"), kind_label(self.kind)))
        if self.meeting_type:
            out.append((t("会议类型"), label(MeetingType(self.meeting_type))))
        if self.status:
            out.append((t("状态"), t(STATUS_FILTERS[self.status]) if self.status in STATUS_FILTERS else self.status))
        if self.date_from:
            out.append((t("起始日期"), self.date_from.isoformat()))
        if self.date_to:
            out.append((t("截止日期"), self.date_to.isoformat()))
        if self.text:
            out.append((t("关键词"), self.text))
        return out


STATUS_FILTERS = {
    "draft": N_("草稿"),
    "final": N_("定稿"),
    "unreviewed": N_("定稿待审核"),
    "returned": N_("已退回修改"),
    "approved": N_("已审核"),
    "invalid": N_("会议无效"),
    "conflicted": N_("同步冲突"),
    "unreadable": N_("需升级客户端"),
}


def _base(branch_ids: Sequence[str] | None) -> Any:
    review = aliased(console_records)
    amendment = aliased(console_records)
    m = console_records.c
    # The (few) finalized amendments as a grouped derived table joined once — not a correlated
    # subquery per listed record, which PostgreSQL ran as a scan of the whole table each time
    # (most rows have amends_record_id = '', so its statistics favour a sequential scan).
    # Reviews and amendments refer to records of their own branch: every join is on both columns.
    amended_q = (
        select(amendment.c.branch_id.label("branch"), amendment.c.amends_record_id.label("original"),
               func.max(amendment.c.record_id).label("by"))
        .where(amendment.c.amends_record_id != "", amendment.c.kind == "meeting",
               amendment.c.status == "final", amendment.c.deleted == false())
        .group_by(amendment.c.branch_id, amendment.c.amends_record_id)
        .subquery()
    )
    query = (
        select(m.record_id, m.branch_id, m.kind, m.title, m.event_date, m.meeting_type, m.status, m.conflicted,
               m.readable, m.valid, m.amends_record_id, m.received_at, review.c.decision, review.c.comment,
               amended_q.c.by.label("amended_by"))
        .select_from(
            console_records.outerjoin(
                review, and_(review.c.branch_id == m.branch_id, review.c.target_id == m.record_id,
                             review.c.kind == "review", review.c.deleted == false())
            ).outerjoin(amended_q, and_(amended_q.c.branch == m.branch_id, amended_q.c.original == m.record_id))
        )
        .where(m.deleted == false())
    )
    if branch_ids is not None:
        query = query.where(m.branch_id.in_(list(branch_ids)))
    return query, review


def _apply(query: Any, review: Any, flt: RecordFilter) -> Any:
    m = console_records.c
    if flt.kind:
        query = query.where(m.kind == flt.kind)
    else:
        query = query.where(m.kind.in_(DEFAULT_KINDS))
    if flt.meeting_type:
        query = query.where(m.meeting_type == flt.meeting_type)
    if flt.date_from:
        query = query.where(m.event_date >= flt.date_from.isoformat())
    if flt.date_to:
        query = query.where(m.event_date <= flt.date_to.isoformat())
    status = flt.status
    if status in ("draft", "final"):
        query = query.where(m.status == status)
    elif status == "returned":
        query = query.where(review.c.decision == "returned")
    elif status == "approved":
        query = query.where(review.c.decision == "approved")
    elif status == "unreviewed":
        query = query.where(m.status == "final", review.c.decision.is_(None), m.kind == "meeting")
    elif status == "invalid":
        query = query.where(m.valid == false())
    elif status == "conflicted":
        query = query.where(m.conflicted == True)  # noqa: E712
    elif status == "unreadable":
        query = query.where(m.readable == false())
    return query


def _lines(rows: Sequence[Any], names: dict[str, str]) -> list[RecordLine]:
    # Count states per branch: an amendment supersedes a record of its own branch only.
    by_branch: dict[str, list[RecordStanding]] = {}
    for r in rows:
        if r.kind == "meeting":
            by_branch.setdefault(r.branch_id, []).append(RecordStanding(
                r.record_id, r.status == "final", r.valid is not False, r.decision == "returned",
                r.amends_record_id, bool(r.readable)))
    states: dict[tuple[str, str], CountState] = {}
    for branch_id, standings in by_branch.items():
        states.update({(branch_id, rid): state for rid, state in count_states(standings).items()})
    for r in rows:
        if r.kind == "meeting" and r.amended_by:
            states[(r.branch_id, r.record_id)] = CountState.SUPERSEDED
    return [
        RecordLine(r.record_id, r.branch_id, names.get(r.branch_id, r.branch_id), r.kind, r.title, r.event_date,
                   r.meeting_type, r.status, bool(r.conflicted), bool(r.readable), r.valid, r.decision or "",
                   r.comment or "", states.get((r.branch_id, r.record_id)), r.amended_by or "", r.amends_record_id,
                   r.received_at)
        for r in rows
    ]


def _among(hits: Sequence[tuple[str, str]]) -> Any:
    """The condition "this row is one of ``hits``" ((branch, record) pairs; none: nothing)."""
    if not hits:
        return false()
    return tuple_(console_records.c.branch_id, console_records.c.record_id).in_(list(hits))


def list_records(conn: Connection, branches: Sequence[OrgUnit], flt: RecordFilter, *, limit: int = 200,
                 offset: int = 0) -> tuple[list[RecordLine], int]:
    """Records of ``branches`` matching ``flt``, newest first; and how many match in all."""
    ids = [b.id for b in branches]
    names = {b.id: b.name for b in branches}
    query, review = _base(ids)
    query = _apply(query, review, flt)
    if flt.text.strip():
        query = query.where(_among(search_hits(conn, flt.text, ids, limit=5000)))
    total = int(conn.execute(select(func.count()).select_from(query.subquery())).scalar_one())
    rows = conn.execute(
        query.order_by(console_records.c.event_date.desc(), console_records.c.received_at.desc())
        .limit(limit).offset(offset)
    ).all()
    return _lines(rows, names), total


def search(conn: Connection, scope: Scope, text: str, limit: int = 100) -> list[RecordLine]:
    """Records in the user's scope whose text matches ``text`` (every term), newest first."""
    # The whole tree needs no branch filter (2 000 ids in every query cost more than they filter).
    ids = None if scope.root_id is None else scope.branch_ids
    hits = search_hits(conn, text, ids, limit=limit * 3)
    if not hits:
        return []
    names = {b.id: b.name for b in scope.branches}
    query, _review = _base(ids)
    rows = conn.execute(
        query.where(_among(hits), console_records.c.kind.in_(LISTED_KINDS))
        .order_by(console_records.c.event_date.desc()).limit(limit)
    ).all()
    return _lines(rows, names)


def line_of(conn: Connection, branch_id: str, record_id: str, names: dict[str, str]) -> RecordLine | None:
    """The list line of one record of one branch (None: no such live record there)."""
    query, _review = _base([branch_id])
    rows = conn.execute(query.where(console_records.c.record_id == record_id)).all()
    lines = _lines(rows, names)
    return lines[0] if lines else None


def refresh(conn_engine: Any, branch_ids: Sequence[str] | None) -> int:
    return indexer.refresh(conn_engine, branch_ids)
