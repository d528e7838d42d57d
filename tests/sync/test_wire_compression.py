"""Fewer bytes on the wire (issue 15): codings, compact bodies, negotiation with old peers, pipelining.

Everything here runs against a real uvicorn head office; "old" peers are played by a head office
configured to speak only what protocol 1 spoke (gzip, full bodies) and by hand-made requests of a
client that never heard of the new codings.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from domain.validation import parse_body
from sync.protocol import compact, compression, wire_v2
from sync.protocol.compression import GZIP, MINUTES, ZSTD
from sync.server.app import AppSettings
from tests.sync.hq import Device, HeadOfficeFixture, meeting
from tests.sync.raw import pending_dicts, sync_body, token_of

RICH_MEETING = meeting(
    "支部委员会（第三次）",
    place="管护站会议室",
    attendance=[{"member_id": "m1"}, {"member_id": "m2", "status": "leave", "reason": "森林防火值班"}],
    agenda=[{"title": "秋季防火"}],
    discussion="会议传达学习了上级党委的通知。" * 20,
    lecture={"lecturer": "王书记", "topic": "党章", "hours": "1.5"},
)


def full(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    parsed, problems = parse_body(kind, raw)
    assert parsed is not None, problems
    return parsed.model_dump(mode="json")


# ------------------------------------------------------------------ codings


@pytest.mark.parametrize("coding", [GZIP, ZSTD, MINUTES])
def test_every_coding_round_trips_and_streams_like_one_piece(coding: str) -> None:
    data = json.dumps({"push": [RICH_MEETING] * 30, "cursor": "c" * 40, "名": "𠀀 e\u0301"},
                      ensure_ascii=False, separators=(",", ":")).encode()
    whole = compression.encode(data, coding)
    assert compression.decode(whole, coding, len(data)) == data
    assert compression.encode(data, coding) == whole, "deterministic: a retry sends identical bytes"
    cut = data.index(b',"cursor"')
    stream = compression.Stream(coding)
    pieces = stream.compress(data[:cut]) + stream.finish(data[cut:])
    assert compression.decode(pieces, coding, len(data)) == data


def test_the_minutes_coding_beats_gzip_most_on_small_bodies() -> None:
    one = json.dumps(full("meeting", RICH_MEETING), ensure_ascii=False).encode()
    assert len(compression.encode(one, MINUTES)) < 0.8 * len(gzip.compress(one, 6))


@pytest.mark.parametrize("copies", [1, 3, 10, 40])
def test_small_bodies_compress_to_the_same_bytes_with_the_digested_dictionary(copies: int) -> None:
    """Issue 15: replies under DIGESTED_BELOW use the prepared dictionary (half the CPU); that must
    not change a byte, so an old reader, a retried request and the bench's byte counts see the same."""
    data = json.dumps({"changes": [full("meeting", RICH_MEETING)] * copies, "名": "𠀀"},
                      ensure_ascii=False).encode()
    text = data.decode().encode("gb18030")
    plain = compression.zstd.compress(text, level=compression.MINUTES_LEVEL,
                                      zstd_dict=compression.minutes_dictionary())
    encoded = compression.encode(data, MINUTES)
    if len(text) < compression.DIGESTED_BELOW:
        assert encoded == plain
    assert compression.decode(encoded, MINUTES, len(data)) == data
    assert compression.decode(plain, MINUTES, len(data)) == data


@pytest.mark.parametrize("coding", [ZSTD, MINUTES])
def test_zstd_bombs_and_garbage_are_refused(coding: str) -> None:
    bomb = compression.encode(b"{" + b" " * 5_000_000 + b"}", coding)
    assert len(bomb) < 10_000
    with pytest.raises(compression.DecompressedTooLarge):
        compression.decode(bomb, coding, 1_000_000)
    for broken in (b"not zstd at all", bomb[: len(bomb) // 2], bomb + b"trailing"):
        with pytest.raises(compression.BadCompressedBody):
            compression.decode(broken, coding, 10_000_000)


def test_minutes_coding_refuses_text_that_is_not_gb18030() -> None:
    from backports import zstd

    not_gb = zstd.compress(b"\x81\x20 broken", zstd_dict=compression.minutes_dictionary())
    with pytest.raises(compression.BadCompressedBody):
        compression.decode(not_gb, MINUTES, 1000)


# ------------------------------------------------------------------ compact bodies


@pytest.mark.parametrize("kind, raw", [
    ("meeting", RICH_MEETING),
    ("meeting", meeting()),
    ("member", {"name": "张三", "posts": ["secretary"]}),
    ("branch_profile", {"name": "第一支部"}),
    ("pioneer_post", {"name": "防火先锋岗", "holder_member_ids": ["m1"], "pledges": [{"content": "每日巡护"}]}),
    ("post_log", {"post_id": "p1", "date": "2026-11-01", "description": "巡护", "hours": "2.5"}),
    ("post_evaluation", {"post_id": "p1", "period": "2026-Q3", "evaluated_on": "2026-10-01", "score": 90}),
])
def test_compact_bodies_expand_to_exactly_the_full_body(kind: str, raw: dict[str, Any]) -> None:
    body = full(kind, raw)
    small = compact.strip(kind, body)
    assert small is not None and len(json.dumps(small)) < len(json.dumps(body))
    assert compact.expand(kind, small) == body


def test_a_body_not_in_full_form_is_never_stripped() -> None:
    assert compact.strip("meeting", meeting()) is None  # defaults missing: would not expand back
    assert compact.strip("no_such_kind", {"a": 1}) is None
    assert compact.expand("no_such_kind", {"a": 1}) == {"a": 1}


# ------------------------------------------------------------------ negotiation, end to end


class Wire:
    """What went over the wire, seen from the client's session (request and reply headers)."""

    def __init__(self, device: Device) -> None:
        self.seen: list[tuple[CaseInsensitiveDict[str], bytes, CaseInsensitiveDict[str]]] = []
        device.engine.transport.session.hooks["response"].append(self._record)

    def _record(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        request = response.request
        sent: Any = request.body  # bytes, or the transport's body that reports when it was written
        body = sent if isinstance(sent, bytes) else sent.getvalue() if hasattr(sent, "getvalue") else b""
        self.seen.append((CaseInsensitiveDict(request.headers), body, CaseInsensitiveDict(response.headers)))

    def pushed(self, index: int) -> dict[str, Any]:
        headers, body, _ = self.seen[index]
        coding = headers.get("Content-Encoding")
        data = compression.decode(body, coding, 10**8) if coding else body
        result: dict[str, Any] = json.loads(data)
        if "cols" in result:  # protocol 2 sends the page as columns (wire_v2.py): the same rows
            result["push"] = wire_v2.rows_from_columns(result.pop("cols"))
        return result


@pytest.fixture
def old_hq(tmp_path: Path) -> Iterator[HeadOfficeFixture]:
    """A head office that speaks what protocol 1 first spoke: gzip requests, full bodies."""
    settings = AppSettings(requests_per_minute=0, enrol_per_minute=0, request_encodings=(GZIP,),
                           compact_bodies=False)
    fixture = HeadOfficeFixture.start(f"sqlite:///{tmp_path / 'old.sqlite3'}", backend="sqlite", settings=settings)
    try:
        yield fixture
    finally:
        fixture.stop()


def test_current_peers_use_the_minutes_coding_and_compact_bodies(hq_sqlite: HeadOfficeFixture) -> None:
    writer, reader = hq_sqlite.device(name="A"), hq_sqlite.device(name="B")
    wire = Wire(writer)
    record_id = writer.state.create("meeting", full("meeting", RICH_MEETING))
    assert writer.sync().accepted == 1
    headers, _, reply_headers = wire.seen[-1]
    # Enrolment already told the device what head office speaks, so even its first sync uses it.
    assert headers["Content-Encoding"] == MINUTES
    assert reply_headers[compression.ENCODINGS_HEADER].startswith(MINUTES)
    [sent] = wire.pushed(-1)["push"]
    assert sent["body_schema"] == compact.schema_id() and "guests" not in sent["body"]
    assert writer.state.credentials().encodings[0] == MINUTES  # type: ignore[union-attr]

    read = Wire(reader)
    assert reader.sync().pulled == 1
    assert read.seen[-1][2].get("Content-Encoding") in (None, MINUTES)  # small replies travel plain
    assert reader.state.records[record_id].body == writer.state.records[record_id].body
    for _ in range(30):
        writer.state.update(record_id, {**writer.state.records[record_id].body,
                                        "discussion": "补充。" * 300 + str(_)})
    writer.sync()
    reader.sync()
    assert read.seen[-1][2]["Content-Encoding"] == MINUTES
    assert reader.state.records[record_id].body == writer.state.records[record_id].body


def test_an_old_head_office_gets_gzip_and_full_bodies(old_hq: HeadOfficeFixture) -> None:
    device = old_hq.device()
    wire = Wire(device)
    device.state.create("meeting", full("meeting", RICH_MEETING))
    assert device.sync().accepted == 1
    headers, _, reply = wire.seen[-1]
    [sent] = wire.pushed(-1)["push"]
    assert headers["Content-Encoding"] == GZIP and "body_schema" not in sent and "guests" in sent["body"]
    assert compression.ENCODINGS_HEADER in reply and "X-BranchLedger-Compact" not in reply


def test_stale_announcements_fall_back_without_losing_a_change(old_hq: HeadOfficeFixture) -> None:
    device = old_hq.device()
    creds = device.state.credentials()
    assert creds is not None
    # The device last heard a newer head office (since downgraded): it tries the minutes coding and
    # compact bodies, is refused (415, then compact_mismatch) and resends what this one speaks.
    device.state.update_credentials(dataclasses.replace(creds, encodings=[MINUTES, GZIP], compact=compact.schema_id()))
    device.engine.close()
    from sync.client.engine import SyncEngine
    from tests.sync.hq import FAST_RETRY

    device.engine = SyncEngine(device.state, old_hq.base_url, token=creds.token, retry=FAST_RETRY)
    wire = Wire(device)
    device.state.create("meeting", full("meeting", RICH_MEETING))
    assert device.sync().accepted == 1
    codings = [h.get("Content-Encoding") for h, _, _ in wire.seen]
    assert codings[0] == MINUTES and codings[-1] == GZIP
    assert device.state.credentials().encodings == [GZIP]  # type: ignore[union-attr]
    assert device.state.credentials().compact is None  # type: ignore[union-attr]


def test_an_old_client_gets_gzip_and_full_bodies(hq_sqlite: HeadOfficeFixture) -> None:
    writer = hq_sqlite.device(name="A")
    writer.state.create("meeting", full("meeting", RICH_MEETING))
    writer.sync()
    old = hq_sqlite.device(name="old")
    body = sync_body(old.state, [])  # no "compact": a client from before issue 15
    reply = requests.post(hq_sqlite.base_url + "/v1/sync", data=gzip.compress(json.dumps(body).encode()),
                          headers={"Content-Encoding": "gzip", "Accept-Encoding": "gzip",
                                   "Authorization": f"Bearer {token_of(old)}"}, timeout=30)
    assert reply.status_code == 200
    [pulled] = reply.json()["changes"]
    assert "body_schema" not in pulled or pulled["body_schema"] is None
    assert pulled["body"] == full("meeting", RICH_MEETING)


def test_a_compact_body_under_other_defaults_refuses_the_request_not_the_change(hq_sqlite: HeadOfficeFixture) -> None:
    device = hq_sqlite.device()
    device.state.create("meeting", full("meeting", RICH_MEETING))
    [change] = pending_dicts(device.state)
    change["body"] = compact.strip("meeting", change["body"])
    change["body_schema"] = "c1-0000000000000000"
    reply = requests.post(hq_sqlite.base_url + "/v1/sync", json=sync_body(device.state, [change]),
                          headers={"Authorization": f"Bearer {token_of(device)}"}, timeout=30)
    assert reply.status_code == 400 and reply.json()["code"] == "compact_mismatch"
    assert device.sync().accepted == 1  # the engine itself sends full or matching bodies


# ------------------------------------------------------------------ pipelining


def test_pages_are_prepared_while_the_previous_one_is_in_flight(hq_sqlite: HeadOfficeFixture) -> None:
    device = hq_sqlite.device(push_items=40)
    starts: list[int] = []
    transport = device.engine.transport
    original = transport.prepare_start

    def counting(prefix: bytes) -> Any:
        starts.append(len(prefix))
        return original(prefix)

    transport.prepare_start = counting  # type: ignore[method-assign]
    for i in range(150):
        device.state.create("meeting", full("meeting", meeting(f"会议{i}", discussion="记录。" * 50)))
    stats = device.sync()
    assert stats.accepted == 150 and device.state.pending_count() == 0
    assert stats.pages >= 4 and len(starts) >= stats.pages - 1


def test_a_prepared_page_is_dropped_when_the_page_before_it_was_not_settled(hq_sqlite: HeadOfficeFixture) -> None:
    # A 413 makes the engine halve its page: the page prepared behind the refused one no longer
    # follows anything sent and must be built again. Sent early it would carry edits whose
    # records head office has not seen yet, and they would be refused for good (unknown_base).
    device = hq_sqlite.device(push_items=40)
    ids = [device.state.create("meeting", full("meeting", meeting(f"会议{i}"))) for i in range(50)]
    for i, record_id in enumerate(ids):
        device.state.update(record_id, full("meeting", meeting(f"会议{i}（修订）")))
    sizes: list[int] = []
    original = device.engine.transport.post_json

    def refuse_first(path: str, payload: Any, **kwargs: Any) -> Any:
        data = payload.payload if hasattr(payload, "payload") else payload
        request = json.loads(data)  # rows (protocol 1) or columns (protocol 2, wire_v2.py)
        sizes.append(len(request.get("push") or wire_v2.rows_from_columns(request.get("cols", {}))))
        if len(sizes) == 1:
            from sync.client import errors

            raise errors.PayloadTooLarge("请求过大", code="payload_too_large")
        return original(path, payload, **kwargs)

    device.engine.transport.post_json = refuse_first  # type: ignore[method-assign]
    stats = device.sync()
    assert (stats.accepted, stats.rejected) == (100, 0) and device.state.pending_count() == 0
    assert sizes[:2] == [40, 20]
