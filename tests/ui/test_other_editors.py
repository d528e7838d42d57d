"""Member, branch profile, 先锋岗, work-log and evaluation editors over a real store."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from desktop_app.ui.editors.evaluation import EvaluationEditor
from desktop_app.ui.editors.member import MemberEditor
from desktop_app.ui.editors.post import PostEditor
from desktop_app.ui.editors.post_log import PostLogEditor
from desktop_app.ui.pages.posts import PostsPage
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from domain.enums import RecordStatus
from domain.records import BranchProfile, Member, PioneerPost, PostEvaluation, PostLogEntry


def test_member_editor_creates_and_updates(shell: ShellWindow, session: Session, qtbot: Any) -> None:
    assert shell.workspace is not None
    editor = shell.workspace.open_editor("member")
    assert isinstance(editor, MemberEditor)
    qtbot.addWidget(editor)
    assert not editor.save()  # a member needs a name
    assert editor.fields._bindings["name"].label.isVisibleTo(editor)
    editor.name.setText("吴护林")
    editor.gender.set_value("male")
    editor.status.set_value("probationary")
    editor.join_date.set_value("2025-07-01")
    editor.party_group.setCurrentText("第二党小组")
    editor.posts["group_leader"].setChecked(True)
    assert editor.save()
    body = session.read(lambda s: s.records.get(editor.record_id)).body
    assert isinstance(body, Member)
    assert body.name == "吴护林" and body.status.value == "probationary"
    assert body.join_date is not None and body.join_date.isoformat() == "2025-07-01"
    assert [p.value for p in body.posts] == ["group_leader"]
    editor.phone.setText("13800000000")
    assert editor.save()
    assert len(session.read(lambda s: s.records.history(editor.record_id))) == 2
    # The roster page shows the new member.
    page = shell.workspace.show_page("members")
    assert page.model.total == 1


def test_branch_profile_editor(shell: ShellWindow, session: Session, qtbot: Any) -> None:
    assert shell.workspace is not None
    profile = session.read(lambda s: s.records.branch_profile())
    assert profile is not None
    editor = shell.workspace.open_editor("branch_profile", profile[0])
    assert editor is not None
    qtbot.addWidget(editor)
    editor.groups.add_row({"name": "第三党小组"})  # type: ignore[attr-defined]
    assert editor.save()
    body = session.read(lambda s: s.records.branch_profile())[1]  # type: ignore[index]
    assert isinstance(body, BranchProfile) and body.party_groups[-1] == "第三党小组"


def test_post_log_and_evaluation(shell: ShellWindow, session: Session, roster: dict[str, str], qtbot: Any) -> None:
    assert shell.workspace is not None
    post = shell.workspace.open_editor("pioneer_post")
    assert isinstance(post, PostEditor)
    qtbot.addWidget(post)
    post.name.setText("3号瞭望塔党员先锋岗")
    post.category.set_value("watchtower")
    for i in range(post.holders.count()):
        item = post.holders.item(i)
        if item.data(Qt.ItemDataRole.UserRole) == roster["钱党员"]:
            item.setCheckState(Qt.CheckState.Checked)
    post.duties.add_row({"text": "每日瞭望值守"})
    post.pledges.add_row({"content": "防火期零火情", "deadline": "2026-10-31", "owner_member_id": roster["钱党员"]})
    assert post.save(), [post.problems.item(i).text() for i in range(post.problems.count())]
    body = session.read(lambda s: s.records.get(post.record_id)).body
    assert isinstance(body, PioneerPost)
    assert body.holder_member_ids == [roster["钱党员"]] and body.pledges[0].deadline is not None

    page = shell.workspace.show_page("posts")
    assert isinstance(page, PostsPage)
    page.refresh()
    page.select_post(post.record_id or "")
    assert page.new_log.isEnabled()
    page.new_log_entry()
    log = shell.workspace.editors[-1]
    assert isinstance(log, PostLogEditor)
    qtbot.addWidget(log)
    assert log.post.value() == post.record_id and not log.dirty
    log.member.set_value(roster["钱党员"])
    log.category.set_value("watchtower")
    log.hours.setValue(8)
    log.description.setPlainText("瞭望值守，发现并报告烟点一处")
    assert log.finalize(), [log.problems.item(i).text() for i in range(log.problems.count())]
    entry = session.read(lambda s: s.records.get(log.record_id))
    assert isinstance(entry.body, PostLogEntry) and entry.status is RecordStatus.FINAL

    page.new_evaluation()
    evaluation = shell.workspace.editors[-1]
    assert isinstance(evaluation, EvaluationEditor)
    qtbot.addWidget(evaluation)
    evaluation.member.set_value(roster["钱党员"])
    evaluation.period.setText("2026-Q2")
    evaluation.score.setValue(92)
    assert evaluation.stars.text() == "★★★★★"
    evaluation.period.setText("2026年二季度")  # not a period code: refused, shown by the field
    assert not evaluation.save()
    assert evaluation.fields._bindings["period"].label.isVisibleTo(evaluation)
    evaluation.period.setText("2026-Q2")
    assert evaluation.finalize()
    result = session.read(lambda s: s.records.get(evaluation.record_id))
    assert isinstance(result.body, PostEvaluation) and result.body.score == 92 and result.is_final
    qtbot.waitUntil(lambda: page.logs_model.total == 1 and page.evals_model.total == 1, timeout=2000)


def test_post_editor_keeps_holders_who_left_the_active_roster(
    shell: ShellWindow, session: Session, roster: dict[str, str], qtbot: Any
) -> None:
    """A transferred-out holder is shown, stays ticked, and is saved (it was silently dropped)."""
    assert shell.workspace is not None
    with session.lock:
        records = session.store.records
        moved = records.create("member", {"name": "调出党员", "state": "transferred_out"}, author="t").record_id
        post_id = records.create(
            "pioneer_post",
            {"name": "防火瞭望岗", "category": "watchtower", "holder_member_ids": [roster["钱党员"], moved]},
            author="t",
        ).record_id
    editor = shell.workspace.open_editor("pioneer_post", post_id)
    assert isinstance(editor, PostEditor)
    qtbot.addWidget(editor)
    shown = {editor.holders.item(i).data(Qt.ItemDataRole.UserRole): editor.holders.item(i)
             for i in range(editor.holders.count())}
    assert shown[moved].checkState() == Qt.CheckState.Checked and "调出党员" in shown[moved].text()
    editor.scope.setText("3号瞭望塔")
    assert editor.save()
    body = session.read(lambda s: s.records.get(post_id)).body
    assert isinstance(body, PioneerPost)
    assert body.holder_member_ids == [roster["钱党员"], moved]
