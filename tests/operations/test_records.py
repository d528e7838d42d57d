"""Save, amend, finalize, delete and history through the operations, on a real encrypted store."""

from __future__ import annotations

import pytest

from desktop_app.operations import Ledger
from desktop_app.operations.drafts import drafts, keep_draft
from desktop_app.operations.errors import RecordFinalized, RecordNotFound
from desktop_app.operations.records import (
    delete_draft,
    finalize_record,
    get_record,
    list_records,
    record_history,
    save_record,
)
from desktop_app.operations.settings import set_clerk_name
from desktop_app.operations.types import RecordFilter
from domain.violations import RuleViolation

SECRETARY = {"name": "王建华", "posts": ["secretary"]}


def _meeting(chair: str, **extra: object) -> dict[str, object]:
    return {"meeting_type": "committee", "title": "九月支委会", "starts_at": "2026-09-10T09:00",
            "ends_at": "2026-09-10T10:00", "place": "林场党员活动室", "chair_member_id": chair,
            "recorder_member_id": chair,
            "attendance": [{"member_id": chair}], "discussion": "秋季防火", **extra}


def test_save_update_finalize_amend(ledger: Ledger) -> None:
    set_clerk_name(ledger, "李秀英")
    member = save_record(ledger, "member", SECRETARY)
    assert member.changes.kinds == {"member"} and member.changes.record_ids == {member.envelope.record_id}
    chair = member.envelope.record_id

    keep_draft(ledger, "new:meeting:1", "meeting", {"data": {}}, record_id=None, base_rev=None)
    saved = save_record(ledger, "meeting", _meeting(chair), draft_key="new:meeting:1")
    meeting_id = saved.envelope.record_id
    assert [d.key for d in drafts(ledger)] == []  # the save dropped the draft with it

    updated = save_record(ledger, "meeting", _meeting(chair, place="北线管护站"), record_id=meeting_id,
                          base_rev=saved.envelope.rev)
    assert get_record(ledger, meeting_id).body.place == "北线管护站"  # type: ignore[union-attr]

    final = finalize_record(ledger, meeting_id)
    assert final.envelope.is_final and final.changes.record_ids == {meeting_id}
    with pytest.raises(RecordFinalized):
        save_record(ledger, "meeting", _meeting(chair), record_id=meeting_id, base_rev=final.envelope.rev)

    amendment = save_record(ledger, "meeting", _meeting(chair, place="南线管护站"), amend_of=meeting_id,
                            amend_reason="地点记错")
    assert amendment.changes.record_ids == {amendment.envelope.record_id, meeting_id}

    history = record_history(ledger, meeting_id)
    assert [e.op for e in history] == ["create", "update", "finalize"]
    assert {e.author for e in history} == {"李秀英"}
    assert history[1].before_rev == saved.envelope.rev and history[1].after_rev == updated.envelope.rev


def test_refused_save_writes_nothing(ledger: Ledger) -> None:
    with pytest.raises(RuleViolation) as refused:
        save_record(ledger, "member", {"name": ""})
    assert refused.value.violations
    assert list_records(ledger, RecordFilter()).total == 0


def test_delete_draft_only(ledger: Ledger) -> None:
    draft = save_record(ledger, "member", SECRETARY).envelope
    changes = delete_draft(ledger, draft.record_id)
    assert changes.kinds == {"member"}
    assert list_records(ledger, RecordFilter(kind="member")).total == 0
    with pytest.raises(RecordNotFound):
        record_history(ledger, "no-such-record")
