"""Revision ids: ``{generation}-{sha256 prefix}`` over the content and its parents (CouchDB's recipe).

Identical edits made on two devices produce identical revisions, so they deduplicate instead of
conflicting; a revision names its parents, so the server can tell a fast-forward from a concurrent
edit by ancestry alone, never by clocks (sync-notes.md §6.2, §6.4).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Protocol

from sync.protocol.canonical import canonical_text, canonical_text_checked

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
    return rev_and_body_text(
        kind=kind, body=body, parents=parents, deleted=deleted, status=status, schema_version=schema_version
    )[0]


def rev_and_body_text(
    *,
    kind: str,
    body: dict[str, Any] | None,
    parents: Sequence[str],
    deleted: bool = False,
    status: str = "draft",
    schema_version: int = 1,
) -> tuple[str, str | None]:
    """:func:`compute_rev`, plus the body as stored text when that comes for free.

    The hashed payload is the canonical JSON of ``{kind, parents (sorted), deleted, status,
    schema_version, body}``; its keys are fixed ASCII names, so it is assembled from the canonical
    text of each value in sorted-key order — byte for byte what encoding the whole dict gives —
    and the body is serialized once. The second item is ``json.dumps(body, sort_keys=True)``
    (head office's stored form) when the body was already canonical, else None.
    """
    generation = max((rev_generation(p) for p in parents), default=0) + 1
    if body is None:
        body_canonical, same = "null", False
    else:
        body_canonical, same = canonical_text_checked(body)
    payload = (
        f'{{"body":{body_canonical},"deleted":{canonical_text(deleted)},"kind":{canonical_text(kind)},'
        f'"parents":{canonical_text(sorted(parents))},"schema_version":{canonical_text(schema_version)},'
        f'"status":{canonical_text(status)}}}'
    )
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:REV_HASH_CHARS]
    return f"{generation}-{digest}", body_canonical if same else None


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
    return rev_and_text_of(change)[0]


def rev_and_text_of(change: RevisionContent) -> tuple[str, str | None]:
    """:func:`rev_of` and the body's stored text when free (see :func:`rev_and_body_text`)."""
    return rev_and_body_text(
        kind=change.kind,
        body=change.body,
        parents=change.parents,
        deleted=change.deleted,
        status=change.status,
        schema_version=change.schema_version,
    )
