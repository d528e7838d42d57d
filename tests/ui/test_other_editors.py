"""Member, branch profile, 先锋岗 and evaluation editors, through the keyboard and mouse.

(The whole 先锋岗 flow — post, log entries, evaluation — is walked in tests/ui/acceptance/test_posts.py.)
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from desktop_app.ui.editors.evaluation import EvaluationEditor
from desktop_app.ui.editors.member import MemberEditor
from desktop_app.ui.editors.post import PostEditor
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from domain.records import BranchProfile, Member, PioneerPost
from tests.ui.clerk import Clerk, wait_until
from tests.ui.steps import button, go_to, open_from_list, problems, save

pytestmark = [pytest.mark.usefixtures("chinese")]


def test_member_editor_creates_and_updates(shell: ShellWindow, session: Session, clerk: Clerk) -> None:
    page = go_to(clerk, shell, "党员")
    assert shell.workspace is not None
    before = len(shell.workspace.editors)
    clerk.click(button(page, "新增党员"))
    editor = shell.workspace.editors[before]
    assert isinstance(editor, MemberEditor)
    save(clerk, editor)
    assert editor.record_id is None and editor.fields.bindings()["name"].label.isVisible()  # a name is needed
    clerk.fill(editor.name, "吴护林")
    clerk.choose(editor.gender, "男")
    clerk.choose(editor.status, "预备党员")
    clerk.fill(editor.join_date.line, "2025/7/1")
    clerk.choose(editor.party_group, "第二党小组")
    clerk.click(editor.posts["group_leader"])
    save(clerk, editor)
    assert editor.record_id is not None, problems(editor)
    body = session.read(lambda s: s.records.get(editor.record_id)).body
    assert isinstance(body, Member)
    assert body.name == "吴护林" and body.status.value == "probationary"
    assert body.join_date == dt.date(2025, 7, 1) and [p.value for p in body.posts] == ["group_leader"]
    clerk.fill(editor.phone, "13800000000")
    save(clerk, editor)
    assert len(session.read(lambda s: s.records.history(editor.record_id))) == 2
    wait_until(lambda: page.model.total == 1, 2000, "the roster list")


def test_branch_profile_editor(shell: ShellWindow, session: Session, clerk: Clerk) -> None:
    page = go_to(clerk, shell, "设置")
    assert shell.workspace is not None
    before = len(shell.workspace.editors)
    clerk.click(button(page, "编辑支部信息…"))
    editor = shell.workspace.editors[before]
    groups = editor.groups  # type: ignore[attr-defined]
    clerk.click(groups.add_button)
    clerk.fill_cell(groups.table, groups.row_count() - 1, 0, "第三党小组")
    clerk.fill(editor.records_since.line, "2025年1月1日")  # type: ignore[attr-defined]
    save(clerk, editor)
    body = session.read(lambda s: s.records.branch_profile())[1]  # type: ignore[index]
    assert isinstance(body, BranchProfile) and body.party_groups[-1] == "第三党小组"
    assert body.records_since == dt.date(2025, 1, 1)


def test_post_editor_keeps_holders_who_left_the_active_roster(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk
) -> None:
    """A transferred-out holder is shown, stays ticked, and is saved (it was silently dropped)."""
    with session.lock:
        records = session.store.records
        moved = records.create("member", {"name": "调出党员", "state": "transferred_out"}, author="t").record_id
        records.create(
            "pioneer_post",
            {"name": "防火瞭望岗", "category": "watchtower", "holder_member_ids": [roster["钱党员"], moved]},
            author="t",
        )
    page = go_to(clerk, shell, "先锋岗")
    session.notify("pioneer_post")  # written behind the window's back: tell it, as every write does
    editor = open_from_list(clerk, shell, page.posts, "防火瞭望岗")
    assert isinstance(editor, PostEditor)
    shown = {editor.holders.item(i).data(Qt.ItemDataRole.UserRole): editor.holders.item(i)
             for i in range(editor.holders.count())}
    assert shown[moved].checkState() == Qt.CheckState.Checked and "调出党员" in shown[moved].text()
    clerk.fill(editor.scope, "3号瞭望塔")
    save(clerk, editor)
    body = session.read(lambda s: s.records.get(editor.record_id)).body
    assert isinstance(body, PioneerPost)
    assert body.holder_member_ids == [roster["钱党员"], moved] and body.scope == "3号瞭望塔"


def test_evaluation_refuses_a_period_that_is_not_one(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk
) -> None:
    with session.lock:
        session.store.records.create("pioneer_post", {"name": "防火瞭望岗"}, author="t")
    page = go_to(clerk, shell, "先锋岗")
    session.notify("pioneer_post")  # written behind the window's back: tell it, as every write does
    wait_until(lambda: page.posts_model.rowCount() == 1, 5000, "the list")
    clerk.click(page.posts.viewport(), page.posts.visualRect(page.posts_model.index(0, 0)).center())
    tabs = page.tabs.tabBar()
    clerk.click(tabs, tabs.tabRect(1).center())
    assert shell.workspace is not None
    before = len(shell.workspace.editors)
    clerk.click(page.new_eval)
    evaluation = shell.workspace.editors[before]
    assert isinstance(evaluation, EvaluationEditor)
    clerk.fill(evaluation.period, "2026年二季度")  # not a period code
    clerk.fill(evaluation.score.lineEdit(), "92")
    save(clerk, evaluation)
    assert evaluation.record_id is None
    assert evaluation.fields.bindings()["period"].label.isVisible()
    clerk.fill(evaluation.period, "2026-Q2")
    save(clerk, evaluation)
    assert evaluation.record_id is not None, problems(evaluation)
