"""Database engines and migrations: an SQLite file by default, PostgreSQL when given a URL.

SQLite allows one writer at a time; every transaction here starts with ``BEGIN IMMEDIATE`` so two
requests never both read and then fail to upgrade to a write lock (the classic SQLITE_BUSY
deadlock). PostgreSQL runs READ COMMITTED and every branch write locks the branch's
``branch_state`` row first (see ledger.py).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as exc_module
from sqlalchemy.engine import make_url

from sync.server.private_files import ensure_private_dir, ensure_private_file, narrow

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
ENV_DB_URL = "BRANCH_LEDGER_HQ_DB"


class DatabaseUnavailable(RuntimeError):
    """The database URL is malformed or names an unsupported engine."""


_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^/@:]*):(?P<password>[^@/]*)@")


def redact_url(text: str) -> str:
    """``text`` with any ``scheme://user:password@`` spelled ``scheme://user:***@``.

    Works on malformed URLs too (which SQLAlchemy cannot parse, so cannot hide): an admin's typo in
    ``--db`` must never print the database password to a terminal or a log.
    """
    return _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)


def default_database_url() -> str:
    """An SQLite file in the platform's data directory for the head-office service."""
    data_dir = Path(user_data_dir("branch-ledger-hq", appauthor=False))
    ensure_private_dir(data_dir)
    return f"sqlite:///{data_dir / 'head-office.sqlite3'}"


def database_url(db: str | None) -> str:
    """Turn ``--db`` (a URL or a plain file path) into an SQLAlchemy URL."""
    if not db:
        return default_database_url()
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine configured for this server's transaction discipline."""
    try:
        parsed = make_url(url)
        backend = parsed.get_backend_name()
    except Exception:  # sqlalchemy raises ArgumentError with a vague type hierarchy
        raise DatabaseUnavailable(f"bad database URL: {redact_url(url)}") from None
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            # 0600 before SQLite opens it: its -wal and -shm files copy the database's mode.
            db_file = Path(parsed.database)
            ensure_private_file(db_file)
            for side in ("-wal", "-shm", "-journal"):
                narrow(db_file.with_name(db_file.name + side))
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if backend == "postgresql":
        # Twenty kept connections: under load every one of them is in use, and connections beyond
        # the pool's size are closed on return, so with 10 + 10 overflow half the syncs paid for a
        # new PostgreSQL backend (a fork, authentication, cold catalog and prepared-statement
        # caches) — issue 15's profile. A few overflow connections still absorb a burst.
        engine = create_engine(url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, **kwargs)
        _ping_when_idle(engine)
        return engine
    raise DatabaseUnavailable(f"unsupported database: {backend} (use sqlite or postgresql+psycopg)")


POOL_SIZE = 20
POOL_OVERFLOW = 5
# A pooled connection that sat unused this long is pinged before it is handed out (a database
# restart or an idle-timeout on a proxy leaves dead connections in the pool).
PING_AFTER_IDLE_S = 5.0


def _ping_when_idle(engine: Engine) -> None:
    """``pool_pre_ping``, but only for a connection that has been idle: under load connections
    come back within milliseconds and a ping per checkout was one more round trip per request
    (issue 15). A failed ping discards the connection and the pool connects a fresh one."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        try:
            cursor = dbapi_conn.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            dbapi_conn.rollback()
        except Exception as exc:
            raise exc_module.DisconnectionError() from exc


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (forward-only)."""
    command.upgrade(alembic_config(engine), "head")


def schema_is_current(engine: Engine) -> bool:
    """Whether the database is at the newest Alembic revision (what a worker checks instead of migrating)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as conn:
        return bool(MigrationContext.configure(conn).get_current_revision() == head)
