"""Version 2: the server's view of each record, kept beside the local one for sync.

``server_rev`` (version 1) says which revision head office treats as current; these add whether
head office flags the record as conflicted and which leaves are open, so the client can compute
the branch checksum over the *server* heads (sync-notes.md §6.13) and offer a merge of every leaf.
"""

from __future__ import annotations

from typing import Any

VERSION = 2


def apply(conn: Any) -> None:
    conn.execute("ALTER TABLE records ADD COLUMN server_conflicted INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE records ADD COLUMN server_leaves TEXT")
    conn.execute("CREATE INDEX outbox_state_counter ON outbox(state, counter)")
