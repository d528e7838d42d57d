"""The attachment queue as the app's sync runs it: the blob store under the ledger's guard.

``SyncOps.sync`` gives its engine a :class:`~sync.client.blobs.BlobQueue` built here, so attachments
follow every record exchange (issue 14). The queue reaches the store only through
:class:`LockedBlobs`, which takes the ledger's guard per call — one metadata read, one sealed
segment written — never across a network wait, exactly as :class:`~desktop_app.operations.sync.LockedState`
does for records. Reading a blob's encrypted segments needs no guard (they are immutable files).

The download mode is a per-store setting (``lazy``: thumbnails first, full file when opened; ``full``:
every file, for offline use); att-ui's settings page shows it through :func:`download_mode` /
:func:`set_download_mode`, and :func:`fetch_attachment` is what opening a not-yet-pulled file calls.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

from desktop_app import compliance_query
from desktop_app.operations.ledger import Ledger
from desktop_app.store.codec import unpack_text
from domain.attachments import AttachmentRef, attachment_refs
from domain.compliance.evidence import EvidencePolicy
from sync.client.blobs import DOWNLOAD_MODES, BlobQueue, BlobReader, BlobStats, BlobWriter, DownloadMode

DOWNLOAD_MODE_KEY = "attachments.download_mode"
DEFAULT_DOWNLOAD_MODE: DownloadMode = "lazy"


class _GuardedWriter:
    def __init__(self, inner: BlobWriter, ledger: Ledger) -> None:
        self._inner, self._ledger = inner, ledger

    @property
    def offset(self) -> int:
        return self._inner.offset

    def append(self, chunk: bytes) -> Any:
        with self._ledger.guard():
            return self._inner.append(chunk)

    def finish(self) -> Any:
        with self._ledger.guard():
            return self._inner.finish()

    def close(self) -> None:
        self._inner.close()


class LockedBlobs:
    """The store's :class:`~desktop_app.store.blobs.BlobStore` as the queue sees it, guarded per call."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def has(self, sha256: str) -> bool:
        with self.ledger.guard() as store:
            return store.blobs.has(sha256)

    def open_reader(self, sha256: str) -> BlobReader:
        with self.ledger.guard() as store:
            return cast(BlobReader, store.blobs.open_reader(sha256))

    def begin_download(self, ref: AttachmentRef) -> BlobWriter:
        with self.ledger.guard() as store:
            store.blobs.note_absent(ref)
            return _GuardedWriter(store.blobs.begin_download(ref), self.ledger)

    def put_thumbnail(self, sha256: str, data: bytes) -> None:
        with self.ledger.guard() as store:
            store.blobs.put_thumbnail(sha256, data)

    def thumbnail(self, sha256: str) -> bytes | None:
        with self.ledger.guard() as store:
            return store.blobs.thumbnail(sha256)


def referenced_refs(ledger: Ledger) -> list[AttachmentRef]:
    """Every attachment the current version of a (not deleted) record lists, once per digest."""
    with ledger.guard() as store:
        rows = store.conn.execute("SELECT body FROM records WHERE deleted = 0 AND body IS NOT NULL").fetchall()
    seen: dict[str, AttachmentRef] = {}
    for (body,) in rows:
        try:
            refs = attachment_refs(json.loads(unpack_text(body)))
        except ValueError:  # a body this version cannot read keeps its files, but is not pulled for
            continue
        for ref in refs:
            seen.setdefault(ref.sha256, ref)
    return list(seen.values())


def download_mode(ledger: Ledger) -> DownloadMode:
    with ledger.guard() as store:
        mode = store.meta.get(DOWNLOAD_MODE_KEY, DEFAULT_DOWNLOAD_MODE)
    return cast(DownloadMode, mode if mode in DOWNLOAD_MODES else DEFAULT_DOWNLOAD_MODE)


def set_download_mode(ledger: Ledger, mode: DownloadMode) -> None:
    if mode not in DOWNLOAD_MODES:
        raise ValueError(f"download mode must be one of {DOWNLOAD_MODES}")
    with ledger.guard() as store, store.transaction():
        store.meta.set(DOWNLOAD_MODE_KEY, mode)


REFUSED_KEY = "attachments.refused_at_hq"


def refused_attachments(ledger: Ledger) -> dict[str, str]:
    """Digests head office refused (422) with its Chinese reason: never sent again from this store."""
    with ledger.guard() as store:
        raw = store.meta.get(REFUSED_KEY, {})
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


def _remember_refused(ledger: Ledger, sha256: str, message: str) -> None:
    with ledger.guard() as store, store.transaction():
        raw = store.meta.get(REFUSED_KEY, {})
        refused = dict(raw) if isinstance(raw, dict) else {}
        refused[sha256] = message
        store.meta.set(REFUSED_KEY, refused)


def blob_queue(ledger: Ledger, *, on_refused: Callable[[str, str], None] | None = None) -> BlobQueue:
    """The queue one sync run uses (the mode as set now; what head office refused stays refused)."""

    def refused(sha256: str, message: str) -> None:
        _remember_refused(ledger, sha256, message)
        if on_refused is not None:
            on_refused(sha256, message)

    queue = BlobQueue(LockedBlobs(ledger), wanted=lambda: referenced_refs(ledger), mode=download_mode(ledger),
                      on_refused=refused)
    queue.refused.update(refused_attachments(ledger))
    return queue


def fetch_attachment(ledger: Ledger, ref: AttachmentRef, base_url: str, token: str | None,
                     ca_bundle: str | None = None) -> BlobStats:
    """Pull one full file now (the clerk opened an attachment held only as a thumbnail)."""
    import requests

    from sync.client.transport import DEFAULT_CONNECT_TIMEOUT, DEFAULT_STALL_TIMEOUT, check_base_url

    queue = blob_queue(ledger)
    stats = BlobStats()
    with requests.Session() as session:
        queue.bind(check_base_url(base_url), session, token, ca_bundle or True,
                   (DEFAULT_CONNECT_TIMEOUT, DEFAULT_STALL_TIMEOUT))
        queue.fetch(ref, stats)
    return stats


EVIDENCE_KEY = compliance_query.EVIDENCE_KEY  # counted by the 概览 and ``branch-ledger compliance`` too


def save_evidence_policy(ledger: Ledger, policy: dict[str, list[str]]) -> None:
    """Keep head office's evidence requirement as last sent (a sync reply's ``evidence``)."""
    with ledger.guard() as store, store.transaction():
        store.meta.set(EVIDENCE_KEY, policy)


def evidence_policy(ledger: Ledger) -> EvidencePolicy:
    """What head office requires per activity (empty until a head office that asks has been reached)."""
    with ledger.guard() as store:
        return compliance_query.stored_evidence_policy(store)


UNSENT_KEY = "attachments.unsent_at_hq"


def save_unsent(ledger: Ledger, digests: list[str]) -> None:
    """What head office still lacked after the last sync (its ``missing_blobs`` minus what was sent)."""
    with ledger.guard() as store, store.transaction():
        store.meta.set(UNSENT_KEY, sorted(set(digests)))


def unsent_attachments(ledger: Ledger) -> set[str]:
    """Digests head office did not hold completely at the last sync: a record listing one shows
    附件未上传完 (so does a record still in the outbox, whose files head office cannot have yet)."""
    with ledger.guard() as store:
        raw = store.meta.get(UNSENT_KEY, [])
    return {str(d) for d in raw} if isinstance(raw, list) else set()
