"""Attachments: the digests each branch's accepted revisions reference (issue 14).

Revision ID: 0004_blob_refs
Revises: 0003_console

Only references: the bytes live outside the database (``sync.server.blobstore``). The previous
version already kept bodies it did not understand verbatim, so a newer client may have pushed
revisions whose body lists ``attachments`` before head office was upgraded: those revisions'
digests are filled in here (none of them is held yet, so each is "missing" and the devices
upload it on their next sync).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from sync.server.blobrefs import refs_in_body

revision = "0004_blob_refs"
down_revision = "0003_console"
branch_labels = None
depends_on = None

TIME = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "blob_refs",
        sa.Column("branch_id", sa.String(64), sa.ForeignKey("org_units.id", name="fk_blob_refs_branch_id_org_units"),
                  nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("mime", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("first_seq", sa.BigInteger, nullable=False),
        sa.Column("referenced_at", TIME, nullable=False),
        sa.Column("completed_at", TIME, nullable=True),
        sa.Column("has_thumbnail", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("branch_id", "sha256", name="pk_blob_refs"),
    )
    op.create_index("ix_blob_refs_branch_completed", "blob_refs", ["branch_id", "completed_at"])


    conn = op.get_bind()
    revisions = sa.table("revisions", sa.column("branch_id"), sa.column("seq"), sa.column("body"),
                         sa.column("received_at"))
    refs = sa.table("blob_refs", *(sa.column(c) for c in (
        "branch_id", "sha256", "size", "mime", "name", "first_seq", "referenced_at", "completed_at", "has_thumbnail")))
    seen: set[tuple[str, str]] = set()
    rows = conn.execute(
        sa.select(revisions.c.branch_id, revisions.c.seq, revisions.c.body, revisions.c.received_at)
        .where(revisions.c.body.like('%"attachments"%'))
        .order_by(revisions.c.branch_id, revisions.c.seq)
    )
    for row in rows:
        for sha, size, mime, name in refs_in_body(json.loads(row.body)):
            if (row.branch_id, sha) in seen:
                continue
            seen.add((row.branch_id, sha))
            conn.execute(sa.insert(refs).values(branch_id=row.branch_id, sha256=sha, size=size, mime=mime, name=name,
                                                first_seq=row.seq, referenced_at=row.received_at, completed_at=None,
                                                has_thumbnail=False))
