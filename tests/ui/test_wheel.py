"""The mouse wheel scrolls forms and never changes a value the clerk is not editing.

The defect: scrolling a form with the wheel changed whichever combobox was under the pointer —
a member's 权利暂停情形 became 逮捕, an attendee went from 出席 to 不计入应到, the recorder changed —
and autosave kept it. Here every editor is scrolled from top to bottom with real wheel events
(through the window system, at the pointer), stopping over every choice list, spin box and date
field on the way, and nothing may change while the form itself scrolls to its end.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QComboBox, QScrollBar, QTabBar, QWidget

from desktop_app.ui.editors.base import EditorWindow
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from tests.ui.clerk import Clerk, settle
from tests.ui.steps import button, go_to, open_from_list

pytestmark = [pytest.mark.usefixtures("chinese")]


def wheel_targets(editor: EditorWindow) -> list[QWidget]:
    """Every widget in the visible part of the form whose value a wheel could change."""
    viewport = editor.form_scroll.viewport()
    found: list[QWidget] = []
    for widget in editor.form_widget.findChildren(QWidget):
        if isinstance(widget, QScrollBar) or not isinstance(
            widget, QComboBox | QAbstractSpinBox | QAbstractSlider | QTabBar
        ):
            continue
        if not widget.isVisible():
            continue
        centre = widget.mapTo(viewport, widget.rect().center())
        if viewport.rect().contains(centre):
            found.append(widget)
    return found


def scroll_through(clerk: Clerk, editor: EditorWindow) -> int:
    """Wheel down from the top of the form to its end, over every target on the way; returns how
    many widgets the pointer stopped over."""
    bar = editor.form_scroll.verticalScrollBar()
    bar.setValue(0)
    settle(20)
    stopped = 0
    for _turn in range(400):
        targets = wheel_targets(editor)
        if targets:
            for widget in targets:
                clerk.wheel(widget, -1)
                stopped += 1
        else:
            clerk.wheel(editor.form_scroll.viewport(), -1)
        settle()
        if bar.value() >= bar.maximum():
            break
    assert bar.maximum() > 0 and bar.value() == bar.maximum(), "the wheel did not scroll the form to its end"
    return stopped


def check(clerk: Clerk, editor: EditorWindow) -> None:
    editor.resize(760, 420)  # small enough that every form scrolls
    settle(50)
    before = editor.form_data()
    stopped = scroll_through(clerk, editor)
    assert stopped >= 3
    settle(400)
    assert editor.form_data() == before
    assert not editor.dirty


@pytest.fixture
def records(session: Session, roster: dict[str, str]) -> dict[str, str]:
    """One record of every kind, with values in every choice list (so a change would show)."""
    ids = roster
    with session.lock:
        records = session.store.records
        meeting = {
            "meeting_type": "party_congress",
            "title": "第二季度支部党员大会",
            "starts_at": "2026-04-10T09:00",
            "ends_at": "2026-04-10T11:00",
            "place": "活动室",
            "chair_member_id": ids["王书记"],
            "recorder_member_id": ids["李组织"],
            "attendance": [{"member_id": mid, "status": "present"} for mid in ids.values()],
            "agenda": [{"title": "学习"}],
            "speeches": [{"speaker": "王书记", "member_id": ids["王书记"], "content": "讲话"}],
            "votes": [{"subject": "计划", "yes": 4}],
            "resolutions": [{"text": "通过计划", "vote_index": 0}],
        }
        out = {"meeting": records.create("meeting", meeting, author="t").record_id}
        lecture = {**meeting, "meeting_type": "lecture", "title": "第二季度党课",
                   "lecture": {"lecturer": "王书记", "lecturer_member_id": ids["王书记"], "topic": "党章",
                               "hours": "2"}}
        out["lecture"] = records.create("meeting", lecture, author="t").record_id
        theme = {**meeting, "meeting_type": "theme_day", "title": "四月主题党日",
                 "theme_day": {"month": "2026-04", "theme": "防火"}}
        out["theme_day"] = records.create("meeting", theme, author="t").record_id
        org = {**meeting, "meeting_type": "org_life", "title": "年度组织生活会",
               "appraisal": [{"member_id": ids["钱党员"], "grade": "qualified"}], "rectification": ["整改一"]}
        out["org_life"] = records.create("meeting", org, author="t").record_id
        post = records.create("pioneer_post", {"name": "3号瞭望塔先锋岗", "category": "watchtower",
                                               "holder_member_ids": [ids["钱党员"]],
                                               "pledges": [{"content": "零火情", "owner_member_id": ids["钱党员"]}]},
                              author="t").record_id
        out["post"] = post
        out["log"] = records.create("post_log", {"post_id": post, "member_id": ids["钱党员"], "date": "2026-05-01",
                                                 "category": "watchtower", "hours": "8",
                                                 "description": "瞭望值守"}, author="t").record_id
        out["evaluation"] = records.create("post_evaluation", {"post_id": post, "member_id": ids["钱党员"],
                                                               "period": "2026-Q2", "evaluated_on": "2026-06-30",
                                                               "score": 92}, author="t").record_id
    session.notify("")
    return out


@pytest.mark.parametrize(
    "title", ["第二季度支部党员大会", "第二季度党课", "四月主题党日", "年度组织生活会"],
    ids=["congress", "lecture", "theme_day", "org_life"],
)
def test_meeting_forms(shell: ShellWindow, records: dict[str, str], clerk: Clerk, title: str) -> None:
    page = go_to(clerk, shell, "会议记录")
    check(clerk, open_from_list(clerk, shell, page.table, title))


def test_new_meeting_form(shell: ShellWindow, records: dict[str, str], clerk: Clerk) -> None:
    page = go_to(clerk, shell, "会议记录")
    assert shell.workspace is not None
    before = len(shell.workspace.editors)
    clerk.click(button(page, "新建会议记录"))
    editor = shell.workspace.editors[before]
    check(clerk, editor)


def test_member_form(shell: ShellWindow, records: dict[str, str], clerk: Clerk) -> None:
    page = go_to(clerk, shell, "党员")
    editor = open_from_list(clerk, shell, page.table, "钱党员")
    check(clerk, editor)
    assert editor.suspension.currentText() == "无"


def test_post_log_and_evaluation_forms(shell: ShellWindow, records: dict[str, str], clerk: Clerk) -> None:
    page = go_to(clerk, shell, "先锋岗")
    check(clerk, open_from_list(clerk, shell, page.posts, "3号瞭望塔先锋岗"))
    check(clerk, open_from_list(clerk, shell, page.logs, "瞭望值守"))
    tabs = page.tabs.tabBar()
    clerk.click(tabs, tabs.tabRect(1).center())
    check(clerk, open_from_list(clerk, shell, page.evals, page.evals_model.data(page.evals_model.index(0, 1))))


def test_branch_profile_form(shell: ShellWindow, records: dict[str, str], clerk: Clerk) -> None:
    page = go_to(clerk, shell, "设置")
    assert shell.workspace is not None
    before = len(shell.workspace.editors)
    clerk.click(button(page, "编辑支部信息…"))
    editor = shell.workspace.editors[before]
    editor.resize(700, 300)
    settle(50)
    before_data = editor.form_data()
    for widget in wheel_targets(editor) or [editor.form_scroll.viewport()]:
        clerk.wheel(widget, -3)
    assert editor.form_data() == before_data


def test_settings_and_list_filters(shell: ShellWindow, records: dict[str, str], clerk: Clerk) -> None:
    """Outside the editors too: the settings' spin boxes and the lists' filters."""
    settings = go_to(clerk, shell, "设置")
    minutes = settings.autolock.value()
    clerk.wheel(settings.autolock, -3)
    clerk.wheel(settings.language, -3)
    assert settings.autolock.value() == minutes and settings.language.currentIndex() == 0
    # A field the clerk has clicked into follows the wheel as usual.
    clerk.click(settings.autolock)
    clerk.wheel(settings.autolock, 2)
    assert settings.autolock.value() == minutes + 2
    meetings = go_to(clerk, shell, "会议记录")
    clerk.wheel(meetings.kind, -3)
    clerk.wheel(meetings.status, -3)
    assert meetings.kind.currentIndex() == 0 and meetings.status.currentIndex() == 0
