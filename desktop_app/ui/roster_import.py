"""Import a roster from a CSV or Excel sheet typed by people (Qt-free; runs in a worker).

Reading and checking the sheet is :mod:`domain.roster_sheet` (shared with head office's roster
upload); this module writes the checked rows into the store.

Import is all-or-nothing: every row is checked by the domain's own validation first, and if any
row fails, nothing is written and every problem is listed with its line number; the rows are then
written in one transaction, so a failure while writing leaves nothing behind either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.roster_sheet import (
    HEADERS,
    RosterFormatError,
    RosterParse,
    RosterRow,
    parse_date,
    parse_roster,
    parse_table,
    problems_text,
    read_table,
    row_to_member,
)

__all__ = [
    "HEADERS",
    "RosterFormatError",
    "RosterParse",
    "RosterRow",
    "parse_date",
    "parse_roster",
    "parse_table",
    "problems_text",
    "read_table",
    "row_to_member",
    "write_roster",
]


def write_roster(
    store: Any,
    lock: Any,
    parsed: RosterParse,
    *,
    author: str,
    progress: Callable[[int, int, str], None] | None = None,
) -> int:
    """Create the parsed members in one transaction under ``lock``: all of them or none.

    A failure half-way (a store error, the disk full) must not leave half a roster that a second
    import would then duplicate. A branch roster is tens to a few hundred rows, well under a
    second of writes, so holding the lock for it keeps the window waiting no longer than that.
    New 党小组 names are added to the branch profile first, so group meetings can pick them.
    Returns the number of members written.
    """
    written = 0
    total = len(parsed.rows)
    with lock, store.transaction():
        # Groups first: the domain refuses a member in a 党小组 the branch profile does not list.
        profile = store.records.branch_profile() if parsed.party_groups else None
        if profile is not None:
            record_id, body = profile
            groups = list(body.party_groups)
            missing = [g for g in parsed.party_groups if g not in groups]
            if missing:
                data = body.model_dump(mode="json")
                data["party_groups"] = groups + missing
                store.records.update(record_id, data, author=author)
        for row in parsed.rows:
            store.records.create("member", row.data, author=author)
            written += 1
            if progress is not None and (written % 25 == 0 or written == total):
                progress(written, total, "")
    return written
