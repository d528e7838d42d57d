"""Who may talk to head office (issue 11): weak keys, reserved ids, re-enrolment, expiring device
tokens with renewal, scoped/expiring/revocable admin tokens, rate and storage quotas."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
import requests
from sqlalchemy import update

from sync.client import errors
from sync.client.backoff import RetryPolicy
from sync.client.enrol import enrol
from sync.protocol.signatures import SigningKey, renewal_bytes
from sync.protocol.weakkeys import SMALL_ORDER_ENCODINGS
from sync.server import admin_tokens, reports
from sync.server import devices as device_store
from sync.server.app import AppSettings, create_app
from sync.server.service import ServerLimits
from sync.server.tables import devices
from sync.server.timeutil import to_text, utcnow
from tests.sync.hq import HeadOfficeFixture, meeting
from tests.sync.net import running
from tests.sync.raw import pending_dicts, post, sync_body, token_of


def _enrol_body(hq: HeadOfficeFixture, *, public_key: str, device_id: str = "dev-1") -> dict[str, object]:
    return {"protocol": 1, "code": hq.enrol_code(), "device_id": device_id, "device_name": "电脑",
            "public_key": public_key}


def test_weak_keys_are_refused_at_enrolment(hq: HeadOfficeFixture) -> None:
    for raw in sorted(SMALL_ORDER_ENCODINGS):
        flipped = raw[:31] + bytes([raw[31] ^ 0x80])
        for key in (raw, flipped):
            reply = post(hq, "/v1/enrol", _enrol_body(hq, public_key=base64.b64encode(key).decode()))
            assert reply.status_code == 400 and reply.json()["code"] == "weak_key", (key.hex(), reply.text)
    assert hq.office.call(device_store.list_devices) == []
    good = SigningKey.generate().public_key_b64()
    assert post(hq, "/v1/enrol", _enrol_body(hq, public_key=good)).status_code == 200


def test_reserved_device_ids_are_refused(hq: HeadOfficeFixture) -> None:
    key = SigningKey.generate().public_key_b64()
    for device_id in ("hq", "HQ", "admin"):
        reply = post(hq, "/v1/enrol", _enrol_body(hq, public_key=key, device_id=device_id))
        assert reply.status_code == 400 and reply.json()["code"] == "reserved_id"
    assert hq.office.call(device_store.list_devices) == []


def test_a_revoked_laptop_can_be_re_enrolled(hq: HeadOfficeFixture) -> None:
    dev = hq.device()
    first = dev.state.create("meeting", meeting("丢失前的会议"))
    dev.sync()
    hq.office.call(device_store.revoke_device, dev.state.device_id, "笔记本丢失")
    later = dev.state.create("meeting", meeting("找回后补录"))
    with pytest.raises(errors.DeviceRevoked):
        dev.sync()
    old_token = token_of(dev)
    # Found again: head office issues a new code, the same laptop (same id, same data) enrols again.
    creds, _ = enrol(hq.base_url, hq.enrol_code(), device_id=dev.state.device_id, device_name="找回的电脑",
                     signing_key=dev.state.signing_key())
    dev.state.creds = creds
    dev.engine.transport.token = creds.token
    stats = dev.sync()
    assert stats.accepted == 1 and dev.state.pending_count() == 0
    assert {first, later} <= set(r["record_id"] for r in hq.office.call(reports.list_records, "b1"))
    assert post(hq, "/v1/sync", {"protocol": 1, "client": {"device_id": dev.state.device_id}},
                token=old_token).status_code == 401
    # A device id that is enrolled and not revoked still cannot be taken over.
    with pytest.raises(errors.EnrolmentFailed) as caught:
        enrol(hq.base_url, hq.enrol_code(), device_id=dev.state.device_id, device_name="冒充",
              signing_key=SigningKey.generate())
    assert caught.value.code == "device_exists"


def _expire(hq: HeadOfficeFixture, device_id: str) -> None:
    with hq.db.begin() as conn:
        conn.execute(update(devices).where(devices.c.device_id == device_id)
                     .values(token_expires_at=to_text(utcnow() - dt.timedelta(days=1))))


def test_an_expired_token_is_renewed_with_the_device_key_and_nothing_is_stranded(hq: HeadOfficeFixture) -> None:
    dev = hq.device()
    assert dev.state.creds is not None and dev.state.creds.token_expires_at is not None
    rid = dev.state.create("meeting", meeting("离线一年后的会议"))
    _expire(hq, dev.state.device_id)
    old = token_of(dev)
    expired = post(hq, "/v1/sync", {"protocol": 1, "client": {"device_id": dev.state.device_id}}, token=old)
    assert expired.status_code == 401 and expired.json()["code"] == "token_expired"
    stats = dev.sync()  # renews, then syncs
    assert stats.accepted == 1 and rid in {r["record_id"] for r in hq.office.call(reports.list_records, "b1")}
    assert token_of(dev) != old and dev.engine.transport.token == token_of(dev)
    # The replaced token cannot sync, and without the device key it renews nothing.
    assert post(hq, "/v1/sync", {"protocol": 1, "client": {"device_id": dev.state.device_id}},
                token=old).status_code == 401
    forged = post(hq, "/v1/token", {"protocol": 1, "device_id": dev.state.device_id,
                                    "sig": SigningKey.generate().sign(b"x")}, token=old)
    assert forged.status_code == 401


def test_a_lost_renewal_reply_does_not_lock_the_device_out(hq: HeadOfficeFixture) -> None:
    dev = hq.device()
    _expire(hq, dev.state.device_id)
    old = token_of(dev)
    sig = dev.state.signing_key().sign(renewal_bytes(device_id=dev.state.device_id, token=old))
    lost = post(hq, "/v1/token", {"protocol": 1, "device_id": dev.state.device_id, "sig": sig}, token=old)
    assert lost.status_code == 200  # ... and the device never saw this reply
    dev.state.create("meeting", meeting())
    assert dev.sync().accepted == 1, "renewing again with the token it still holds works"


def test_admin_tokens_are_scoped_expiring_and_revocable(hq: HeadOfficeFixture) -> None:
    dev = hq.device()
    url = hq.base_url + "/v1/admin"
    reader = hq.office.call(admin_tokens.create_admin_token, "审计", admin_tokens.READ_SCOPES)
    auth = {"Authorization": f"Bearer {reader}"}
    assert requests.get(f"{url}/orgs", headers=auth, timeout=5).status_code == 200
    refused = requests.post(f"{url}/devices/{dev.state.device_id}/revoke", headers=auth, timeout=5)
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    assert requests.get(f"{url}/branches/b1/export", headers=auth, timeout=5).status_code == 403
    short = hq.office.call(admin_tokens.create_admin_token, "临时", ("*",), dt.timedelta(seconds=-1))
    assert requests.get(f"{url}/orgs", headers={"Authorization": f"Bearer {short}"}, timeout=5).status_code == 401
    [listed] = [t for t in hq.office.call(admin_tokens.list_admin_tokens) if t.name == "审计"]
    hq.office.call(admin_tokens.revoke_admin_token, listed.id)
    gone = requests.get(f"{url}/orgs", headers=auth, timeout=5)
    assert gone.status_code == 401 and "吊销" in gone.json()["message"]
    with pytest.raises(admin_tokens.TokenError):
        hq.office.call(admin_tokens.create_admin_token, "错", ("records:delete",))


def test_requests_per_minute_are_limited_and_the_client_backs_off(hq_sqlite: HeadOfficeFixture) -> None:
    settings = AppSettings(requests_per_minute=6, burst=2, enrol_per_minute=0)
    with running(create_app(hq_sqlite.office, settings)) as server:
        base = f"http://127.0.0.1:{server.port}"
        dev = hq_sqlite.device(base_url=base, retry=RetryPolicy(attempts=3, base=0.01, cap=300))
        rid = dev.state.create("meeting", meeting())
        body = {"protocol": 1, "client": {"device_id": dev.state.device_id}}
        replies = [post(hq_sqlite, "/v1/sync", body, token=token_of(dev), base_url=base) for _ in range(3)]
        assert [r.status_code for r in replies] == [200, 200, 429]
        limited = replies[-1]
        assert int(limited.headers["Retry-After"]) >= 1 and "稍后" in limited.json()["message"]
        slept: list[float] = []
        dev.engine.transport._sleep = slept.append  # type: ignore[method-assign]
        with pytest.raises(errors.RateLimited) as caught:
            dev.sync()
        assert "频繁" in caught.value.message and slept and min(slept) >= 1
        assert dev.state.pending_count() == 1, "nothing is dropped"
    assert rid not in {r["record_id"] for r in hq_sqlite.office.call(reports.list_records, "b1")}


def test_storage_quota_refuses_pushes_but_keeps_pulls_and_local_data(hq: HeadOfficeFixture) -> None:
    a, b = hq.device(name="A"), hq.device(name="B")
    a.state.create("meeting", meeting("先到的会议"))
    a.sync()
    hq.office.limits = ServerLimits(max_stored_bytes=1)  # A is over quota now, B (0 bytes) is not
    mine = a.state.create("meeting", meeting("超出配额后的会议"))
    b.state.create("meeting", meeting("B 的会议"))
    b.sync()
    with pytest.raises(errors.QuotaExceeded) as caught:
        a.sync()
    assert "配额" in caught.value.message and a.state.pending_count() == 1
    assert any(r.body["title"] == "B 的会议" for r in a.state.records.values()), "pulling still works"
    assert mine not in {r["record_id"] for r in hq.office.call(reports.list_records, "b1")}
    hq.office.limits = ServerLimits()
    assert a.sync().accepted == 1
    [summary] = [d for d in hq.office.call(device_store.list_devices) if d.device_id == a.state.device_id]
    assert summary.stored_bytes > 1000


def test_enrolment_is_rate_limited_per_address(hq_sqlite: HeadOfficeFixture) -> None:
    settings = AppSettings(enrol_per_minute=3)
    with running(create_app(hq_sqlite.office, settings)) as server:
        base = f"http://127.0.0.1:{server.port}"
        body = {"protocol": 1, "code": "AAAA-BBBB-CCCC-DDDD", "device_name": "x", "public_key": "A" * 44}
        statuses = [post(hq_sqlite, "/v1/enrol", {**body, "device_id": f"d{i}"}, base_url=base).status_code
                    for i in range(5)]
    assert statuses[:3] == [400, 400, 400] and statuses[3:] == [429, 429]


def test_retries_of_a_sync_request_are_harmless(hq: HeadOfficeFixture) -> None:
    dev = hq.device()
    dev.state.create("meeting", meeting())
    body = sync_body(dev.state, pending_dicts(dev.state))
    first = post(hq, "/v1/sync", body, token=token_of(dev)).json()
    for _ in range(3):
        again = post(hq, "/v1/sync", body, token=token_of(dev)).json()
        assert [r["status"] for r in again["results"]] == ["duplicate"]
        assert again["results"][0]["seq"] == first["results"][0]["seq"]
    other = hq.device(name="其他设备")
    stolen = post(hq, "/v1/sync", body, token=token_of(other))
    assert stolen.status_code == 400, "a body replayed under another device's token is refused"
    assert len(hq.office.call(reports.list_records, "b1")) == 1
