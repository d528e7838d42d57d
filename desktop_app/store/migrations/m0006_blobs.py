"""Version 6: attachments' blobs (issue 14) — what the store holds of each attached file.

The file bytes live encrypted under ``<data>/blobs/`` (desktop_app/store/blobs.py); this table holds
what is small and must be encrypted and transactional with the records: the digest, size and type,
whether the full content is here (``local``), only its thumbnail (``thumb_only``) or nothing yet
(``absent``, e.g. a photo another device of the branch attached), the thumbnail itself, and how far a
resumable download has come.
"""

from __future__ import annotations

from typing import Any

VERSION = 6


def apply(conn: Any) -> None:
    conn.execute(
        """CREATE TABLE blobs (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL DEFAULT 0,
            mime TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT 'absent' CHECK (state IN ('local', 'thumb_only', 'absent')),
            thumbnail BLOB,
            partial_offset INTEGER NOT NULL DEFAULT 0,
            partial_nonce BLOB,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
