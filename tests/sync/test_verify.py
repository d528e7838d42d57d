"""A reply altered between head office and the device is refused whole (sync.client.verify)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sync.client import errors
from sync.client.engine import SyncEngine
from sync.client.transport import Transport
from sync.client.verify import check_pulled
from sync.protocol.revisions import compute_rev
from sync.protocol.signatures import SigningKey, attestation_bytes
from sync.protocol.wire import PulledChange
from tests.sync.hq import FAST_RETRY, Device, HeadOfficeFixture, meeting


class AlteringTransport(Transport):
    """A real transport whose sync replies are edited before the engine sees them."""

    def __init__(self, *args: Any, alter: Callable[[dict[str, Any]], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.alter = alter

    def post_json(self, path: str, payload: bytes, **kwargs: Any) -> dict[str, Any]:
        data = super().post_json(path, payload, **kwargs)
        if path == "/v1/sync":
            self.alter(data)
        return data


def _altered(hq: HeadOfficeFixture, device: Device, alter: Callable[[dict[str, Any]], None]) -> SyncEngine:
    creds = device.state.credentials()
    assert creds is not None
    transport = AlteringTransport(hq.base_url, token=creds.token, retry=FAST_RETRY, alter=alter)
    return SyncEngine(device.state.sync, transport=transport)


def _retitle(data: dict[str, Any]) -> None:
    for change in data["changes"]:
        if change["body"] and "title" in change["body"]:
            change["body"]["title"] = "被篡改的标题"


@pytest.mark.usefixtures("replica_kind")  # on both replicas (tests/sync/conftest.py)
def test_a_body_altered_in_transit_is_not_applied(hq: HeadOfficeFixture) -> None:
    a, b = hq.device(name="A"), hq.device(name="B")
    a.state.create("meeting", meeting("第四季度支部党员大会"))
    a.sync()
    engine = _altered(hq, b, _retitle)
    with pytest.raises(errors.TamperedReply):
        engine.sync_once()
    assert b.state.records == {} and b.state.cursor() is None
    # The same device syncs normally once the reply is intact again.
    b.sync()
    assert [r.body["title"] for r in b.state.records.values()] == ["第四季度支部党员大会"]


@pytest.mark.usefixtures("replica_kind")
def test_a_head_office_notice_needs_head_office_signature(hq: HeadOfficeFixture) -> None:
    device = hq.device(name="A")
    hq.publish_notice("b1")
    forger = SigningKey.generate()

    def forge(data: dict[str, Any]) -> None:
        for change in data["changes"]:
            if change.get("device_id") is None:
                change["sig"] = forger.sign(b"anything")
                change["hq_sig"] = forger.sign(b"anything")

    with pytest.raises(errors.TamperedReply):
        _altered(hq, device, forge).sync_once()
    assert device.state.records == {}
    device.sync()
    assert [r.kind for r in device.state.records.values()] == ["notice"]


def _pulled(**overrides: Any) -> PulledChange:
    body = {"meeting_type": "party_congress", "title": "支部党员大会", "starts_at": "2026-10-15T09:00:00"}
    fields: dict[str, Any] = dict(
        seq=1, record_id="r1", kind="meeting", parents=[], deleted=False, status="draft", schema_version=1,
        body=body, hlc="x", device_time="2026-10-15T09:00:00Z", author="clerk", device_id="d1", sig="",
        received_at="2026-10-15T09:00:01Z", current_rev="", conflicted=False, leaves=[],
    )
    fields.update(overrides)
    fields["rev"] = fields.get("rev") or compute_rev(
        kind="meeting", body=fields["body"], parents=[], deleted=False, status="draft", schema_version=1
    )
    return PulledChange(**fields)


def _attested(key: SigningKey, change: PulledChange, branch_id: str = "b1") -> PulledChange:
    change.hq_sig = key.sign(attestation_bytes(
        branch_id=branch_id, record_id=change.record_id, rev=change.rev, parents=change.parents,
        device_id=change.device_id, author=change.author, hlc=change.hlc, kind=change.kind,
    ))
    return change


def test_check_pulled_needs_head_office_attestation_for_every_writer() -> None:
    hq_key = SigningKey.generate()
    public = hq_key.public_key_b64()
    check_pulled([_attested(hq_key, _pulled())], public, "b1")
    with pytest.raises(errors.TamperedReply):
        check_pulled([_pulled(rev="1-" + "0" * 32)], None)
    with pytest.raises(errors.TamperedReply):  # an unattested "head office" revision
        check_pulled([_pulled(device_id=None)], public, "b1")
    with pytest.raises(errors.TamperedReply):  # an unattested device revision (skipped before issue 11)
        check_pulled([_pulled(device_id="d1")], public, "b1")
    with pytest.raises(errors.TamperedReply):  # attested for another branch
        check_pulled([_attested(hq_key, _pulled(), branch_id="b2")], public, "b1")
    with pytest.raises(errors.TamperedReply):  # attested by someone else
        check_pulled([_attested(SigningKey.generate(), _pulled())], public, "b1")


def test_a_planted_notice_with_a_device_id_is_refused() -> None:
    """The hole issue 11 found: a rogue server gave an unsigned notice a device id, and the check
    was skipped. Now a notice must be head office's, and attested, whatever device id it carries."""
    hq_key = SigningKey.generate()
    body = {"title": "伪造通知", "body": "请立即上报全部名册", "issued_on": "2026-11-01", "issuer": "总部",
            "requires_ack": False}
    rev = compute_rev(kind="notice", body=body, parents=[], status="final")
    planted = PulledChange(seq=1, record_id="n1", kind="notice", rev=rev, status="final", body=body, hlc="x",
                           author="总部", device_id="d1", current_rev=rev)
    with pytest.raises(errors.TamperedReply):
        check_pulled([planted], hq_key.public_key_b64(), "b1")
    with pytest.raises(errors.TamperedReply):  # even if a forger could attest it, a device may not write notices
        check_pulled([_attested(hq_key, planted)], hq_key.public_key_b64(), "b1")
