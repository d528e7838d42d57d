"""补录 on paper: minutes and 台账 of a meeting dated before the branch's 台账起始日期 say so."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from domain.enums import RecordStatus
from printing.fonts import FontSet
from printing.inputs import LedgerInput, MinutesInput
from printing.ledger import render_ledger
from printing.minutes import render_minutes
from testsupport import print_samples as samples

from .pdf import norm, pdf_text


def _minutes(records_since: dt.date | None) -> MinutesInput:
    data = samples.minutes_input(samples.congress(), RecordStatus.FINAL, "r1")
    return dataclasses.replace(
        data,
        branch=samples.BRANCH.model_copy(update={"records_since": records_since}),
        entered_at=dt.datetime(2025, 9, 2, 10, 30),
    )


def test_minutes_of_an_earlier_meeting_carry_the_note_with_the_day_entered(tmp_path: Path, fonts: FontSet) -> None:
    data = _minutes(dt.date(2025, 7, 1))
    day = data.meeting.starts_at.date()
    assert day < dt.date(2025, 7, 1) and data.entered_later
    render_minutes(data, tmp_path / "m.pdf", fonts=fonts)
    text = norm(pdf_text(tmp_path / "m.pdf", tmp_path))
    assert (f"补录记录：本次会议于{day.year}年{day.month}月{day.day}日召开，早于本支部台账起始日期"
            "（2025年7月1日），系2025年9月2日根据原始记录补录入台账。") in text
    assert "定稿·补录" in text  # the identity line under the page number too


def test_minutes_within_the_ledger_have_no_note(tmp_path: Path, fonts: FontSet) -> None:
    for since in (None, dt.date(2025, 1, 1)):
        data = _minutes(since)
        assert not data.entered_later
        render_minutes(data, tmp_path / "m.pdf", fonts=fonts)
        assert "补录" not in pdf_text(tmp_path / "m.pdf", tmp_path)


def test_the_ledger_marks_the_earlier_meetings(tmp_path: Path, fonts: FontSet) -> None:
    branch = samples.BRANCH.model_copy(update={"records_since": dt.date(2025, 6, 5)})
    records = [
        dataclasses.replace(samples.minutes_input(m, RecordStatus.FINAL, f"r{i}"), branch=branch)
        for i, m in enumerate(samples.all_meetings())
    ]
    data = LedgerInput(branch=branch, period="2025-Q2", records=records, members=samples.MEMBERS,
                       today=dt.date(2025, 6, 30), include_minutes=False)
    render_ledger(data, tmp_path / "l.pdf", fonts=fonts)
    text = norm(pdf_text(tmp_path / "l.pdf", tmp_path))
    in_quarter = [r for r in records if dt.date(2025, 4, 1) <= r.meeting.starts_at.date() <= dt.date(2025, 6, 30)]
    late = [r for r in in_quarter if r.entered_later]
    assert late and len(late) < len(in_quarter)  # some before 6 June, some after
    assert text.count("定稿（补录）") == len(late)
    assert "状态栏标“补录”的活动早于本支部台账起始日期（2025年6月5日），系事后补录。" in text
