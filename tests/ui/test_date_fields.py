"""Dates typed the way Chinese clerks type them, in every date field of the program.

The defect: the year of a date could not be typed (1988-03-15 became 1901-03-15 or 2026-03-15),
an empty optional date threw typed text away, and the calendar opened at January 1900.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from desktop_app.ui.editors.base import EditorWindow
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.widgets.fields import DateEdit
from tests.ui.clerk import Clerk, settle, wait_until
from tests.ui.steps import button, go_to, new_meeting, problems, save

pytestmark = [pytest.mark.usefixtures("chinese")]

FORMS = ["1988-03-15", "1988/3/15", "1988.3.15", "19880315", "1988年3月15日"]


def type_date(clerk: Clerk, field: DateEdit, text: str) -> None:
    clerk.fill(field.line, text)
    clerk.key(Qt.Key.Key_Tab)  # leave the field


def date_fields(editor: EditorWindow) -> dict[str, DateEdit]:
    return {path: b.widget for path, b in editor.fields.bindings().items() if isinstance(b.widget, DateEdit)}


def open_new(clerk: Clerk, shell: ShellWindow, page: str, label: str) -> EditorWindow:
    target = go_to(clerk, shell, page)
    assert shell.workspace is not None
    before = len(shell.workspace.editors)
    clerk.click(button(target, label))
    wait_until(lambda: len(shell.workspace.editors) > before, 3000)  # type: ignore[union-attr]
    return shell.workspace.editors[-1]


def check_every_form(clerk: Clerk, editor: EditorWindow, skip: tuple[str, ...] = ()) -> int:
    checked = 0
    for path, field in date_fields(editor).items():
        if field.with_time or path in skip:
            continue
        for text in FORMS:
            type_date(clerk, field, text)
            assert field.text() == "1988-03-15", (path, text, field.text())
            assert field.value() == "1988-03-15"
            checked += 1
    return checked


def test_member_dates(shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk) -> None:
    editor = open_new(clerk, shell, "党员", "新增党员")
    clerk.fill(editor.name, "吴护林")  # type: ignore[attr-defined]
    assert check_every_form(clerk, editor) == 5 * 5
    # Partial and impossible dates: the text stays, the reason is shown at the field, nothing is saved.
    join = editor.join_date  # type: ignore[attr-defined]
    type_date(clerk, join, "1988-03")
    label = editor.fields.bindings()["join_date"].label
    wait_until(label.isVisible, 2000, "the message at 入党日期")
    assert join.text() == "1988-03" and "日期不完整" in label.text() and "入党日期" in label.text()
    save(clerk, editor)
    assert editor.record_id is None
    type_date(clerk, join, "1988-02-30")
    wait_until(lambda: "没有这一天" in label.text(), 2000)
    # The autosaved draft keeps exactly what was typed.
    def kept() -> bool:
        return any(b.data["data"]["join_date"] == "1988-02-30" for b in session.read(lambda s: s.buffers.all()))

    wait_until(kept, 3000, "the draft")
    type_date(clerk, join, "1988年3月15日")
    editor.full_member_date.line.clear()  # type: ignore[attr-defined]
    type_date(clerk, editor.full_member_date, "1989/3/15")  # type: ignore[attr-defined]
    for field in ("birth_date", "suspension_until", "state_date"):
        getattr(editor, field).line.clear()
    clerk.click(editor.name)  # type: ignore[attr-defined]
    save(clerk, editor)
    assert editor.record_id is not None, problems(editor)
    member = session.read(lambda s: s.records.get(editor.record_id)).body
    assert member.join_date == dt.date(1988, 3, 15) and member.full_member_date == dt.date(1989, 3, 15)  # type: ignore[attr-defined]


def test_calendars_open_at_a_sensible_month(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk
) -> None:
    editor = open_new(clerk, shell, "党员", "新增党员")
    today = dt.date.today()
    join = editor.join_date  # type: ignore[attr-defined]
    clerk.click(join.button)
    assert join.popup is not None and join.popup.isVisible()
    calendar = join.popup.calendar
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year, today.month)  # not January 1900
    clerk.key(Qt.Key.Key_Escape)
    type_date(clerk, join, "1988/3/15")
    full = editor.full_member_date  # type: ignore[attr-defined]
    clerk.click(full.button)
    assert full.popup is not None
    assert (full.popup.calendar.yearShown(), full.popup.calendar.monthShown()) == (1989, 3)  # a year after joining
    clerk.key(Qt.Key.Key_Escape)
    # The meeting's end opens at the meeting's day; a time typed alone is on that day.
    meeting = new_meeting(clerk, shell)
    clerk.fill(meeting.starts_at.line, "2025年12月3日 下午2点")
    clerk.key(Qt.Key.Key_Tab)
    assert meeting.starts_at.text() == "2025-12-03 14:00"
    clerk.click(meeting.ends_at.button)
    popup = meeting.ends_at.popup
    assert popup is not None and (popup.calendar.yearShown(), popup.calendar.monthShown()) == (2025, 12)
    clerk.key(Qt.Key.Key_Escape)
    clerk.fill(meeting.ends_at.line, "16:30")
    clerk.key(Qt.Key.Key_Tab)
    assert meeting.ends_at.value() == "2025-12-03T16:30"
    # Picking a day in the calendar keeps the time.
    clerk.click(meeting.starts_at.button)
    calendar = meeting.starts_at.popup.calendar  # type: ignore[union-attr]
    clerk.key(Qt.Key.Key_Right)  # the next day
    clerk.key(Qt.Key.Key_Return)
    settle(20)
    assert meeting.starts_at.text() == "2025-12-04 14:00", calendar.selectedDate()
    # A date without a time is not silently midnight.
    clerk.fill(meeting.starts_at.line, "2025/12/3")
    clerk.key(Qt.Key.Key_Tab)
    label = meeting.fields.bindings()["starts_at"].label
    wait_until(label.isVisible, 2000)
    assert "请填写时间" in label.text() and meeting.starts_at.text() == "2025/12/3"


def test_dates_in_the_other_editors_and_filters(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk
) -> None:
    post = open_new(clerk, shell, "先锋岗", "新建先锋岗")
    assert check_every_form(clerk, post) == 2 * 5
    pledges = post.pledges  # type: ignore[attr-defined]
    clerk.click(pledges.add_button)
    clerk.fill_cell(pledges.table, 0, 0, "防火期零火情")
    clerk.fill_cell(pledges.table, 0, 1, "2026年10月31日")
    assert pledges.row_values(0)["deadline"] == "2026-10-31"
    clerk.fill_cell(pledges.table, 0, 1, "2026-10")
    wait_until(lambda: any("完成时限" in p and "缺少日" in p for p in problems(post)), 2000, "the cell's problem")
    clerk.fill_cell(pledges.table, 0, 1, "2026.10.31")
    clerk.fill(post.name, "3号瞭望塔先锋岗")  # type: ignore[attr-defined]
    save(clerk, post)
    assert post.record_id is not None, problems(post)
    page = go_to(clerk, shell, "会议记录")
    for field in (page.date_from, page.date_to):
        for text in FORMS:
            type_date(clerk, field, text)
            assert field.value() == "1988-03-15"
    branch_page = go_to(clerk, shell, "设置")
    assert shell.workspace is not None
    before = len(shell.workspace.editors)
    clerk.click(button(branch_page, "编辑支部信息…"))
    branch = shell.workspace.editors[before]
    assert check_every_form(clerk, branch) == 5
