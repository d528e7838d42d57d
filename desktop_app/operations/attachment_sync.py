"""What the window asks of attachment sync (issue 14): 附件未上传完, and a file opened before it was pulled.

Record changes never wait for attachments: a sync sends the record first and its files after, so a
record can be at head office while a photo is still on its way. :func:`uploads_pending` says a saved
record's files have not all arrived — its own change is still in the outbox (head office has not seen
the reference), or a digest is among those the last sync left missing
(:func:`~desktop_app.operations.sync_blobs.unsent_attachments`). A ledger not connected to head office
has nothing to upload and shows no badge.

In the 按需下载 mode a device holds another device's photo as a thumbnail only; :func:`viewable_content`
pulls the full file from head office when the clerk opens it (``sync_blobs.fetch_attachment``), then
returns the verified bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from desktop_app.operations.attachments import attachment_content
from desktop_app.operations.ledger import Ledger
from desktop_app.operations.sync_blobs import fetch_attachment, unsent_attachments
from desktop_app.store.sync_state import StoreSyncState
from domain.attachments import AttachmentRef


def uploads_pending(ledger: Ledger, record_id: str | None, digests: Iterable[str]) -> bool:
    """Whether some of ``digests`` (a saved record's attachments) have not reached head office yet."""
    wanted = set(digests)
    if not wanted or record_id is None:
        return False
    with ledger.guard() as store:
        if StoreSyncState(store).credentials() is None:
            return False
        unsent = store.conn.execute(
            "SELECT 1 FROM outbox WHERE record_id = ? AND state = 'pending' LIMIT 1", (record_id,)).fetchone()
    return unsent is not None or bool(wanted & unsent_attachments(ledger))


def viewable_content(ledger: Ledger, ref: Mapping[str, Any]) -> bytes:
    """The verified bytes of ``ref`` for the viewer, pulled from head office first when this device
    holds only its thumbnail; raises the store's ``AttachmentMissing`` when it cannot be had."""
    digest, name = str(ref["sha256"]), str(ref["name"])
    with ledger.guard() as store:
        here = store.blobs.has(digest)
        creds = StoreSyncState(store).credentials()
    if not here and creds is not None:
        fetch_attachment(ledger, AttachmentRef.model_validate(dict(ref)), creds.base_url, creds.token,
                         creds.ca_bundle)
    return attachment_content(ledger, digest, name=name)
