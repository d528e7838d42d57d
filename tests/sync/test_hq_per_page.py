"""Head office's per-request shortcuts (issue 15) keep every check: what each one remembers
between requests, and how it notices that what it remembered no longer holds.

* The rule context (roster + profile) is shared across pages while the branch's roster marker is
  unchanged; a member pushed later changes the findings of the next meeting, and a member pushed
  in a transaction that rolls back never reaches another page's findings.
* A device admitted from memory is re-checked in the sync transaction: an expired, renewed,
  revoked or re-enrolled token is refused with the code an uncached lookup gives.
* A pooled PostgreSQL connection that sat idle is pinged before use; a dead one is replaced.
* A page with a bad change stores the good ones and refuses the bad one; a page whose
  transaction fails stores nothing at all.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import psycopg
import pytest
import requests
from sqlalchemy import func, insert, select, text, update

from sync.protocol.signatures import SigningKey
from sync.protocol.wire import ClientInfo, SyncRequest
from sync.server import db as server_db
from sync.server import devices as device_store
from sync.server.ledger import BranchLedger
from sync.server.tables import branch_state, devices, heads, revisions
from sync.server.timeutil import to_text, utcnow
from tests.sync.hq import HeadOfficeFixture, meeting
from tests.sync.test_push_page import DEVICE, Writer, enrolled

UNLISTED = "未登记出席情况"  # "以下党员未登记出席情况…": a roster member missing from the attendance


def congress(writer: Writer, record_id: str) -> Any:
    return writer.change(record_id, meeting("支部党员大会", attendance=[]), [])


def member(writer: Writer, record_id: str, name: str) -> Any:
    return writer.change(record_id, {"name": name, "join_date": "2010-07-01"}, [], kind="member")


def findings_of(hq: HeadOfficeFixture, record_id: str) -> list[str]:
    with hq.office.engine.connect() as conn:
        stored = conn.execute(select(revisions.c.violations).where(revisions.c.record_id == record_id)).scalars()
        return [v["message"] for found in stored if found for v in json.loads(found)]


def sync(hq: HeadOfficeFixture, device: device_store.Device, changes: list[Any]) -> list[str]:
    reply = hq.office.sync(device, SyncRequest(client=ClientInfo(device_id=DEVICE), push=changes))
    return [r.status for r in reply.results]


def test_the_shared_rule_context_follows_the_roster_across_pages(hq: HeadOfficeFixture) -> None:
    writer = Writer()
    device = enrolled(hq, writer.key)
    assert sync(hq, device, [congress(writer, "m-1")]) == ["accepted"]
    assert findings_of(hq, "m-1") and not any(UNLISTED in m for m in findings_of(hq, "m-1")), "an empty roster"
    assert sync(hq, device, [congress(writer, "m-2")]) == ["accepted"]  # judged with the shared context
    assert not any(UNLISTED in m for m in findings_of(hq, "m-2"))
    assert sync(hq, device, [member(writer, "p-1", "王书记")]) == ["accepted"]
    assert sync(hq, device, [congress(writer, "m-3")]) == ["accepted"]
    assert any(UNLISTED in m and "王书记" in m for m in findings_of(hq, "m-3")), "the new member is on the roster"


def test_a_rolled_back_member_never_reaches_another_pages_findings(hq: HeadOfficeFixture) -> None:
    writer = Writer()
    device = enrolled(hq, writer.key)
    assert sync(hq, device, [congress(writer, "m-1")]) == ["accepted"]  # the context is now shared

    def cut(stage: str) -> None:
        if stage == "before_commit":
            raise RuntimeError("the process dies before the commit")

    page = [member(writer, "p-1", "王书记"), congress(writer, "m-2")]
    hq.office.fault_hook = cut
    with pytest.raises(RuntimeError):
        sync(hq, device, page)
    hq.office.fault_hook = None
    assert findings_of(hq, "m-2") == [], "nothing of the page was stored"
    # The member's seq was rolled back; the next page must not be judged with it.
    assert sync(hq, device, [congress(writer, "m-3")]) == ["accepted"]
    assert findings_of(hq, "m-3") and not any(UNLISTED in m for m in findings_of(hq, "m-3"))


def test_a_page_with_a_bad_change_stores_the_good_ones_and_a_failed_page_stores_nothing(
        hq: HeadOfficeFixture) -> None:
    writer = Writer()
    device = enrolled(hq, writer.key)
    good = writer.change("r-1", meeting("好的一条"), [])
    forged = writer.change("r-2", meeting("签名被改"), []).model_copy(update={"sig": good.sig})
    tampered = writer.change("r-3", meeting("内容"), []).model_copy(update={"body": meeting("内容被改")})
    also_good = writer.change("r-4", meeting("另一条"), [])
    reply = hq.office.sync(device, SyncRequest(client=ClientInfo(device_id=DEVICE),
                                               push=[good, forged, tampered, also_good]))
    assert [(r.status, r.code) for r in reply.results] == [
        ("accepted", None), ("rejected", "bad_signature"), ("rejected", "bad_rev"), ("accepted", None)]

    def counts() -> tuple[int, int, int]:
        with hq.office.engine.connect() as conn:
            return (conn.execute(select(func.count()).select_from(revisions)).scalar_one(),
                    conn.execute(select(branch_state.c.seq).where(branch_state.c.branch_id == "b1")).scalar_one(),
                    conn.execute(select(devices.c.last_counter).where(devices.c.device_id == DEVICE)).scalar_one())

    before = counts()
    assert before == (2, 2, 4)

    def cut(stage: str) -> None:
        if stage == "before_commit":
            raise RuntimeError("the database goes away before the commit")

    hq.office.fault_hook = cut
    with pytest.raises(RuntimeError):
        sync(hq, device, [writer.change(f"r-{i}", meeting(f"第{i}条"), []) for i in range(5, 9)])
    hq.office.fault_hook = None
    assert counts() == before, "no revision, no sequence number, no counter of the failed page"


def _post_sync(hq: HeadOfficeFixture, token: str) -> requests.Response:
    return requests.post(f"{hq.base_url}/v1/sync", json={"protocol": 1, "client": {"device_id": DEVICE}},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)


def _enrol_over_http(hq: HeadOfficeFixture, key: SigningKey) -> str:
    code = hq.enrol_code("b1")
    with hq.office.engine.begin() as conn:
        _, token, _ = device_store.enrol_device(conn, code=code, device_id=DEVICE,
                                                device_name="测试电脑", public_key=key.public_key_b64(),
                                                app_version="")
    return str(token)


def test_an_admitted_token_is_checked_again_in_the_sync_transaction(hq: HeadOfficeFixture) -> None:
    key = SigningKey.generate()
    token = _enrol_over_http(hq, key)
    assert _post_sync(hq, token).status_code == 200  # admitted, and now remembered
    with hq.db.begin() as conn:
        conn.execute(update(devices).where(devices.c.device_id == DEVICE)
                     .values(token_expires_at=to_text(utcnow() - dt.timedelta(days=1))))
    expired = _post_sync(hq, token)
    assert expired.status_code == 401 and expired.json()["code"] == "token_expired"
    with hq.db.begin() as conn:  # a renewal elsewhere (another worker): the old token is replaced
        conn.execute(update(devices).where(devices.c.device_id == DEVICE)
                     .values(token_expires_at=None, token_hash="0" * 64))
    assert _post_sync(hq, token).json()["code"] == "unauthorized"


def test_a_remembered_device_that_is_revoked_or_re_enrolled_is_refused(hq: HeadOfficeFixture) -> None:
    key = SigningKey.generate()
    token = _enrol_over_http(hq, key)
    assert _post_sync(hq, token).status_code == 200
    hq.office.call(device_store.revoke_device, DEVICE, "笔记本丢失")
    revoked = _post_sync(hq, token)
    assert revoked.status_code == 403 and revoked.json()["code"] == "device_revoked"
    new_token = _enrol_over_http(hq, key)  # found again and re-enrolled: the old token is dead
    old = _post_sync(hq, token)
    assert old.status_code == 401 and old.json()["code"] == "unauthorized"
    assert _post_sync(hq, new_token).status_code == 200


def test_an_idle_pooled_connection_that_died_is_replaced(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server_db, "PING_AFTER_IDLE_S", 0.0)
    engine = server_db.make_engine(pg_url)
    try:
        with engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as killer:
            killer.execute("SELECT pg_terminate_backend(%s)", (pid,))  # the first lies idle in the pool
        with engine.connect() as conn:  # the pooled connection is dead: pinged, replaced, used
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
    finally:
        engine.dispose()


@pytest.mark.parametrize("moved", ["an edited record's head", "a new record's head"])
def test_a_head_written_behind_the_page_fails_the_page_and_stores_nothing(
        hq: HeadOfficeFixture, monkeypatch: pytest.MonkeyPatch, moved: str) -> None:
    """The page's heads are one upsert whose update is a compare-and-set on the old current
    revision (F21, issue 15): a head that moved, or appeared, after the page was read — a writer
    that slipped past the branch lock — is never overwritten; the whole page is refused."""
    writer = Writer()
    device = enrolled(hq, writer.key)
    first = writer.change("r-1", meeting("原稿"), [])
    assert sync(hq, device, [first]) == ["accepted"]
    with hq.office.engine.connect() as conn:
        before = (conn.execute(select(func.count()).select_from(revisions)).scalar_one(),
                  conn.execute(select(heads.c.current_rev).where(heads.c.record_id == "r-1")).scalar_one())
    prefetch = BranchLedger.prefetch

    def prefetch_then_interfere(self: BranchLedger, *args: Any) -> Any:
        view = prefetch(self, *args)
        if moved == "an edited record's head":
            self.conn.execute(update(heads).where(heads.c.record_id == "r-1").values(current_rev="9-elsewhere"))
        else:
            self.conn.execute(insert(heads).values(
                branch_id="b1", record_id="r-2", kind="meeting", current_rev="1-elsewhere", status="draft",
                deleted=False, conflicted=False, leaves='["1-elsewhere"]', updated_seq=1, updated_at="x"))
        return view

    monkeypatch.setattr(BranchLedger, "prefetch", prefetch_then_interfere)
    page = [writer.change("r-1", meeting("修改稿"), [first.rev]), writer.change("r-2", meeting("新的一条"), [])]
    with pytest.raises(RuntimeError, match="moved concurrently"):
        sync(hq, device, page)
    with hq.office.engine.connect() as conn:
        after = (conn.execute(select(func.count()).select_from(revisions)).scalar_one(),
                 conn.execute(select(heads.c.current_rev).where(heads.c.record_id == "r-1")).scalar_one())
        assert conn.execute(select(func.count()).select_from(heads).where(heads.c.record_id == "r-2")).scalar() == 0
    assert after == before, "nothing of the page is stored, and the head is not overwritten"
