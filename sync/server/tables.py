"""The head-office schema as SQLAlchemy Core tables (the Alembic migrations create exactly these).

Times are stored as fixed-width UTC ISO strings (``2026-11-23T09:00:00.000000Z``): they sort
correctly as text and mean the same on SQLite, which has no time zone type, and PostgreSQL.
JSON travels as text so both databases store byte-identical bodies.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

TIME = String(32)

# Key/value facts about this database: its epoch. (Head office's signing key and cursor secret
# live in a key file of their own since migration 0002, see keyfile.py.)
server_meta = Table(
    "server_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# 集团党委 → 二级党委/党总支 → 支部. Only units of kind "branch" own devices and records.
org_units = Table(
    "org_units",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("parent_id", String(64), ForeignKey("org_units.id"), nullable=True),
    Column("created_at", TIME, nullable=False),
    UniqueConstraint("parent_id", "name", name="uq_org_units_parent_name"),
)

# One row per branch: the pull sequence and the additive checksum of its heads. Every write to
# a branch locks this row first, so sequence order equals commit (visibility) order (§6.7).
branch_state = Table(
    "branch_state",
    metadata,
    Column("branch_id", String(64), ForeignKey("org_units.id"), primary_key=True),
    Column("seq", BigInteger, nullable=False, default=0),
    Column("checksum", BigInteger, nullable=False, default=0),  # unsigned 64-bit stored signed
)

devices = Table(
    "devices",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("branch_id", String(64), ForeignKey("org_units.id"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("public_key", String(64), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("app_version", String(200), nullable=False, default=""),
    Column("enrolled_at", TIME, nullable=False),
    Column("revoked_at", TIME, nullable=True),
    Column("revoked_reason", String(500), nullable=True),
    Column("last_sync_at", TIME, nullable=True),
    Column("last_counter", BigInteger, nullable=False, default=0),
    Column("counter_gaps", Integer, nullable=False, default=0),
    Column("token_expires_at", TIME, nullable=True),  # NULL: a token issued before expiry existed
    # The token a renewal replaced: good for renewing again only (the renewal reply may be lost).
    Column("previous_token_hash", String(64), nullable=True, index=True),
    Column("stored_bytes", BigInteger, nullable=False, default=0),  # for the storage quota
)

# One-time enrolment codes; only a SHA-256 of the code is kept.
enrol_codes = Table(
    "enrol_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("branch_id", String(64), ForeignKey("org_units.id"), nullable=False),
    Column("created_at", TIME, nullable=False),
    Column("expires_at", TIME, nullable=False),
    Column("used_at", TIME, nullable=True),
    Column("used_by", String(64), nullable=True),
)

admin_tokens = Table(
    "admin_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", TIME, nullable=False),
    Column("revoked_at", TIME, nullable=True),
    Column("scopes", Text, nullable=False, default="*"),  # space-separated, see admin_tokens.py
    Column("expires_at", TIME, nullable=True),
)

# Every revision ever accepted (insert-only). ``seq`` orders the branch's pull stream. Record ids
# and change ids are scoped per branch (migration 0002): another branch using the same id has a
# different record, so nothing about it can be claimed, hidden or learned across branches.
revisions = Table(
    "revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("branch_id", String(64), ForeignKey("org_units.id"), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("rev", String(80), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("parents", Text, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("status", String(10), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("body", Text, nullable=True),
    Column("hlc", String(120), nullable=False),
    Column("device_time", String(40), nullable=False),
    Column("author", String(200), nullable=False),
    Column("device_id", String(64), nullable=True),  # NULL: written by head office
    Column("change_id", String(64), nullable=True),
    Column("counter", BigInteger, nullable=True),
    Column("sig", String(200), nullable=False),
    Column("received_at", TIME, nullable=False),
    Column("violations", Text, nullable=True),  # rule findings kept for audit, never enforced
    UniqueConstraint("branch_id", "record_id", "rev", name="uq_revisions_branch_record_rev"),
    UniqueConstraint("branch_id", "change_id", name="uq_revisions_branch_change_id"),
    UniqueConstraint("branch_id", "seq", name="uq_revisions_branch_seq"),
    UniqueConstraint("device_id", "counter", name="uq_revisions_device_counter"),
)

# The current state of each record: stable current revision, open leaves, conflict flag.
heads = Table(
    "heads",
    metadata,
    Column("branch_id", String(64), ForeignKey("org_units.id"), primary_key=True),
    Column("record_id", String(64), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("current_rev", String(80), nullable=False),
    Column("status", String(10), nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("conflicted", Boolean, nullable=False, default=False),
    Column("leaves", Text, nullable=False),
    Column("updated_seq", BigInteger, nullable=False),
    Column("updated_at", TIME, nullable=False),
)
Index("ix_heads_branch_kind", heads.c.branch_id, heads.c.kind)

# Changes refused for good; kept so a retried request gets the same answer.
rejections = Table(
    "rejections",
    metadata,
    Column("branch_id", String(64), primary_key=True),
    Column("change_id", String(64), primary_key=True),
    Column("device_id", String(64), nullable=False),
    Column("counter", BigInteger, nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("rev", String(80), nullable=False),
    Column("code", String(40), nullable=False),
    Column("message", Text, nullable=False),
    Column("received_at", TIME, nullable=False),
    UniqueConstraint("device_id", "counter", name="uq_rejections_device_counter"),
)

# Attachments (issue 14): the digests accepted revisions of a branch reference, one row per
# (branch, digest). The bytes live outside the database (blobstore.py); ``completed_at`` is set
# once they are held completely and verified. ``size``/``mime``/``name`` are those of the first
# revision that referenced the digest: an upload must declare that size, and the name is what
# ``domain.attachments.check_content`` judges the content against.
blob_refs = Table(
    "blob_refs",
    metadata,
    Column("branch_id", String(64), ForeignKey("org_units.id"), primary_key=True),
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("mime", String(100), nullable=False),
    Column("name", String(200), nullable=False),
    Column("first_seq", BigInteger, nullable=False),
    Column("referenced_at", TIME, nullable=False),
    Column("completed_at", TIME, nullable=True),
    Column("has_thumbnail", Boolean, nullable=False, default=False),
)
Index("ix_blob_refs_branch_completed", blob_refs.c.branch_id, blob_refs.c.completed_at)
