"""Attachments (签到表 scans, activity photos, 讲稿/课件): what the editor panel, the viewer, printing and
``branch-ledger attachments`` call. Views reach blobs only through these functions.

Each takes the ledger's guard itself for one file at a time (checking, downscaling and sealing a
20 MB file is one bounded unit), so a worker attaching a day's photos lets the window in between.
A refused file never stops the others: :func:`attach_files` returns the attached references and,
separately, each refusal with its Chinese message naming the file — and stores nothing for it.

Attaching puts the file in the encrypted blob store and returns an :class:`AttachmentRef`; it is
part of a record only once the record is saved with that reference in its ``attachments`` (the
editor's form keeps it meanwhile, and its autosaved buffer keeps the blob from being collected).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.operations.ledger import Ledger, OpChanges
from desktop_app.operations.records import Saved
from desktop_app.store.blobs import AttachmentDamaged, AttachmentMissing, BlobInfo
from desktop_app.store.errors import RecordFinalized, StoreError
from domain.attachments import (
    DOCX,
    IMAGE_MIME,
    JPEG,
    PNG,
    PPTX,
    AttachmentRef,
    AttachmentRefused,
    AttachmentRole,
    sniff,
)
from domain.i18n import N_
from domain.records import RecordBody


@dataclass(frozen=True)
class AttachResult:
    """What came of attaching several files: the references made, and each file refused (with why)."""

    attached: list[AttachmentRef] = field(default_factory=list)
    refused: list[AttachmentRefused] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        return [str(r) for r in self.refused]


@dataclass(frozen=True)
class AttachmentListing:
    ref: AttachmentRef
    state: str  # local / thumb_only / absent (not on this device yet)

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)


STATE_LABELS = {"local": "本机已有", "thumb_only": "仅缩略图", "absent": "未下载"}


def guess_role(mime: str) -> AttachmentRole:
    """A sensible default role: photos for images, 讲稿/课件 for Word and PowerPoint files."""
    if mime in IMAGE_MIME:
        return AttachmentRole.PHOTO
    if mime in (DOCX, PPTX):
        return AttachmentRole.LECTURE
    return AttachmentRole.OTHER


def attach_files(ledger: Ledger, paths: Iterable[str | Path], *, downscale: bool = True,
                 role: AttachmentRole | None = None, caption: str = "", max_bytes: int | None = None) -> AttachResult:
    """添加附件 from a file dialog or a drop: each file checked and kept encrypted, or refused."""
    result = AttachResult()
    for path in paths:
        try:
            with ledger.guard() as store:
                ref = store.blobs.put_file(path, downscale=downscale, role=role or AttachmentRole.OTHER,
                                           caption=caption, max_bytes=max_bytes)
            if role is None:
                ref = ref.model_copy(update={"role": guess_role(ref.mime)})
            result.attached.append(ref)
        except AttachmentRefused as refused:
            result.refused.append(refused)
    return result


def attach_pasted_image(ledger: Ledger, data: bytes, *, name: str | None = None, downscale: bool = True,
                        role: AttachmentRole = AttachmentRole.PHOTO, caption: str = "") -> AttachmentRef:
    """An image pasted with Ctrl+V (PNG or JPEG bytes from the clipboard); raises AttachmentRefused."""
    if name is None:
        ext = {JPEG: ".jpg", PNG: ".png"}.get(sniff(data[:16]) or "", ".png")
        name = f"粘贴的图片-{dt.datetime.now():%Y%m%d-%H%M%S}{ext}"
    with ledger.guard() as store:
        return store.blobs.put_bytes(data, name, downscale=downscale, role=role, caption=caption)


def attachment_content(ledger: Ledger, sha256: str, *, name: str = "") -> bytes:
    """The verified bytes of one attachment, for the viewer or a print (AttachmentDamaged/Missing)."""
    with ledger.guard() as store:
        return store.blobs.read_all(sha256, name=name)


def attachment_thumbnail(ledger: Ledger, sha256: str) -> bytes | None:
    """The small JPEG shown in the editor and lists (None: none held)."""
    with ledger.guard() as store:
        return store.blobs.thumbnail(sha256)


def attachment_states(ledger: Ledger, refs: Iterable[AttachmentRef]) -> dict[str, str]:
    """For each digest: ``local``, ``thumb_only`` or ``absent`` (never seen counts as absent)."""
    with ledger.guard() as store:
        out = {}
        for ref in refs:
            info: BlobInfo | None = store.blobs.info(ref.sha256)
            out[ref.sha256] = "local" if store.blobs.has(ref.sha256) else (
                "thumb_only" if info is not None and info.has_thumbnail else "absent")
        return out


def record_attachments(ledger: Ledger, record_id: str) -> list[AttachmentListing]:
    """The attachments of a record's current version, each with whether it is on this device."""
    with ledger.guard() as store:
        refs = list(store.records.get(record_id).body.attachments)
    states = attachment_states(ledger, refs)
    return [AttachmentListing(ref, states[ref.sha256]) for ref in refs]


def export_attachment(ledger: Ledger, sha256: str, target: str | Path, *, name: str = "") -> Path:
    """另存为…: a plaintext copy at a place the clerk picked (verified before it is in place).

    The copy is outside the encrypted store — the caller tells the clerk so.
    """
    with ledger.guard() as store:
        return store.blobs.export_to(sha256, target, name=name)


def add_to_draft(ledger: Ledger, record_id: str, refs: Sequence[AttachmentRef], *,
                 base_rev: str | None = None) -> Saved:
    """Add references to a saved draft (the same digest twice is kept once); finalized records refuse."""
    return _change_draft(ledger, record_id, base_rev, lambda current: _merged(current, refs))


def remove_from_draft(ledger: Ledger, record_id: str, sha256: str, *, base_rev: str | None = None) -> Saved:
    """Take one attachment off a draft (its blob is collected later unless something else uses it)."""
    def without(current: list[AttachmentRef]) -> list[AttachmentRef]:
        kept = [r for r in current if r.sha256 != sha256]
        if len(kept) == len(current):
            raise StoreError(N_("这条记录没有这个附件"))
        return kept

    return _change_draft(ledger, record_id, base_rev, without)


def attachment_limit(ledger: Ledger) -> int:
    """The size limit of one attached file, in bytes (20 MB unless the clerk changed it)."""
    with ledger.guard() as store:
        return store.blobs.max_bytes


def set_attachment_limit(ledger: Ledger, megabytes: int) -> int:
    """Change the per-file limit (1–200 MB); StoreError with a Chinese reason outside that range."""
    with ledger.guard() as store:
        store.blobs.set_max_bytes(megabytes * 1024 * 1024)
        return store.blobs.max_bytes


def collect_unreferenced(ledger: Ledger) -> list[str]:
    """Housekeeping: remove blobs nothing refers to any more (after a day's grace)."""
    with ledger.guard() as store:
        return store.blobs.collect_unreferenced()


def _merged(current: list[AttachmentRef], refs: Sequence[AttachmentRef]) -> list[AttachmentRef]:
    seen = {r.sha256 for r in current}
    out = list(current)
    for ref in refs:
        if ref.sha256 not in seen:
            seen.add(ref.sha256)
            out.append(ref)
    return out


def _change_draft(ledger: Ledger, record_id: str, base_rev: str | None, change) -> Saved:  # type: ignore[no-untyped-def]
    from desktop_app.operations.records import _author

    with ledger.guard() as store:
        env = store.records.get(record_id)
        if env.status.value != "draft":
            raise RecordFinalized(N_("已定稿的记录附件不能再改动；请用“更正”新建一个版本来添加或替换附件"))
        body: RecordBody = env.body
        data = body.model_dump(mode="json")
        data["attachments"] = [r.model_dump(mode="json") for r in change(list(body.attachments))]
        saved = store.records.update(record_id, data, author=_author(store), base_rev=base_rev or env.rev)
    return Saved(saved, OpChanges.of(saved.kind, record_id))


__all__ = [
    "AttachResult",
    "AttachmentDamaged",
    "AttachmentListing",
    "AttachmentMissing",
    "AttachmentRefused",
    "add_to_draft",
    "attach_files",
    "attach_pasted_image",
    "attachment_content",
    "attachment_limit",
    "attachment_states",
    "attachment_thumbnail",
    "collect_unreferenced",
    "export_attachment",
    "guess_role",
    "record_attachments",
    "remove_from_draft",
    "set_attachment_limit",
]
