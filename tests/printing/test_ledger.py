"""台账: compliance summary from domain.compliance, activity lines, full minutes, 先锋岗, numbering."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from domain.compliance import MeetingFact, compliance_status
from domain.enums import RecordStatus
from printing.fonts import FontSet
from printing.inputs import LedgerInput
from printing.ledger import render_ledger
from testsupport import print_samples as samples

from .pdf import big_words, has_row, norm, pdf_info, pdf_text


def _ledger(**changes: object) -> LedgerInput:
    records = [
        samples.minutes_input(
            m, RecordStatus.DRAFT if m.meeting_type.value == "lecture" else RecordStatus.FINAL, f"r{i}"
        )
        for i, m in enumerate(samples.all_meetings())
    ]
    data = LedgerInput(
        branch=samples.BRANCH,
        period="2025-Q2",
        records=records,
        members=samples.MEMBERS,
        posts=[samples.post_report_input()],
        today=dt.date(2025, 6, 30),
    )
    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


def test_summary_lists_compliance_and_activities(tmp_path: Path, fonts: FontSet) -> None:
    data = _ledger()
    path = tmp_path / "l.pdf"
    render_ledger(data, path, fonts=fonts)
    report = compliance_status(
        samples.BRANCH,
        [MeetingFact.from_meeting(r.meeting, samples.MEMBERS) for r in data.records],
        "2025-Q2",
        dt.date(2025, 6, 30),
        members=samples.MEMBERS,
    )
    first = norm(pdf_text(path, tmp_path, page=1) + pdf_text(path, tmp_path, page=2))
    assert "毕拉河林业局第一林场党支部党建工作台账" in first
    assert "（2025年第二季度）" in first
    assert "台账期间：2025年4月1日至2025年6月30日" in first
    for number, req in enumerate(report.requirements, start=1):
        cells = [str(number), req.label_zh, str(req.required), str(req.done), req.state.label]
        if req.state.value == "not_applicable":
            cells[2:4] = ["—", "—"]
        assert has_row(first, cells), cells
    assert report.requirements[0].done == 1  # the 党员大会 of 6 June
    assert "本期共开展活动5次。" in first  # the December records are outside the quarter
    for row in [
        ["1", "2025-06-03", "支部委员会会议", "2025年6月支部委员会会议", "4/5", "定稿"],
        ["2", "2025-06-06", "支部党员大会", "2025年第二季度支部党员大会", "10/12", "定稿"],
        ["3", "2025-06-12", "党小组会（第一党小组）", "第一党小组6月党小组会", "5/6", "定稿"],
        ["4", "2025-06-20", "党课", "2025年第二季度党课：守护绿水青山，争当护林先锋", "11/12", "草稿"],
        ["5", "2025-06-27", "主题党日", "6月主题党日：重温入党誓词，争当防火先锋", "11/12", "定稿"],
        ["1", "一号瞭望塔党员先锋岗", "瞭望值守", "赵志强、孙丽", "2", "赵志强92分（5星）", "孙丽78分（3星）"],
    ]:
        assert has_row(first, row), row
    assert "2025年度组织生活会" not in first


def test_full_minutes_follow_with_watermark_only_on_drafts(tmp_path: Path, fonts: FontSet) -> None:
    path = tmp_path / "l.pdf"
    result = render_ledger(_ledger(), path, fonts=fonts)
    pages = int(pdf_info(path, tmp_path)["Pages"])
    assert result.pages == pages
    titles = {}
    for page in range(1, pages + 1):
        text = norm(pdf_text(path, tmp_path, page=page))
        assert f"第{page}页共{pages}页" in text
        for title in (
            "支部委员会会议记录",
            "支部党员大会会议记录",
            "党课记录",
            "主题党日活动记录",
            "党员先锋岗工作台账",
        ):
            if title in text and title not in titles:
                titles[title] = page
        lecture_pages = "党课记录" in text or ("守护绿水青山" in text and "授课人" in text)
        assert bool(big_words(path, tmp_path, page)) == lecture_pages, page
    assert list(titles) == [
        "支部委员会会议记录",
        "支部党员大会会议记录",
        "党课记录",
        "主题党日活动记录",
        "党员先锋岗工作台账",
    ]
    assert result.warnings == ["台账中有1份草稿记录（已加“草稿”水印）"]


def test_summary_only(tmp_path: Path, fonts: FontSet) -> None:
    full = render_ledger(_ledger(), None, fonts=fonts)
    short = render_ledger(_ledger(include_minutes=False, posts=[]), None, fonts=fonts)
    assert short.pages < full.pages
    assert short.data is not None
    text = norm(pdf_text(short.data, tmp_path))
    assert "会议议题" not in text and "三、党员先锋岗" not in text


def test_an_amendment_replaces_its_original_in_the_compliance_count(tmp_path: Path, fonts: FontSet) -> None:
    original = samples.minutes_input(samples.congress(), record_id="orig")
    amended = samples.minutes_input(
        samples.congress().model_copy(update={"amends_record_id": "orig", "amendment_reason": "更正"}),
        record_id="amend",
    )
    data = _ledger(records=[original, amended], posts=[], include_minutes=False)
    render_ledger(data, tmp_path / "a.pdf", fonts=fonts)
    text = norm(pdf_text(tmp_path / "a.pdf", tmp_path))
    assert has_row(text, ["1", "支部党员大会（每季度至少1次）", "1", "1", "已完成"])
    assert "定稿（更正）" in text


def test_a_past_period_names_its_own_last_activity_not_days_before_the_print(tmp_path: Path, fonts: FontSet) -> None:
    current = tmp_path / "current.pdf"
    render_ledger(_ledger(), current, fonts=fonts)
    assert "最近一次活动：2025年6月27日（3天前）" in norm(pdf_text(current, tmp_path, page=2)
                                                   + pdf_text(current, tmp_path, page=1))
    # Printed long after the quarter, with the December records (outside it) in the store.
    past = tmp_path / "past.pdf"
    render_ledger(_ledger(today=dt.date(2026, 12, 1)), past, fonts=fonts)
    text = norm(pdf_text(past, tmp_path, page=1) + pdf_text(past, tmp_path, page=2))
    assert "本期最后一次活动：2025年6月27日。" in text
    assert "天前" not in text
