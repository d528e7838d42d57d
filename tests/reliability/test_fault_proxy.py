"""Syncs through the fault proxy (bench/proxy.py): cut, reset, stall and delay at a random byte of
the request or the reply, then retried on a healthy link (issue 11: ≥ 200 syncs at full count).

A real encrypted store syncs with a real head office (uvicorn, SQLite) through the proxy; a second
laptop of the branch writes too, so replies carry data. Afterwards head office holds every revision
the laptop made exactly once, the laptop holds everything the other wrote, and the checksums agree.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bench.proxy import LinkProfile, ShapingProxy
from desktop_app.store import KdfParams, Store
from desktop_app.store.sync_state import StoreSyncState, enrol_store
from sync.client import errors
from sync.client.backoff import RetryPolicy
from sync.client.engine import SyncEngine
from sync.server.tables import revisions
from tests.reliability.tally import Tally
from tests.sync.hq import HeadOfficeFixture, meeting

PASS = "fault-proxy-passphrase"
STALL_TIMEOUT = 0.5


@pytest.fixture
def head_office(tmp_path: Path) -> Iterator[HeadOfficeFixture]:
    fixture = HeadOfficeFixture.start(f"sqlite:///{tmp_path / 'hq.sqlite3'}", backend="sqlite")
    try:
        yield fixture
    finally:
        fixture.stop()


def _laptop(hq: HeadOfficeFixture, path: Path, name: str) -> StoreSyncState:
    store, _ = Store.create(path, PASS, kdf=KdfParams.fast_for_tests())
    enrol_store(store, hq.base_url, hq.enrol_code("b1"), device_name=name)
    return StoreSyncState(store)


def _sync(state: StoreSyncState, url: str, attempts: int) -> None:
    engine = SyncEngine(state, url, stall_timeout=STALL_TIMEOUT, retry=RetryPolicy(attempts=attempts, base=0.01,
                                                                                   cap=0.02))
    try:
        engine.sync_once()
    finally:
        engine.close()


def test_syncs_cut_reset_stalled_and_delayed_then_retried(head_office: HeadOfficeFixture, tmp_path: Path,
                                                          tally: Tally) -> None:
    trials = tally.trials(30, 200)
    rng = random.Random(21)
    laptop = _laptop(head_office, tmp_path / "a", "A")
    other = _laptop(head_office, tmp_path / "b", "B")
    proxy = ShapingProxy(head_office.server.port, LinkProfile(handshake=False)).start()
    interrupted = 0
    size = {"up": 1500, "down": 800}  # bytes of the last healthy sync each way: faults land inside it
    try:
        edited: list[str] = []
        for trial in range(trials):
            store = laptop.store
            rid = store.records.create("meeting", meeting(f"第{trial}次", discussion="记录" * rng.randint(5, 400)),
                                       author="A").record_id
            if edited and rng.random() < 0.5:
                target = rng.choice(edited)
                if not store.records.get(target).conflicted:
                    store.records.update(target, meeting(f"改{trial}", discussion="改" * 50), author="A")
            edited.append(rid)
            other.store.records.create("member", {"name": f"成员{trial}"}, author="B")
            _sync(other, head_office.base_url, attempts=3)
            kind = rng.choice(["cut", "reset", "stall", "delay"])
            direction = rng.choice(["up", "down"])
            after = rng.randint(0, max(40, int(size[direction] * 0.9)))
            proxy.arm_fault(kind, direction, after, seconds=rng.uniform(0.05, 0.3) if kind == "delay" else 0.0)
            before = proxy.stats().drops
            try:
                _sync(laptop, proxy.url, attempts=1)
            except errors.NetworkError:
                interrupted += 1
            fired = proxy.stats().drops > before
            proxy.disarm()
            if fired or trial % 5 == 0:
                healthy = proxy.stats()
                _sync(laptop, proxy.url, attempts=3)  # the retry, on a healthy link
                after_stats = proxy.stats()
                size = {"up": max(200, after_stats.bytes_up - healthy.bytes_up),
                        "down": max(200, after_stats.bytes_down - healthy.bytes_down)}
        _sync(laptop, proxy.url, attempts=3)
        _sync(other, head_office.base_url, attempts=3)
        _sync(laptop, proxy.url, attempts=3)
        stats = proxy.stats()
    finally:
        proxy.stop()
    with head_office.db.connect() as conn:
        stored = Counter((r.record_id, r.rev) for r in conn.execute(select(revisions.c.record_id, revisions.c.rev)))
    mine = {(r[0], r[1]) for r in laptop.store.conn.execute(
        "SELECT record_id, rev FROM revisions WHERE device_id = ?", (laptop.device_id,))}
    theirs = {r[0] for r in other.store.conn.execute("SELECT id FROM records")}
    have = {r[0] for r in laptop.store.conn.execute("SELECT id FROM records")}
    lost = len(mine - set(stored)) + len(theirs - have)
    duplicated = sum(1 for n in stored.values() if n > 1)
    pending = laptop.pending_count()
    checksum_ok = laptop.server_checksum() == other.server_checksum()
    laptop.store.close(backup=False)
    other.store.close(backup=False)
    fired = sum(stats.faults.values())
    passed = trials if not lost and not duplicated and pending == 0 and checksum_ok else 0
    tally.record("fault proxy: syncs cut, reset, stalled, delayed, retried", trials=trials, passed=passed,
                 lost=lost, duplicated=duplicated,
                 detail=f"{fired} faults fired ({', '.join(f'{k} {v}' for k, v in stats.faults.items())}); "
                        f"{interrupted} syncs failed and were retried; {len(mine)} revisions pushed, "
                        f"{len(theirs)} records pulled; checksums equal")
    assert fired >= trials * 0.7, "most trials must actually hit a fault"
    assert (passed, lost, duplicated, pending, checksum_ok) == (trials, 0, 0, 0, True)
