"""The server's ancestry decision (conflicts.py) as a pure function."""

from __future__ import annotations

from sync.server.conflicts import MAX_LEAVES, Head, decide

R1, R2A, R2B, R3 = "1-" + "1" * 32, "2-" + "a" * 32, "2-" + "b" * 32, "3-" + "c" * 32


def head(current: str = R1, leaves: tuple[str, ...] = (R1,), status: str = "draft", deleted: bool = False) -> Head:
    return Head("r", "b1", "meeting", current, status, deleted, len(leaves) > 1, leaves)


def run(h: Head | None, rev: str, parents: list[str], *, status: str = "draft", known: set[str] | None = None,
        kind: str = "meeting", deleted: bool = False):  # type: ignore[no-untyped-def]
    return decide(h, record_id="r", branch_id="b1", kind=kind, rev=rev, parents=parents, status=status,
                  deleted=deleted, known_revs=known if known is not None else {R1, R2A, R2B})


def test_new_record_and_fast_forward() -> None:
    new = run(None, R1, [])
    assert new.outcome == "accepted" and new.head and new.head.leaves == (R1,)
    assert run(None, R2A, [R1]).code == "unknown_base"
    ff = run(head(), R2A, [R1])
    assert ff.outcome == "accepted" and ff.head and (ff.head.current_rev, ff.head.conflicted) == (R2A, False)


def test_concurrent_edit_keeps_first_accepted_as_current() -> None:
    d = run(head(R2A, (R2A,)), R2B, [R1])
    assert d.outcome == "conflict" and d.head
    assert (d.head.current_rev, d.head.conflicted, d.head.leaves) == (R2A, True, (R2A, R2B))


def test_merge_resolves_and_partial_merge_does_not() -> None:
    conflicted = head(R2A, (R2A, R2B))
    merged = run(conflicted, R3, [R2A, R2B])
    assert merged.outcome == "accepted" and merged.head and merged.head.leaves == (R3,)
    assert not merged.head.conflicted
    partial = run(conflicted, R3, [R2B])
    assert partial.outcome == "conflict" and partial.head and partial.head.current_rev == R2A


def test_delete_race_and_finalized_rules() -> None:
    tomb = run(head(R2A, (R2A,), deleted=True), R2B, [R1])
    assert tomb.outcome == "conflict" and tomb.head and tomb.head.deleted and tomb.head.current_rev == R2A
    assert run(head(R2A, (R2A,), status="final"), R3, [R2A]).code == "finalized"
    assert run(head(R2A, (R2A,)), R2B, [R1], status="final").code == "finalize_conflict"
    assert run(head(), R2A, [R1], status="final").outcome == "accepted"


def test_unknown_parent_kind_change_and_leaf_bound() -> None:
    assert run(head(), R3, [R2A], known={R1}).code == "unknown_base"
    assert run(head(), R2A, [R1], kind="member").outcome == "rejected"
    many = tuple(f"2-{i:032x}" for i in range(MAX_LEAVES))
    assert run(head(many[0], many), R3, [R1], known={R1, *many}).code == "too_many_conflicts"
