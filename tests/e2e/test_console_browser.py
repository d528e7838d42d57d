"""A head-office reviewer in a real browser and a clerk in the real client window (issue 13).

Log in, read the matrix, open a record, print it and read the PDF back, return it; the clerk
syncs, sees the return in the window, amends, syncs; the reviewer sees the correction. A branch of
another subtree holds a different record under the same id (ids are per branch): its reviewer
opens that one, never the first branch's, whose URL is a 404 for them. Every page is photographed at 1366×768.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.print_jobs import print_minutes
from desktop_app.ui.editors.meeting import MeetingEditor
from desktop_app.ui.pages.overview import OverviewPage
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from sync.server import orgs
from sync.server.console.users import add_user
from tests.e2e.conftest import VIEWPORT
from tests.sync.console.conftest import PASSWORD
from tests.sync.hq import HeadOfficeFixture
from tests.ui.clerk import Clerk
from tests.ui.steps import go_to, toolbar_button
from tests.ui.test_review_loop import final_meeting
from tests.ui.test_sync import enrol_from_page, sync_now, sync_page, workspace_of


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HeadOfficeFixture]:
    fixture = HeadOfficeFixture.start(f"sqlite:///{tmp_path / 'hq.sqlite3'}", backend="sqlite")
    fixture.office.call(orgs.add_unit, "矿区二级党委", "committee", "g", "c2")
    fixture.office.call(orgs.add_unit, "第三支部", "branch", "c2", "b3")
    fixture.office.call(add_user, "shen", "reviewer", PASSWORD, org="c", display_name="审核员沈")
    fixture.office.call(add_user, "kan", "reviewer", PASSWORD, org="c2", display_name="审核员阚")
    try:
        yield fixture
    finally:
        fixture.stop()


def login(browser: Any, hq: HeadOfficeFixture, name: str) -> Any:
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.goto(hq.base_url + "/")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/matrix")
    return page


def pdf_text(data: bytes, tmp: Path) -> str:
    path = tmp / "console.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return "".join(out.stdout.split())


def test_review_loop_between_browser_and_client_window(
    browser: Any, shell: ShellWindow, session: Session, roster: dict[str, str], hq: HeadOfficeFixture,
    qtbot: Any, shots: Path, tmp_path: Path, clerk: Clerk,
) -> None:
    sync = sync_page(clerk, shell, qtbot)
    enrol_from_page(clerk, sync, hq, qtbot)
    meeting = final_meeting(session, roster)
    sync_now(clerk, sync, qtbot)
    # Another subtree's branch holds a record of its own under the same id (ids are per branch).
    mine = hq.device("b3", name="矿区电脑")
    mine.state.finalize(mine.state.create("meeting", {
        "meeting_type": "party_congress", "title": "矿区第三支部党员大会", "starts_at": "2026-10-16T09:00:00",
        "discussion": "矿井通风安全"}, record_id=meeting))
    assert mine.sync().accepted == 2

    page = login(browser, hq, "shen")
    page.screenshot(path=str(shots / "01-matrix.png"), full_page=True)
    row = page.locator('#matrix tr[data-branch="b1"]')
    assert "已完成" in row.locator("td").nth(1).inner_text(), "the finalized, valid 党员大会 counts"
    assert page.locator('#matrix tr[data-branch="b3"]').count() == 0, "another subtree is not listed"
    page.click('#matrix a[href="/console/branches/b1"]')
    page.wait_for_selector("#members")
    page.screenshot(path=str(shots / "02-branch.png"), full_page=True)
    page.click(f'#records a[href="/console/branches/b1/records/{meeting}"]')
    page.wait_for_selector("#minutes")
    assert "会议有效" in page.inner_text("#validity")
    page.screenshot(path=str(shots / "03-record.png"), full_page=True)

    # 打印: the link gives the same PDF the clerk prints.
    href = page.get_attribute("#print-pdf", "href")
    reply = page.context.request.get(hq.base_url + str(href))
    assert reply.ok and reply.headers["content-type"] == "application/pdf"
    with session.lock:
        printed = print_minutes(session.store, meeting, None).data
    assert reply.body() == printed
    text = pdf_text(reply.body(), tmp_path)
    assert "毕拉河林场党支部支部党员大会会议记录" in text and "会议有效" in text

    assert "矿井通风" not in page.content()
    page.fill("#comment", "缺少会议议题，请补充后更正。")
    page.click('#review-form button[value="returned"]')
    page.wait_for_selector("text=已退回修改。意见将在支部下次同步时送达")
    page.screenshot(path=str(shots / "04-returned.png"), full_page=True)
    mine.sync()
    assert not [r for r in mine.state.records.values() if r.kind == "review"], "the return went to b1 only"

    # The clerk syncs, sees the return on 概览 and on the record, and corrects it.
    sync_now(clerk, sync, qtbot)
    workspace = workspace_of(shell)
    overview = go_to(clerk, shell, "Overview")
    assert isinstance(overview, OverviewPage)
    qtbot.waitUntil(lambda: overview.returns.isVisible(), timeout=5_000)
    item = overview.returns.list.item(0)
    assert "缺少会议议题" in item.text()
    shell.grab().save(str(shots / "05-client-overview.png"))
    clerk.double_click(overview.returns.list.viewport(), overview.returns.list.visualItemRect(item).center())
    qtbot.waitUntil(lambda: any(e.record_id == meeting for e in workspace.editors), timeout=5_000)
    editor = next(e for e in workspace.editors if e.record_id == meeting)
    assert isinstance(editor, MeetingEditor) and "缺少会议议题" in editor.review_banner.label.text()
    editor.grab().save(str(shots / "06-client-record.png"))
    with clerk.on_dialog(clerk.enter_text("按总部意见补充会议议题", "OK")):  # the reason, in its own dialog
        clerk.click(editor.review_banner.amend_button)
    qtbot.waitUntil(lambda: any(e.amend_of == meeting for e in workspace.editors), timeout=5_000)
    amendment = next(e for e in workspace.editors if e.amend_of == meeting)
    assert isinstance(amendment, MeetingEditor)
    clerk.fill(amendment.place, "Room 2")
    with clerk.on_dialog(clerk.press("Finalize")):  # 定稿, confirmed in its own box
        clerk.click(toolbar_button(amendment, "Finalize"))
    qtbot.waitUntil(lambda: amendment.status_final, timeout=5_000)
    sync_now(clerk, sync, qtbot)

    # Head office sees the correction, linked to the return.
    page.reload()
    link = page.locator("#amendment a")
    assert link.count() == 1
    link.click()
    page.wait_for_selector("#minutes")
    assert "原记录曾被总部退回修改" in page.inner_text("main") and "Room 2" in page.inner_text("#minutes")
    page.screenshot(path=str(shots / "07-correction.png"), full_page=True)
    page.goto(hq.base_url + "/console/reviews")
    page.screenshot(path=str(shots / "08-reviews.png"), full_page=True)
    page.goto(hq.base_url + "/console/search?q=党员大会")
    assert page.locator("#hits tr[data-record]").count() == 2
    page.screenshot(path=str(shots / "09-search.png"), full_page=True)
    page.goto(hq.base_url + "/console/notices")
    page.screenshot(path=str(shots / "10-notices.png"), full_page=True)
    page.context.close()

    # A reviewer of another subtree opens its own branch's record of that id from the branch page;
    # b1's record by URL is a 404, nothing of it shows.
    other = login(browser, hq, "kan")
    other.click('#matrix a[href="/console/branches/b3"]')
    other.click(f'#records a[href="/console/branches/b3/records/{meeting}"]')
    other.wait_for_selector("#minutes")
    assert "矿井通风安全" in other.inner_text("#minutes") and "林场党员活动室" not in other.content()
    assert "已退回修改" not in other.inner_text("main")
    other.screenshot(path=str(shots / "11-same-id-other-branch.png"), full_page=True)
    response = other.goto(hq.base_url + f"/console/branches/b1/records/{meeting}")
    assert response is not None and response.status == 404
    assert "第四季度支部党员大会" not in other.content() and "找不到" in other.inner_text("main")
    other.screenshot(path=str(shots / "12-out-of-scope.png"), full_page=True)
    assert other.goto(hq.base_url + f"/console/branches/b1/records/{meeting}/pdf").status == 404  # type: ignore[union-attr]
    other.context.close()
