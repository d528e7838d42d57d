"""Enrolment codes, device tokens, revocation and the admin API, on both databases."""

from __future__ import annotations

import pytest
import requests

from sync.client import errors
from sync.client.enrol import enrol
from sync.server import admin_tokens
from sync.server import devices as device_store
from tests.sync.hq import HeadOfficeFixture, meeting
from testsupport.memory_state import MemoryState


def _enrol(hq: HeadOfficeFixture, code: str) -> None:
    state = MemoryState()
    enrol(hq.base_url, code, device_id=state.device_id, device_name="新电脑", signing_key=state.signing_key())


def test_enrolment_binds_the_device_to_its_branch(hq: HeadOfficeFixture) -> None:
    state = MemoryState()
    creds, reply = enrol(hq.base_url, hq.enrol_code("b2").lower(), device_id=state.device_id,
                         device_name="二支部电脑", signing_key=state.signing_key())
    assert (creds.branch_id, reply.branch_name) == ("b2", "第二支部")
    assert reply.org_path == ["集团党委", "林业二级党委", "第二支部"]
    assert reply.server_public_key == hq.office.identity.signing_key.public_key_b64()
    listed = hq.office.call(device_store.list_devices, "b2")
    assert [d.device_id for d in listed] == [state.device_id]


def test_codes_are_single_use(hq: HeadOfficeFixture) -> None:
    code = hq.enrol_code()
    _enrol(hq, code)
    with pytest.raises(errors.EnrolmentFailed) as caught:
        _enrol(hq, code)
    assert caught.value.code == "code_used" and "已被使用" in caught.value.message


def test_expired_and_unknown_codes_are_refused(hq: HeadOfficeFixture) -> None:
    expired, _, _ = hq.office.call(device_store.create_enrol_code, "b1", -0.01)
    with pytest.raises(errors.EnrolmentFailed) as caught:
        _enrol(hq, expired)
    assert caught.value.code == "code_expired" and "过期" in caught.value.message
    with pytest.raises(errors.EnrolmentFailed) as caught:
        _enrol(hq, "AAAA-BBBB-CCCC-DDDD")
    assert caught.value.code == "invalid_code"
    assert hq.office.call(device_store.list_devices) == []


def test_bad_token_is_401_and_revoked_device_is_403(hq: HeadOfficeFixture) -> None:
    a, b = hq.device(name="A"), hq.device(name="B")
    a.state.create("meeting", meeting())
    a.engine.transport.token = "not-a-token"
    with pytest.raises(errors.AuthenticationFailed):
        a.sync()
    assert a.state.pending_count() == 1 and a.engine.last_error is not None
    hq.office.call(device_store.revoke_device, b.state.device_id, "笔记本丢失")
    b.state.create("meeting", meeting())
    with pytest.raises(errors.DeviceRevoked) as caught:
        b.sync()
    assert "停用" in caught.value.message
    assert b.state.pending_count() == 1, "nothing is dropped on the device"
    [summary] = [d for d in hq.office.call(device_store.list_devices) if d.device_id == b.state.device_id]
    assert summary.revoked_reason == "笔记本丢失"


def test_admin_api(hq: HeadOfficeFixture) -> None:
    a = hq.device(name="A")
    rid = a.state.create("meeting", meeting())
    a.sync()
    token = hq.office.call(admin_tokens.create_admin_token, "审计", ("*",))
    url = hq.base_url + "/v1/admin"
    assert requests.get(f"{url}/orgs", timeout=5).status_code == 401
    bad = requests.get(f"{url}/orgs", headers={"Authorization": f"Bearer {a.state.creds.token}"}, timeout=5)  # type: ignore[union-attr]
    assert bad.status_code == 401 and bad.json()["code"] == "unauthorized"
    auth = {"Authorization": f"Bearer {token}"}
    tree = requests.get(f"{url}/orgs", headers=auth, timeout=5).json()
    assert tree[0]["name"] == "集团党委" and tree[0]["children"][0]["children"][0]["id"] in ("b1", "b2")
    devices = requests.get(f"{url}/devices", params={"branch": "第一支部"}, headers=auth, timeout=5).json()
    assert devices[0]["last_sync_at"] is not None
    records = requests.get(f"{url}/branches/b1/records", headers=auth, timeout=5).json()
    assert [r["record_id"] for r in records] == [rid]
    export = requests.get(f"{url}/branches/b1/export", headers=auth, timeout=5).json()
    assert export["records"][0]["revisions"][0]["device_id"] == a.state.device_id
    missing = requests.get(f"{url}/branches/nope/records", headers=auth, timeout=5)
    assert missing.status_code == 404 and "找不到" in missing.json()["message"]
    report = requests.get(f"{url}/compliance", params={"period": "2026-Q4"}, headers=auth, timeout=5).json()
    assert {r["branch_id"] for r in report["branches"]} == {"b1", "b2"}
    assert requests.get(f"{url}/compliance", params={"period": "Q9"}, headers=auth, timeout=5).status_code == 400
    revoked = requests.post(f"{url}/devices/{a.state.device_id}/revoke", headers=auth, timeout=5)
    assert revoked.json()["revoked"] is True
    with pytest.raises(errors.DeviceRevoked):
        a.sync()
