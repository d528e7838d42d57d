"""The conflict dialog's field logic (no widgets): differing fields, display, merge; times in the
conflict list and dialog; the period picker."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QApplication

from desktop_app.operations.conflicts import MISSING, field_rows, is_free_text, merge
from desktop_app.operations.printing import PrintRequest
from desktop_app.store.sync_state import Conflict, ConflictVersion
from desktop_app.ui.i18n import install_translator
from desktop_app.ui.printing.period_picker import PeriodPicker
from desktop_app.ui.session import Session
from desktop_app.ui.sync.conflict_dialog import ConflictDialog
from desktop_app.ui.sync.conflict_fields import display
from desktop_app.ui.sync.conflicts_model import ConflictListModel, last_edited
from desktop_app.ui.sync.controller import SyncController
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
    assert display(True) == "Yes" and display(False) == "No"  # English mode: no translator installed
    assert display(None) == "" and display(["甲", "乙"]) == "甲、乙"
    leave = display(B["attendance"], members, "attendance")
    assert leave.startswith("1. 王书记") and "值班" in leave
    assert display({"yes": 5, "subject": "发展党员"}) == "赞成票 5 · 发展党员"


def test_yes_and_no_follow_the_language(qapp: QApplication) -> None:
    install_translator(qapp, "zh_CN")
    try:
        assert (display(True), display(False)) == ("是", "否")
    finally:
        install_translator(qapp, "en")
    assert (display(True), display(False)) == ("Yes", "No")


@contextmanager
def time_zone(tz: str) -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = tz
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_edit_times_are_shown_in_local_time(session: Session, qtbot: Any) -> None:
    """Device times are stored in UTC; the clerk reads them on the local clock (here UTC+8)."""
    older = ConflictVersion("r1", A, "甲", "d1", "h1", "2026-10-14T23:50:00.000+00:00", None, False, True)
    newer = replace(older, rev="r2", body=B, author="乙", device_id="d2", device_time="2026-10-15T01:30:05.123+00:00",
                    is_server_current=False)
    conflict = Conflict("rec", "meeting", "支委会", [older, newer])
    with time_zone("CST-8"):
        assert last_edited(conflict) == "2026-10-15 09:30"
        model = ConflictListModel()
        model.set_rows([conflict])
        assert model.index(0, 3).data() == "2026-10-15 09:30" and model.index(0, 0).data() == "Meeting"
        dialog = ConflictDialog(session, SyncController(session), conflict)
        qtbot.addWidget(dialog)
        assert "甲, 2026-10-15 07:50" in dialog.version_title(0)
        assert "乙, 2026-10-15 09:30" in dialog.version_title(1)


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
