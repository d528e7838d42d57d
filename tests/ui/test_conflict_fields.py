"""The conflict dialog's field logic (no widgets): differing fields, display, merge; the period picker."""

from __future__ import annotations

from typing import Any

from desktop_app.ui.printing.documents import PrintRequest
from desktop_app.ui.printing.period_picker import PeriodPicker
from desktop_app.ui.sync.conflict_fields import MISSING, display, field_rows, is_free_text, merge
from domain.records import Member

A = {"meeting_type": "committee", "title": "支委会", "starts_at": "2026-10-15T09:00:00", "place": "会议室",
     "chair_member_id": "m1", "attendance": [{"member_id": "m1", "status": "present"}], "discussion": "甲"}
B = {**A, "place": "瞭望塔", "attendance": [{"member_id": "m1", "status": "leave", "reason": "值班"}],
     "open_issues": "乙"}


def test_rows_follow_the_model_and_mark_differences() -> None:
    rows = {r.key: r for r in field_rows("meeting", [A, B])}
    assert list(rows)[:3] == ["meeting_type", "title", "starts_at"]  # the record's own field order
    assert {k for k, r in rows.items() if r.differs} == {"place", "attendance", "open_issues"}
    assert rows["place"].label == "地点" and rows["open_issues"].values == [MISSING, "乙"]
    assert rows["place"].text_field and not rows["meeting_type"].text_field
    assert not rows["chair_member_id"].text_field and not rows["starts_at"].text_field
    assert "ends_at" not in rows  # empty in every version
    assert is_free_text("member", "name") and not is_free_text("member", "join_date")


def test_values_read_like_the_clerk_writes_them() -> None:
    members: dict[str, Any] = {"m1": Member(name="王书记")}
    assert display("m1", members, "chair_member_id") == "王书记"
    assert display("2026-10-15T09:00:00", members, "starts_at") == "2026-10-15 09:00"
    assert display(True) == "是" and display(None) == "" and display(["甲", "乙"]) == "甲、乙"
    leave = display(B["attendance"], members, "attendance")
    assert leave.startswith("1. 王书记") and "值班" in leave
    assert display({"yes": 5, "subject": "发展党员"}) == "赞成票 5 · 发展党员"


def test_merge_takes_each_field_from_the_chosen_version() -> None:
    merged = merge([A, B], {"place": 1, "attendance": 0, "open_issues": 0}, {"discussion": "甲乙"}, base=0)
    assert merged["place"] == "瞭望塔" and merged["attendance"] == A["attendance"]
    assert "open_issues" not in merged and merged["discussion"] == "甲乙"
    assert A["place"] == "会议室"  # the versions themselves are untouched


def test_period_picker_codes(qtbot: Any) -> None:
    picker = PeriodPicker()
    qtbot.addWidget(picker)
    for code in ("2026", "2025-Q3", "2024-02"):
        picker.set_period(code)
        assert picker.period_code() == code
    whole = PeriodPicker(allow_all=True)
    qtbot.addWidget(whole)
    assert whole.period_code() is None
    assert PrintRequest.ledger("2026-q4").target == "2026-Q4"
    assert PrintRequest.minutes("r1", "支委会 / 第3次").suggested_file_name() == "支委会_第3次-会议记录.pdf"
