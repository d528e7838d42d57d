"""The registry and the single entry point validate_record (domain/rules/dispatch.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.enums import AttendanceStatus, MeetingFormat, VoteKind
from domain.records import RECORD_KINDS, Notice
from domain.rules.dispatch import CHECKS, check_record
from domain.validation import has_errors, validate_record
from domain.violations import Severity


def test_every_kind_with_rules_is_registered():
    assert set(CHECKS) == {"meeting", "member", "pioneer_post", "post_log", "post_evaluation"}
    assert set(CHECKS) <= set(RECORD_KINDS)


def test_kinds_without_rules_pass(build):
    assert check_record(Notice(title="通知", issued_on=dt.date(2026, 1, 1)), build.ctx()) == []


def test_wrong_body_type_is_refused(build):
    with pytest.raises(TypeError):
        CHECKS["member"][0](build.meeting(), build.ctx())


def test_validate_record_runs_the_meeting_rules_end_to_end(build):
    meeting = build.full_congress(absent=("f7",))
    data = meeting.model_dump(mode="json")
    data["format"] = MeetingFormat.ONLINE.value
    data["votes"] = [
        {
            "subject": "接收陈某为预备党员",
            "kind": VoteKind.ADMISSION.value,
            "method": "show_of_hands",
            "yes": 8,
        },
    ]
    data["attendance"][0].update(status=AttendanceStatus.ABSENT.value, reason="")  # absent, no reason
    body, violations = validate_record("meeting", data, build.ctx(), finalizing=True)
    assert body is not None
    found = {(v.field, v.severity) for v in violations}
    assert ("attendance.0.reason", Severity.ERROR) in found
    assert ("votes.0.method", Severity.WARNING) in found
    assert ("format", Severity.WARNING) in found
    assert ("chair_member_id", Severity.WARNING) in found  # the secretary chaired while marked absent
    assert has_errors(violations)


def test_completeness_errors_only_block_finalizing(build):
    data = build.meeting(present=("s",), chair_member_id="", place="").model_dump(mode="json")
    _, draft = validate_record("meeting", data, build.ctx())
    _, final = validate_record("meeting", data, build.ctx(), finalizing=True)
    missing = {"chair.missing", "place.missing"}
    assert missing <= {v.code for v in draft} and not has_errors(draft)
    assert missing <= {v.code for v in final if v.severity is Severity.ERROR}


def test_a_clean_meeting_has_no_violations(build):
    data = build.full_congress().model_dump(mode="json")
    data["votes"] = [{"subject": "通过年度计划", "yes": 10}]
    body, violations = validate_record("meeting", data, build.ctx())
    assert body is not None and violations == []


def test_member_rules_are_dispatched(build):
    data = {"name": "甲", "join_date": "2024-05-01", "full_member_date": "2024-01-01"}
    _, violations = validate_record("member", data, build.ctx())
    assert [v.code for v in violations] == ["member.full_before_join"]


def test_broken_data_blocks_even_a_draft(build):
    data = build.meeting(amendment_reason="记错人数").model_dump(mode="json")
    data["ends_at"] = "2026-06-06T08:00"
    _, draft = validate_record("meeting", data, build.ctx())
    assert {v.code for v in draft if v.severity is Severity.ERROR} == {
        "time.end_before_start",
        "amendment.no_target",
    }
