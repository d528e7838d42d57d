"""The head-office server SIGKILLed mid-request, again and again, while devices keep syncing.

Three devices (two in one branch, one in another) save meetings and edit them in their own
threads and sync continuously through a patient retry policy; the head-office *process* is
killed with SIGKILL whenever a request is on the wire and started again on the same port. At the
end every device syncs once more and the suite checks, against the database itself:

* lost — a revision a device made (or was told head office holds) that head office lacks;
* duplicated — a revision, change id or device counter stored twice;
* plus: every outbox empty, nothing refused, every device's copy equal to head office's checksum.

Runs on SQLite and on a real PostgreSQL. Reduced: 6 kills per database; full (``--full-counts``): 50.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sync.client.engine import SyncEngine
from sync.client.errors import SyncError
from sync.protocol.checksum import from_signed64
from sync.server.db import make_engine
from sync.server.tables import branch_state, revisions
from tests.reliability.hq_process import HeadOfficeProcess, InFlight, enrolled_device
from tests.reliability.tally import Tally
from tests.sync.conftest import pg_cluster, pg_url  # noqa: F401  (fixtures)
from tests.sync.hq import meeting
from testsupport.memory_state import LocalEditRefused, MemoryState


@pytest.fixture(params=["sqlite", "postgres"])
def kill_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "postgres":
        yield str(request.getfixturevalue("pg_url"))
    else:
        yield f"sqlite:///{tmp_path / 'hq.sqlite3'}"


def _work(state: MemoryState, engine: SyncEngine, seed: int, stop: threading.Event, failures: list[str]) -> None:
    rng = random.Random(seed)
    mine: list[str] = []
    while not stop.is_set():
        for _ in range(rng.randint(2, 6)):
            if mine and rng.random() < 0.4:
                rid = rng.choice(mine)
                with contextlib.suppress(LocalEditRefused):
                    state.update(rid, meeting(f"修改{rng.randint(0, 10**6)}"))
            else:
                mine.append(state.create("meeting", meeting(f"会议{rng.randint(0, 10**6)}")))
        try:
            engine.sync_once()
        except SyncError as exc:  # retries ran out while head office was down: try again later
            if not exc.retryable:
                failures.append(f"{state.device_id[:6]}: {exc}")
        time.sleep(rng.uniform(0, 0.02))


def test_head_office_killed_mid_request(kill_db: str, tmp_path: Path, tally: Tally) -> None:
    backend = "sqlite" if kill_db.startswith("sqlite") else "postgres"
    kills = tally.trials(reduced=6, full=50)
    hq = HeadOfficeProcess(kill_db, tmp_path / "hq.keys", tmp_path / "hq.log")
    hq.prepare()
    hq.start()
    in_flight = InFlight()
    devices = [enrolled_device(hq, branch, name, in_flight)
               for branch, name in (("b1", "A"), ("b1", "B"), ("b2", "C"))]
    stop = threading.Event()
    failures: list[str] = []
    threads = [threading.Thread(target=_work, args=(state, engine, i, stop, failures), daemon=True)
               for i, (state, engine) in enumerate(devices)]
    rng = random.Random(2026)
    mid_request = 0
    try:
        for thread in threads:
            thread.start()
        for _ in range(kills):
            time.sleep(rng.uniform(0.05, 0.4))  # let some syncs complete between kills
            deadline = time.monotonic() + 10
            while not in_flight.busy() and time.monotonic() < deadline:
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.03))
            if in_flight.busy():
                mid_request += 1
            hq.kill()
            time.sleep(rng.uniform(0, 0.2))
            hq.start()
        stop.set()
        for thread in threads:
            thread.join(60)
        for _state, engine in devices:
            engine.sync_once()
        for _state, engine in devices:  # a second round pulls what the others pushed last
            engine.sync_once()
    finally:
        stop.set()
        hq.stop()

    db = make_engine(kill_db)
    with db.begin() as conn:
        stored = conn.execute(select(revisions.c.branch_id, revisions.c.record_id, revisions.c.rev,
                                     revisions.c.change_id, revisions.c.device_id, revisions.c.counter)).all()
        checksums = dict(conn.execute(select(branch_state.c.branch_id, branch_state.c.checksum)).all())
        total = conn.execute(select(func.count()).select_from(revisions)).scalar_one()
    db.dispose()
    held = {(r.branch_id, r.record_id, r.rev) for r in stored}
    lost = 0
    acknowledged = 0
    for state, _engine in devices:
        branch = state.creds.branch_id  # type: ignore[union-attr]
        own = {key for key, rev in state.revisions.items() if rev.device_id == state.device_id}
        acknowledged += len(state.confirmed)
        lost += sum(1 for rid, rev in own | state.confirmed if (branch, rid, rev) not in held)
    duplicated = (total - len(held)) + (total - len({(r.branch_id, r.change_id) for r in stored})) + (
        total - len({(r.device_id, r.counter) for r in stored}))
    leftovers = sum(state.pending_count() + len(state.rejected()) for state, _ in devices)
    converged = all(
        state.server_checksum() == from_signed64(checksums[state.creds.branch_id])  # type: ignore[union-attr]
        for state, _ in devices
    )
    ok = lost == 0 and duplicated == 0 and leftovers == 0 and converged and not failures
    tally.record(
        f"hq_killed_mid_request[{backend}]",
        trials=kills,
        passed=kills if ok else 0,
        lost=lost,
        duplicated=duplicated,
        detail=f"SIGKILL of the head-office process {kills}× ({mid_request} with a request on the wire), "
        f"3 devices retrying; {total} revisions stored, {acknowledged} acknowledged to devices; "
        f"outboxes empty: {leftovers == 0}; checksums equal: {converged}",
    )
    assert not failures, failures
    assert (lost, duplicated, leftovers) == (0, 0, 0) and converged
    assert mid_request >= kills // 2, f"only {mid_request} of {kills} kills hit a request in flight"
