"""Version 4: changes that could not be applied or sent are kept and shown, never dropped.

``quarantine`` holds changes pulled from head office that this device could not accept (a record
id outside the wire format, a malformed change), verbatim, with a Chinese reason: the rest of the
page is applied and the cursor moves on, so one bad change never blocks a sync (issue 11).
``outbox.resolution``/``resolved_at`` record what the clerk did with a refused local edit — filed
as an amendment (更正) of the final version, or dismissed — while the entry itself stays.
"""

from __future__ import annotations

from typing import Any

VERSION = 4


def apply(conn: Any) -> None:
    conn.execute(
        """CREATE TABLE quarantine (
            id INTEGER PRIMARY KEY,
            record_id TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT '',
            code TEXT NOT NULL,
            message TEXT NOT NULL,
            payload TEXT NOT NULL,
            received_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'open'
        )"""
    )
    conn.execute("ALTER TABLE outbox ADD COLUMN resolution TEXT")
    conn.execute("ALTER TABLE outbox ADD COLUMN resolved_at TEXT")
