"""Editor buffers: what the clerk is typing, saved every couple of seconds, before it is a revision.

Saving a revision per keystroke pause would flood history and the outbox; saving nothing would lose
typing on a power cut. A buffer is encrypted like everything else and removed once the clerk saves
or discards; at the next start the UI offers to restore any buffer left behind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_app.store.store import Store


@dataclass(frozen=True)
class EditorBuffer:
    key: str
    kind: str
    record_id: str | None
    base_rev: str | None
    data: dict[str, Any]
    saved_at: str


class EditorBuffers:
    def __init__(self, store: Store) -> None:
        self._store = store

    def save(self, key: str, kind: str, data: dict[str, Any], *, record_id: str | None, base_rev: str | None) -> None:
        from desktop_app.store.repository import utc_now

        with self._store.transaction():
            self._store.conn.execute(
                "INSERT INTO editor_buffers (key, kind, record_id, base_rev, data, saved_at) VALUES (?,?,?,?,?,?)"
                " ON CONFLICT(key) DO UPDATE SET data=excluded.data, saved_at=excluded.saved_at,"
                " record_id=excluded.record_id, base_rev=excluded.base_rev",
                (key, kind, record_id, base_rev, json.dumps(data, ensure_ascii=False, default=str), utc_now()),
            )

    def discard(self, key: str) -> None:
        with self._store.transaction():
            self._store.conn.execute("DELETE FROM editor_buffers WHERE key = ?", (key,))

    def all(self) -> list[EditorBuffer]:
        rows = self._store.conn.execute(
            "SELECT key, kind, record_id, base_rev, data, saved_at FROM editor_buffers ORDER BY saved_at"
        ).fetchall()
        return [EditorBuffer(key, kind, record_id, base_rev, json.loads(data), saved_at)
                for key, kind, record_id, base_rev, data, saved_at in rows]
