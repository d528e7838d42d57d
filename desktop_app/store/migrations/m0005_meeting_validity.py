"""Version 5: whether each finalized meeting was valid (会议有效), for the compliance calendar.

``meeting_facts.valid`` is judged with the roster when a meeting is finalized (定稿) — the same
verdict the minutes print — and is NULL for drafts, which the branch's own view counts unjudged
(``domain.compliance.counting``). Finalized meetings already in the store are judged here with
today's rules and roster, so an invalid 党员大会 stops counting on the laptop as it does at head
office.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from desktop_app.store.codec import unpack_text
from domain.compliance.counting import meeting_is_valid
from domain.context import RuleContext
from domain.records import Meeting, Member
from domain.settings import RuleSettings

VERSION = 5


def apply(conn: Any) -> None:
    conn.execute("ALTER TABLE meeting_facts ADD COLUMN valid INTEGER")
    finals = conn.execute(
        "SELECT r.id, r.body FROM records r JOIN meeting_facts f ON f.record_id = r.id"
        " WHERE r.kind = 'meeting' AND r.status = 'final' AND r.deleted = 0"
    ).fetchall()
    if not finals:
        return
    members: dict[str, Member] = {}
    for record_id, body in conn.execute("SELECT id, body FROM records WHERE kind = 'member' AND deleted = 0"):
        try:
            members[record_id] = Member.model_validate_json(unpack_text(body))
        except (ValidationError, ValueError):
            continue
    raw = conn.execute("SELECT value FROM meta WHERE key = 'rule_settings'").fetchone()
    loaded = json.loads(raw[0]) if raw else None
    settings = RuleSettings.from_json(loaded) if isinstance(loaded, dict) else RuleSettings()
    ctx = RuleContext(members=members, branch=None, settings=settings)
    for record_id, body in finals:
        try:
            meeting = Meeting.model_validate_json(unpack_text(body))
        except (ValidationError, ValueError):
            continue  # unreadable here: left unjudged (NULL), as head office leaves it
        conn.execute("UPDATE meeting_facts SET valid = ? WHERE record_id = ?",
                     (int(meeting_is_valid(meeting, ctx)), record_id))
