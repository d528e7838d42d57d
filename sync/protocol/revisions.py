"""Revision ids: ``{generation}-{sha256 prefix}`` over the content and its parents (CouchDB's recipe).

Identical edits made on two devices produce identical revisions, so they deduplicate instead of
conflicting; a revision names its parents, so the server can tell a fast-forward from a concurrent
edit by ancestry alone, never by clocks (sync-notes.md §6.2, §6.4).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Protocol

from sync.protocol.canonical import canonical_json

REV_HASH_CHARS = 32


class BadRevision(ValueError):
    """A revision id that does not have the ``N-hex`` form."""


def rev_generation(rev: str) -> int:
    head, sep, digest = rev.partition("-")
    if not sep or not head.isdigit() or len(digest) != REV_HASH_CHARS:
        raise BadRevision(rev)
    return int(head)


def compute_rev(
    *,
    kind: str,
    body: dict[str, Any] | None,
    parents: Sequence[str],
    deleted: bool = False,
    status: str = "draft",
    schema_version: int = 1,
) -> str:
    """The revision id of a record version.

    ``body`` must already be the JSON form (``model.model_dump(mode="json")``); ``parents`` is
    empty for a new record, one rev for an edit, two or more for a merge. ``status`` ("draft" or
    "final") is hashed too: finalizing is itself a revision, and both ends refuse edits after it.
    """
    generation = max((rev_generation(p) for p in parents), default=0) + 1
    payload = {
        "kind": kind,
        "parents": sorted(parents),
        "deleted": deleted,
        "status": status,
        "schema_version": schema_version,
        "body": body,
    }
    digest = hashlib.sha256(canonical_json(payload)).hexdigest()[:REV_HASH_CHARS]
    return f"{generation}-{digest}"


class RevisionContent(Protocol):
    """What a wire change (pushed or pulled) carries that its revision id is computed from."""

    @property
    def kind(self) -> str: ...
    @property
    def body(self) -> dict[str, Any] | None: ...
    @property
    def parents(self) -> Sequence[str]: ...
    @property
    def deleted(self) -> bool: ...
    @property
    def status(self) -> str: ...
    @property
    def schema_version(self) -> int: ...


def rev_of(change: RevisionContent) -> str:
    """The revision id ``change``'s content hashes to (both ends check it against ``change.rev``)."""
    return compute_rev(
        kind=change.kind,
        body=change.body,
        parents=change.parents,
        deleted=change.deleted,
        status=change.status,
        schema_version=change.schema_version,
    )
