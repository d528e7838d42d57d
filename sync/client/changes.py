"""Building a signed wire change from a local revision."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sync.protocol.signatures import SigningKey, signing_bytes
from sync.protocol.wire import Change


def build_change(
    *,
    signing_key: SigningKey,
    device_id: str,
    change_id: str,
    counter: int,
    record_id: str,
    kind: str,
    rev: str,
    parents: Sequence[str],
    deleted: bool,
    status: str,
    schema_version: int,
    body: dict[str, Any] | None,
    hlc: str,
    device_time: str,
    author: str,
) -> Change:
    """A :class:`Change` whose signature covers (record_id, rev, parents, device_id, author, hlc, kind).

    Ed25519 signatures are deterministic, so building the same change twice (a retry after a
    crash) yields identical bytes.
    """
    sig = signing_key.sign(
        signing_bytes(
            record_id=record_id,
            rev=rev,
            parents=parents,
            device_id=device_id,
            author=author,
            hlc=hlc,
            kind=kind,
        )
    )
    return Change(
        change_id=change_id,
        counter=counter,
        record_id=record_id,
        kind=kind,
        base_rev=parents[0] if parents else None,
        parents=list(parents),
        rev=rev,
        deleted=deleted,
        status=status,  # type: ignore[arg-type]
        schema_version=schema_version,
        body=body,
        hlc=hlc,
        device_time=device_time,
        author=author,
        sig=sig,
    )


def change_wire_size(change: Change) -> int:
    """Approximate uncompressed bytes of a change on the wire (for byte-bounded batches)."""
    return len(change.model_dump_json())


def fit_batch(
    changes: Iterable[Change], max_bytes: int, on_unsendable: Callable[[Change, ValueError], None] | None = None
) -> list[Change]:
    """The leading changes that fit in ``max_bytes``; always at least one, so a single large
    change travels alone instead of blocking the queue (sync-notes §6.9).

    ``changes`` may be a lazy iterator: nothing after the first change that does not fit is built
    (building a change means signing it). A change that cannot be serialised at all (e.g. a lone
    surrogate in its text) goes to ``on_unsendable`` and is left out, so it cannot stop the rest."""
    used = 0
    out: list[Change] = []
    for change in changes:
        try:
            size = change_wire_size(change)
        except ValueError as exc:
            if on_unsendable is None:
                raise
            on_unsendable(change, exc)
            continue
        if out and used + size > max_bytes:
            break
        out.append(change)
        used += size
    return out
