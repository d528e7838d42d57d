"""One branch profile per branch: the profile made at set-up takes the branch's id at enrolment.

A laptop creates its branch profile in the first-run wizard, before it knows which branch head
office will bind it to, so the record gets a random id. At enrolment the id is known and the
profile is re-keyed to ``sync.protocol.record_ids.branch_profile_id(branch_id)`` — the same id on
every laptop of the branch, so a second laptop edits the same record instead of pushing a second
profile (issue 13):

* head office already holds the branch's profile (``profile_record_id`` in the enrolment reply):
  the local, never-sent profile is dropped and the branch's arrives with the first sync (its
  content is kept in ``meta['enrol.superseded_profile']``, nothing is thrown away);
* head office holds none: the local profile is rewritten under the branch's id through the
  repository (a new record, in the outbox) and the random-id one is removed before it was ever
  sent.

A profile that already reached head office (a laptop enrolled before this change) is left alone:
head office merges such duplicates itself (``sync.server.profiles``) and the device follows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop_app.store.codec import unpack
from desktop_app.store.writes import purge_record
from sync.protocol.record_ids import branch_profile_id

if TYPE_CHECKING:
    from desktop_app.store.store import Store

SUPERSEDED_KEY = "enrol.superseded_profile"


def _never_sent(store: Store, record_id: str) -> bool:
    conn = store.conn
    row = conn.execute("SELECT server_rev FROM records WHERE id = ?", (record_id,)).fetchone()
    if row is None or row[0] is not None:
        return False
    received = conn.execute(
        "SELECT 1 FROM revisions WHERE record_id = ? AND received_at IS NOT NULL LIMIT 1", (record_id,)
    ).fetchone()
    return received is None


def adopt_branch_profile(store: Store, branch_id: str, held_profile_id: str | None, *, author: str) -> str | None:
    """Re-key the local profile for ``branch_id`` (call inside the enrolment transaction).

    Returns the profile's record id afterwards (None until the branch's arrives by sync).
    """
    canonical = branch_profile_id(branch_id)
    conn = store.conn
    local = [
        (rid, body) for rid, body in conn.execute(
            "SELECT id, body FROM records WHERE kind = 'branch_profile' AND deleted = 0 ORDER BY created_at, id"
        ).fetchall()
        if rid != canonical
    ]
    has_canonical = conn.execute("SELECT 1 FROM records WHERE id = ?", (canonical,)).fetchone() is not None
    with store.transaction():
        for record_id, packed in local:
            if not _never_sent(store, record_id):
                continue
            data: dict[str, Any] = unpack(packed)
            if held_profile_id is None and not has_canonical:
                store.records.create("branch_profile", data, author=author, record_id=canonical)
                has_canonical = True
            else:
                superseded = store.meta.get(SUPERSEDED_KEY) or []
                store.meta.set(SUPERSEDED_KEY, [*superseded, data])
            purge_record(store.conn, record_id)
    return canonical if has_canonical else None
