"""A real conflict between two encrypted stores and a real head office (uvicorn on 127.0.0.1,
SQLite), resolved through the operations — in-process and with ``branch-ledger conflicts``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.operations import Ledger
from desktop_app.operations.conflicts import field_rows, list_conflicts, merge, resolve_conflict
from desktop_app.operations.errors import NotConflicted
from desktop_app.operations.records import get_record, save_record
from desktop_app.operations.sync import SyncOps
from desktop_app.store import KdfParams, Store
from domain.labels import field_label
from tests.cli.test_cli import run
from tests.operations.conftest import PASSPHRASE
from tests.sync.conftest import hq_sqlite  # noqa: F401  (fixture: a real head office on SQLite)
from tests.sync.hq import FAST_RETRY, HeadOfficeFixture, meeting


@pytest.fixture
def hq(hq_sqlite: HeadOfficeFixture) -> HeadOfficeFixture:  # noqa: F811
    return hq_sqlite


def _device(hq: HeadOfficeFixture, path: Path, name: str) -> SyncOps:
    store, _ = Store.create(path, PASSPHRASE, kdf=KdfParams.fast_for_tests())
    ops = SyncOps(Ledger(store))
    ops.retry = FAST_RETRY
    assert ops.enrol(hq.base_url, hq.enrol_code("b1"), None, device_name=name)
    return ops


def _conflict(hq: HeadOfficeFixture, tmp_path: Path) -> tuple[SyncOps, SyncOps, str, str, str]:
    a, b = _device(hq, tmp_path / "a", "A"), _device(hq, tmp_path / "b", "B")
    rid = save_record(a.ledger, "meeting", meeting(), author="A").envelope.record_id
    a.sync()
    assert b.sync().changes.everything  # the record arrived: every view reloads
    rev_a = save_record(a.ledger, "meeting", meeting(place="会议室A"), record_id=rid, author="A").envelope.rev
    rev_b = save_record(b.ledger, "meeting", meeting(place="会议室B"), record_id=rid, author="B").envelope.rev
    a.sync()
    assert b.sync().stats.conflicts == 1
    return a, b, rid, rev_a, rev_b


def test_resolve_through_the_operation(hq: HeadOfficeFixture, tmp_path: Path) -> None:
    a, b, rid, rev_a, rev_b = _conflict(hq, tmp_path)
    [conflict] = list_conflicts(b.ledger)
    assert {v.rev for v in conflict.versions} == {rev_a, rev_b}
    bodies = [v.body for v in conflict.versions]
    assert [r.key for r in field_rows(conflict.kind, bodies) if r.differs] == ["place"]
    place_b = next(i for i, v in enumerate(conflict.versions) if v.rev == rev_b)
    body = merge(bodies, {"place": place_b}, {"title": "第四季度支部党员大会（合并）"})

    resolved = resolve_conflict(b.ledger, rid, body, author="B")
    assert resolved.changes.record_ids == {rid} and resolved.changes.kinds == {"meeting"}
    assert not get_record(b.ledger, rid).conflicted and list_conflicts(b.ledger) == []
    with pytest.raises(NotConflicted):
        resolve_conflict(b.ledger, rid, body, author="B")
    b.sync()
    a.sync()
    merged = get_record(a.ledger, rid)
    assert not merged.conflicted and merged.rev == resolved.rev
    assert merged.body.place == "会议室B"  # type: ignore[union-attr]
    for ops in (a, b):
        ops.ledger.close()


def test_resolve_from_the_command_line(hq: HeadOfficeFixture, tmp_path: Path) -> None:
    a, b, rid, rev_a, rev_b = _conflict(hq, tmp_path)
    b.ledger.close()
    from desktop_app.operations import wait_for_closing

    assert wait_for_closing()
    listed = run(tmp_path / "b", "conflicts", "list", "--json", passphrase=PASSPHRASE)
    assert listed.returncode == 0, listed.stderr
    [conflict] = json.loads(listed.stdout)
    assert conflict["record_id"] == rid and {v["rev"] for v in conflict["versions"]} == {rev_a, rev_b}
    text = run(tmp_path / "b", "conflicts", "list", passphrase=PASSPHRASE).stdout
    assert f"不同的内容：{field_label('place')}" in text and rev_a in text and rev_b in text

    result = run(tmp_path / "b", "--author", "B", "conflicts", "resolve", rid, "--keep", rev_b, "--json",
                 passphrase=PASSPHRASE)
    assert result.returncode == 0, result.stderr
    merge_rev = json.loads(result.stdout)["rev"]
    shown = json.loads(run(tmp_path / "b", "show", rid, "--json", passphrase=PASSPHRASE).stdout)
    assert shown["conflicted"] is False and shown["rev"] == merge_rev and shown["body"]["place"] == "会议室B"

    b2 = SyncOps(Ledger(Store.open(tmp_path / "b", PASSPHRASE)))
    b2.retry = FAST_RETRY
    b2.sync()
    a.sync()
    assert get_record(a.ledger, rid).rev == merge_rev and not get_record(a.ledger, rid).conflicted
    for ops in (a, b2):
        ops.ledger.close()


def _final_meeting(ledger: Ledger, author: str) -> str:
    chair = save_record(ledger, "member", {"name": "王建华", "posts": ["secretary"], "join_date": "2001-07-01"},
                        author=author).envelope.record_id
    body = meeting(ends_at="2026-10-15T11:00:00", place="林场党员活动室", chair_member_id=chair,
                   recorder_member_id=chair, attendance=[{"member_id": chair}], agenda=[{"title": "防火"}])
    return save_record(ledger, "meeting", body, author=author).envelope.record_id


def test_a_refused_edit_filed_as_an_amendment_from_the_command_line(hq: HeadOfficeFixture, tmp_path: Path) -> None:
    """B edits offline a meeting A finalized meanwhile: head office refuses B's edit, and
    ``branch-ledger refused amend`` files it as an amendment (更正) through the operation."""
    from desktop_app.operations.records import finalize_record

    a, b = _device(hq, tmp_path / "a", "A"), _device(hq, tmp_path / "b", "B")
    rid = _final_meeting(a.ledger, "A")
    a.sync()
    b.sync()
    finalize_record(a.ledger, rid, author="A")
    a.sync()
    draft = get_record(b.ledger, rid).body.model_dump(mode="json")
    save_record(b.ledger, "meeting", {**draft, "place": "北线管护站"}, record_id=rid, author="B")
    assert b.sync().stats.rejected == 1
    b.ledger.close()
    from desktop_app.operations import wait_for_closing

    assert wait_for_closing()
    listed = run(tmp_path / "b", "refused", "list", "--json", passphrase=PASSPHRASE)
    assert listed.returncode == 0, listed.stderr
    [edit] = json.loads(listed.stdout)["edits"]
    assert edit["record_id"] == rid and edit["body"]["place"] == "北线管护站"
    result = run(tmp_path / "b", "--author", "B", "refused", "amend", edit["change_id"], "--reason", "地点记错",
                 passphrase=PASSPHRASE)
    assert result.returncode == 0, result.stderr
    amendment_id = result.stdout.split("已作为更正记录保存：", 1)[1].split("，", 1)[0]
    shown = json.loads(run(tmp_path / "b", "show", amendment_id, "--json", passphrase=PASSPHRASE).stdout)
    assert shown["body"]["amends_record_id"] == rid and shown["body"]["place"] == "北线管护站"
    assert shown["body"]["amendment_reason"] == "地点记错"
    a.ledger.close()
