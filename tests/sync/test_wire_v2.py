"""Protocol 2's compact forms (sync/protocol/wire_v2.py): lossless, and negotiated with old peers.

The round trips are hypothesis properties: whatever the page holds, the columns give back the same
rows and the compact results give back the same results (a form that lost a field, a seq or an
order would fail them). End to end, a current device and head office speak protocol 2; a device
and a head office from before it keep speaking protocol 1 with each other and with current peers;
a device that remembers protocol 2 from a head office since downgraded falls back without losing
a change.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.client.engine import SyncEngine
from sync.protocol import compression, wire_v2
from sync.protocol.revisions import compute_rev
from sync.protocol.versions import MAX_PROTOCOL_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION, negotiated
from sync.protocol.wire import Change, ChangeResult
from sync.server.app import AppSettings
from tests.sync.hq import FAST_RETRY, HeadOfficeFixture, meeting
from tests.sync.raw import pending_dicts, sync_body, token_of
from tests.sync.test_sync_flow import server_records

json_scalars = st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=8)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=6)
rows = st.lists(st.dictionaries(st.sampled_from(["change_id", "rev", "body", "parents", "hlc", "x"]), json_values,
                                min_size=1, max_size=6), max_size=8)


@given(rows)
def test_columns_give_back_the_rows(page: list[dict[str, Any]]) -> None:
    cols = wire_v2.columns_from_rows(page)
    assert wire_v2.rows_from_columns(json.loads(json.dumps(cols))) == page


@pytest.mark.parametrize("cols", [[], {"a": [1], "b": [1, 2]}, {"a": 1}])
def test_malformed_columns_are_refused(cols: Any) -> None:
    with pytest.raises(wire_v2.BadColumns):
        wire_v2.rows_from_columns(cols)


def test_an_empty_row_cannot_be_put_in_columns() -> None:
    with pytest.raises(ValueError, match="empty row"):
        wire_v2.columns_from_rows([{"a": 1}, {}])


def _change(i: int, parents: list[str]) -> Change:
    body = {"title": f"会议{i}"}
    rev = compute_rev(kind="meeting", body=body, parents=parents)
    return Change(change_id=f"c{i}", counter=i + 1, record_id=f"r{i % 5}", kind="meeting", parents=parents,
                  base_rev=parents[0] if parents else None, rev=rev, body=body, hlc="1-0000-d", sig="s")


outcomes = st.sampled_from(["plain", "plain", "plain", "duplicate", "conflict", "rejected", "accepted_other_head"])


@settings(max_examples=200)
@given(st.lists(outcomes, max_size=30), st.lists(st.integers(0, 3), max_size=30), st.integers(0, 3),
       st.booleans())
def test_compact_results_give_back_every_result_in_order(kinds: list[str], gaps: list[int], refused: int,
                                                         repeat: bool) -> None:
    push = [_change(i, [] if i % 3 else [compute_rev(kind="meeting", body={}, parents=[])])
            for i in range(len(kinds))]
    results: list[ChangeResult] = []
    seq = 10
    for change, kind, gap in zip(push, kinds, gaps + [0] * len(kinds), strict=False):
        seq += 1 + gap
        common = {"change_id": change.change_id, "counter": change.counter, "record_id": change.record_id,
                  "rev": change.rev}
        if kind == "plain":
            results.append(ChangeResult(**common, status="accepted", seq=seq, current_rev=change.rev,
                                        leaves=[change.rev]))
        elif kind == "accepted_other_head":
            results.append(ChangeResult(**common, status="accepted", seq=seq, current_rev=change.rev,
                                        leaves=[change.rev, "2-" + "a" * 32], conflicted=True))
        elif kind == "rejected":
            results.append(ChangeResult(**common, status="rejected", code="bad_rev", message="不符"))
        else:
            results.append(ChangeResult(**common, status=kind, seq=seq, current_rev="1-" + "b" * 32,  # type: ignore[arg-type]
                                        leaves=["1-" + "b" * 32]))
    results += [ChangeResult(change_id="", counter=0, record_id="", rev="", status="rejected",
                             code="invalid_change", message=f"坏{i}") for i in range(refused)]
    if repeat and results:
        results.append(results[0])  # a result listed twice is passed on as it is
    exceptions, runs = wire_v2.compact_results(push, results)
    wire_form = json.loads(json.dumps({"results": [r.model_dump(exclude_none=True) for r in exceptions],
                                       "accepted": runs}))
    back = wire_v2.expand_results(push, [ChangeResult.model_validate(r) for r in wire_form["results"]],
                                  wire_form["accepted"])
    assert back == results
    plain = sum(1 for k in kinds if k == "plain")
    assert len(exceptions) == len(results) - (0 if repeat and kinds else plain)


def test_runs_that_do_not_fit_the_page_are_a_bad_reply() -> None:
    push = [_change(i, []) for i in range(3)]
    with pytest.raises(wire_v2.BadResults):
        wire_v2.expand_results(push, [], [[5, 2]])
    with pytest.raises(wire_v2.BadResults):
        wire_v2.expand_results(push, [], [[5, 0], [5, 3]])


def test_a_revision_hint_is_completed_only_by_the_content_it_hashes() -> None:
    parent = compute_rev(kind="meeting", body={"title": "原"}, parents=[])
    change = _change(7, [parent])
    sent = change.model_copy(update={"rev": wire_v2.rev_hint(change.rev), "base_rev": None})
    assert len(sent.rev) == len("2-") + wire_v2.REV_HINT_CHARS
    assert wire_v2.complete_rev(sent) == change
    tampered = sent.model_copy(update={"body": {"title": "篡改"}})
    assert wire_v2.complete_rev(tampered).rev == sent.rev  # left short: the revision check refuses it
    assert wire_v2.complete_rev(change) == change  # a full id is left to the check as it is


def test_negotiation_takes_the_lower_protocol() -> None:
    assert negotiated(None) == 1 and negotiated(1) == 1 and negotiated(2) == 2
    assert negotiated(PROTOCOL_VERSION + 5) == PROTOCOL_VERSION


# ------------------------------------------------------------------ end to end


class Seen:
    """Every request body (inflated JSON), reply and reply JSON of a device's sync exchanges."""

    def __init__(self, engine: SyncEngine) -> None:
        self.requests: list[dict[str, Any]] = []
        self.replies: list[requests.Response] = []
        self.bodies: list[dict[str, Any]] = []
        transport = engine.transport
        transport.session.hooks["response"].append(self._record)
        original = transport._interpret

        def interpret(response: requests.Response, data: bytes) -> dict[str, Any]:
            self.bodies.append(json.loads(data))
            return original(response, data)

        transport._interpret = interpret  # type: ignore[method-assign]

    def _record(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        sent: Any = response.request.body
        body = sent if isinstance(sent, bytes) else sent.getvalue() if hasattr(sent, "getvalue") else b""
        coding = response.request.headers.get("Content-Encoding")
        self.requests.append(json.loads(compression.decode(body, coding, 10**8) if coding else body))
        self.replies.append(response)


@pytest.fixture
def protocol1_hq(tmp_path: Path) -> Iterator[HeadOfficeFixture]:
    """A head office from before protocol 2: announces nothing of it and refuses it with 426."""
    settings = AppSettings(requests_per_minute=0, enrol_per_minute=0, max_protocol=1)
    fixture = HeadOfficeFixture.start(f"sqlite:///{tmp_path / 'p1.sqlite3'}", backend="sqlite", settings=settings)
    try:
        yield fixture
    finally:
        fixture.stop()


def test_current_peers_speak_the_current_protocol(hq_sqlite: HeadOfficeFixture) -> None:
    writer, reader = hq_sqlite.device(name="A"), hq_sqlite.device(name="B")
    assert writer.state.credentials().protocol == PROTOCOL_VERSION  # type: ignore[union-attr]  # from enrolment
    seen = Seen(writer.engine)
    ids = [writer.state.create("meeting", meeting(f"会议{i}")) for i in range(24)]
    writer.state.update(ids[0], meeting("会议0（修订）"))
    stats = writer.sync()
    assert (stats.accepted, stats.rejected, writer.state.pending_count()) == (25, 0, 0)
    request, reply, body = seen.requests[-1], seen.replies[-1], seen.bodies[-1]
    assert request["protocol"] == PROTOCOL_VERSION and "push" not in request and len(request["cols"]["change_id"]) == 25
    assert all(len(r.split("-")[1]) == wire_v2.REV_HINT_CHARS for r in request["cols"]["rev"])
    assert "base_rev" not in request["cols"]
    assert body["protocol"] == PROTOCOL_VERSION and body["results"] == [] and sum(n for _, n in body["accepted"]) == 25
    assert reply.headers[MAX_PROTOCOL_HEADER] == str(PROTOCOL_VERSION) and reply.headers[PROTOCOL_HEADER] == "1"
    # Head office holds exactly what the device holds (full revision ids, bodies, parents).
    held = server_records(hq_sqlite)
    assert held.keys() == set(ids)
    assert reader.sync().pulled == 25  # 24 records, one of them edited once
    for record_id in ids:
        assert reader.state.records[record_id].rev == writer.state.records[record_id].rev
        assert reader.state.records[record_id].body == writer.state.records[record_id].body


def test_a_small_page_goes_as_rows_with_revision_hints(hq_sqlite: HeadOfficeFixture) -> None:
    device = hq_sqlite.device()
    seen = Seen(device.engine)
    record_id = device.state.create("meeting", meeting())
    device.state.update(record_id, meeting("第四季度支部党员大会（修订）"))
    assert device.sync().accepted == 2
    request = seen.requests[-1]
    assert request["protocol"] == PROTOCOL_VERSION and "cols" not in request and len(request["push"]) == 2
    assert all("base_rev" not in c and len(c["rev"].split("-")[1]) == wire_v2.REV_HINT_CHARS
               for c in request["push"])
    assert seen.bodies[-1]["accepted"] and seen.bodies[-1]["results"] == []
    assert server_records(hq_sqlite)[record_id]["current_rev"] == device.state.records[record_id].rev


def test_a_protocol_1_head_office_gets_protocol_1(protocol1_hq: HeadOfficeFixture) -> None:
    device = protocol1_hq.device()
    assert device.state.credentials().protocol == 1  # type: ignore[union-attr]
    seen = Seen(device.engine)
    device.state.create("meeting", meeting())
    assert device.sync().accepted == 1 and device.state.pending_count() == 0
    assert seen.requests[-1]["protocol"] == 1 and len(seen.requests[-1]["push"]) == 1
    assert MAX_PROTOCOL_HEADER not in seen.replies[-1].headers
    assert len(seen.bodies[-1]["results"]) == 1


def test_a_device_that_remembers_protocol_2_falls_back_without_losing_a_change(
        protocol1_hq: HeadOfficeFixture) -> None:
    device = protocol1_hq.device()
    creds = device.state.credentials()
    assert creds is not None
    device.state.update_credentials(dataclasses.replace(creds, protocol=2))  # heard before a downgrade
    device.engine.close()
    device.engine = SyncEngine(device.state, protocol1_hq.base_url, token=creds.token, retry=FAST_RETRY)
    seen = Seen(device.engine)
    for i in range(3):
        device.state.create("meeting", meeting(f"会议{i}"))
    stats = device.sync()
    assert (stats.accepted, stats.rejected, device.state.pending_count()) == (3, 0, 0)
    assert [r["protocol"] for r in seen.requests] == [2, 1]
    assert seen.replies[0].status_code == 426
    assert device.state.credentials().protocol == 1  # type: ignore[union-attr]
    assert len(server_records(protocol1_hq)) == 3


def test_a_protocol_1_device_gets_every_result_in_full(hq_sqlite: HeadOfficeFixture) -> None:
    device = hq_sqlite.device()
    for i in range(3):
        device.state.create("meeting", meeting(f"会议{i}"))
    reply = requests.post(hq_sqlite.base_url + "/v1/sync", json=sync_body(device.state, pending_dicts(device.state)),
                          headers={"Authorization": f"Bearer {token_of(device)}"}, timeout=30)
    assert reply.status_code == 200
    body = reply.json()
    assert body["protocol"] == 1 and body.get("accepted") is None
    assert [r["status"] for r in body["results"]] == ["accepted"] * 3
    assert all(r["current_rev"] == r["rev"] and r["leaves"] == [r["rev"]] for r in body["results"])


def test_columns_need_protocol_2(hq_sqlite: HeadOfficeFixture) -> None:
    device = hq_sqlite.device()
    device.state.create("meeting", meeting())
    cols = wire_v2.columns_from_rows(pending_dicts(device.state))
    body = {**sync_body(device.state, []), "cols": cols}
    del body["push"]
    reply = requests.post(hq_sqlite.base_url + "/v1/sync", json=body,
                          headers={"Authorization": f"Bearer {token_of(device)}"}, timeout=30)
    assert reply.status_code == 422
    body["protocol"] = 2
    body["cols"]["sig"] = body["cols"]["sig"][:0]  # lists of unequal length
    reply = requests.post(hq_sqlite.base_url + "/v1/sync", json=body,
                          headers={"Authorization": f"Bearer {token_of(device)}"}, timeout=30)
    assert reply.status_code == 422


# ------------------------------------------------------------------ the large-body coding


def test_the_bzip2_coding_round_trips_streams_and_refuses_bombs() -> None:
    bodies = [{"discussion": f"会议传达学习了上级党委的通知{i}。" * 40} for i in range(300)]
    page = json.dumps({"cols": {"body": bodies}, "名": "𠀀 e\u0301"}, ensure_ascii=False,
                      separators=(",", ":")).encode()
    whole = compression.encode(page, compression.BZIP2)
    assert compression.decode(whole, compression.BZIP2, len(page)) == page
    assert compression.encode(page, compression.BZIP2) == whole, "deterministic: a retry sends identical bytes"
    cut = page.index(b',"')
    stream = compression.Stream(compression.BZIP2)
    assert compression.decode(stream.compress(page[:cut]) + stream.finish(page[cut:]), compression.BZIP2,
                              len(page)) == page
    bomb = compression.encode(b"{" + b" " * 5_000_000 + b"}", compression.BZIP2)
    assert len(bomb) < 10_000
    with pytest.raises(compression.DecompressedTooLarge):
        compression.decode(bomb, compression.BZIP2, 1_000_000)
    for broken in (b"not bzip2", bomb[: len(bomb) // 2], bomb + b"trailing"):
        with pytest.raises(compression.BadCompressedBody):
            compression.decode(broken, compression.BZIP2, 10_000_000)


def test_large_bodies_go_in_bzip2_small_ones_in_the_minutes_coding() -> None:
    offered = [compression.MINUTES, compression.BZIP2, compression.GZIP]
    assert compression.for_size(compression.MINUTES, compression.LARGE_BODY, offered) == compression.BZIP2
    assert compression.for_size(compression.MINUTES, compression.LARGE_BODY - 1, offered) == compression.MINUTES
    assert compression.for_size(compression.MINUTES, 10**6, [compression.MINUTES]) == compression.MINUTES
    assert compression.for_size(compression.GZIP, 10**6, offered) == compression.GZIP


def test_a_large_page_travels_in_bzip2_both_ways(hq_sqlite: HeadOfficeFixture) -> None:
    writer, reader = hq_sqlite.device(name="A"), hq_sqlite.device(name="B")
    seen, read = Seen(writer.engine), Seen(reader.engine)
    for i in range(60):
        writer.state.create("meeting", meeting(f"会议{i}", discussion=f"传达学习上级党委通知第{i}号。" * 120))
    assert writer.sync().accepted == 60
    assert seen.replies[-1].request.headers["Content-Encoding"] == compression.BZIP2
    assert reader.sync().pulled == 60
    assert read.replies[-1].headers["Content-Encoding"] == compression.BZIP2
    assert {r: x.body for r, x in reader.state.records.items()} == {r: x.body for r, x in writer.state.records.items()}


def test_an_old_client_never_gets_bzip2(hq_sqlite: HeadOfficeFixture) -> None:
    writer = hq_sqlite.device(name="A")
    for i in range(60):
        writer.state.create("meeting", meeting(f"会议{i}", discussion=f"传达学习上级党委通知第{i}号。" * 120))
    writer.sync()
    old = hq_sqlite.device(name="old")
    for accept in ("gzip", f"{compression.MINUTES}, gzip"):
        reply = requests.post(hq_sqlite.base_url + "/v1/sync", json=sync_body(old.state, []),
                              headers={"Accept-Encoding": accept, "Authorization": f"Bearer {token_of(old)}"},
                              timeout=30, stream=True)
        assert reply.status_code == 200
        assert reply.headers["Content-Encoding"] == accept.split(",")[0]
        reply.close()


# ------------------------------------------------------------------ pipelining


def test_the_next_page_is_read_while_the_current_one_is_on_the_wire(tmp_path: Path) -> None:
    """The outbox read (and signing) of page n+1 happens while page n's request is in flight, not
    before it is sent: each request waits until the engine has read the page after it. Against a
    protocol-2 head office, where the page then waits for the reply (protocol 3 also sends it:
    tests/sync/test_pipelined.py)."""
    settings = AppSettings(requests_per_minute=0, enrol_per_minute=0, max_protocol=2)
    hq_p2 = HeadOfficeFixture.start(f"sqlite:///{tmp_path / 'p2.sqlite3'}", backend="sqlite", settings=settings)
    try:
        _read_while_on_the_wire(hq_p2)
    finally:
        hq_p2.stop()


def _read_while_on_the_wire(hq_p2: HeadOfficeFixture) -> None:
    import threading

    device = hq_p2.device(push_items=20)
    for i in range(70):
        device.state.create("meeting", meeting(f"会议{i}"))
    in_flight = threading.Event()
    read_meanwhile = threading.Event()
    overlapped: list[bool] = []
    transport, state = device.engine.transport, device.engine.state
    original_post = transport.post_json

    def post(*args: Any, **kwargs: Any) -> Any:
        read_meanwhile.clear()
        in_flight.set()
        overlapped.append(read_meanwhile.wait(10))
        try:
            return original_post(*args, **kwargs)
        finally:
            in_flight.clear()

    def watched(original_read: Any) -> Any:
        def read(*args: Any, **kwargs: Any) -> Any:
            # A read that overlaps a request may start just before the worker thread enters it: give
            # it a moment. A read made before the request (the engine thread then sends it itself)
            # waits in vain, and the request then waits in vain for a read.
            if in_flight.wait(2):
                read_meanwhile.set()
            return original_read(*args, **kwargs)
        return read

    transport.post_json = post  # type: ignore[method-assign]
    # The look-ahead reads the entries after the page in flight (pending_changes_after) where the
    # replica has that, the whole outbox front otherwise.
    state.pending_changes = watched(state.pending_changes)  # type: ignore[method-assign]
    if hasattr(state, "pending_changes_after"):
        state.pending_changes_after = watched(state.pending_changes_after)
    stats = device.sync()
    assert stats.accepted == 70 and device.state.pending_count() == 0
    assert overlapped[:3] == [True, True, True]  # pages 1-3 each had a next page to read meanwhile
