"""What a record contributes to the list columns, the attendance table and full-text search.

Derived at write time from the validated body, so reading a list of 10 000 meetings never parses
JSON and search never decrypts more than the FTS index.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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


def refresh_indexes(
    conn: Any, record_id: str, body: RecordBody, members: Mapping[str, Member], *, deleted: bool = False,
    valid: bool | None = None,
) -> IndexRow:
    """Bring every derived row of a record up to date with ``body``: list columns, search text,
    attendance and meeting facts. Called by :mod:`desktop_app.store.writes` for local writes and
    pulled revisions alike, so the two can never index differently. The records row must already
    exist. ``valid`` is a finalized meeting's validity (None: a draft, not judged).
    """
    idx = index_row(body, members)
    conn.execute(
        "UPDATE records SET title = ?, event_date = ?, subtype = ?, party_group = ?, amends = ? WHERE id = ?",
        (idx.title, idx.event_date, idx.subtype, idx.party_group, idx.amends, record_id),
    )
    rowid = conn.execute("SELECT rowid FROM records WHERE id = ?", (record_id,)).fetchone()[0]
    conn.execute("DELETE FROM search WHERE rowid = ?", (rowid,))
    conn.execute("DELETE FROM search_bigrams WHERE rowid = ?", (rowid,))
    conn.execute("DELETE FROM attendance WHERE record_id = ?", (record_id,))
    conn.execute("DELETE FROM meeting_facts WHERE record_id = ?", (record_id,))
    if deleted:
        return idx
    text = f"{idx.title}\n{idx.search_text}"
    conn.execute("INSERT INTO search (rowid, content) VALUES (?, ?)", (rowid, text))
    conn.execute("INSERT INTO search_bigrams (rowid, grams) VALUES (?, ?)", (rowid, cjk_bigrams(text)))
    if idx.attendance and idx.event_date:
        conn.executemany(
            "INSERT OR REPLACE INTO attendance (record_id, member_id, status, event_date) VALUES (?,?,?,?)",
            [(record_id, mid, status, idx.event_date) for mid, status in idx.attendance],
        )
    if isinstance(body, Meeting):
        fact = MeetingFact.from_meeting(body, members)
        conn.execute(
            "INSERT INTO meeting_facts (record_id, meeting_type, date, party_group, by_secretary,"
            " includes_appraisal, counts_for_month, valid) VALUES (?,?,?,?,?,?,?,?)",
            (record_id, fact.meeting_type.value, fact.date.isoformat(), fact.party_group,
             int(fact.is_lecture_by_secretary), int(fact.includes_appraisal), fact.counts_for_month,
             None if valid is None else int(valid)),
        )
    return idx


_EVALUATION_TITLE = re.compile(r"(?P<period>\S+) 评价 (?P<score>\S+) 分")


def shown_title(kind: str, title: str) -> str:
    """A list title in the shown language: an evaluation's is built from its period and score
    (stored in Chinese, as older ledgers have it); every other kind's is the clerk's own text."""
    if kind == "post_evaluation":
        match = _EVALUATION_TITLE.fullmatch(title)
        if match:
            return t("{period} 评价 {score} 分", **match.groupdict())
    return title
