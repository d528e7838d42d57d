"""Client-side rules for applying a sync reply, shared by every replica implementation.

Kept apart from storage so the encrypted store and the in-memory replica decide identically.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def is_ancestor(candidate: str, of: str, parents_of: Callable[[str], Iterable[str] | None]) -> bool:
    """Whether ``candidate`` is ``of`` or one of its ancestors, walking the known revision graph."""
    seen: set[str] = set()
    stack = [of]
    while stack:
        rev = stack.pop()
        if rev == candidate:
            return True
        if rev in seen:
            continue
        seen.add(rev)
        stack.extend(parents_of(rev) or ())
    return False


def merge_parents(local_rev: str | None, server_leaves: Iterable[str]) -> list[str]:
    """Parents of a resolving merge revision: every open leaf on the server plus, when the device
    holds a version head office has not seen yet (a pending edit), that version too."""
    out: list[str] = []
    for rev in [*server_leaves, *([local_rev] if local_rev else [])]:
        if rev not in out:
            out.append(rev)
    return sorted(out)
