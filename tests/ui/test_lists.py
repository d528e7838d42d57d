"""The 会议记录 list: paging over the store, filters, debounced full-text search; and the 概览 page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop_app.ui.models.records import PAGE_SIZE
from desktop_app.ui.pages.meetings import MeetingsPage
from desktop_app.ui.pages.overview import OverviewPage
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from domain.enums import MeetingType


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


def test_list_pages_filters_and_searches(
    shell: ShellWindow, session: Session, roster: dict[str, str], qtbot: Any
) -> None:
    seed_meetings(session, roster, 450)
    assert shell.workspace is not None
    page = shell.workspace.show_page("meetings")
    assert isinstance(page, MeetingsPage)
    page.refresh()
    model = page.model
    assert model.total == 450
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore()
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > PAGE_SIZE, timeout=2000)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 450
    assert model.data(model.index(0, 0)) == "2026-03-26"  # newest first

    page.kind.setCurrentIndex(page.kind.findData("lecture"))
    assert model.total == 150
    assert {model.summary(r).subtype for r in range(model.rowCount())} == {"lecture"}  # type: ignore[union-attr]
    page.date_from.set_value("2025-02-01")
    page.date_to.set_value("2025-02-28")
    assert model.total == 9
    page.date_from.set_value(None)
    page.date_to.set_value(None)
    page.kind.setCurrentIndex(0)
    page.status.setCurrentIndex(page.status.findData("final"))
    assert model.total == 0
    page.status.setCurrentIndex(0)

    # Search as you type: nothing happens per keystroke, the list follows after a short pause.
    for char in "森林防火":  # one keystroke at a time (QTest.keyClicks cannot type CJK)
        page.search.insert(char)
    assert model.total == 450
    qtbot.waitUntil(lambda: model.total == 9, timeout=2000)
    assert page.count_label.text().startswith("9")
    page.search.clear()
    qtbot.waitUntil(lambda: model.total == 450, timeout=2000)

    # Enter opens the record.
    page.table.selectRow(0)
    record_id = page.table.selected_record_id()
    page.table.activated_record.emit(record_id)
    assert shell.workspace.editors and shell.workspace.editors[-1].record_id == record_id


def test_overview_shows_requirements_and_lapses(
    shell: ShellWindow, session: Session, roster: dict[str, str], qtbot: Any
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
    assert shell.workspace is not None
    page = shell.workspace.show_page("overview")
    assert isinstance(page, OverviewPage)
    page.refresh()

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
