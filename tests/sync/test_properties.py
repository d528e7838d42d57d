"""Property tests with hypothesis against a real server (SQLite, to keep the examples cheap).

Prefix-closure (sync-notes §1.5, PowerSync's r(B) = r(r(B[..c]) ∪ B[c+1..])): a program of local
edits and syncs on two devices ends in the same state whether or not each sync is cut at a random
byte and retried. Also no loss, no duplicates and convergence (equal checksums everywhere).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from sync.client import errors
from sync.client.backoff import RetryPolicy
from sync.protocol.checksum import branch_checksum
from sync.server.tables import branch_state, heads, revisions
from tests.sync.hq import REPLICAS, Device, HeadOfficeFixture, meeting
from tests.sync.net import CuttingProxy

Op = tuple[Any, ...]
ops = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.integers(0, 1)),
        st.tuples(st.just("edit"), st.integers(0, 1), st.integers(0, 5)),
        st.tuples(st.just("sync"), st.integers(0, 1),
                  st.one_of(st.none(), st.tuples(st.sampled_from(["up", "down"]), st.integers(0, 2500)))),
    ),
    min_size=3,
    max_size=14,
)


def run_program(program: list[Op], *, cuts: bool, replica_kind: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        hq = HeadOfficeFixture.start(f"sqlite:///{Path(tmp) / 'hq.sqlite3'}", backend="sqlite")
        hq.replica_kind = replica_kind
        proxy = CuttingProxy(hq.server.port) if cuts else None
        try:
            url = f"http://127.0.0.1:{proxy.port}" if proxy else hq.base_url
            devices = [hq.device(name=n, base_url=url, retry=RetryPolicy(attempts=1)) for n in ("A", "B")]
            for index, op in enumerate(program):
                apply_op(devices, proxy, index, op)
            for dev in (devices[0], devices[1], devices[0]):
                dev.sync()
            return snapshot(hq, devices)
        finally:
            if proxy:
                proxy.close()
            hq.stop()


def apply_op(devices: list[Device], proxy: CuttingProxy | None, index: int, op: Op) -> None:
    dev = devices[op[1]]
    state = dev.state
    if op[0] == "create":
        state.create("meeting", meeting(f"会议{index}"), record_id=f"r{index}")
    elif op[0] == "edit":
        live = sorted(r for r, rec in state.records.items() if not rec.deleted)
        if not live:
            return
        record = state.records[live[op[2] % len(live)]]
        if record.conflicted:
            state.resolve(record.record_id, meeting(f"合并{index}"))
        else:
            state.update(record.record_id, meeting(f"修改{index}"))
    elif op[0] == "sync":
        if proxy is not None and op[2] is not None:
            direction, n = op[2]
            proxy.arm(**{direction: n})
            with contextlib.suppress(errors.NetworkError):
                dev.sync()
            proxy.arm()
        dev.sync()


def snapshot(hq: HeadOfficeFixture, devices: list[Device]) -> dict[str, Any]:
    with hq.db.connect() as conn:
        stored = Counter((r.record_id, r.rev) for r in conn.execute(select(revisions.c.record_id, revisions.c.rev)))
        server_heads = {r.record_id: (r.current_rev, bool(r.conflicted), r.leaves) for r in conn.execute(select(heads))}
        checksum = conn.execute(select(branch_state.c.checksum).where(branch_state.c.branch_id == "b1")).scalar_one()
    assert max(stored.values(), default=1) == 1, "no revision stored twice"
    for dev in devices:
        mine = {k for k, rev in dev.state.revisions.items() if rev.device_id == dev.state.device_id}
        rejected = {(e.record_id, e.rev) for e in dev.state.rejected()}
        assert mine - rejected <= set(stored), "no local revision lost"
        assert dev.state.pending_count() == 0
        local = {rid: (rec.server_rev, rec.server_conflicted) for rid, rec in dev.state.records.items()}
        assert local == {rid: h[:2] for rid, h in server_heads.items()}, "converged on head office's heads"
        assert dev.state.server_checksum() == checksum % (1 << 64)
    assert branch_checksum((rid, h[0], h[1]) for rid, h in server_heads.items()) == checksum % (1 << 64)
    return {"revisions": set(stored), "heads": server_heads,
            "records": [{rid: (r.rev, r.conflicted) for rid, r in d.state.records.items()} for d in devices]}


@pytest.mark.parametrize("replica_kind", REPLICAS)  # the in-memory replica and the encrypted store's
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_cut_syncs_end_where_uncut_syncs_end(replica_kind: str, program: list[Op]) -> None:
    assert run_program(program, cuts=True, replica_kind=replica_kind) == run_program(
        program, cuts=False, replica_kind=replica_kind)
