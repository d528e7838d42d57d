"""The web console's tables (migration ``0003_console``), on the server's one ``MetaData``.

Two groups:

* **people** — ``console_users`` (named accounts with a role and an org subtree),
  ``console_sessions`` (only a SHA-256 of each session token is kept), ``console_throttle``
  (failed logins per account and per address) and ``console_audit`` (every admin action);
* **derived indexes** — ``console_records``, ``console_branches``, ``console_index_state`` and the
  search documents. They are a cache of what the ledger (``revisions``/``heads``) holds, rebuilt
  incrementally by :mod:`sync.server.console.indexer`; dropping them loses nothing.

The full-text table differs per engine (FTS5 on SQLite, a ``tsvector`` column with a GIN index on
PostgreSQL) and is created by the migration itself, not declared here.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table, Text

from sync.server.tables import TIME, metadata

console_users = Table(
    "console_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),  # login name
    Column("display_name", String(100), nullable=False),
    Column("role", String(20), nullable=False),  # admin / reviewer / viewer
    Column("org_id", String(64), nullable=True),  # the subtree's root; NULL = the whole tree
    Column("password_hash", String(200), nullable=False),  # Argon2id, PHC string
    Column("created_at", TIME, nullable=False),
    Column("updated_at", TIME, nullable=False),
    Column("disabled_at", TIME, nullable=True),
)

console_sessions = Table(
    "console_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", TIME, nullable=False),
    Column("last_seen_at", TIME, nullable=False),
    Column("address", String(64), nullable=False, default=""),
)

# One row per throttled key ("user:NAME" or "addr:IP"): failures in the current window.
console_throttle = Table(
    "console_throttle",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_start", TIME, nullable=False),
    Column("locked_until", TIME, nullable=True),
)

console_audit = Table(
    "console_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", TIME, nullable=False),
    Column("user_name", String(100), nullable=False),
    Column("action", String(40), nullable=False),
    Column("target", String(200), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
    Column("address", String(64), nullable=False, default=""),
)
Index("ix_console_audit_at", console_audit.c.at)

# One row per record of a branch as it stands now: the columns the pages filter and count on.
# Keyed like the ledger's heads by (branch, record): record ids are per branch (migration 0002),
# so two branches may hold different records under one id. Every reference a row makes to
# another record (target_id, amends_record_id) names a record *of the same branch*.
console_records = Table(
    "console_records",
    metadata,
    Column("branch_id", String(64), primary_key=True),
    Column("record_id", String(64), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("rev", String(80), nullable=False),
    Column("status", String(10), nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("conflicted", Boolean, nullable=False),
    Column("readable", Boolean, nullable=False),  # False: newer schema → 需升级客户端
    Column("schema_version", Integer, nullable=False),
    Column("title", String(500), nullable=False),
    Column("event_date", String(10), nullable=True),  # ISO date the record is filed under
    Column("meeting_type", String(40), nullable=True),
    Column("party_group", String(100), nullable=False, default=""),
    Column("by_secretary", Boolean, nullable=False, default=False),
    Column("includes_appraisal", Boolean, nullable=False, default=False),
    Column("valid", Boolean, nullable=True),  # 会议是否有效 with the roster; NULL: not a meeting
    Column("amends_record_id", String(64), nullable=False, default=""),
    Column("target_id", String(64), nullable=False, default=""),  # review/receipt: what it is about
    Column("decision", String(20), nullable=False, default=""),  # review: approved / returned
    Column("comment", Text, nullable=False, default=""),
    Column("actor", String(200), nullable=False, default=""),  # reviewer / acknowledged by / author
    Column("acted_at", String(40), nullable=False, default=""),
    Column("notice_key", String(64), nullable=False, default=""),  # same notice sent to many branches
    Column("requires_ack", Boolean, nullable=False, default=False),
    Column("received_at", TIME, nullable=False),
    Column("updated_seq", BigInteger, nullable=False),
)
Index("ix_console_records_branch_kind_date", console_records.c.branch_id, console_records.c.kind,
      console_records.c.event_date)
Index("ix_console_records_kind_date", console_records.c.kind, console_records.c.event_date)
Index("ix_console_records_target", console_records.c.branch_id, console_records.c.target_id)
Index("ix_console_records_amends", console_records.c.branch_id, console_records.c.amends_record_id)
Index("ix_console_records_notice_key", console_records.c.notice_key)

# One row per branch: its profile as head office resolves it and what the matrix needs per branch.
console_branches = Table(
    "console_branches",
    metadata,
    Column("branch_id", String(64), primary_key=True),
    Column("profile", Text, nullable=True),  # BranchProfile JSON, NULL: never synced one
    Column("profile_count", Integer, nullable=False, default=0),  # >1: duplicates to merge
    # [[date or null, 正式党员 count from that day on], ...]: the committee rule's count, any day.
    Column("full_members", Text, nullable=False, default="[]"),
    Column("member_count", Integer, nullable=False, default=0),
)

# How far the derived rows of each branch are up to date (the branch's ledger seq).
console_index_state = Table(
    "console_index_state",
    metadata,
    Column("branch_id", String(64), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("version", Integer, nullable=False),  # bump INDEX_VERSION to rebuild everything
)
