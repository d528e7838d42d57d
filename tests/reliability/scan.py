"""Checks shared by the reliability tests: plaintext on disk, the store's own consistency."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from desktop_app.store import Store


def leaked(data_dir: Path, secrets: Iterable[str]) -> int:
    """How many of ``secrets`` appear in plaintext (UTF-8 or UTF-16) in any file under ``data_dir``."""
    blobs = [p.read_bytes() for p in Path(data_dir).rglob("*") if p.is_file()]
    found = 0
    for secret in secrets:
        needles = (secret.encode("utf-8"), secret.encode("utf-16-le"), secret.encode("utf-16-be"))
        if any(n in blob for blob in blobs for n in needles):
            found += 1
    return found


def inconsistent_records(store: Store) -> int:
    """Records whose current revision, history or outbox entry is missing (a half-made save)."""
    conn = store.conn
    return int(conn.execute(
        "SELECT count(*) FROM records r WHERE r.origin = 'local' AND ("
        " NOT EXISTS (SELECT 1 FROM revisions v WHERE v.record_id = r.id AND v.rev = r.rev)"
        " OR NOT EXISTS (SELECT 1 FROM history h WHERE h.record_id = r.id AND h.after_rev = r.rev))"
    ).fetchone()[0])
