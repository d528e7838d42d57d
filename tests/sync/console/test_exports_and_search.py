"""Exports (.xlsx, CSV with BOM) carry the filters on screen; search finds Chinese text on both
databases; the roster upload is all-or-nothing with a per-row report; the console PDF is the
client's PDF."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from desktop_app.print_jobs import minutes_input as client_minutes_input
from printing import render_minutes
from sync.server.console.search import document, query_terms
from sync.server.findings import branch_members
from tests.printing.pdf import norm, pdf_text
from tests.sync.console.test_review_loop import branch_with_meeting
from tests.sync.hq import HeadOfficeFixture


def test_exports_carry_the_filters(console: HeadOfficeFixture, new_laptop: Any, user: Any) -> None:
    laptop = new_laptop(profile={"name": "第一支部"})
    branch_with_meeting(laptop)
    laptop.sync()
    reviewer = user("shen")
    sheet = reviewer.get("/console/matrix.xlsx?year=2026&part=Q4&org=c")
    assert sheet.status_code == 200 and "spreadsheetml" in sheet.headers["content-type"]
    book = load_workbook(io.BytesIO(sheet.content))
    rows = [tuple(c for c in row if c is not None) for row in book.active.iter_rows(values_only=True)]
    assert rows[0] == ("三会一课完成情况", "2026年第四季度") and ("范围", "林业二级党委") in rows
    header = next(i for i, r in enumerate(rows) if r and r[0] == "上级组织")
    assert [r[1] for r in rows[header + 1:]] == ["第一支部", "第二支部"]
    assert rows[header + 1][2].startswith("已完成")
    csv = reviewer.get("/console/branches/b1/records.csv?type=party_congress&status=final")
    assert csv.content.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM for Excel and WPS"
    text = csv.content.decode("utf-8-sig")
    assert "会议类型,支部党员大会" in text and "状态,定稿" in text and "第四季度支部党员大会" in text
    assert text.count("\n第一支部,") == 1
    audit = user("admin").get("/console/audit?action=export").text
    assert "matrix 2026-Q4" in audit and "records b1" in audit


def test_search_tokens_are_the_same_for_documents_and_queries() -> None:
    doc = document("关于森林防火的决议 2026年 Fire")
    assert doc.split() == ["关于", "于森", "森林", "林防", "防火", "火的", "的决", "决议", "议", "2026", "年", "fire"]
    assert query_terms("森林防火 王 fire") == [(["森林", "林防", "防火"], False), (["王"], True), (["fire"], True)]


def test_search_finds_records_in_scope(console: HeadOfficeFixture, new_laptop: Any, user: Any) -> None:
    laptop = new_laptop(profile={"name": "第一支部"})
    branch_with_meeting(laptop)
    laptop.sync()
    reviewer = user("shen")
    for term, hit in (("秋防工作方案", True), ("秋防 方案", True), ("王", True), ("赵宣传", True), ("秋防队伍", False)):
        page = reviewer.get("/console/search", params={"q": term}).text
        assert ("第四季度支部党员大会" in page) is hit, term


def test_roster_upload_is_all_or_nothing(console: HeadOfficeFixture, new_laptop: Any, user: Any,
                                         tmp_path: Path) -> None:
    laptop = new_laptop(profile={"name": "第一支部", "party_groups": ["第一党小组"]})
    branch_with_meeting(laptop)
    laptop.sync()
    reviewer = user("shen")
    bad = ("姓名,党员类别,入党日期,党小组\n新党员甲,正式党员,2020-07-01,第一党小组\n,正式党员,2020-07-01,\n"
           "新党员乙,党员,2020-13-01,\n")
    reply = reviewer.post("/console/roster", {"branch": "b1"}, files={"file": ("名册.csv", bad.encode("utf-8-sig"))})
    assert reply.status_code == 400 and "名册未下发" in reply.text
    assert "第 3 行" in reply.text and "第 4 行" in reply.text
    with console.office.engine.begin() as conn:
        assert "新党员甲" not in {m.name for m in branch_members(conn, "b1").values()}, "nothing was sent"
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "党员类别", "入党日期", "职务"])
    sheet.append(["新党员甲", "预备党员", "2026-07-01", ""])
    sheet.append(["钱党员", "正式党员", "2010-07-01", "纪检委员"])
    path = tmp_path / "名册.xlsx"
    book.save(path)
    reply = reviewer.post("/console/roster", {"branch": "b1"}, files={"file": ("名册.xlsx", path.read_bytes())})
    assert reply.status_code == 200 and "新增 1 人，更新 1 人" in reply.text
    laptop.sync()
    members = {m.name: m for m in laptop.store.records.members().values()}
    assert members["新党员甲"].status.value == "probationary"
    assert [p.value for p in members["钱党员"].posts] == ["discipline"] and members["钱党员"].join_date is not None


def test_head_office_prints_the_pdf_the_clerk_prints(console: HeadOfficeFixture, new_laptop: Any, user: Any,
                                                     tmp_path: Path) -> None:
    laptop = new_laptop(profile={"name": "第一支部", "has_committee": True})
    meeting, _ids = branch_with_meeting(laptop)
    laptop.sync()
    clerk = render_minutes(client_minutes_input(laptop.store, meeting)).data
    reply = user("shen").get(f"/console/branches/b1/records/{meeting}/pdf")
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/pdf"
    assert reply.content == clerk, "same renderer, same inputs: the same bytes"
    text = norm(pdf_text(reply.content, tmp_path))
    assert "第一支部支部党员大会会议记录" in text and "表决结果：通过" in text


def test_a_late_entry_prints_the_same_note_at_head_office(console: HeadOfficeFixture, new_laptop: Any, user: Any,
                                                          tmp_path: Path) -> None:
    """补录 (domain.late_entry): the day entered is the first save on the laptop and the first
    revision at head office — the same day, so the same bytes."""
    laptop = new_laptop(profile={"name": "第一支部", "has_committee": True, "records_since": "2099-01-01"})
    meeting, _ids = branch_with_meeting(laptop)
    laptop.sync()
    clerk = render_minutes(client_minutes_input(laptop.store, meeting)).data
    reply = user("shen").get(f"/console/branches/b1/records/{meeting}/pdf")
    assert reply.status_code == 200 and reply.content == clerk
    text = norm(pdf_text(reply.content, tmp_path))
    assert "补录记录：本次会议于" in text and "早于本支部台账起始日期（2099年1月1日）" in text
