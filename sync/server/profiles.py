"""One branch profile per branch: which profile head office uses, and merging duplicates.

A branch profile is created on each laptop at set-up, before the laptop knows its branch; until
issue 13 a second laptop of a branch pushed a second profile and compliance used whichever
sorted first. Now a device re-keys its profile to ``sync.protocol.record_ids.branch_profile_id``
at enrolment, so the branch has one record. Profiles pushed before that (or by an old client)
are merged here: head office writes the canonical record with the kept content and deletes the
others with its own signed tombstones, so every device converges on the one profile at its next
sync. The content kept is the canonical record's if there is one, else that of the profile head
office received first (the branch's first laptop); the others stay in the revision history.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, func, select

from domain.records import BranchProfile
from sync.protocol.record_ids import branch_profile_id
from sync.server.tables import heads, revisions


@dataclass(frozen=True)
class ProfileHead:
    record_id: str
    rev: str
    body: dict[str, Any] | None
    first_seq: int
    conflicted: bool
    leaves: tuple[str, ...]


def profile_heads(conn: Connection, branch_id: str) -> list[ProfileHead]:
    """The branch's live profile records, the one head office uses first."""
    first = (
        select(revisions.c.record_id, func.min(revisions.c.seq).label("first_seq"))
        .where(revisions.c.branch_id == branch_id, revisions.c.kind == "branch_profile")
        .group_by(revisions.c.record_id)
        .subquery()
    )
    rows = conn.execute(
        select(heads.c.record_id, heads.c.current_rev, heads.c.conflicted, heads.c.leaves, revisions.c.body,
               first.c.first_seq)
        .join(revisions, (revisions.c.branch_id == heads.c.branch_id) & (revisions.c.record_id == heads.c.record_id)
              & (revisions.c.rev == heads.c.current_rev))
        .join(first, first.c.record_id == heads.c.record_id)  # ``first`` holds this branch's only
        .where(heads.c.branch_id == branch_id, heads.c.kind == "branch_profile", heads.c.deleted.is_(False))
    ).all()
    canonical = branch_profile_id(branch_id)
    out = [
        ProfileHead(r.record_id, r.current_rev, json.loads(r.body) if r.body else None, r.first_seq,
                    bool(r.conflicted), tuple(json.loads(r.leaves)))
        for r in rows
    ]
    return sorted(out, key=lambda p: (p.record_id != canonical, p.first_seq, p.record_id))


def current_profile(conn: Connection, branch_id: str) -> tuple[BranchProfile | None, int]:
    """(the profile head office judges the branch by, how many live profile records there are)."""
    found = profile_heads(conn, branch_id)
    for head in found:
        try:
            return BranchProfile.model_validate(head.body), len(found)
        except ValidationError:
            continue
    return None, len(found)


def branches_with_duplicates(conn: Connection) -> list[str]:
    """Branches with more than one live profile, or one that is not under the canonical id."""
    rows = conn.execute(
        select(heads.c.branch_id, heads.c.record_id)
        .where(heads.c.kind == "branch_profile", heads.c.deleted.is_(False))
    ).all()
    by_branch: dict[str, list[str]] = {}
    for branch_id, record_id in rows:
        by_branch.setdefault(branch_id, []).append(record_id)
    return sorted(
        b for b, ids in by_branch.items() if len(ids) > 1 or ids[0] != branch_profile_id(b)
    )


def merge_duplicates(engine: Engine, publisher: Any, branch_id: str) -> int:
    """Merge the branch's profiles into the canonical record; returns how many were retired.

    ``publisher`` is a :class:`sync.server.publish.Publisher` (head office signs what it writes).
    One transaction per branch, holding the branch lock like any other write.
    """
    with engine.begin() as conn:
        found = profile_heads(conn, branch_id)
    canonical = branch_profile_id(branch_id)
    if not found or (len(found) == 1 and found[0].record_id == canonical):
        return 0
    keep = found[0]
    body = keep.body
    if body is None:
        return 0
    retired = [p for p in found if p.record_id != canonical]
    publisher.merge_profiles(branch_id=branch_id, canonical_id=canonical, body=body,
                             retire=[(p.record_id, list(p.leaves)) for p in retired])
    return len(retired)
