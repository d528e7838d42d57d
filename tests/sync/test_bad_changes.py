"""One bad change never blocks the rest of a sync on the client (issue 11).

Real encrypted stores, a real head office on 127.0.0.1. A bad change is quarantined — a local one
stays on the device with its reason, a pulled one is kept verbatim — shown to the clerk with a
Chinese reason and reported by ``sync-status``; everything else syncs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.store import KdfParams, RecordFilter, Store
from desktop_app.store.refused import RefusedEdits
from desktop_app.store.sync_state import StoreSyncState, enrol_store
from domain.enums import RecordStatus
from sync.client import errors
from sync.client.engine import SyncEngine, SyncStats
from sync.client.transport import Prepared, Transport
from sync.server import reports
from tests.sync.hq import FAST_RETRY, HeadOfficeFixture, meeting

PASSPHRASE = "林场党支部2026"


class FaultyTransport(Transport):
    """A real transport with a hook on each sync request (``before``) and reply (``after``)."""

    def __init__(self, *args: Any, before: Callable[[bytes], None] | None = None,
                 after: Callable[[dict[str, Any]], None] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.before, self.after = before, after

    def post_json(self, path: str, payload: bytes | Prepared, **kwargs: Any) -> dict[str, Any]:
        if path == "/v1/sync" and self.before:
            # The request's JSON, whether it was compressed ahead of sending or not.
            self.before(payload.payload if isinstance(payload, Prepared) else payload)
        data = super().post_json(path, payload, **kwargs)
        if path == "/v1/sync" and self.after:
            self.after(data)
        return data


class Laptop:
    def __init__(self, hq: HeadOfficeFixture, path: Path, name: str) -> None:
        self.hq = hq
        self.store, _ = Store.create(path, PASSPHRASE, kdf=KdfParams.fast_for_tests())
        enrol_store(self.store, hq.base_url, hq.enrol_code("b1"), device_name=name)
        self.state = StoreSyncState(self.store)
        self.name = name

    def engine(self, **transport_hooks: Any) -> SyncEngine:
        creds = self.state.credentials()
        assert creds is not None
        transport = FaultyTransport(creds.base_url, token=creds.token, retry=FAST_RETRY, **transport_hooks)
        return SyncEngine(self.state, transport=transport)

    def sync(self, **transport_hooks: Any) -> SyncStats:
        engine = self.engine(**transport_hooks)
        try:
            return engine.sync_once()
        finally:
            engine.close()

    def legacy_write(self, record_id: str, kind: str, data: dict[str, Any]) -> None:
        """A record written the way an older version could (no id check at the boundary)."""
        body, _ = self.store.records.validate(kind, data)
        with self.store.transaction():
            self.store.records._write(record_id, kind, body, RecordStatus.DRAFT, parents=[], op="create",
                                      author=self.name)


@pytest.fixture
def laptops(hq_sqlite: HeadOfficeFixture, tmp_path: Path) -> Iterator[tuple[Laptop, Laptop]]:
    a, b = Laptop(hq_sqlite, tmp_path / "a", "A"), Laptop(hq_sqlite, tmp_path / "b", "B")
    yield a, b
    a.store.close(backup=False)
    b.store.close(backup=False)


def hq_titles(hq: HeadOfficeFixture) -> set[str]:
    return {r["title"] for r in hq.office.call(reports.list_records, "b1")}


def test_a_bad_record_id_left_in_the_outbox_is_quarantined_and_the_rest_syncs(
    laptops: tuple[Laptop, Laptop], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11: an imported id like 党员-001 made every later sync crash with a validation
    traceback while sync-status showed no error; everything saved afterwards stayed local."""
    a, _ = laptops
    a.legacy_write("党员-001", "member", {"name": "王书记"})
    for i in range(3):
        a.store.records.create("meeting", meeting(f"会议{i}"), author="A")
    stats = a.sync()
    assert stats.accepted == 3
    assert hq_titles(a.hq) == {"会议0", "会议1", "会议2"}
    status = a.state.status()
    assert status.quarantined == 1 and status.pending == 0 and status.last_success and not status.last_error
    [kept] = a.state.rejected()
    assert kept["state"] == "quarantined" and kept["code"] == "invalid_id" and "党员-001" in kept["message"]
    assert a.sync().pushed == 0  # it is not resent, and it blocks nothing
    # sync-status tells the clerk, in Chinese.
    from desktop_app.cli import main

    a.store.close(backup=False)
    monkeypatch.setenv("BRANCH_LEDGER_PASSPHRASE", PASSPHRASE)
    assert main(["--data-dir", str(a.store.data_dir), "sync-status"]) == 0
    out = capsys.readouterr().out
    assert "无法同步：1" in out and "党员-001" in out and "不符合同步格式" in out
    a.store = Store.open(a.store.data_dir, PASSPHRASE)


def test_text_that_cannot_be_encoded_is_refused_at_save_and_quarantined_if_already_stored(
    laptops: tuple[Laptop, Laptop]
) -> None:
    from domain.violations import RuleViolation

    a, _ = laptops
    with pytest.raises(RuleViolation) as info:
        a.store.records.create("member", {"name": "王\ud800"}, author="A")  # a lone surrogate, e.g. from JSON
    assert info.value.violations[0].code == "schema.string_unicode"  # the domain's schema refuses it
    body, _ = a.store.records.validate("member", {"name": "李四"})
    with a.store.transaction():  # as an older version could have stored it
        env = a.store.records._write("legacy-1", "member", body, RecordStatus.DRAFT, parents=[], op="create",
                                     author="A")
        a.store.conn.execute("UPDATE revisions SET body = ? WHERE rev = ?",
                             (json.dumps({"name": "王\ud800"}, ensure_ascii=True), env.rev))
    a.store.records.create("meeting", meeting("照常同步"), author="A")
    assert a.sync().accepted == 1
    assert hq_titles(a.hq) == {"照常同步"}
    [kept] = a.state.rejected()
    assert kept["state"] == "quarantined" and kept["code"] == "invalid_change"


def test_a_pulled_change_with_a_bad_record_id_is_quarantined_and_the_rest_applied(
    laptops: tuple[Laptop, Laptop]
) -> None:
    a, b = laptops
    for i in range(3):
        a.store.records.create("meeting", meeting(f"会议{i}"), author="A")
    a.sync()

    def plant(data: dict[str, Any]) -> None:
        if data["changes"]:
            bad = dict(data["changes"][0], record_id="坏编号-1")
            data["changes"].insert(1, bad)

    stats = b.sync(after=plant)
    assert stats.pulled == 3 and stats.quarantined == 1
    assert {s.title for s in b.store.records.query(RecordFilter(kind="meeting"))} == {"会议0", "会议1", "会议2"}
    status = b.state.status()
    assert status.quarantined == 1 and status.last_success
    [kept] = RefusedEdits(b.store).pulled()
    assert kept["record_id"] == "坏编号-1" and "不符合同步格式" in kept["message"]
    payload = b.store.conn.execute("SELECT payload FROM quarantine").fetchone()[0]
    assert json.loads(payload)["record_id"] == "坏编号-1"  # kept verbatim
    assert b.sync().pulled == 0  # the cursor moved past it


def test_a_change_head_office_fails_on_is_isolated_and_the_rest_goes_through(laptops: tuple[Laptop, Laptop]) -> None:
    """A whole request refused (4xx) or failing (500) because of one change: the engine asks the
    same without its changes, halves the batch until the one change is found, keeps it as
    refused with head office's reason, and sends the rest."""
    a, _ = laptops
    ids = [a.store.records.create("meeting", meeting(f"会议{i}"), author="A").record_id for i in range(7)]
    poisoned = ids[4]
    requests = {"n": 0}

    def refuse(payload: bytes) -> None:
        requests["n"] += 1
        if poisoned.encode() in payload:
            raise errors.ServerUnavailable("总部服务器暂时不可用", detail="HTTP 500")

    stats = a.sync(before=refuse)
    assert stats.accepted == 6 and stats.isolated == 1
    assert hq_titles(a.hq) == {f"会议{i}" for i in range(7)} - {"会议4"}
    [kept] = a.state.rejected()
    assert kept["record_id"] == poisoned and kept["code"] == "server_error" and "其余修改照常同步" in kept["message"]
    assert requests["n"] < 12  # 1 + probe + log2(7) halvings + the rest, not one request per change
    # Head office fixed: the clerk retries it from the 同步 page and it goes through.
    refused = RefusedEdits(a.store)
    [edit] = refused.edits()
    assert edit.can_retry
    refused.retry(edit.change_id)
    assert a.sync().accepted == 1 and "会议4" in hq_titles(a.hq)


def test_a_failing_head_office_is_not_mistaken_for_a_bad_change(laptops: tuple[Laptop, Laptop]) -> None:
    a, _ = laptops
    a.store.records.create("meeting", meeting("等总部恢复"), author="A")

    def down(_payload: bytes) -> None:
        raise errors.ServerUnavailable("总部服务器暂时不可用", detail="HTTP 500")

    with pytest.raises(errors.ServerUnavailable):
        a.sync(before=down)
    assert a.state.status().pending == 1 and a.state.rejected() == []


def test_an_offline_edit_of_a_record_finalized_elsewhere_can_be_filed_as_an_amendment(
    laptops: tuple[Laptop, Laptop]
) -> None:
    """Issue 11: the refused edit vanished from view (its text only in a table no screen showed)."""
    a, b = laptops
    chair = a.store.records.create("member", {"name": "王书记", "posts": ["secretary"]}, author="A").record_id
    clerk = a.store.records.create("member", {"name": "李记录"}, author="A").record_id
    complete = meeting(meeting_type="committee", title="支委会", ends_at="2026-10-15T10:00:00", place="会议室",
                       chair_member_id=chair, recorder_member_id=clerk,
                       attendance=[{"member_id": chair}, {"member_id": clerk}])
    rid = a.store.records.create("meeting", complete, author="A").record_id
    a.sync()
    b.sync()
    a.store.records.finalize(rid, author="A")
    a.sync()
    b.store.records.update(rid, {**complete, "discussion": "离线补记：会上还讨论了防火值班。"}, author="B")
    assert b.sync().rejected == 1
    assert b.store.records.get(rid).status is RecordStatus.FINAL  # the record shows the final version...
    [edit] = RefusedEdits(b.store).edits()  # ...and the refused edit is listed, with its text
    assert edit.code == "finalized" and edit.can_amend and not edit.can_reapply
    assert edit.body is not None and edit.body["discussion"] == "离线补记：会上还讨论了防火值班。"
    amendment = RefusedEdits(b.store).file_as_amendment(edit.change_id, reason="补记会上讨论内容", author="B")
    assert RefusedEdits(b.store).edits() == []
    assert b.sync().accepted == 1
    a.sync()
    got = a.store.records.get(amendment.record_id).body.model_dump()
    assert got["amends_record_id"] == rid and got["discussion"] == "离线补记：会上还讨论了防火值班。"
    assert b.store.conn.execute("SELECT resolution FROM outbox WHERE change_id = ?",
                                (edit.change_id,)).fetchone()[0] == f"amended:{amendment.record_id}"
