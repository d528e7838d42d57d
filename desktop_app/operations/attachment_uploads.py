"""Whether head office has a record's attachments yet — the editor's 附件未上传完 (issue 14).

Record changes never wait for attachments: a sync sends the record first and its files after, in
their own requests, so a record can be at head office while a photo is still on its way (a cut link,
a day's photos on 2 Mbit/s). Two things say a file has not arrived:

* the record's own change is still in the outbox: head office has not even seen the reference;
* the last sync's reply listed the digest in ``missing_blobs`` and the upload queue did not finish it:
  the sync run records what is still missing with :func:`note_missing_at_office`.

A ledger that is not connected to head office has nothing to upload and shows no badge.
"""

from __future__ import annotations

from collections.abc import Iterable

from desktop_app.operations.ledger import Ledger
from desktop_app.store import Store
from desktop_app.store.sync_state import StoreSyncState

MISSING_KEY = "blobs_missing_at_office"


def note_missing_at_office(store: Store, digests: Iterable[str]) -> None:
    """After a sync run (under the guard): the digests head office still lacks once the queue stopped."""
    with store.transaction():
        store.meta.set(MISSING_KEY, sorted(set(digests)))


def uploads_pending(ledger: Ledger, record_id: str | None, digests: Iterable[str]) -> bool:
    """Whether some of ``digests`` (a saved record's attachments) have not reached head office yet."""
    wanted = set(digests)
    if not wanted or record_id is None:
        return False
    with ledger.guard() as store:
        if StoreSyncState(store).credentials() is None:
            return False
        if wanted & set(store.meta.get(MISSING_KEY) or []):
            return True
        unsent = store.conn.execute(
            "SELECT 1 FROM outbox WHERE record_id = ? AND state = 'pending' LIMIT 1", (record_id,)).fetchone()
    return unsent is not None
