"""Branch-scoped record and change ids; expiring device tokens; scoped admin tokens; storage quota.

Revision ID: 0002
Revises: 0001

* ``heads`` is keyed by ``(branch_id, record_id)``; ``revisions`` is unique by
  ``(branch_id, record_id, rev)`` and ``(branch_id, change_id)``; ``rejections`` gains
  ``branch_id`` (taken from the device) and is keyed by ``(branch_id, change_id)``. Before this,
  ids were global: one branch could pre-claim, hide or probe another branch's records by id.
* ``devices.token_expires_at`` (NULL for tokens issued before: they keep working),
  ``devices.previous_token_hash`` (renewal may be retried with the replaced token) and
  ``devices.stored_bytes`` (filled from what each device stored so far).
* ``admin_tokens.scopes`` (existing tokens get ``*``, so nothing breaks) and ``expires_at``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TIME = sa.String(32)
OVERHEAD = 600  # ledger.CHANGE_OVERHEAD_BYTES at the time of this migration


def _pk_name(table: str) -> str | None:
    name = sa.inspect(op.get_bind()).get_pk_constraint(table).get("name")
    return str(name) if name else None


def upgrade() -> None:
    # heads: (branch_id, record_id)
    with op.batch_alter_table("heads", recreate="always") as batch:
        name = _pk_name("heads")
        if name:
            batch.drop_constraint(name, type_="primary")
        batch.create_primary_key("pk_heads", ["branch_id", "record_id"])

    # revisions: ids unique per branch
    with op.batch_alter_table("revisions") as batch:
        batch.drop_constraint("uq_revisions_record_rev", type_="unique")
        batch.drop_constraint("uq_revisions_change_id", type_="unique")
        batch.create_unique_constraint("uq_revisions_branch_record_rev", ["branch_id", "record_id", "rev"])
        batch.create_unique_constraint("uq_revisions_branch_change_id", ["branch_id", "change_id"])

    # rejections: gain the branch of the device that sent the change
    with op.batch_alter_table("rejections") as batch:
        batch.add_column(sa.Column("branch_id", sa.String(64), nullable=True))
    op.execute(
        "UPDATE rejections SET branch_id = (SELECT devices.branch_id FROM devices"
        " WHERE devices.device_id = rejections.device_id)"
    )
    op.execute("UPDATE rejections SET branch_id = '' WHERE branch_id IS NULL")
    with op.batch_alter_table("rejections", recreate="always") as batch:
        batch.alter_column("branch_id", existing_type=sa.String(64), nullable=False)
        name = _pk_name("rejections")
        if name:
            batch.drop_constraint(name, type_="primary")
        batch.create_primary_key("pk_rejections", ["branch_id", "change_id"])

    # devices: token expiry and the storage quota's running total
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("token_expires_at", TIME, nullable=True))
        batch.add_column(sa.Column("previous_token_hash", sa.String(64), nullable=True))
        batch.create_index("ix_devices_previous_token_hash", ["previous_token_hash"])
        batch.add_column(sa.Column("stored_bytes", sa.BigInteger, nullable=False, server_default="0"))
    op.execute(
        "UPDATE devices SET stored_bytes = (SELECT COALESCE(SUM(LENGTH(COALESCE(revisions.body, ''))), 0)"
        f" + COUNT(*) * {OVERHEAD} FROM revisions WHERE revisions.device_id = devices.device_id)"
    )

    # admin tokens: scopes and expiry
    with op.batch_alter_table("admin_tokens") as batch:
        batch.add_column(sa.Column("scopes", sa.Text, nullable=False, server_default="*"))
        batch.add_column(sa.Column("expires_at", TIME, nullable=True))
