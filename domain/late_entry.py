"""补录: a meeting entered later, for a time before this branch's records began here.

The branch profile's 台账起始日期 (``BranchProfile.records_since``) is the day the ledger starts
in BranchLedger — by default the day the store was created. A meeting dated before it was not
recorded here when it was held; the clerk entered it afterwards from paper or memory. It counts
for compliance like any other (its quarter or year is judged on it), and it is marked 补录
wherever it appears — the meeting list, the editor, the printed minutes and the 台账 — so that a
reader of the paper knows it was written down later (docs/rules.md, "补录").

One rule, decided from the record and the profile alone, so that the desktop list, the printed
minutes and head office's copy of them say the same thing.
"""

from __future__ import annotations

import datetime as dt

LABEL = "补录"


def entered_later(meeting_day: dt.date | None, records_since: dt.date | None) -> bool:
    """Whether a meeting held on ``meeting_day`` is 补录 for a ledger starting ``records_since``."""
    return meeting_day is not None and records_since is not None and meeting_day < records_since
