"""Pipelined pages (protocol 3, issue 15): the next page is on the wire while head office applies this one.

Against a real head office on SQLite and PostgreSQL: a backlog of several pages goes with one request
per page, the pages before the last push only and naming their predecessor, the last pulling; head
office applies them in the device's order (the ordering gate, sync/server/ordering.py) even when
page n+1 arrives first; a gate that times out answers 409 and the device goes on in order; a cut
anywhere in a pipelined run loses and duplicates nothing; an older head office is never sent the
new fields.
"""

from __future__ import annotations

import contextlib
import json
import threading
from pathlib import Path
from typing import Any

import pytest
import requests

from sync.client import errors
from sync.client.backoff import RetryPolicy
from sync.client.engine import SyncEngine
from sync.client.transport import Prepared, Transport
from sync.protocol import compression
from sync.protocol.versions import JSON_CONTENT_TYPE, PROTOCOL_VERSION
from sync.server import reports
from sync.server.app import AppSettings
from tests.sync.hq import Device, HeadOfficeFixture, meeting
from tests.sync.net import CuttingProxy
from tests.sync.test_link_cuts import local_revs, server_revs

pytestmark = pytest.mark.usefixtures("replica_kind")
NO_RETRY = RetryPolicy(attempts=1)


class Recording(Transport):
    """A real transport that keeps every sync request's JSON (from whichever thread sent it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent: list[dict[str, Any]] = []
        self.sides: list[bool] = []
        self._seen = threading.Lock()

    def post_json(self, path: str, payload: bytes | Prepared, **kwargs: Any) -> dict[str, Any]:
        if path == "/v1/sync":
            with self._seen:
                self.sent.append(json.loads(payload.payload if isinstance(payload, Prepared) else payload))
                self.sides.append(bool(kwargs.get("side")))
        return super().post_json(path, payload, **kwargs)


def recording_device(hq: HeadOfficeFixture, *, name: str = "流水线", base_url: str | None = None,
                     **options: Any) -> tuple[Device, Recording]:
    device = hq.device(name=name, base_url=base_url, **options)
    creds = device.state.credentials()
    assert creds is not None
    transport = Recording(base_url or hq.base_url, token=creds.token, retry=options.get("retry"),
                          encodings=creds.encodings)
    device.engine.transport.close()
    device.engine = SyncEngine(device.state.sync, transport=transport, **options)
    return device, transport


def backlog(device: Device, n: int, tag: str = "") -> list[str]:
    ids = [device.state.create("meeting", meeting(f"会议{tag}{i}", discussion="讨论记录" * 40)) for i in range(n)]
    for record_id in ids[::4]:  # records edited again: the later revision may be in the next page
        device.state.update(record_id, meeting(f"{record_id}（修订）", discussion="修订记录" * 40))
    return ids


def test_a_backlog_goes_one_request_per_page_the_last_one_pulling(hq: HeadOfficeFixture) -> None:
    peer = hq.device(name="peer")
    peer_ids = [peer.state.create("member", {"name": f"成员{i}"}) for i in range(7)]
    peer.sync()
    device, seen = recording_device(hq, push_items=6, page_items=50)
    ids = backlog(device, 27)
    stats = device.sync()
    pages = -(-(27 + 7) // 6)
    assert device.state.pending_count() == 0 and stats.accepted == 34 and stats.rejected == 0
    assert stats.requests == pages and stats.pages == pages, "one request per page, no pull of its own"
    assert stats.pipelined == pages - 1, "every page after the first went before the reply to the one before"
    first, *rest = seen.sent
    assert first["protocol"] == PROTOCOL_VERSION and first["pull"] is False and "after_counter" not in first
    counters = [max(sent["cols"]["counter"] if "cols" in sent else [c["counter"] for c in sent["push"]])
                for sent in seen.sent]
    assert [r["after_counter"] for r in rest] == counters[:-1], "each page names the last counter before it"
    assert [r.get("pull") for r in rest] == [False] * (pages - 2) + [None], "only the last page pulls"
    assert seen.sides == [False, True, False, True, False, True], "two connections, alternately"
    # Head office holds every revision once, in the device's order: the edits are current, no conflicts.
    stored = server_revs(hq)
    assert max(stored.values()) == 1 and local_revs(device.state) <= set(stored)
    assert stats.conflicts == 0
    assert set(peer_ids) <= device.state.records.keys() and stats.pulled == 7
    assert stats.checksum_ok
    reader = hq.device(name="reader")
    assert reader.sync().pulled == 34 + 7 and reader.state.records.keys() >= set(ids)


def test_an_older_head_office_gets_pages_in_order_without_the_new_fields(tmp_path: Path) -> None:
    settings = AppSettings(requests_per_minute=0, enrol_per_minute=0, max_protocol=2)
    old = HeadOfficeFixture.start(f"sqlite:///{tmp_path / 'p2.sqlite3'}", backend="sqlite", settings=settings)
    try:
        device, seen = recording_device(old, push_items=5)
        backlog(device, 14)
        stats = device.sync()
        assert device.state.pending_count() == 0 and stats.pipelined == 0 and stats.checksum_ok
        assert all(r["protocol"] == 2 and "pull" not in r and "after_counter" not in r for r in seen.sent)
        assert not any(seen.sides)
    finally:
        old.stop()


def _raw_sync(hq: HeadOfficeFixture, token: str, body: dict[str, Any]) -> requests.Response:
    data = json.dumps(body, ensure_ascii=False).encode()
    return requests.post(f"{hq.base_url}/v1/sync", data=compression.encode(data, "gzip"), timeout=60,
                         headers={"Authorization": f"Bearer {token}", "Content-Type": JSON_CONTENT_TYPE,
                                  "Content-Encoding": "gzip"})


def _page(device: Device, changes: list[Any], **fields: Any) -> dict[str, Any]:
    return {"protocol": PROTOCOL_VERSION, "client": {"device_id": device.state.device_id},
            "push": [c.model_dump(mode="json", exclude_none=True) for c in changes], **fields}


def test_head_office_applies_page_n_plus_1_after_page_n_even_when_it_arrives_first(
        hq: HeadOfficeFixture) -> None:
    device = hq.device(name="乱序")
    record_id = device.state.create("meeting", meeting("第一版"))
    device.state.update(record_id, meeting("第二版"))
    first, second = device.state.sync.pending_changes(10, 10**7)
    token = device.state.credentials().token  # type: ignore[union-attr]
    answers: dict[str, requests.Response] = {}
    later = threading.Thread(target=lambda: answers.setdefault("second", _raw_sync(
        hq, token, _page(device, [second], after_counter=first.counter, pull=False))))
    later.start()
    later.join(0.5)
    assert later.is_alive(), "page 2 waits at the gate while page 1 is not committed"
    answers["first"] = _raw_sync(hq, token, _page(device, [first], pull=False))
    later.join(30)
    assert answers["first"].status_code == 200 and answers["second"].status_code == 200
    results = {k: v.json() for k, v in answers.items()}
    assert results["second"]["changes"] == [] and results["second"]["has_more"] is False
    assert sum(n for _, n in results["first"]["accepted"]) == 1
    assert sum(n for _, n in results["second"]["accepted"]) == 1, "the edit is accepted, not a conflict"
    [head] = [r for r in hq.office.call(reports.list_records, "b1")
              if r["record_id"] == record_id]
    assert head["current_rev"] == second.rev


def test_a_gate_that_times_out_says_409_and_the_device_goes_on_in_order(hq_sqlite: HeadOfficeFixture) -> None:
    app: Any = hq_sqlite.server.server.config.app
    app.state.pipeline_gate_timeout = 0.3
    device = hq_sqlite.device(name="超时")
    record_id = device.state.create("meeting", meeting())
    [change] = device.state.sync.pending_changes(10, 10**7)
    token = device.state.credentials().token  # type: ignore[union-attr]
    refused = _raw_sync(hq_sqlite, token, _page(device, [change], after_counter=change.counter + 50, pull=False))
    assert refused.status_code == 409 and refused.json()["code"] == "pipeline_order"
    assert record_id not in {r["record_id"] for r in hq_sqlite.office.call(
        reports.list_records, "b1")}, "nothing stored"
    # A pipelined page refused so: the device sends it again itself, in order, and finishes.
    device2, _seen = recording_device(hq_sqlite, name="回退", push_items=4)
    backlog(device2, 10)
    original = device2.engine.transport.post_json

    def late_gate(path: str, payload: bytes | Prepared, **kwargs: Any) -> dict[str, Any]:
        if kwargs.get("side"):
            raise errors.RequestRejected("out of order", detail="HTTP 409", code="pipeline_order")
        return original(path, payload, **kwargs)

    device2.engine.transport.post_json = late_gate  # type: ignore[method-assign]
    stats = device2.sync()
    assert device2.state.pending_count() == 0 and stats.pipelined == 0 and stats.checksum_ok
    assert max(server_revs(hq_sqlite).values()) == 1


def test_a_cut_anywhere_in_a_pipelined_run_loses_and_duplicates_nothing(hq: HeadOfficeFixture) -> None:
    proxy = CuttingProxy(hq.server.port)
    try:
        peer = hq.device(name="peer")
        device = hq.device(name="cut", base_url=f"http://127.0.0.1:{proxy.port}", retry=NO_RETRY, push_items=4)
        backlog(device, 3, "测量")
        probe = device.sync()
        assert probe.pipelined == 0
        backlog(device, 12, "量")
        probe = device.sync()
        assert probe.pipelined >= 3
        run = probe.bytes_up + probe.bytes_down + 3000
        step = 900 if hq.backend == "sqlite" else 1700
        points = range(200, run, step)
        cuts = proxy.cuts
        for n, cut in enumerate(points):
            backlog(device, 12, f"{n}-")
            peer.state.create("member", {"name": f"成员{n}"})
            peer.sync()
            proxy.arm(up=cut) if n % 2 == 0 else proxy.arm(down=cut // 8)
            with contextlib.suppress(errors.SyncError):  # a cut pipelined page is resent within the sync
                device.sync()
            proxy.arm()
            device.sync()
            assert device.state.pending_count() == 0
        assert proxy.cuts - cuts >= len(points) * 0.6, "the cuts must actually cut pipelined runs"
        stored = server_revs(hq)
        assert max(stored.values()) == 1, "no revision stored twice"
        assert local_revs(device.state) <= set(stored), "no local revision lost"
        assert peer.state.records.keys() <= device.state.records.keys()
        assert device.sync().checksum_ok
    finally:
        proxy.close()


def test_a_token_that_expires_mid_run_is_renewed_and_nothing_is_stranded(hq: HeadOfficeFixture) -> None:
    from tests.sync.test_hq_credentials import _expire

    device, _seen = recording_device(hq, name="续期", push_items=5)
    backlog(device, 18)
    original = device.engine.transport.post_json
    calls = {"n": 0}

    def expire_after_the_first(path: str, payload: bytes | Prepared, **kwargs: Any) -> dict[str, Any]:
        if path == "/v1/sync":
            calls["n"] += 1
            if calls["n"] == 2:  # the first pipelined page finds the token expired
                _expire(hq, device.state.device_id)
        return original(path, payload, **kwargs)

    device.engine.transport.post_json = expire_after_the_first  # type: ignore[method-assign]
    old = device.engine.transport.token
    stats = device.sync()
    assert device.state.pending_count() == 0 and stats.checksum_ok
    assert device.engine.transport.token != old
    stored = server_revs(hq)
    assert max(stored.values()) == 1 and local_revs(device.state) <= set(stored)


def test_a_page_too_large_is_halved_in_a_pipelined_run(tmp_path: Path) -> None:
    settings = AppSettings(requests_per_minute=0, enrol_per_minute=0, max_wire_bytes=20_000, max_json_bytes=40_000)
    small = HeadOfficeFixture.start(f"sqlite:///{tmp_path / 'small.sqlite3'}", backend="sqlite", settings=settings)
    try:
        app: Any = small.server.server.config.app
        app.state.pipeline_gate_timeout = 1.0  # page n+1 of a refused page n waits no longer than this
        device, seen = recording_device(small, name="分半", push_items=60)
        backlog(device, 100)
        stats = device.sync()
        assert device.state.pending_count() == 0 and stats.rejected == 0 and stats.checksum_ok
        sizes = [len(r.get("push") or r["cols"]["change_id"]) for r in seen.sent]
        assert sizes[0] == 60 and 30 in sizes, f"the first page was refused 413 and halved: {sizes}"
        stored = server_revs(small)
        assert max(stored.values()) == 1 and local_revs(device.state) <= set(stored)
        assert len(stored) == 125
    finally:
        small.stop()
