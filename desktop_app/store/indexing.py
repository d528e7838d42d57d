"""What a record contributes to the list columns, the attendance table and full-text search.

Derived at write time from the validated body, so reading a list of 10 000 meetings never parses
JSON and search never decrypts more than the FTS index.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop_app.store.bigrams import cjk_bigrams
from domain.compliance.facts import MeetingFact
from domain.i18n import CHINESE, t
from domain.records import (
    BranchProfile,
    Meeting,
    Member,
    Notice,
    NoticeReceipt,
    PioneerPost,
    PostEvaluation,
    PostLogEntry,
    RecordBody,
    Review,
)
from domain.text import human_strings


@dataclass(frozen=True)
class IndexRow:
    title: str
    event_date: str | None
    subtype: str | None
    party_group: str | None
    amends: str | None
    search_text: str
    attendance: list[tuple[str, str]] = field(default_factory=list)  # (member_id, status)


def _strings(value: Any, out: list[str]) -> None:
    """Every human-written string of a body (ids and codes are not worth searching)."""
    human_strings(value, out)


def index_row(body: RecordBody, members: Mapping[str, Member]) -> IndexRow:
    texts: list[str] = []
    _strings(body, texts)

    def name_of(member_id: str) -> None:
        member = members.get(member_id)
        if member is not None:
            texts.append(member.name)

    if isinstance(body, Meeting):
        name_of(body.chair_member_id)
        name_of(body.recorder_member_id)
        for a in body.attendance:
            name_of(a.member_id)
        return IndexRow(
            title=body.title,
            event_date=body.starts_at.date().isoformat(),
            subtype=body.meeting_type.value,
            party_group=body.party_group or None,
            amends=body.amends_record_id or None,
            search_text="\n".join(texts),
            attendance=[(a.member_id, a.status.value) for a in body.attendance],
        )
    if isinstance(body, Member):
        return IndexRow(body.name, body.join_date.isoformat() if body.join_date else None,
                        body.status.value, body.party_group or None, None, "\n".join(texts))
    if isinstance(body, PioneerPost):
        for mid in body.holder_member_ids:
            name_of(mid)
        return IndexRow(body.name, body.period_start.isoformat() if body.period_start else None,
                        body.category.value, None, None, "\n".join(texts))
    if isinstance(body, PostLogEntry):
        name_of(body.member_id)
        return IndexRow(body.description[:60], body.date.isoformat(), body.category.value,
                        body.post_id, None, "\n".join(texts))
    if isinstance(body, PostEvaluation):
        name_of(body.member_id)
        # Stored in Chinese (searchable); the lists show it in the window's language (evaluation_title).
        return IndexRow(t("{period} 评价 {score} 分", CHINESE, period=body.period, score=body.score),
                        body.evaluated_on.isoformat(), body.period,
                        body.post_id, None, "\n".join(texts))
    if isinstance(body, Notice):
        return IndexRow(body.title, body.issued_on.isoformat(), None, None, None, "\n".join(texts))
    if isinstance(body, BranchProfile):
        return IndexRow(body.name, None, None, None, None, "\n".join(texts))
    # Head office's verdict and the branch's receipt: the record they are about in party_group
    # (as post_log keeps its post), so "the review of X" is one indexed lookup.
    if isinstance(body, Review):
        return IndexRow(body.target_title, body.reviewed_at.date().isoformat(), body.decision.value,
                        body.target_record_id, None, body.comment)
    if isinstance(body, NoticeReceipt):
        return IndexRow("", body.acknowledged_at.date().isoformat(), None, body.notice_id, None, "")
    return IndexRow(body.KIND, None, None, None, None, "\n".join(texts))


# Ids per ``IN (…)`` lookup: far under SQLite's limit on bound parameters, and a page's worth.
CHUNK = 500


@dataclass(frozen=True)
class IndexEntry:
    """One record whose derived rows :func:`refresh_indexes` brings up to date."""

    record_id: str
    body: RecordBody
    members: Mapping[str, Member]
    deleted: bool = False
    valid: bool | None = None  # a finalized meeting's validity (None: a draft, not judged)


def refresh_indexes(conn: Any, entries: Sequence[IndexEntry]) -> list[IndexRow]:
    """Bring every derived row of the records up to date with their bodies: list columns, search
    text, attendance and meeting facts. Called by :mod:`desktop_app.store.writes` for local writes
    (one entry) and pulled pages (many) alike, so the two can never index differently. The records
    rows must already exist.

    One statement per table for all entries. The full-text rows are only deleted where they exist,
    all before any is inserted, and inserted in rowid order: FTS5 flushes its pending terms to a
    new segment whenever a write goes back to an earlier rowid, so a delete before every insert
    made each record a segment of its own (nine tenths of a 20 000-record pull's time).
    """
    if not entries:
        return []
    rows = [index_row(e.body, e.members) for e in entries]
    conn.executemany(
        "UPDATE records SET title = ?, event_date = ?, subtype = ?, party_group = ?, amends = ? WHERE id = ?",
        [(i.title, i.event_date, i.subtype, i.party_group, i.amends, e.record_id) for e, i in zip(entries, rows,
                                                                                                     strict=True)],
    )
    ids = [e.record_id for e in entries]
    rowids: dict[str, int] = {}
    indexed: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ",".join("?" * len(chunk))
        found = dict(conn.execute(f"SELECT id, rowid FROM records WHERE id IN ({marks})", chunk).fetchall())
        rowids.update(found)
        numbers = list(found.values())
        for table in ("search", "search_bigrams") if numbers else ():
            indexed.update(r for (r,) in conn.execute(
                f"SELECT rowid FROM {table} WHERE rowid IN ({','.join('?' * len(numbers))})", numbers))
    stale = sorted(indexed)
    conn.executemany("DELETE FROM search WHERE rowid = ?", [(r,) for r in stale])
    conn.executemany("DELETE FROM search_bigrams WHERE rowid = ?", [(r,) for r in stale])
    conn.executemany("DELETE FROM attendance WHERE record_id = ?", [(i,) for i in ids])
    conn.executemany("DELETE FROM meeting_facts WHERE record_id = ?", [(i,) for i in ids])
    live = sorted(((rowids[e.record_id], e, i) for e, i in zip(entries, rows, strict=True) if not e.deleted),
                  key=lambda item: item[0])
    texts = [(rowid, f"{i.title}\n{i.search_text}") for rowid, _e, i in live]
    conn.executemany("INSERT INTO search (rowid, content) VALUES (?, ?)", texts)
    conn.executemany("INSERT INTO search_bigrams (rowid, grams) VALUES (?, ?)",
                     [(rowid, cjk_bigrams(text)) for rowid, text in texts])
    conn.executemany(
        "INSERT OR REPLACE INTO attendance (record_id, member_id, status, event_date) VALUES (?,?,?,?)",
        [(e.record_id, mid, status, i.event_date) for _r, e, i in live if i.event_date
         for mid, status in i.attendance],
    )
    facts = []
    for _r, e, _i in live:
        if isinstance(e.body, Meeting):
            fact = MeetingFact.from_meeting(e.body, e.members)
            facts.append((e.record_id, fact.meeting_type.value, fact.date.isoformat(), fact.party_group,
                          int(fact.is_lecture_by_secretary), int(fact.includes_appraisal), fact.counts_for_month,
                          None if e.valid is None else int(e.valid)))
    conn.executemany(
        "INSERT INTO meeting_facts (record_id, meeting_type, date, party_group, by_secretary,"
        " includes_appraisal, counts_for_month, valid) VALUES (?,?,?,?,?,?,?,?)",
        facts,
    )
    return rows


_EVALUATION_TITLE = re.compile(r"(?P<period>\S+) 评价 (?P<score>\S+) 分")


def shown_title(kind: str, title: str) -> str:
    """A list title in the shown language: an evaluation's is built from its period and score
    (stored in Chinese, as older ledgers have it); every other kind's is the clerk's own text."""
    if kind == "post_evaluation":
        match = _EVALUATION_TITLE.fullmatch(title)
        if match:
            return t("{period} 评价 {score} 分", **match.groupdict())
    return title
