"""The processes the reliability suite kills: ``python -m tests.reliability.child WHAT DATA_DIR …``.

Each prints one ``ACK …`` line (flushed) right after an operation returned — that is, after it
was durable (synchronous=FULL) — so the parent knows exactly what was acknowledged when its
SIGKILL landed. ``START`` is printed once the process is ready, so kills land in the work.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from desktop_app.store import Store

PASS_A, PASS_B = "reliability-passphrase-A", "reliability-passphrase-B"


def ack(*parts: object) -> None:
    print("ACK", *parts, flush=True)


def saves(data_dir: Path, run: str) -> None:
    """Bursts of saves, forever (until killed)."""
    store = Store.open(data_dir, PASS_A)
    print("START", flush=True)
    i = 0
    while True:
        for _ in range(5):
            env = store.records.create("member", {"name": f"护林员{run}-{i}", "note": "巡山记录" * 30}, author="k")
            ack(env.record_id, f"护林员{run}-{i}")
            i += 1
        if i % 15 == 0:
            store.records.update(env.record_id, {"name": f"护林员{run}-{i - 1}", "note": "改"}, author="k")
            ack("update", env.record_id)


def import_file(data_dir: Path, path: str) -> None:
    from desktop_app.transfer import import_records, load_import_file

    store = Store.open(data_dir, PASS_A)
    records = load_import_file(Path(path))
    print("START", flush=True)
    report = import_records(store, records, author="k")
    ack("imported", report.imported)
    store.close(backup=False)


def passphrase(data_dir: Path, current: str) -> None:
    """Change the passphrase back and forth; ``ACK NOW x`` after each change returned."""
    from desktop_app.store import KdfParams

    store = Store.open(data_dir, PASS_A if current == "A" else PASS_B)
    print("START", flush=True)
    fast = KdfParams.fast_for_tests()
    while True:
        current = "B" if current == "A" else "A"
        print("TRYING", current, flush=True)
        store.change_passphrase(PASS_A if current == "A" else PASS_B, kdf=fast)
        ack("NOW", current)


def backups(data_dir: Path) -> None:
    from desktop_app.store import backups as bk

    store = Store.open(data_dir, PASS_A)
    print("START", flush=True)
    i = 0
    while True:
        store.records.create("member", {"name": f"备份中{i}"}, author="k")
        info = bk.make_backup(store, "manual")
        ack("backup", info.name)
        i += 1


def sync(data_dir: Path) -> None:
    from desktop_app.store.sync_state import StoreSyncState
    from sync.client.backoff import RetryPolicy
    from sync.client.engine import SyncEngine

    store = Store.open(data_dir, PASS_A)
    state = StoreSyncState(store)
    print("START", flush=True)
    while True:
        for _ in range(20):
            env = store.records.create("meeting", {"meeting_type": "party_congress", "title": "杀进程同步",
                                                   "starts_at": "2026-10-15T09:00:00", "discussion": "记录" * 40},
                                       author="k")
            ack("created", env.record_id)
        print("SYNCING", flush=True)
        engine = SyncEngine(state, retry=RetryPolicy(attempts=3, base=0.01, cap=0.05), push_items=4)
        stats = engine.sync_once()
        engine.close()
        ack("synced", json.dumps({"accepted": stats.accepted}))


def main(argv: list[str]) -> None:
    what, data_dir, *rest = argv
    {"saves": saves, "import": import_file, "passphrase": passphrase, "backups": backups, "sync": sync}[what](
        Path(data_dir), *rest)


if __name__ == "__main__":
    main(sys.argv[1:])
