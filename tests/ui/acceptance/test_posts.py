"""A 先锋岗 with its holder, duties and a pledge, two log entries and an evaluation with stars."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from domain.records import PioneerPost, PostEvaluation, PostLogEntry
from tests.ui.clerk import Clerk, wait_until
from tests.ui.steps import button, finalize, go_to, problems, save


def test_pioneer_post_with_logs_and_evaluation(
    window: ShellWindow, branch: tuple[Session, dict[str, str]], clerk: Clerk, tmp_path: Path
) -> None:
    session, ids = branch
    page = go_to(clerk, window, "先锋岗")
    assert window.workspace is not None
    before = len(window.workspace.editors)
    clerk.click(button(page, "新建先锋岗"))
    post = window.workspace.editors[before]
    clerk.fill(post.name, "3号瞭望塔党员先锋岗")  # type: ignore[attr-defined]
    clerk.choose(post.category, "瞭望值守")  # type: ignore[attr-defined]
    holders = post.holders  # type: ignore[attr-defined]
    item = next(holders.item(i) for i in range(holders.count()) if holders.item(i).text() == "钱党员")
    rect = holders.visualItemRect(item)
    clerk.click(holders.viewport(), rect.topLeft() + type(rect.topLeft())(10, rect.height() // 2))
    assert item.checkState() == Qt.CheckState.Checked
    duties = post.duties  # type: ignore[attr-defined]
    clerk.click(duties.add_button)
    clerk.fill_cell(duties.table, 0, 0, "每日瞭望值守，及时报告火情")
    pledges = post.pledges  # type: ignore[attr-defined]
    clerk.click(pledges.add_button)
    clerk.fill_cell(pledges.table, 0, 0, "防火期零火情")
    clerk.fill_cell(pledges.table, 0, 1, "2026年10月31日")
    clerk.cell_choose(pledges.table, 0, 2, "钱党员")
    save(clerk, post)
    assert post.record_id is not None, problems(post)
    body = session.read(lambda s: s.records.get(post.record_id)).body
    assert isinstance(body, PioneerPost) and body.holder_member_ids == [ids["钱党员"]]
    assert body.pledges[0].deadline is not None and body.pledges[0].deadline.isoformat() == "2026-10-31"

    # Select the post in the list; its work log and evaluations are on the right.
    row = next(r for r in range(page.posts_model.rowCount()) if page.posts_model.summary(r).title == body.name)
    clerk.click(page.posts.viewport(), page.posts.visualRect(page.posts_model.index(row, 0)).center())
    assert page.new_log.isEnabled()
    for day, text in (("2026/5/1", "瞭望值守，未发现火情"), ("2026年5月2日", "发现烟点一处并及时报告")):
        count = len(window.workspace.editors)
        clerk.click(page.new_log)
        log = window.workspace.editors[count]
        assert log.post.currentText() == body.name  # type: ignore[attr-defined]
        clerk.choose(log.member, "钱党员")  # type: ignore[attr-defined]
        clerk.fill(log.date.line, day)  # type: ignore[attr-defined]
        clerk.choose(log.category, "瞭望值守")  # type: ignore[attr-defined]
        clerk.fill(log.hours.lineEdit(), "8")  # type: ignore[attr-defined]
        clerk.fill(log.description, text)  # type: ignore[attr-defined]
        finalize(clerk, log)
        entry = session.read(lambda s, rid=log.record_id: s.records.get(rid)).body
        assert isinstance(entry, PostLogEntry) and entry.description == text
    wait_until(lambda: page.logs_model.total == 2, 3000, "the work log")

    tabs = page.tabs.tabBar()
    clerk.click(tabs, tabs.tabRect(1).center())
    count = len(window.workspace.editors)
    clerk.click(page.new_eval)
    evaluation = window.workspace.editors[count]
    clerk.choose(evaluation.member, "钱党员")  # type: ignore[attr-defined]
    clerk.fill(evaluation.period, "2026-Q2")  # type: ignore[attr-defined]
    clerk.fill(evaluation.score.lineEdit(), "92")  # type: ignore[attr-defined]
    clerk.key(Qt.Key.Key_Tab)
    assert evaluation.stars.text() == "★★★★★"  # type: ignore[attr-defined]
    finalize(clerk, evaluation)
    result = session.read(lambda s: s.records.get(evaluation.record_id)).body
    assert isinstance(result, PostEvaluation) and result.score == 92
    wait_until(lambda: page.evals_model.total == 1, 3000, "the evaluations")
    assert "履岗记录 2 条，评价 1 条" in page.selected_label.text()
