"""Store benchmark: unlock, inserts, filters and Chinese full-text search, encrypted vs plain.

``python -m bench store --json``. The plain-SQLite baseline runs the same repository code on a
connection without a key (SQLCipher with no key is plain SQLite), in the same run.
Options: ``--records N`` (default 10000), ``--fts-records N`` (default 100000).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlcipher3

from bench.corpus import meeting, roster
from desktop_app.store import KdfParams, RecordFilter, Store
from desktop_app.store.connection import configure
from desktop_app.store.vault import KeyFile, new_database_key, new_recovery_key

PASS = "bench-passphrase-2026"


def _median_ms(fn: Callable[[], Any], repeat: int = 7) -> float:
    fn()  # warm caches, as a user's second keystroke would
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 2)


def _plain_store(directory: Path) -> Store:
    directory.mkdir(parents=True)
    conn = sqlcipher3.connect(str(directory / "plain.db"), isolation_level=None, check_same_thread=False)
    configure(conn)
    key_file = KeyFile.create(new_database_key(), PASS, new_recovery_key(), KdfParams.fast_for_tests())
    return Store(directory, conn, key_file, b"")


def _workload(store: Store, n: int, seed: int = 7) -> dict[str, float]:
    rng = random.Random(seed)
    members = roster(rng, 40)
    with store.transaction():
        for member_id, body in members:
            store.records.create("member", body, author="bench", record_id=member_id)
    ids = [m[0] for m in members]
    bodies = [meeting(rng, i, ids) for i in range(n)]
    t = time.perf_counter()
    for body in bodies:
        store.records.create("meeting", body, author="bench")
    insert_s = time.perf_counter() - t

    flt = RecordFilter(kind="meeting", subtype="party_congress", date_from=__import__("datetime").date(2024, 6, 1))

    def filter_page() -> None:
        store.records.count(flt)
        store.records.query(flt, limit=200)

    def fts() -> None:
        store.records.query(RecordFilter(kind="meeting", text="雷击火应急处置"), limit=50)

    return {
        "insert_ms_per_record": round(insert_s * 1000 / n, 3),
        "filter_ms": _median_ms(filter_page),
        "fts_ms": _median_ms(fts),
    }


def _grow(store: Store, total: int, seed: int = 11) -> None:
    """Bulk-add meetings (1 000 per transaction, as an import does) until ``total`` exist."""
    rng = random.Random(seed)
    ids = list(store.records.members())
    have = store.records.count(RecordFilter(kind="meeting"))
    i = have
    while i < total:
        with store.transaction():
            for _ in range(min(1000, total - i)):
                store.records.create("meeting", meeting(rng, i, ids, minutes_chars=400), author="bench")
                i += 1


def run(args: list[str]) -> dict[str, Any]:
    n = int(args[args.index("--records") + 1]) if "--records" in args else 10_000
    fts_n = int(args[args.index("--fts-records") + 1]) if "--fts-records" in args else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store, _ = Store.create(root / "enc", PASS)
        store.close()
        unlock_times = []
        for _ in range(3):
            t = time.perf_counter()
            store = Store.open(root / "enc", PASS)
            unlock_times.append(time.perf_counter() - t)
            store.close()
        store = Store.open(root / "enc", PASS)
        enc = _workload(store, n)

        plain = _plain_store(root / "plain")
        base = _workload(plain, n)

        _grow(store, fts_n)
        store.checkpoint()

        def fts_rare() -> None:
            store.records.query(RecordFilter(text="雷击火应急处置预案 第4217次"), limit=50)

        def fts_common() -> None:
            store.records.query(RecordFilter(text="森林防火"), limit=50)

        figures = {
            "unlock_s": round(statistics.median(unlock_times), 3),
            "kdf": {"name": "argon2id", "memory_mib": KdfParams().memory_kib // 1024,
                    "iterations": KdfParams().iterations, "lanes": KdfParams().lanes},
            "records": n,
            "insert_ms_per_record": enc["insert_ms_per_record"],
            "filter_10k_ms": enc["filter_ms"],
            "fts_10k_ms": enc["fts_ms"],
            "fts_records": store.records.count(RecordFilter(kind="meeting")),
            "fts_100k_ms": _median_ms(fts_rare),
            "fts_100k_common_term_ms": _median_ms(fts_common),
            "db_mb": round((root / "enc" / "ledger.db").stat().st_size / 1e6, 1),
            "plain": base,
            "encrypted_vs_plain": round(enc["insert_ms_per_record"] / base["insert_ms_per_record"], 3),
            "encrypted_vs_plain_filter": round(enc["filter_ms"] / max(base["filter_ms"], 0.01), 3),
            "encrypted_vs_plain_fts": round(enc["fts_ms"] / max(base["fts_ms"], 0.01), 3),
        }
        store.close()
        plain.conn.close()
    return figures
