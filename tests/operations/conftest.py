from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.operations import Ledger
from desktop_app.store import KdfParams, Store

PASSPHRASE = "林场党支部2026"


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    """A ledger over a real encrypted store (SQLCipher file in a temp dir)."""
    store, _key = Store.create(tmp_path / "data", PASSPHRASE, kdf=KdfParams.fast_for_tests())
    ledger = Ledger(store)
    yield ledger
    if not ledger.closed:
        ledger.close()
    from desktop_app.operations import wait_for_closing

    assert wait_for_closing()
