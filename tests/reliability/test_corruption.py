"""Corruption injection: truncated database (with and without its WAL), flipped bytes in the
database, the WAL and the key file (issue 11).

Each trial damages a copy of a real ledger and opens it. What must never happen: records
silently missing (damage that is not reported), a refused database whose files were changed, a
damaged key file reported as a wrong passphrase. A refused ledger is then salvaged — restored from
its backup, plus the records still readable — and the detail says how much came back.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop_app.store import KdfParams, Store
from desktop_app.store import backups as bk
from desktop_app.store.errors import KeySlotDamaged, StoreCorrupted, StoreDamaged, StoreError, WrongPassphrase
from desktop_app.store.restore import restore_backup
from desktop_app.store.salvage import export_readable
from desktop_app.store.vault import KeyFile
from desktop_app.store.wal import FRAME_HEADER, WAL_HEADER
from tests.reliability.tally import Tally

PASS = "corruption-passphrase"
RECORDS = 150


@dataclass
class Base:
    clean: Path  # closed cleanly: no WAL (its backup holds the first 100 records)
    crashed: Path  # a WAL beside the database, as after a crash
    names: set[str]
    crashed_names: set[str]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    root = tmp_path_factory.mktemp("corruption")
    clean = root / "clean"
    store, _ = Store.create(clean, PASS, kdf=KdfParams.fast_for_tests())
    names = {f"党员{i}" for i in range(RECORDS)}
    for i, name in enumerate(sorted(names)):
        store.records.create("member", {"name": name, "note": "巡护" * 40}, author="t")
        if i == 99:
            bk.make_backup(store, "manual")
    store.close(backup=False)
    crashed = root / "crashed"
    store = Store.open(clean, PASS)
    store.conn.execute("PRAGMA wal_autocheckpoint = 0")
    extra = {f"日志中{i}" for i in range(60)}
    for name in sorted(extra):
        store.records.create("member", {"name": name, "note": "值班" * 40}, author="t")
    shutil.copytree(clean, crashed)  # a snapshot of the live files: what a crash leaves
    store.close(backup=False)
    return Base(clean, crashed, names, names | extra)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def _flip(path: Path, rng: random.Random, *, lo: int = 0, hi: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    at = rng.randrange(lo, hi if hi is not None else len(data))
    data[at] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))


def _inject(kind: str, d: Path, rng: random.Random) -> None:
    db, wal, keys = d / "ledger.db", d / "ledger.db-wal", d / "ledger.keys"
    if kind.startswith("truncate"):
        data = db.read_bytes()
        db.write_bytes(data[: rng.randrange(4096, len(data) - 1)])
    elif kind == "flip db":
        _flip(db, rng, lo=0)
    elif kind == "flip wal":
        frames = (wal.stat().st_size - WAL_HEADER) // (FRAME_HEADER + 4096)
        frame = rng.randrange(frames)
        start = WAL_HEADER + frame * (FRAME_HEADER + 4096)
        _flip(wal, rng, lo=start, hi=start + FRAME_HEADER + 4096)
    else:
        _flip(keys, rng)


def _names(store: Store) -> set[str]:
    return {m.name for m in store.records.members().values()}


KINDS: dict[str, Callable[[Base], tuple[Path, set[str]]]] = {
    "truncate db": lambda b: (b.clean, b.names),
    "truncate db beside its WAL": lambda b: (b.crashed, b.crashed_names),
    "flip db": lambda b: (b.clean, b.names),
    "flip wal": lambda b: (b.crashed, b.crashed_names),
    "flip key file": lambda b: (b.clean, b.names),
}


def _open_damaged(d: Path, acked: set[str], injected: dict[str, str]) -> tuple[str, bool, int, float | None]:
    """Open the damaged copy: (what happened, handled correctly, records silently missing, share
    of the records back after salvage)."""
    try:
        store = Store.open(d, PASS)
    except StoreDamaged as exc:
        aside = Path(exc.aside)
        untouched = all(_digest(aside / name) == digest for name, digest in injected.items())
        key = KeyFile.load(d / "ledger.keys").unlock(PASS)
        report = export_readable(aside, key, d / "readable.json")
        readable = {r["body"]["name"] for r in json.loads((d / "readable.json").read_text())["records"]}
        latest = bk.list_backups(d, None)[0]
        with restore_backup(d, latest, passphrase=PASS) as restored:
            back = _names(restored) | readable
            restored.close(backup=False)
        return "refused, moved aside", untouched and report.readable == len(readable), 0, len(back & acked) / len(acked)
    except WrongPassphrase:
        return "misreported as a wrong passphrase", False, 0, None
    except (KeySlotDamaged, StoreCorrupted) as exc:
        return f"refused: {type(exc).__name__}", True, 0, None
    except StoreError as exc:
        return f"unexpected {type(exc).__name__}: {exc.message}", False, 0, None
    with store:
        found = _names(store)
        kept, warnings = store.kept_aside, store.key_warnings
        store.close(backup=False)
    if kept:
        same = _digest(Path(kept) / "ledger.db-wal") == injected["ledger.db-wal"]
        return "opened, WAL kept aside and reported", same, 0, None
    missing = len(acked - found)
    if warnings:
        return "opened; key-file damage repaired from a backup copy or reported", missing == 0, missing, None
    return "opened, nothing lost", missing == 0, missing, None


@pytest.mark.parametrize("kind", list(KINDS))
def test_corruption_injection(kind: str, base: Base, tmp_path: Path, tally: Tally) -> None:
    trials = tally.trials(6, 25)
    rng = random.Random(f"{kind}-31")
    passed = silent = 0
    outcomes: dict[str, int] = {}
    recovered: list[float] = []
    for trial in range(trials):
        source, acked = KINDS[kind](base)
        d = tmp_path / f"t{trial}"
        shutil.copytree(source, d)
        _inject(kind, d, rng)
        injected = {name: _digest(d / name) for name in ("ledger.db", "ledger.db-wal")}
        outcome, ok, missing, back = _open_damaged(d, acked, injected)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        passed += int(ok)
        silent += missing
        if back is not None:
            recovered.append(back)
    shown = ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items()))
    if recovered:
        shown += f"; after salvage {min(recovered):.0%}–{max(recovered):.0%} of the records back"
    tally.record(f"corruption: {kind}", trials=trials, passed=passed, lost=silent, detail=shown)
    assert (passed, silent) == (trials, 0), outcomes
