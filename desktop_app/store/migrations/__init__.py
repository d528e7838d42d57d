"""Forward-only schema migrations, numbered by ``PRAGMA user_version``.

Each migration is a module ``mNNNN_<what>.py`` with ``VERSION`` and ``apply(conn)``; they are found
by name, applied in order inside one transaction each, and never edited once released. Every
migration is tested on a database made by the previous version (tests/store/test_migrations.py).
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from desktop_app.store.errors import StoreNewerThanApp


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Any], None]


def all_migrations() -> list[Migration]:
    found: list[Migration] = []
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("m") or not info.name[1:5].isdigit():
            continue
        module: ModuleType = importlib.import_module(f"{__name__}.{info.name}")
        found.append(Migration(int(module.VERSION), info.name, module.apply))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration versions must be 1..N without gaps, got {versions}")
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
