from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.store import KdfParams, Store

PASSPHRASE = "林场党支部2026"


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(store_dir: Path) -> Iterator[Store]:
    s, _ = Store.create(store_dir, PASSPHRASE, kdf=KdfParams.fast_for_tests())
    yield s
    s.close()


@pytest.fixture
def roster(store: Store) -> dict[str, str]:
    """A small roster: name -> record id."""
    ids = {}
    for name, status, posts in [
        ("王书记", "full", ["secretary"]),
        ("李组织", "full", ["organization"]),
        ("赵宣传", "full", ["propaganda"]),
        ("钱党员", "full", []),
        ("孙预备", "probationary", []),
    ]:
        ids[name] = store.records.create("member", {"name": name, "status": status, "posts": posts},
                                         author="t").record_id
    return ids
