"""Web console: users, sessions, login throttling, audit log; derived record/branch indexes and search.

Revision ID: 0003_console
Revises: 0002

The derived tables (``console_records``, ``console_branches``, ``console_index_state``,
``console_search``) are keyed by branch and record, as the ledger is since 0002 (record ids are
per branch). They are filled lazily by ``sync.server.console.indexer`` from the ledger, so this
migration creates them empty and a database made by the previous version needs no data step.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_console"
down_revision = "0002"
branch_labels = None
depends_on = None

TIME = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "console_users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("org_id", sa.String(64), nullable=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("disabled_at", TIME, nullable=True),
        sa.UniqueConstraint("name", name="uq_console_users_name"),
    )
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("last_seen_at", TIME, nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
    )
    op.create_index("ix_console_sessions_user_id", "console_sessions", ["user_id"])
    op.create_table(
        "console_throttle",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("window_start", TIME, nullable=False),
        sa.Column("locked_until", TIME, nullable=True),
    )
    op.create_table(
        "console_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", TIME, nullable=False),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
    )
    op.create_index("ix_console_audit_at", "console_audit", ["at"])
    # Keyed by (branch, record) like the ledger's heads since 0002: record ids are per branch.
    op.create_table(
        "console_records",
        sa.Column("branch_id", sa.String(64), primary_key=True),
        sa.Column("record_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("rev", sa.String(80), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("conflicted", sa.Boolean, nullable=False),
        sa.Column("readable", sa.Boolean, nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("event_date", sa.String(10), nullable=True),
        sa.Column("meeting_type", sa.String(40), nullable=True),
        sa.Column("party_group", sa.String(100), nullable=False),
        sa.Column("by_secretary", sa.Boolean, nullable=False),
        sa.Column("includes_appraisal", sa.Boolean, nullable=False),
        sa.Column("valid", sa.Boolean, nullable=True),
        sa.Column("amends_record_id", sa.String(64), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("acted_at", sa.String(40), nullable=False),
        sa.Column("notice_key", sa.String(64), nullable=False),
        sa.Column("requires_ack", sa.Boolean, nullable=False),
        sa.Column("received_at", TIME, nullable=False),
        sa.Column("updated_seq", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_console_records_branch_kind_date", "console_records", ["branch_id", "kind", "event_date"])
    op.create_index("ix_console_records_kind_date", "console_records", ["kind", "event_date"])
    op.create_index("ix_console_records_target", "console_records", ["branch_id", "target_id"])
    op.create_index("ix_console_records_amends", "console_records", ["branch_id", "amends_record_id"])
    op.create_index("ix_console_records_notice_key", "console_records", ["notice_key"])
    op.create_table(
        "console_branches",
        sa.Column("branch_id", sa.String(64), primary_key=True),
        sa.Column("profile", sa.Text, nullable=True),
        sa.Column("profile_count", sa.Integer, nullable=False),
        sa.Column("full_members", sa.Text, nullable=False),
        sa.Column("member_count", sa.Integer, nullable=False),
    )
    op.create_table(
        "console_index_state",
        sa.Column("branch_id", sa.String(64), primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Documents are space-separated CJK bigrams and words (sync.server.console.search), so the
        # 'simple' configuration's parser sees each as one lexeme whatever the database's locale.
        op.execute(
            "CREATE TABLE console_search (branch_id VARCHAR(64) NOT NULL, record_id VARCHAR(64) NOT NULL,"
            " doc TSVECTOR NOT NULL, PRIMARY KEY (branch_id, record_id))"
        )
        op.execute("CREATE INDEX ix_console_search_doc ON console_search USING GIN (doc)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE console_search USING fts5(doc, record_id UNINDEXED, branch_id UNINDEXED,"
            " tokenize = 'unicode61 remove_diacritics 0')"
        )
        # FTS5 looks rows up by rowid only; this maps a (branch, record) to its document's rowid.
        op.execute("CREATE TABLE console_search_rowids (branch_id VARCHAR(64) NOT NULL, record_id VARCHAR(64) NOT NULL,"
                   " doc_rowid INTEGER NOT NULL, PRIMARY KEY (branch_id, record_id))")
