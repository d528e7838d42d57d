"""A meeting's validity and vote outcomes as ``show_record`` reports them (the domain's verdicts)."""

from __future__ import annotations

from desktop_app.operations import Ledger
from desktop_app.operations.record_view import show_record
from desktop_app.operations.records import save_record


def _congress(ledger: Ledger, present: int) -> str:
    ids = [save_record(ledger, "member", {"name": f"党员{n}", "join_date": "2001-07-01",
                                          "posts": ["secretary"] if n == 0 else []}).envelope.record_id
           for n in range(5)]
    attendance = [{"member_id": m} if n < present else {"member_id": m, "status": "absent"}
                  for n, m in enumerate(ids)]
    body = {"meeting_type": "party_congress", "title": "支部党员大会", "starts_at": "2026-09-10T09:00",
            "ends_at": "2026-09-10T11:00", "place": "林场党员活动室", "chair_member_id": ids[0],
            "recorder_member_id": ids[0], "attendance": attendance, "agenda": [{"title": "防火方案"}],
            "votes": [{"subject": "通过秋季防火方案", "yes": present, "no": 0, "abstain": 0}],
            "resolutions": [{"text": "同意秋季防火方案", "vote_index": 0}]}
    return save_record(ledger, "meeting", body).envelope.record_id


def test_valid_meeting_and_passed_vote(ledger: Ledger) -> None:
    view = show_record(ledger, _congress(ledger, present=5))
    assert view.validity is not None and view.validity.valid
    assert (view.validity.present, view.validity.entitled) == (5, 5)
    [outcome] = view.outcomes
    assert outcome.passed and not outcome.void and outcome.yes == 5
    assert not view.errors
    data = view.to_json()
    assert data["validity"]["valid"] and data["votes"][0]["passed"]


def test_meeting_without_quorum_passes_nothing(ledger: Ledger) -> None:
    view = show_record(ledger, _congress(ledger, present=2))
    assert view.validity is not None and not view.validity.valid
    [outcome] = view.outcomes
    assert not outcome.passed
    assert any("会议无效" in v.message for v in view.violations)  # the rules say why (quorum not met)
