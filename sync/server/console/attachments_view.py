"""A record's attachments as the console shows them (issue 14): thumbnails, open, download.

The list comes from the record's current body (``attachments``), each entry joined with what head
office holds of it (``blob_refs``): a file not yet uploaded completely is shown as 附件未上传完, exactly
as on the branch's laptop. Bytes are served by routes_attachments.py, only for a digest the record
itself references (any of its revisions) in a branch the reviewer may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from domain.attachments import ROLE_LABELS, AttachmentRole
from sync.server.blobrefs import SHA256, branch_refs, refs_in_body
from sync.server.console.records import record_url
from sync.server.tables import revisions


@dataclass(frozen=True)
class AttachmentView:
    sha256: str
    name: str
    role: str
    role_label: str
    caption: str
    mime: str
    size_text: str
    is_image: bool
    held: bool  # head office holds it completely (verified)
    has_thumbnail: bool
    open_url: str
    download_url: str
    thumbnail_url: str


def _size_text(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{max(1, round(n / 1024))} KB"


def attachment_views(conn: Connection, branch_id: str, record_id: str, body: dict[str, Any] | None
                     ) -> list[AttachmentView]:
    entries = {sha: (size, mime, name) for sha, size, mime, name in refs_in_body(body)}
    if not entries:
        return []
    held = branch_refs(conn, branch_id, list(entries))
    extra = {str(a.get("sha256")): a for a in (body or {}).get("attachments", []) if isinstance(a, dict)}
    base = record_url(branch_id, record_id, "attachments")
    out = []
    for sha, (size, mime, name) in entries.items():
        meta = extra.get(sha, {})
        role = str(meta.get("role", "other"))
        try:
            role_label = ROLE_LABELS[AttachmentRole(role)]
        except ValueError:
            role_label = role
        ref = held.get(sha)
        out.append(AttachmentView(
            sha256=sha, name=name, role=role, role_label=role_label, caption=str(meta.get("caption", "")),
            mime=mime, size_text=_size_text(size), is_image=mime.startswith("image/"),
            held=bool(ref and ref.completed), has_thumbnail=bool(ref and ref.has_thumbnail),
            open_url=f"{base}/{sha}", download_url=f"{base}/{sha}?download=1", thumbnail_url=f"{base}/{sha}/thumbnail",
        ))
    return out


def record_references(conn: Connection, branch_id: str, record_id: str, sha256: str) -> bool:
    """Whether some revision of this record lists ``sha256`` among its attachments."""
    if not SHA256.match(sha256):
        return False
    rows = conn.execute(select(revisions.c.body).where(
        revisions.c.branch_id == branch_id, revisions.c.record_id == record_id,
        revisions.c.body.like(f"%{sha256}%"))).scalars()
    import json

    return any(sha256 in {r[0] for r in refs_in_body(json.loads(text))} for text in rows if text)
