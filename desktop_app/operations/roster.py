"""Import a roster from a CSV or Excel sheet typed by people — the 党员 page's 导入, the wizard's
roster step and ``branch-ledger roster import``.

Reading and checking the sheet is :mod:`domain.roster_sheet` (shared with head office's roster
upload); this module writes the checked rows into the store.

Import is all-or-nothing: every row is checked by the domain's own validation first, and if any
row fails, nothing is written and every problem is listed with its line number; the rows are then
written in one transaction, so a failure while writing leaves nothing behind either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.operations.ledger import Ledger, OpChanges
from domain.roster_sheet import RosterParse, parse_roster

ProgressFn = Callable[[int, int, str], None]


@dataclass(frozen=True)
class RosterImported:
    """What an import did: the parse (its problems, when it was refused), the members written."""

    parsed: RosterParse
    written: int
    changes: OpChanges = field(default_factory=OpChanges)

    @property
    def ok(self) -> bool:
        return self.parsed.ok


def write_roster(ledger: Ledger, parsed: RosterParse, *, author: str | None = None,
                 progress: ProgressFn | None = None) -> RosterImported:
    """Create the parsed members in one transaction under the ledger's guard: all of them or none.

    A failure half-way (a store error, the disk full) must not leave half a roster that a second
    import would then duplicate. A branch roster is tens to a few hundred rows, well under a
    second of writes, so holding the lock for it keeps the window waiting no longer than that.
    New 党小组 names are added to the branch profile first, so group meetings can pick them.
    """
    who = author or ledger.author
    written: list[tuple[str, str]] = []
    total = len(parsed.rows)
    with ledger.guard() as store, store.transaction():
        # Groups first: the domain refuses a member in a 党小组 the branch profile does not list.
        profile = store.records.branch_profile() if parsed.party_groups else None
        if profile is not None:
            record_id, body = profile
            groups = list(body.party_groups)
            missing = [g for g in parsed.party_groups if g not in groups]
            if missing:
                data = body.model_dump(mode="json")
                data["party_groups"] = groups + missing
                store.records.update(record_id, data, author=who)
                written.append(("branch_profile", record_id))
        for row in parsed.rows:
            env = store.records.create("member", row.data, author=who)
            written.append(("member", env.record_id))
            count = sum(1 for kind, _ in written if kind == "member")
            if progress is not None and (count % 25 == 0 or count == total):
                progress(count, total, "")
    members = sum(1 for kind, _ in written if kind == "member")
    return RosterImported(parsed, members, OpChanges.of_records(written))


def import_roster(ledger: Ledger, path: Path, *, author: str | None = None,
                  progress: ProgressFn | None = None) -> RosterImported:
    """Read, check and — when every row is right — write the sheet at ``path``.

    The file is parsed outside the lock; a sheet with problems writes nothing and comes back with
    ``ok`` False and its problems (``RosterFormatError`` for a file that is not a roster at all).
    """
    parsed = parse_roster(path, progress)
    if not parsed.ok:
        return RosterImported(parsed, 0)
    return write_roster(ledger, parsed, author=author, progress=progress)
