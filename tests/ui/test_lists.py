"""The 会议记录 list: paging over the store, filters, debounced full-text search; and the 概览 page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop_app.ui.models.records import PAGE_SIZE
from desktop_app.ui.pages.meetings import MeetingsPage
from desktop_app.ui.pages.overview import OverviewPage
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from domain.enums import MeetingType
from tests.ui.clerk import Clerk, wait_until
from tests.ui.steps import go_to, new_meeting, problems, save


def seed_meetings(session: Session, roster: dict[str, str], count: int) -> None:
    kinds = [MeetingType.PARTY_CONGRESS, MeetingType.COMMITTEE, MeetingType.LECTURE]
    start = dt.datetime(2025, 1, 1, 9, 0)
    with session.lock, session.store.transaction():
        for i in range(count):
            kind = kinds[i % 3]
            data: dict[str, Any] = {
                "meeting_type": kind.value,
                "title": f"第{i}次{kind.label}",
                "starts_at": (start + dt.timedelta(days=i)).isoformat(),
                "chair_member_id": roster["王书记"],
                "attendance": [{"member_id": mid} for mid in roster.values()],
                "discussion": "研究森林防火工作" if i % 50 == 0 else "学习文件",
            }
            if kind is MeetingType.LECTURE:
                data["lecture"] = {"lecturer": "王书记", "topic": "党课"}
            session.store.records.create("meeting", data, author="t")


@pytest.mark.usefixtures("chinese")
def test_list_pages_filters_and_searches(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk
) -> None:
    seed_meetings(session, roster, 450)
    page = go_to(clerk, shell, "会议记录")
    assert isinstance(page, MeetingsPage)
    wait_until(lambda: page.model.total == 450, 5000, "the list")
    model = page.model
    assert model.total == 450
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore()
    # Scrolling down with the wheel loads the next page.
    for _ in range(120):
        clerk.wheel(page.table.viewport(), -3)
        if model.rowCount() > PAGE_SIZE:
            break
    assert model.rowCount() > PAGE_SIZE
    assert model.data(model.index(0, 0)) == "2026-03-26"  # newest first

    clerk.choose(page.kind, "党课")
    assert model.total == 150
    assert {model.summary(r).subtype for r in range(model.rowCount())} == {"lecture"}  # type: ignore[union-attr]
    clerk.fill(page.date_from.line, "2025/2/1")
    clerk.fill(page.date_to.line, "2025年2月28日")
    assert model.total == 9
    for field in (page.date_from, page.date_to):
        clerk.fill(field.line, "x")
        clerk.key(Qt.Key.Key_Backspace)
    clerk.choose(page.kind, "全部类型")
    clerk.choose(page.status, "定稿")
    assert model.total == 0
    clerk.choose(page.status, "全部状态")

    # Search as you type: nothing happens per keystroke, the list follows after a short pause.
    clerk.click(page.search)
    clerk.type("森林防火")
    assert model.total == 450
    wait_until(lambda: model.total == 9, 2000, "the search")
    assert page.count_label.text() == "共 9 条记录"
    clerk.key(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    clerk.key(Qt.Key.Key_Delete)
    wait_until(lambda: model.total == 450, 2000)

    # Click a row, press Enter: the record opens.
    first = page.table.visualRect(model.index(0, 2))
    clerk.click(page.table.viewport(), first.center())
    record_id = page.table.selected_record_id()
    assert shell.workspace is not None
    clerk.key(Qt.Key.Key_Return)
    assert shell.workspace.editors and shell.workspace.editors[-1].record_id == record_id


@pytest.mark.usefixtures("chinese")
def test_a_fresh_ledger_warns_nobody_and_earlier_meetings_are_marked(
    shell: ShellWindow, session: Session, clerk: Clerk
) -> None:
    """The defect: on a fresh store the clerk was told that members had missed organisational
    life for 373 months (counted from 1995, when they joined), before any meeting existed."""
    with session.lock:
        for name in ("王书记", "李组织", "赵宣传"):
            session.store.records.create("member", {"name": name, "join_date": "1995-07-01"}, author="t")
    page = go_to(clerk, shell, "概览")
    assert isinstance(page, OverviewPage)
    session.notify("member")  # the members were written behind the window's back: tell it, as every write does
    wait_until(lambda: page.data is not None and not page.loading, 5000, "the overview")
    assert [page.lapses.item(i).text() for i in range(page.lapses.count())] == ["无"]
    # A meeting held last year, entered now (补录): saved, counted, and marked as entered later.
    editor = new_meeting(clerk, shell)
    last_year = dt.date.today().year - 1
    clerk.fill(editor.starts_at.line, f"{last_year}年11月5日 9:00")
    clerk.fill(editor.place, "场部")
    clerk.key(Qt.Key.Key_Tab)
    assert "补录" in editor.state_label.text() or "entered later" in editor.state_label.text()
    save(clerk, editor)
    assert editor.record_id is not None, problems(editor)
    assert "补录" in editor.state_label.text()
    meetings = go_to(clerk, shell, "会议记录")
    wait_until(lambda: meetings.model.rowCount() == 1, 5000, "the list")
    status = meetings.model.data(meetings.model.index(0, 4))
    assert status == "草稿 · 补录"
    from desktop_app.compliance_query import compliance_report

    report = session.read(lambda s: compliance_report(s, f"{last_year}-Q4", dt.date.today()))
    congress = report.requirement("congress")
    assert congress.state.value == "done" and congress.done == 1


def test_overview_shows_requirements_and_lapses(
    shell: ShellWindow, session: Session, roster: dict[str, str], qtbot: Any, clerk: Clerk
) -> None:
    today = dt.date.today()
    with session.lock:
        session.store.records.create(
            "meeting",
            {
                "meeting_type": "theme_day",
                "title": "本月主题党日",
                "starts_at": dt.datetime(today.year, today.month, 1, 9).isoformat(),
                "attendance": [{"member_id": roster["王书记"]}],
                "theme_day": {"month": f"{today.year}-{today.month:02d}", "theme": "学习"},
            },
            author="t",
        )
        # Someone attended long ago and never since: flagged (the branch has kept its records
        # here since before that meeting; months before 台账起始日期 would not count).
        old = today.replace(day=1) - dt.timedelta(days=250)
        profile_id, profile = session.store.records.branch_profile()  # type: ignore[misc]
        since = {**profile.model_dump(mode="json"), "records_since": (old - dt.timedelta(days=30)).isoformat()}
        session.store.records.update(profile_id, since, author="t")
        session.store.records.create(
            "meeting",
            {
                "meeting_type": "party_congress",
                "title": "很久以前的党员大会",
                "starts_at": dt.datetime(old.year, old.month, 1, 9).isoformat(),
                "attendance": [{"member_id": mid} for mid in roster.values()],
            },
            author="t",
        )
    page = go_to(clerk, shell, "Overview")
    assert isinstance(page, OverviewPage)
    session.notify("meeting")  # written behind the window's back: tell it, as every write does

    def loaded() -> bool:
        return page.data is not None and not page.loading and page.recent.count() >= 2

    qtbot.waitUntil(loaded, timeout=5000)
    labels = [page.compliance.item(r, 0).text() for r in range(page.compliance.rowCount())]
    theme_row = next(r for r, label in enumerate(labels) if label.startswith("主题党日"))
    assert page.compliance.item(theme_row, 1).text().startswith("1/1")
    congress_row = next(r for r, label in enumerate(labels) if label.startswith("支部党员大会"))
    assert page.compliance.item(congress_row, 2).text().startswith("0/1")
    lapses = [page.lapses.item(i).text() for i in range(page.lapses.count())]
    assert any("李组织" in text for text in lapses)
    assert all("王书记" not in text for text in lapses)
    assert page.recent.count() >= 2
