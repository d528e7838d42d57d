"""Where a conflict gets detected: the pure decision for one pushed revision (sync-notes §6.4).

Decided by ancestry only, never by clocks. The head keeps the *first accepted* revision as the
stable current one; a revision whose parents do not include the current head is stored as an
extra leaf and the record is flagged. A revision whose parents cover every leaf (a merge)
resolves the conflict. Finalized (定稿) revisions are immutable: once a final revision is the
head, nothing may build on it, and a finalization that would itself become a conflict leaf is
refused, so a final revision is always the record's only leaf.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Literal

MAX_LEAVES = 8  # a record with this many open alternatives accepts only merges (F8)


@dataclass(frozen=True)
class Head:
    record_id: str
    branch_id: str
    kind: str
    current_rev: str
    status: str
    deleted: bool
    conflicted: bool
    leaves: tuple[str, ...]

    def checksum_key(self) -> tuple[str, str, bool]:
        return (self.record_id, self.current_rev, self.conflicted)


@dataclass(frozen=True)
class Decision:
    outcome: Literal["accepted", "conflict", "rejected"]
    code: str | None = None
    head: Head | None = None  # the head after storing the revision (None when rejected)


def decide(
    head: Head | None,
    *,
    record_id: str,
    branch_id: str,
    kind: str,
    rev: str,
    parents: Sequence[str],
    status: str,
    deleted: bool,
    known_revs: Collection[str],
) -> Decision:
    """Decide what storing ``rev`` does to the record whose head is ``head``.

    ``known_revs`` are the revisions the server already holds for this record; the caller has
    already ruled out that ``rev`` itself is one of them (that is a duplicate).
    """
    if head is None:
        if parents:
            return Decision("rejected", "unknown_base")
        new = Head(record_id, branch_id, kind, rev, status, deleted, False, (rev,))
        return Decision("accepted", head=new)
    if head.kind != kind:
        return Decision("rejected", "invalid_body")
    if any(p not in known_revs for p in parents):
        return Decision("rejected", "unknown_base")
    if head.status == "final" and not head.deleted:
        return Decision("rejected", "finalized")
    leaves = (*(leaf for leaf in head.leaves if leaf not in parents), rev)
    if status == "final" and len(leaves) > 1:
        return Decision("rejected", "finalize_conflict")
    if len(leaves) > MAX_LEAVES:
        return Decision("rejected", "too_many_conflicts")
    fast_forward = head.current_rev in parents
    current, current_status, current_deleted = (
        (rev, status, deleted) if fast_forward else (head.current_rev, head.status, head.deleted)
    )
    conflicted = len(leaves) > 1
    new = replace(
        head,
        current_rev=current,
        status=current_status,
        deleted=current_deleted,
        conflicted=conflicted,
        leaves=leaves,
    )
    outcome: Literal["accepted", "conflict"] = "accepted" if fast_forward and not conflicted else "conflict"
    return Decision(outcome, head=new)
