"""Protocol 2's compact forms of a push page and of its results (issue 15), lossless both ways.

What ``bench wire`` measured on a page of meeting minutes (docs/benchmarks.md): after the bodies,
the bytes go to values the compressor cannot shrink — signatures, change ids, revision ids — and
to the reply, which echoed a full result for every change. Protocol 2 changes three things, and
nothing a check depends on:

* **Columns, not rows.** ``cols`` holds each field of the page's changes as one list (``null``
  where a change leaves a field out). Signatures then sit next to signatures, ids next to ids, and
  the compressor codes each kind with its own statistics instead of between Chinese text: the
  same information in about 9 % fewer bytes. :func:`rows_from_columns` gives back the rows. Pages
  of fewer than :data:`COLUMNS_FROM` changes stay rows (``push``, with the same hints): the minutes
  coding's dictionary was trained on rows, and below ~20 changes that is worth more.
* **A revision id's first 8 hex digits, no ``base_rev``.** A revision id is the hash of the
  change's content (revisions.py), which head office computes anyway: the device sends
  ``{generation}-{8 hex}`` (:func:`rev_hint`) and head office puts the full id it computes in its
  place when it starts with the hint (:func:`complete_rev`). A body that does not hash to what the
  device holds keeps the short id and is rejected ``bad_rev`` by the unchanged check, as before;
  and the device's signature covers the *full* id (signatures.py), so whatever slipped through a
  32-bit hint would still fail the signature check. ``base_rev`` was ``parents[0]``.
* **Results that say only what the device does not know.** A change accepted as it was sent (its
  revision is now the record's only head) is answered by its ``seq`` alone, run-length coded in
  ``accepted`` (``[first_seq, count]`` runs, in push order); every other outcome — duplicate,
  conflict, rejected — is listed in ``results`` in full. :func:`expand_results` rebuilds the full
  list from the page the device sent.

A head office announces the highest protocol it speaks in every reply's ``X-BranchLedger-Protocol``
header; a device sends protocol 2 only to one that announced it, and protocol 1 (rows, revision
ids, full results) otherwise, so old peers on either side keep syncing (versions.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sync.protocol.revisions import BadRevision, rev_of
from sync.protocol.wire import Change, ChangeResult

# What a protocol-2 device leaves out of a change: head office derives it from the rest.
DERIVED = ("base_rev",)
REV_HINT_CHARS = 8  # hex digits of the revision hash a protocol-2 change carries
COLUMNS_FROM = 20  # changes per page from which columns beat rows (measured; see the module docstring)


class BadColumns(ValueError):
    """``cols`` is not a mapping of equally long lists."""


def columns_from_rows(rows: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    """The rows (JSON objects, absent fields left out) as columns, ``None`` where a row lacks one.

    A row must have a field (a change always has its required ones): rows of nothing would leave
    no column to count them by."""
    if any(not row for row in rows):
        raise ValueError("an empty row has no place in columns")
    keys = list(dict.fromkeys(key for row in rows for key in row))
    return {key: [row.get(key) for row in rows] for key in keys}


def rows_from_columns(cols: Any) -> list[dict[str, Any]]:
    """The rows of :func:`columns_from_rows`; a ``None`` cell means the row did not have the field
    (every field of a change whose value may be null defaults to null, so nothing is lost)."""
    if not isinstance(cols, dict) or not all(isinstance(v, list) for v in cols.values()):
        raise BadColumns("cols must map field names to lists")
    lengths = {len(v) for v in cols.values()}
    if len(lengths) > 1:
        raise BadColumns("cols lists differ in length")
    n = lengths.pop() if lengths else 0
    return [{key: values[i] for key, values in cols.items() if values[i] is not None} for i in range(n)]


def rev_hint(rev: str) -> str:
    """``{generation}-{first 8 hex}`` of a revision id: what protocol 2 sends in its place."""
    generation, _, digest = rev.partition("-")
    return f"{generation}-{digest[:REV_HINT_CHARS]}"


def complete_rev(change: Change) -> Change:
    """``change`` with the full revision id its content hashes to, if its ``rev`` is a hint of it
    (and ``base_rev`` from its parents); otherwise unchanged, so the revision check refuses it."""
    if len(change.rev.partition("-")[2]) != REV_HINT_CHARS:
        return change
    try:
        full = rev_of(change)
    except BadRevision:
        return change  # a parent is not a revision id: refused by the same check
    update: dict[str, Any] = {"rev": full} if full.startswith(change.rev) else {}
    if change.base_rev is None and change.parents:
        update["base_rev"] = change.parents[0]
    return change.model_copy(update=update) if update else change


def push_rows(push: Sequence[Change]) -> list[dict[str, Any]]:
    """A page of changes as protocol 2 sends it in rows: revision hints, no ``base_rev``."""
    rows = []
    for change in push:
        row = change.model_dump(mode="json", exclude_none=True, exclude=set(DERIVED))
        row["rev"] = rev_hint(change.rev)
        rows.append(row)
    return rows


def push_columns(push: Sequence[Change]) -> dict[str, list[Any]]:
    """A page of changes as protocol 2 sends it in columns: revision hints, no ``base_rev``."""
    return columns_from_rows(push_rows(push))


def push_form(push: Sequence[Change]) -> dict[str, Any]:
    """The page as a protocol-2 request carries it: ``{"cols": …}`` or, for a small one, ``{"push": …}``."""
    return {"cols": push_columns(push)} if len(push) >= COLUMNS_FROM else {"push": push_rows(push)}


def _plain(result: ChangeResult, change: Change) -> bool:
    """Whether ``result`` says no more than "accepted as sent, now the only head, at ``seq``"."""
    return (result.status == "accepted" and result.seq is not None and result.change_id == change.change_id
            and result.counter == change.counter and result.record_id == change.record_id
            and result.rev == change.rev and result.current_rev == change.rev and not result.conflicted
            and result.leaves == [change.rev] and result.code is None and result.message is None)


def compact_results(push: Sequence[Change], results: Sequence[ChangeResult]) -> tuple[list[ChangeResult],
                                                                                      list[list[int]]]:
    """``(exceptions, accepted runs)`` for the pushed ``push``: plain acceptances become seq runs.

    ``push`` is what head office read (revision ids completed). A page whose change ids repeat, or
    that has two results for one change, is listed in full; results for no change of ``push``
    (changes that could not be read) stay listed."""
    ids = {c.change_id for c in push}
    if len(ids) != len(push):
        return list(results), []
    by_id: dict[str, ChangeResult] = {}
    for result in results:
        if result.change_id in ids:
            if result.change_id in by_id:
                return list(results), []
            by_id[result.change_id] = result
    runs: list[list[int]] = []
    plain: set[str] = set()
    for change in push:
        found = by_id.get(change.change_id)
        if found is None or found.seq is None or not _plain(found, change):
            continue
        plain.add(change.change_id)
        if runs and runs[-1][0] + runs[-1][1] == found.seq:
            runs[-1][1] += 1
        else:
            runs.append([found.seq, 1])
    return [r for r in results if r.change_id not in plain], runs


class BadResults(ValueError):
    """A protocol-2 reply whose ``accepted`` runs do not fit the page that was sent."""


def expand_results(sent: Sequence[Change], exceptions: Sequence[ChangeResult],
                   runs: Sequence[Sequence[int]]) -> list[ChangeResult]:
    """The full results of a protocol-2 reply, in push order (a record edited twice in one page
    gets its head from the later result): each change sent gets its listed result, or a plain
    acceptance with the next seq of the runs; listed results for no sent change come last."""
    listed: dict[str, ChangeResult] = {}
    for result in exceptions:
        listed.setdefault(result.change_id, result)
    seqs: list[int] = []
    for run in runs:
        if len(run) != 2 or run[1] < 1 or run[0] < 0:
            raise BadResults(f"bad accepted run {run!r}")
        seqs.extend(range(run[0], run[0] + run[1]))
    plain = sum(1 for c in sent if c.change_id not in listed)
    if plain != len(seqs):
        raise BadResults(f"{len(seqs)} accepted seqs for {plain} unlisted changes")
    out: list[ChangeResult] = []
    used: set[int] = set()  # the listed results already placed (by identity: ids may repeat)
    taken = iter(seqs)
    for change in sent:
        mine = listed.get(change.change_id)
        if mine is not None:
            if id(mine) not in used:
                out.append(mine)
                used.add(id(mine))
            continue
        out.append(ChangeResult(change_id=change.change_id, counter=change.counter, record_id=change.record_id,
                                rev=change.rev, status="accepted", seq=next(taken), current_rev=change.rev,
                                leaves=[change.rev]))
    out += [r for r in exceptions if id(r) not in used]
    return out
