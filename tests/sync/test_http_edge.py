"""The HTTP edge: version skew, size limits, zip bombs, malformed input, cursors and epochs.

Every refusal must be a clear JSON error and must change nothing on the server.
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest
import requests

from sync.client import errors
from sync.client.transport import Transport
from sync.protocol.versions import PROTOCOL_HEADER
from sync.server import reports
from sync.server.app import AppSettings, create_app
from sync.server.identity import ServerIdentity
from tests.sync.hq import FAST_RETRY, HeadOfficeFixture, meeting
from tests.sync.net import running


def _post(hq: HeadOfficeFixture, body: bytes, token: str | None = None, **headers: str) -> requests.Response:
    all_headers = {"Content-Type": "application/json", **headers}
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    return requests.post(hq.base_url + "/v1/sync", data=body, headers=all_headers, timeout=10)


def test_unsupported_protocol_is_426_with_upgrade_message(hq_sqlite: HeadOfficeFixture) -> None:
    dev = hq_sqlite.device()
    token = dev.state.creds.token  # type: ignore[union-attr]
    reply = _post(hq_sqlite, json.dumps({"protocol": 99, "client": {"device_id": dev.state.device_id}}).encode(),
                  token)
    assert reply.status_code == 426
    body = reply.json()
    assert body["code"] == "upgrade_required" and "升级" in body["message"] and body["min_protocol"] == 1
    assert reply.headers[PROTOCOL_HEADER] == "1"
    transport = Transport(hq_sqlite.base_url, token=token, retry=FAST_RETRY)
    with pytest.raises(errors.UpgradeRequired) as caught:
        transport.post_json("/v1/sync", json.dumps({"protocol": 0, "client": {"device_id": "x"}}).encode())
    assert caught.value.min_protocol == 1 and "升级" in caught.value.message


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "invalid_request"),
        (b"[1, 2]", 400, "invalid_request"),
        (json.dumps({"protocol": 1}).encode(), 422, "invalid_request"),
        (json.dumps({"protocol": 1, "client": {"device_id": "someone-else"}}).encode(), 400, "invalid_request"),
        (json.dumps({"protocol": 1, "client": {"device_id": "D"}, "cursor": "forged.cursor"}).encode(), 400,
         "bad_cursor"),
    ],
)
def test_malformed_requests_are_clear_4xx(hq_sqlite: HeadOfficeFixture, body: bytes, status: int,
                                          code: str) -> None:
    dev = hq_sqlite.device()
    body = body.replace(b'"D"', json.dumps(dev.state.device_id).encode())
    reply = _post(hq_sqlite, body, dev.state.creds.token)  # type: ignore[union-attr]
    assert reply.status_code == status, reply.text
    assert reply.json()["code"] == code and reply.json()["message"]
    assert hq_sqlite.office.call(reports.list_records, "b1") == []


def test_size_limits_and_zip_bomb_are_413(hq_sqlite: HeadOfficeFixture) -> None:
    small = AppSettings(max_wire_bytes=20_000, max_json_bytes=200_000)
    token = hq_sqlite.device().state.creds.token  # type: ignore[union-attr]
    with running(create_app(hq_sqlite.office, small)) as server:
        url = f"http://127.0.0.1:{server.port}/v1/sync"
        anonymous = requests.post(url, data=b"x" * 30_000, headers={"Content-Type": "application/json"}, timeout=10)
        assert anonymous.status_code == 401, "the body of an unauthenticated request is never read"
        auth = {"Authorization": f"Bearer {token}"}
        big = requests.post(url, data=b"x" * 30_000, headers={"Content-Type": "application/json", **auth},
                            timeout=10)
        assert big.status_code == 413 and big.json()["code"] == "payload_too_large"
        bomb = gzip.compress(b'{"protocol":1,"pad":"' + b"0" * 20_000_000 + b'"}')
        assert len(bomb) < 20_000
        reply = requests.post(url, data=bomb, headers={"Content-Encoding": "gzip", **auth}, timeout=10)
        assert reply.status_code == 413 and reply.json()["code"] == "payload_too_large"
        broken = requests.post(url, data=b"\x1f\x8bnot gzip", headers={"Content-Encoding": "gzip", **auth},
                               timeout=10)
        assert broken.status_code == 400
        odd = requests.post(url, data=b"{}", headers={"Content-Encoding": "br", **auth}, timeout=10)
        assert odd.status_code == 415


def _incompressible(rng: random.Random, chars: int) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(chars))


def test_client_bisects_on_413_and_keeps_an_oversized_change_as_rejected(hq_sqlite: HeadOfficeFixture) -> None:
    small = AppSettings(max_wire_bytes=40_000, max_json_bytes=400_000)
    rng = random.Random(7)
    with running(create_app(hq_sqlite.office, small)) as server:
        dev = hq_sqlite.device(base_url=f"http://127.0.0.1:{server.port}")
        ids = [dev.state.create("meeting", meeting(f"会议{i}", discussion=_incompressible(rng, 3000)))
               for i in range(8)]
        huge = dev.state.create("meeting", meeting("超大记录", discussion=_incompressible(rng, 30_000)))
        stats = dev.sync()
    assert stats.accepted == 8 and stats.rejected == 1
    [kept] = dev.state.rejected()
    assert kept.record_id == huge and kept.code == "too_large"
    assert {r["record_id"] for r in hq_sqlite.office.call(reports.list_records, "b1")} == set(ids)


def test_epoch_change_keeps_local_data_and_reverifies(hq_sqlite: HeadOfficeFixture) -> None:
    a, b = hq_sqlite.device(name="A"), hq_sqlite.device(name="B")
    rid = a.state.create("meeting", meeting())
    a.sync()
    b.sync()
    # As after restoring the database from a backup: new epoch, new cursor secret.
    office = hq_sqlite.office
    office.identity = ServerIdentity("restored-epoch", b"s" * 32, office.identity.signing_key)
    stats = a.sync()
    assert stats.epoch_changed and stats.checksum_ok
    assert rid in a.state.records and a.state.records[rid].server_rev is not None
    assert a.state.epoch == "restored-epoch"


def test_checksum_mismatch_triggers_one_verify_pass(hq_sqlite: HeadOfficeFixture) -> None:
    a, b = hq_sqlite.device(name="A"), hq_sqlite.device(name="B")
    rid = a.state.create("meeting", meeting())
    a.sync()
    b.sync()
    # Corrupt B's copy of the server heads (a lost page, a bug): the checksum notices.
    b.state.records[rid].server_rev = "1-" + "0" * 32
    stats = b.sync()
    assert stats.verified and stats.checksum_ok
    assert b.state.records[rid].server_rev == a.state.records[rid].rev



def test_revisions_lost_by_a_restored_head_office_are_pushed_again(
    hq_sqlite: HeadOfficeFixture, tmp_path: Path
) -> None:
    a, b = hq_sqlite.device(name="A"), hq_sqlite.device(name="B")
    first = a.state.create("meeting", meeting("九月支部党员大会"))
    a.sync()
    backup = hq_sqlite.backup(tmp_path / "nightly.sqlite3")
    a.state.update(first, meeting("九月支部党员大会（更正地点）", place="场部会议室"))
    second = a.state.create("meeting", meeting("十月党小组会"))
    a.sync()
    hq_sqlite.restore(backup)
    held = {r["record_id"]: r for r in hq_sqlite.office.call(reports.list_records, "b1")}
    assert second not in held and held[first]["current_rev"] != a.state.records[first].rev

    stats = a.sync()
    assert stats.epoch_changed and stats.requeued == 2 and stats.checksum_ok
    held = {r["record_id"]: r for r in hq_sqlite.office.call(reports.list_records, "b1")}
    assert {rid: held[rid]["current_rev"] for rid in (first, second)} == {
        rid: a.state.records[rid].rev for rid in (first, second)
    }
    assert a.state.pending_count() == 0
    # Nothing is pushed twice, and the other device catches up from the restored head office.
    assert a.sync().requeued == 0
    b.sync()
    assert b.state.records[first].body["title"] == "九月支部党员大会（更正地点）" and second in b.state.records
