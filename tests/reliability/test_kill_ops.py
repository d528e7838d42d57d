"""SIGKILL of a client process during sync, import, passphrase change and backup (issue 11)."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.store import KdfParams, Store
from desktop_app.store import backups as bk
from desktop_app.store.aside import list_aside
from desktop_app.store.connection import check_database
from desktop_app.store.errors import StoreError
from desktop_app.store.sync_state import StoreSyncState, enrol_store
from desktop_app.store.vault import KeyFile
from sync.client.engine import SyncEngine
from sync.server.tables import revisions
from tests.reliability.child import PASS_A, PASS_B
from tests.reliability.killing import run_and_kill
from tests.reliability.tally import Tally
from tests.sync.hq import FAST_RETRY, HeadOfficeFixture

FAST = KdfParams.fast_for_tests()


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    d = tmp_path / "ledger"
    Store.create(d, PASS_A, kdf=FAST)[0].close(backup=False)
    return d


@pytest.fixture
def head_office(tmp_path: Path) -> Iterator[HeadOfficeFixture]:
    fixture = HeadOfficeFixture.start(f"sqlite:///{tmp_path / 'hq.sqlite3'}", backend="sqlite")
    try:
        yield fixture
    finally:
        fixture.stop()


def test_sigkill_during_sync(ledger: Path, head_office: HeadOfficeFixture, tally: Tally) -> None:
    kills = tally.trials(6, 30)
    rng = random.Random(12)
    with Store.open(ledger, PASS_A) as store:
        enrol_store(store, head_office.base_url, head_office.enrol_code("b1"), device_name="kill")
        device_id = store.device_id
    created: set[str] = set()
    in_sync = 0
    for _ in range(kills):
        result = run_and_kill("sync", ledger, rng=rng, wait_for="SYNCING", min_s=0.0, max_s=0.6)
        in_sync += int(result.killed and result.lines[-1] == "SYNCING" if result.lines else 0)
        created.update(f[1] for f in result.acks if f[0] == "created")
    with Store.open(ledger, PASS_A) as store:  # the next sync, healthy, finishes the job
        engine = SyncEngine(StoreSyncState(store), retry=FAST_RETRY)
        engine.sync_once()
        engine.close()
        local = {(r[0], r[1]) for r in store.conn.execute(
            "SELECT record_id, rev FROM revisions WHERE device_id = ?", (device_id,))}
        pending = store.outbox_pending_count()
        present = {r[0] for r in store.conn.execute("SELECT id FROM records")}
    with head_office.db.connect() as conn:
        stored = Counter((r.record_id, r.rev) for r in conn.execute(select(revisions.c.record_id, revisions.c.rev)))
    lost = len(local - set(stored)) + len(created - present)
    duplicated = sum(1 for n in stored.values() if n > 1)
    passed = kills if not lost and not duplicated and pending == 0 else 0
    tally.record("kill: sync", trials=kills, passed=passed, lost=lost, duplicated=duplicated,
                 detail=f"{len(created)} records created by the killed process, {len(local)} revisions; "
                        f"head office holds each once; {in_sync} kills landed while syncing")
    assert (passed, lost, duplicated, pending) == (kills, 0, 0, 0)


def test_sigkill_during_import(ledger: Path, tmp_path: Path, tally: Tally) -> None:
    kills = tally.trials(6, 30)
    rng = random.Random(13)
    passed = lost = duplicated = 0
    halves = 0
    for run in range(kills):
        path = tmp_path / f"import-{run}.json"
        names = [f"导入{run}-{i}" for i in range(300)]
        path.write_text(json.dumps([{"kind": "member", "body": {"name": n, "note": "档案" * 20}} for n in names],
                                   ensure_ascii=False), encoding="utf-8")
        result = run_and_kill("import", ledger, str(path), rng=rng, min_s=0.0, max_s=1.0)
        acknowledged = any(f[0] == "imported" for f in result.acks)
        with Store.open(ledger, PASS_A) as store:
            counts = Counter(m.name for m in store.records.members().values())
            store.close(backup=False)
        got = sum(1 for n in names if counts.get(n))
        twice = sum(1 for n in names if counts.get(n, 0) > 1)
        all_or_nothing = got in (0, len(names))
        halves += int(not all_or_nothing)
        missing = len(names) - got if acknowledged else 0
        lost += missing
        duplicated += twice
        passed += int(all_or_nothing and not missing and not twice)
    tally.record("kill: import (300 records, all or nothing)", trials=kills, passed=passed, lost=lost,
                 duplicated=duplicated, detail=f"{halves} half-made imports")
    assert (passed, lost, duplicated) == (kills, 0, 0)


def test_sigkill_during_passphrase_change(ledger: Path, tally: Tally) -> None:
    kills = tally.trials(8, 40)
    rng = random.Random(14)
    current = "A"
    passed = locked_out = 0
    for _ in range(kills):
        result = run_and_kill("passphrase", ledger, current, rng=rng, min_s=0.0, max_s=0.3)
        acked = [f[1] for f in result.acks if f[0] == "NOW"]
        trying = [line.split()[1] for line in result.lines if line.startswith("TRYING")]
        expected = acked[-1] if acked else current
        in_flight = trying[-1] if trying else expected
        key_file = KeyFile.load(ledger / "ledger.keys")  # never half a file: this parses
        works = None
        for which in dict.fromkeys([expected, in_flight]):
            try:
                key_file.unlock(PASS_A if which == "A" else PASS_B)
                works = which
                break
            except StoreError:
                continue
        if works is None:
            locked_out += 1
            break
        current = works
        passed += 1
    tally.record("kill: passphrase change", trials=kills, passed=passed, lost=locked_out,
                 detail="after each kill the key file parses and the last acknowledged (or the in-flight) "
                        "passphrase opens it")
    assert (passed, locked_out) == (kills, 0)
    Store.open(ledger, PASS_A if current == "A" else PASS_B).close(backup=False)


def test_sigkill_during_backup(ledger: Path, tally: Tally) -> None:
    kills = tally.trials(8, 40)
    rng = random.Random(15)
    bk.save_config(ledger, bk.BackupConfig(keep=4))
    passed = lost = broken_listed = 0
    made = 0
    for _ in range(kills):
        result = run_and_kill("backups", ledger, rng=rng, min_s=0.05, max_s=0.6)
        names = [f[1] for f in result.acks if f[0] == "backup"]
        made += len(names)
        with Store.open(ledger, PASS_A) as store:
            listed = bk.list_backups(ledger, store.key_id)
            db_key = store.db_key_for_backup()
            bad = 0
            for info in listed:
                try:
                    bk.verify_backup(info)
                    check_database(info.path / "ledger.db", db_key)
                except StoreError:
                    bad += 1
            store.close(backup=False)
        missing = int(bool(names) and names[-1] not in {i.name for i in listed})
        broken_listed += bad
        lost += missing
        passed += int(not bad and not missing and not list_aside(ledger))
    tally.record("kill: backup", trials=kills, passed=passed, lost=lost,
                 detail=f"{made} backups acknowledged; {broken_listed} listed backups failed to verify or open; "
                        "the newest acknowledged one is always listed; half-written ones never are")
    assert (passed, lost, broken_listed) == (kills, 0, 0)
