"""Forward-only schema migrations, numbered by ``PRAGMA user_version``.

Each migration is a module ``mNNNN_<what>.py`` with ``VERSION`` and ``apply(conn)``, applied in
order inside one transaction each, and never edited once released. Every migration is tested on a
database made by the previous version (tests/store/test_migrations.py).

The list below is explicit on purpose: a frozen build (PyInstaller) cannot see modules found by
scanning the package directory at run time, and such a build then took every existing store for
one "made by a newer version". Importing each module here lets the freezer follow the imports.
A test fails when a ``mNNNN_*.py`` file exists that this list lacks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from desktop_app.store.errors import StoreNewerThanApp
from desktop_app.store.migrations import (
    m0001_initial,
    m0002_sync_state,
    m0003_lists_and_bigrams,
    m0004_quarantine,
    m0005_meeting_validity,
    m0006_blobs,
)

# Add each new migration module here, in order.
MODULES: tuple[ModuleType, ...] = (
    m0001_initial,
    m0002_sync_state,
    m0003_lists_and_bigrams,
    m0004_quarantine,
    m0005_meeting_validity,
    m0006_blobs,
)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Any], None]


def all_migrations() -> list[Migration]:
    found = [Migration(int(m.VERSION), m.__name__.rsplit(".", 1)[-1], m.apply) for m in MODULES]
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration versions must be 1..N in order without gaps, got {versions}")
    return found


LATEST_VERSION = len(all_migrations())


def migrate(conn: Any, target: int | None = None) -> int:
    """Bring the database up to ``target`` (default: latest); returns the resulting version."""
    target = LATEST_VERSION if target is None else target
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > LATEST_VERSION:
        raise StoreNewerThanApp(detail=f"schema {current} > {LATEST_VERSION}")
    for migration in all_migrations():
        if current < migration.version <= target:
            conn.execute("BEGIN IMMEDIATE")
            try:
                migration.apply(conn)
                conn.execute(f"PRAGMA user_version = {migration.version}")
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(Exception):  # a full disk may have rolled it back already
                    conn.execute("ROLLBACK")
                raise
            current = migration.version
    return int(current)
