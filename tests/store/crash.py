"""Leaving a store as a crash leaves it: a writer process that exits without closing (WAL kept)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PASS = "right passphrase"

_WRITER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from desktop_app.store import KdfParams, Store
    d, n = Path(sys.argv[1]), int(sys.argv[2])
    if not (d / "ledger.keys").exists():
        Store.create(d, sys.argv[3], kdf=KdfParams.fast_for_tests())[0].close(backup=False)
    s = Store.open(d, sys.argv[3])
    s.conn.execute("PRAGMA wal_autocheckpoint = 0")  # everything stays in the WAL, as after a crash
    for i in range(n):
        s.records.create("member", {"name": f"党员{i}", "note": "巡护" * 50}, author="t")
    os._exit(0)  # no close: no checkpoint, the WAL stays beside the database
    """
)


def crashed_store(directory: Path, saves: int, passphrase: str = PASS) -> Path:
    """A data directory whose last ``saves`` saves are only in the WAL (as a crash leaves them)."""
    subprocess.run([sys.executable, "-c", _WRITER, str(directory), str(saves), passphrase], cwd=REPO, check=True,
                   timeout=120)
    return directory
