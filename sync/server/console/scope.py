"""What a console user may see: the org subtree their account is scoped to, and nothing else.

Every page and endpoint that names a branch, a record or a notice goes through :class:`Scope`.
A record is named by its branch and its id (ids are per branch since migration 0002), and the
branch is checked first, so nothing of a record outside the scope is even read;
anything outside it is answered exactly like something that does not exist (404), so a scoped
reviewer cannot even learn which ids exist elsewhere by trying URLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Connection

from sync.server.console.users import User
from sync.server.orgs import OrgUnit, all_units, subtree


class OutOfScope(LookupError):
    """Not visible to this user (or does not exist): the console answers 404."""


@dataclass(frozen=True)
class Scope:
    root_id: str | None
    units: tuple[OrgUnit, ...]  # visible units, parents before children

    @cached_property
    def by_id(self) -> dict[str, OrgUnit]:
        return {u.id: u for u in self.units}

    @cached_property
    def unit_ids(self) -> frozenset[str]:
        return frozenset(self.by_id)

    @cached_property
    def branches(self) -> list[OrgUnit]:
        return sorted((u for u in self.units if u.is_branch), key=lambda u: (u.name, u.id))

    @property
    def branch_ids(self) -> list[str]:
        return [u.id for u in self.branches]

    def unit(self, unit_id: str) -> OrgUnit:
        found = self.by_id.get(unit_id)
        if found is None:
            raise OutOfScope(unit_id)
        return found

    def branch(self, branch_id: str) -> OrgUnit:
        unit = self.unit(branch_id)
        if not unit.is_branch:
            raise OutOfScope(branch_id)
        return unit

    def under(self, unit_id: str) -> list[OrgUnit]:
        """Visible branches under ``unit_id`` (which must itself be visible)."""
        self.unit(unit_id)
        return sorted((u for u in subtree(list(self.units), unit_id) if u.is_branch), key=lambda u: (u.name, u.id))

    def path(self, unit_id: str) -> list[OrgUnit]:
        """Visible units from the scope's top down to ``unit_id``."""
        by_id = self.by_id
        out: list[OrgUnit] = []
        current = by_id.get(unit_id)
        while current is not None:
            out.append(current)
            current = by_id.get(current.parent_id) if current.parent_id else None
        return list(reversed(out))


def scope_of(conn: Connection, user: User) -> Scope:
    units = all_units(conn)
    if user.org_id is None:
        by_parent = {u.id for u in units}
        roots = [u for u in units if u.parent_id is None or u.parent_id not in by_parent]
        ordered: list[OrgUnit] = []
        for root in roots:
            ordered.extend(subtree(units, root.id))
        return Scope(None, tuple(ordered))
    return Scope(user.org_id, tuple(subtree(units, user.org_id)))
