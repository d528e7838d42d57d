"""A link cut at many points of a sync, then retried: head office ends with exactly the device's
revisions — none lost, none twice (sync-notes §1.1, §1.2, F1, F2)."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from sync.client import errors
from sync.client.backoff import RetryPolicy
from sync.server.tables import revisions
from tests.sync.hq import HeadOfficeFixture, meeting
from tests.sync.net import CuttingProxy

NO_RETRY = RetryPolicy(attempts=1)
# Every scenario runs on the in-memory replica and on the encrypted store's (tests/sync/conftest.py).
pytestmark = pytest.mark.usefixtures("replica_kind")


def server_revs(hq: HeadOfficeFixture) -> Counter[tuple[str, str]]:
    with hq.db.connect() as conn:
        rows = conn.execute(select(revisions.c.record_id, revisions.c.rev)).all()
    return Counter((r.record_id, r.rev) for r in rows)


def local_revs(state: object) -> set[tuple[str, str]]:
    return {key for key, rev in state.revisions.items() if rev.device_id == state.device_id}  # type: ignore[attr-defined]


def test_cut_anywhere_then_retry_loses_and_duplicates_nothing(hq: HeadOfficeFixture) -> None:
    proxy = CuttingProxy(hq.server.port)
    try:
        dev = hq.device(name="cut", base_url=f"http://127.0.0.1:{proxy.port}", retry=NO_RETRY)
        peer = hq.device(name="peer")
        # Measure one full exchange to choose cut points across the request and the reply.
        dev.state.create("meeting", meeting("测量"))
        peer.state.create("member", {"name": "李四"})
        peer.sync()
        probe = dev.sync()
        up_size, down_size = probe.bytes_up + 400, probe.bytes_down + 400  # + headers
        step = 97 if hq.backend == "sqlite" else 193
        cut_points = [("up", n) for n in range(0, up_size, step)] + [("down", n) for n in range(0, down_size, step)]
        failures = 0
        for direction, n in cut_points:
            rid = dev.state.create("meeting", meeting(f"{direction}{n}", discussion="记录" * 60))
            dev.state.update(rid, meeting(f"{direction}{n}（改）", discussion="记录" * 60))
            peer.state.create("member", {"name": f"成员{direction}{n}"})
            peer.sync()
            proxy.arm(**{direction: n})
            try:
                dev.sync()
            except errors.NetworkError:
                failures += 1
            proxy.arm()  # a budget larger than the exchange must not carry over to the retry
            dev.sync()  # the retry, on a healthy link
            assert dev.state.pending_count() == 0
        assert failures >= len(cut_points) * 0.6, "most cut points must actually cut the exchange"
        stored = server_revs(hq)
        assert max(stored.values()) == 1, "no revision stored twice"
        mine = local_revs(dev.state)
        assert mine <= set(stored), "no local revision lost"
        # The device converged on everything the peer wrote as well.
        assert peer.state.records.keys() <= dev.state.records.keys()
        assert dev.sync().checksum_ok
    finally:
        proxy.close()


def test_failure_after_commit_before_reply_is_retried_to_exactly_once(hq: HeadOfficeFixture) -> None:
    failures = {"left": 2}

    def fail_after_commit(stage: str) -> None:
        if stage == "after_commit" and failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("process died after commit")

    dev = hq.device()
    ids = [dev.state.create("meeting", meeting(f"会议{i}")) for i in range(5)]
    hq.office.fault_hook = fail_after_commit
    try:
        stats = dev.sync()  # two 500s, then the third attempt gets "duplicate" for everything
    finally:
        hq.office.fault_hook = None
    assert stats.requests == 3 and stats.duplicates == 5 and stats.accepted == 0
    assert dev.state.pending_count() == 0
    stored = server_revs(hq)
    assert sorted(r for r, _ in stored) == sorted(ids) and max(stored.values()) == 1


def test_failure_before_commit_stores_nothing(hq: HeadOfficeFixture) -> None:
    def fail_before_commit(stage: str) -> None:
        if stage == "before_commit":
            raise RuntimeError("crash inside the transaction")

    dev = hq.device(retry=NO_RETRY)
    dev.state.create("meeting", meeting())
    hq.office.fault_hook = fail_before_commit
    try:
        with pytest.raises(errors.ServerUnavailable):
            dev.sync()
    finally:
        hq.office.fault_hook = None
    assert server_revs(hq) == Counter()
    assert dev.state.pending_count() == 1
    assert dev.sync().accepted == 1
