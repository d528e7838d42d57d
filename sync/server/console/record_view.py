"""Everything the record page shows: the minutes, standing, review history, corrections, revisions.

Revision history lists every revision head office holds (who, which device, device time and
receipt time, rule findings) with the *differences* to its parent revision, field by field in
the clerk's words (``domain.labels``), member ids shown as names. Open conflict leaves are listed
side by side with what differs between them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, false, select

from domain.compliance.counting import CountState
from domain.context import RuleContext
from domain.i18n import label, t
from domain.labels import field_label
from domain.records import Meeting, Member
from printing.formatting import date_zh
from sync.protocol.record_ids import review_record_id
from sync.server import evidence
from sync.server.console import minutes_view
from sync.server.console.attachments_view import AttachmentView, attachment_views
from sync.server.console.indexer import parse_stored
from sync.server.console.pdf import original_of
from sync.server.console.records import RecordLine, decision_label, kind_label, line_of
from sync.server.console.scope import OutOfScope, Scope
from sync.server.console.tables import console_records
from sync.server.findings import branch_members
from sync.server.profiles import current_profile
from sync.server.tables import devices, heads, revisions

MAX_DIFF_LINES = 60


@dataclass(frozen=True)
class Change:
    path: str
    label: str
    before: str
    after: str


@dataclass
class RevisionView:
    seq: int
    rev: str
    parents: list[str]
    status: str
    deleted: bool
    author: str
    device: str
    device_time: str
    received_at: str
    findings: list[dict[str, str]]
    changes: list[Change] = field(default_factory=list)
    is_current: bool = False
    is_leaf: bool = False


@dataclass
class ReviewEntry:
    decision: str
    decision_label: str
    comment: str
    reviewer: str
    reviewed_at: str
    target_rev: str


@dataclass
class RecordPage:
    line: RecordLine
    branch_name: str
    branch_path: list[str]
    kind_label: str
    body: dict[str, Any] | None
    minutes: minutes_view.MinutesView | None
    readable: bool
    schema_version: int
    conflicted: bool
    leaves: list[str]
    revisions: list[RevisionView]
    reviews: list[ReviewEntry]
    amendments: list[RecordLine]
    original: RecordLine | None
    other_fields: list[tuple[str, str]]
    printable: bool
    can_review: bool
    attachments: list[AttachmentView] = field(default_factory=list)
    missing_evidence: list[str] = field(default_factory=list)  # roles head office requires and lacks


def _flatten(value: Any, prefix: str, out: dict[str, str], members: Mapping[str, Member]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out, members)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flatten(item, f"{prefix}.{index}", out, members)
    else:
        text = "" if value is None else ((t("是") if value else t("否")) if isinstance(value, bool) else str(value))
        if prefix.endswith("member_id") and text in members:
            text = members[text].name
        out[prefix] = text


def body_changes(before: dict[str, Any] | None, after: dict[str, Any] | None,
                 members: Mapping[str, Member]) -> list[Change]:
    """Field-level differences between two bodies, in field order, at most MAX_DIFF_LINES."""
    old: dict[str, str] = {}
    new: dict[str, str] = {}
    _flatten(before or {}, "", old, members)
    _flatten(after or {}, "", new, members)
    keys = list(dict.fromkeys([*new, *old]))
    out = []
    for key in keys:
        a, b = old.get(key, ""), new.get(key, "")
        if a != b:
            out.append(Change(key, _label(key), a, b))
    return out[:MAX_DIFF_LINES]


def _label(path: str) -> str:
    parts = path.split(".")
    words = []
    for part in parts:
        if part.isdigit():
            words.append(t("第{n}项", n=int(part) + 1))
        else:
            words.append(field_label(part))
    return "·".join(words)


def record_page(conn: Connection, scope: Scope, branch_id: str, record_id: str, can_review: bool) -> RecordPage:
    """Record ``record_id`` of branch ``branch_id`` (ids are per branch: both name it)."""
    branch = scope.branch(branch_id)  # out of scope: nothing is read
    head = conn.execute(select(heads).where(heads.c.branch_id == branch_id, heads.c.record_id == record_id)).first()
    if head is None or head.kind in ("review", "notice_receipt"):
        raise OutOfScope(record_id)
    names = {b.id: b.name for b in scope.branches}
    line = line_of(conn, branch_id, record_id, names)
    if line is None:
        raise OutOfScope(record_id)
    missing_evidence: list[str] = []
    if line.count_state is CountState.COUNTED and line.meeting_type:
        # Head office asks for a photo / 签到表 of this kind of activity (evidence.py) and does not hold it.
        lacking = evidence.shortfalls(conn, evidence.get_policy(conn), branch_id, {record_id: line.meeting_type})
        if lacking:
            line = dataclasses.replace(line, count_state=CountState.NO_EVIDENCE)
            missing_evidence = [label(r) for r in lacking[record_id]]
    members = branch_members(conn, branch_id)
    device_names = dict(conn.execute(select(devices.c.device_id, devices.c.name)
                                     .where(devices.c.branch_id == branch_id)).all())
    rows = conn.execute(
        select(revisions).where(revisions.c.branch_id == branch_id, revisions.c.record_id == record_id)
        .order_by(revisions.c.seq)
    ).all()
    bodies: dict[str, dict[str, Any] | None] = {r.rev: (json.loads(r.body) if r.body else None) for r in rows}
    leaves = json.loads(head.leaves)
    history = []
    for r in rows:
        parents = json.loads(r.parents)
        before = bodies.get(parents[0]) if parents else None
        history.append(RevisionView(
            seq=r.seq, rev=r.rev, parents=parents, status=r.status, deleted=bool(r.deleted), author=r.author,
            device=device_names.get(r.device_id, r.device_id) if r.device_id else t("总部"),
            device_time=r.device_time, received_at=r.received_at,
            findings=json.loads(r.violations) if r.violations else [],
            changes=body_changes(before, bodies.get(r.rev), members),
            is_current=r.rev == head.current_rev, is_leaf=r.rev in leaves,
        ))
    history.reverse()
    current = next((r for r in rows if r.rev == head.current_rev), None)
    body = bodies.get(head.current_rev)
    parsed = parse_stored(head.kind, current.schema_version if current is not None else 1, body)
    minutes = None
    other: list[tuple[str, str]] = []
    original_line = None
    if isinstance(parsed, Meeting):
        profile, _ = current_profile(conn, branch_id)
        ctx = RuleContext(members=members, branch=profile)
        original_title = original_date = ""
        if parsed.amends_record_id:
            original_line = line_of(conn, branch_id, parsed.amends_record_id, names)
            original_body = original_of(conn, branch_id, parsed)
            if original_body is not None:
                original_title = original_body.title
                original_date = date_zh(original_body.starts_at.date())
        minutes = minutes_view.build(parsed, members, ctx, profile.name if profile else branch.name,
                                     original_title, original_date)
    elif parsed is not None:
        flat: dict[str, str] = {}
        _flatten(parsed.model_dump(mode="json"), "", flat, members)
        other = [(_label(k), v) for k, v in flat.items() if v and not k.startswith("attachments.")]
    review_rows = conn.execute(
        select(revisions.c.body).where(revisions.c.branch_id == branch_id,
                                       revisions.c.record_id == review_record_id(record_id),
                                       revisions.c.kind == "review")
        .order_by(revisions.c.seq.desc())
    ).all()
    reviews = []
    for (text_body,) in review_rows:
        data = json.loads(text_body) if text_body else {}
        decision = str(data.get("decision", ""))
        reviews.append(ReviewEntry(decision, decision_label(decision),
                                   str(data.get("comment", "")), str(data.get("reviewer", "")),
                                   str(data.get("reviewed_at", "")), str(data.get("target_rev", ""))))
    amendment_ids = conn.execute(
        select(console_records.c.record_id).where(
            console_records.c.branch_id == branch_id, console_records.c.amends_record_id == record_id,
            console_records.c.deleted == false())
    ).scalars().all()
    amendments = [a for a in (line_of(conn, branch_id, rid, names) for rid in amendment_ids)
                  if a is not None and a.amends == record_id]
    final = head.status == "final" and not head.deleted
    return RecordPage(
        line=line, branch_name=branch.name, branch_path=[u.name for u in scope.path(branch.id)],
        kind_label=kind_label(head.kind), body=body, minutes=minutes,
        readable=parsed is not None, schema_version=current.schema_version if current is not None else 1,
        conflicted=bool(head.conflicted), leaves=leaves, revisions=history, reviews=reviews,
        amendments=amendments, original=original_line, other_fields=other,
        printable=isinstance(parsed, Meeting), can_review=can_review and final and head.kind == "meeting",
        attachments=attachment_views(conn, branch_id, record_id, body), missing_evidence=missing_evidence,
    )
