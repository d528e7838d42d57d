"""Initial head-office schema: org tree, devices, enrolment codes, revisions, heads.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIME = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "server_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "org_units",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("parent_id", sa.String(64), sa.ForeignKey("org_units.id"), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.UniqueConstraint("parent_id", "name", name="uq_org_units_parent_name"),
    )
    op.create_table(
        "branch_state",
        sa.Column("branch_id", sa.String(64), sa.ForeignKey("org_units.id"), primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("checksum", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "devices",
        sa.Column("device_id", sa.String(64), primary_key=True),
        sa.Column("branch_id", sa.String(64), sa.ForeignKey("org_units.id"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("app_version", sa.String(200), nullable=False),
        sa.Column("enrolled_at", TIME, nullable=False),
        sa.Column("revoked_at", TIME, nullable=True),
        sa.Column("revoked_reason", sa.String(500), nullable=True),
        sa.Column("last_sync_at", TIME, nullable=True),
        sa.Column("last_counter", sa.BigInteger, nullable=False),
        sa.Column("counter_gaps", sa.Integer, nullable=False),
        sa.UniqueConstraint("token_hash", name="uq_devices_token_hash"),
    )
    op.create_index("ix_devices_branch_id", "devices", ["branch_id"])
    op.create_table(
        "enrol_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("branch_id", sa.String(64), sa.ForeignKey("org_units.id"), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("used_at", TIME, nullable=True),
        sa.Column("used_by", sa.String(64), nullable=True),
    )
    op.create_table(
        "admin_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("revoked_at", TIME, nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_admin_tokens_token_hash"),
    )
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("branch_id", sa.String(64), sa.ForeignKey("org_units.id"), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("rev", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("parents", sa.Text, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=True),
        sa.Column("hlc", sa.String(120), nullable=False),
        sa.Column("device_time", sa.String(40), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("device_id", sa.String(64), nullable=True),
        sa.Column("change_id", sa.String(64), nullable=True),
        sa.Column("counter", sa.BigInteger, nullable=True),
        sa.Column("sig", sa.String(200), nullable=False),
        sa.Column("received_at", TIME, nullable=False),
        sa.Column("violations", sa.Text, nullable=True),
        sa.UniqueConstraint("record_id", "rev", name="uq_revisions_record_rev"),
        sa.UniqueConstraint("branch_id", "seq", name="uq_revisions_branch_seq"),
        sa.UniqueConstraint("device_id", "counter", name="uq_revisions_device_counter"),
        sa.UniqueConstraint("change_id", name="uq_revisions_change_id"),
    )
    op.create_table(
        "heads",
        sa.Column("record_id", sa.String(64), primary_key=True),
        sa.Column("branch_id", sa.String(64), sa.ForeignKey("org_units.id"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("current_rev", sa.String(80), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("conflicted", sa.Boolean, nullable=False),
        sa.Column("leaves", sa.Text, nullable=False),
        sa.Column("updated_seq", sa.BigInteger, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
    )
    op.create_index("ix_heads_branch_kind", "heads", ["branch_id", "kind"])
    op.create_table(
        "rejections",
        sa.Column("change_id", sa.String(64), primary_key=True),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("counter", sa.BigInteger, nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("rev", sa.String(80), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("received_at", TIME, nullable=False),
        sa.UniqueConstraint("device_id", "counter", name="uq_rejections_device_counter"),
    )
