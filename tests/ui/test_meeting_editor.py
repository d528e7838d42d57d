"""The meeting editor through the keyboard and mouse: every kind saved and finalized, the live
quorum and vote verdicts, problems at their fields, amendments, autosave.
"""

from __future__ import annotations

import datetime as dt

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt

from desktop_app.ui.editors.meeting import MeetingEditor
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from domain.enums import MeetingType, RecordStatus
from domain.records import Meeting
from tests.ui.clerk import Clerk, settle, wait_until
from tests.ui.steps import (
    button,
    finalize,
    go_to,
    mark_attendance,
    new_meeting,
    open_from_list,
    problems,
    save,
    toolbar_button,
)

pytestmark = [pytest.mark.usefixtures("chinese")]

AGENDA, SPEECH_MEMBER, SPEECH_TEXT = 0, 0, 2
VOTE_SUBJECT, VOTE_YES = 0, 7


def basics(clerk: Clerk, editor: MeetingEditor, kind: str) -> None:
    """What a clerk types for any meeting: type, time, place, recorder (the rest is prefilled)."""
    clerk.choose(editor.meeting_type, kind)
    if not editor.title.text():
        clerk.fill(editor.title, f"2026年4月{kind}")
    clerk.fill(editor.starts_at.line, "2026/4/10 9:00")
    clerk.fill(editor.ends_at.line, "11:00")
    clerk.fill(editor.place, "林场党员活动室")
    clerk.choose(editor.recorder, "李组织")


def add_agenda(clerk: Clerk, editor: MeetingEditor, text: str) -> None:
    clerk.click(editor.agenda.add_button)
    clerk.fill_cell(editor.agenda.table, editor.agenda.row_count() - 1, AGENDA, text, then=Qt.Key.Key_Tab)


def add_speech(clerk: Clerk, editor: MeetingEditor, name: str, text: str) -> None:
    clerk.click(editor.speeches.add_button)
    row = editor.speeches.row_count() - 1
    clerk.cell_choose(editor.speeches.table, row, SPEECH_MEMBER, name)
    clerk.fill_cell(editor.speeches.table, row, SPEECH_TEXT, text)


@pytest.mark.parametrize("kind", list(MeetingType))
def test_every_meeting_kind_saves_and_finalizes(
    kind: MeetingType, shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk
) -> None:
    editor = new_meeting(clerk, shell)
    basics(clerk, editor, kind.label)
    if kind is MeetingType.GROUP:
        clerk.choose(editor.party_group, "第一党小组")
        clerk.choose(editor.chair, "王书记")  # the group has no 组长 on the roster
    add_agenda(clerk, editor, "学习党章")
    add_speech(clerk, editor, "王书记", "传达上级精神")
    if kind is MeetingType.LECTURE:
        clerk.choose(editor.lecture.lecturer_member, "王书记")
        assert editor.lecture.lecturer.text() == "王书记"  # picking from the roster fills the name
        clerk.fill(editor.lecture.role, "支部书记")
        clerk.fill(editor.lecture.topic, "学习贯彻党章")
        clerk.fill(editor.lecture.hours.lineEdit(), "2")
    if kind is MeetingType.THEME_DAY:
        clerk.fill(editor.theme_day.theme, "森林防火进社区")
        for box in editor.theme_day.action_boxes.values():
            clerk.click(box)
    if kind in (MeetingType.APPRAISAL, MeetingType.ORG_LIFE):
        clerk.click(button(editor, "添加全部在册党员"))
        grades = editor.appraisal.grades
        for row in range(grades.row_count()):
            member = editor.members[grades.row_values(row)["member_id"]]
            if member.status.value == "full":
                clerk.cell_choose(grades.table, row, 1, "合格")
    if kind is MeetingType.ORG_LIFE:
        clerk.click(editor.rectification.items.add_button)
        clerk.fill_cell(editor.rectification.items.table, 0, 0, "学习计划落实不够")
    save(clerk, editor)
    assert editor.record_id is not None, problems(editor)
    labels = finalize(clerk, editor)
    assert labels == ["定稿", "取消"]  # the button names the action: never the vote word 赞成
    env = session.read(lambda s: s.records.get(editor.record_id))
    assert env.status is RecordStatus.FINAL, problems(editor)
    body = env.body
    assert isinstance(body, Meeting)
    assert body.meeting_type is kind
    assert body.starts_at == dt.datetime(2026, 4, 10, 9, 0) and body.ends_at == dt.datetime(2026, 4, 10, 11, 0)
    assert body.recorder_member_id == roster["李组织"]
    if kind is not MeetingType.TALK:
        assert len(body.attendance) >= 3 and all(a.status.value == "present" for a in body.attendance)
    assert body.speeches[0].speaker == "王书记" and body.speeches[0].member_id == roster["王书记"]
    if kind is MeetingType.LECTURE:
        assert body.lecture is not None and body.lecture.topic == "学习贯彻党章"
        assert str(body.lecture.hours) == "2.0"
    if kind is MeetingType.THEME_DAY:
        assert body.theme_day is not None and all(body.theme_day.required_actions.values())
        assert body.theme_day.month == "2026-04"
    if kind is MeetingType.ORG_LIFE:
        assert body.rectification == ["学习计划落实不够"]
        assert any(e.grade is not None for e in body.appraisal)
    # A finalized record is read-only, and hints do not pose as its content.
    assert not editor.form_widget.isEnabled() and not toolbar_button(editor, "保存").isEnabled()
    assert editor.chair_name.placeholderText() == "" and editor.recorder_name.text() == ""


def test_new_meeting_starts_with_what_is_almost_always_true(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk
) -> None:
    with session.lock, session.store.transaction():
        session.store.meta.set("clerk_name", "李组织")
    first = new_meeting(clerk, shell)
    today = dt.date.today()
    q = "一二三四"[(today.month - 1) // 3]
    assert first.title.text() == f"{today.year}年第{q}季度支部党员大会"
    assert first.starts_at.text().startswith(today.isoformat())
    assert first.chair.currentText() == "王书记" and first.recorder.currentText() == "李组织"
    assert first.attendance.row_count() == len(roster)  # everyone on the roll, 出席
    assert not first.dirty  # defaults are not edits: closing asks nothing
    clerk.fill(first.place, "场部会议室")
    # A committee meeting lists the committee; the title follows the type.
    clerk.choose(first.meeting_type, "支部委员会会议")
    assert first.title.text() == f"{today.year}年{today.month}月支部委员会会议"
    committee = {first.attendance.table.cellWidget(r, 0).currentText() for r in range(first.attendance.row_count())}
    assert committee == {"王书记", "李组织", "赵宣传"}
    save(clerk, first)
    assert first.record_id is not None
    # The next meeting starts where the last one was held.
    second = new_meeting(clerk, shell)
    assert second.place.text() == "场部会议室"


def test_vote_verdicts_show_before_the_title_and_say_why(
    shell: ShellWindow, roster: dict[str, str], clerk: Clerk
) -> None:
    """The defect: vote checks stayed hidden until 会议名称 was filled, then read
    "至少5票；未通过" with 7 yes votes."""
    editor = new_meeting(clerk, shell)
    clerk.fill(editor.title, "x")
    clerk.key(Qt.Key.Key_Backspace)  # no title at all
    clerk.click(editor.votes.add_button)
    clerk.fill_cell(editor.votes.table, 0, VOTE_SUBJECT, "通过年度工作计划")
    clerk.fill_cell(editor.votes.table, 0, VOTE_YES, "7")
    wait_until(lambda: "通过年度工作计划" in editor.vote_results.text(), 3000, "the vote verdict")
    assert editor.title.text() == ""
    assert "有效" in editor.quorum.text() and "无效" not in editor.quorum.text()
    verdict = editor.vote_results.text()
    assert "人数或票数有误" in verdict and "超过实到会有表决权人数5人" in verdict and "未通过" not in verdict
    assert verdict.count("通过年度工作计划") == 1, verdict  # the subject once, not twice
    assert any("超过实到会有表决权人数" in p for p in problems(editor)), problems(editor)
    clerk.fill_cell(editor.votes.table, 0, VOTE_YES, "4")
    wait_until(lambda: "；通过。" in editor.vote_results.text(), 3000, "通过")
    # Three of the five voters away: no longer valid.
    for name in ("钱党员", "周党员", "赵宣传"):
        mark_attendance(clerk, editor, name, "请假", "病假")
    wait_until(lambda: "会议无效" in editor.quorum.text(), 3000, "会议无效")


def test_problems_are_shown_at_their_fields_and_a_click_goes_there(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk
) -> None:
    editor = new_meeting(clerk, shell)
    editor.resize(900, 600)
    clerk.fill(editor.title, "x")
    clerk.key(Qt.Key.Key_Backspace)
    clerk.fill(editor.place, "林场")
    save(clerk, editor)
    assert editor.record_id is None  # no title: not saved
    title_error = editor.fields.bindings()["title"].label
    assert title_error.isVisible() and "会议名称" in title_error.text()
    basics(clerk, editor, "支部党员大会")
    clerk.fill(editor.title, "2026年第二季度支部党员大会")
    mark_attendance(clerk, editor, "钱党员", "请假")  # leave without a reason
    save(clerk, editor)
    assert editor.record_id is not None  # completeness problems do not block a draft …
    finalize(clerk, editor)
    assert session.read(lambda s: s.records.get(editor.record_id)).status is RecordStatus.DRAFT  # … only 定稿
    reason = next(i for i in range(editor.problems.count()) if "原因" in editor.problems.item(i).text())
    editor.form_scroll.verticalScrollBar().setValue(0)
    item = editor.problems.item(reason)
    clerk.click(editor.problems.viewport(), editor.problems.visualItemRect(item).center())
    table = editor.attendance.table
    row = next(r for r in range(table.rowCount()) if table.cellWidget(r, 0).currentText() == "钱党员")
    assert (table.currentRow(), table.currentColumn()) == (row, 2)
    cell = table.visualRect(table.model().index(row, 2))
    top = table.viewport().mapTo(editor.form_scroll.viewport(), cell.topLeft()).y()
    assert 0 <= top < editor.form_scroll.viewport().height()  # scrolled into view
    clerk.type("森林防火值班")
    clerk.key(Qt.Key.Key_Tab)
    assert editor.attendance.row_values(row)["reason"] == "森林防火值班"
    finalize(clerk, editor)
    assert session.read(lambda s: s.records.get(editor.record_id)).status is RecordStatus.FINAL, problems(editor)


def test_the_field_being_typed_in_does_not_move(
    shell: ShellWindow, roster: dict[str, str], clerk: Clerk
) -> None:
    """The defect: inline warnings appeared above the field being filled and pushed it down."""
    editor = new_meeting(clerk, shell)
    editor.resize(900, 640)
    settle(50)
    clerk.fill(editor.title, "x")
    clerk.key(Qt.Key.Key_Backspace)  # the title's problem will appear above the place field
    clerk.click(editor.place)
    viewport = editor.form_scroll.viewport()
    before = editor.place.mapTo(viewport, QPoint(0, 0)).y()
    clerk.type("林场党员活动室")
    wait_until(lambda: editor.fields.bindings()["title"].label.isVisible(), 3000, "the title's problem")
    settle(50)
    assert editor.place.mapTo(viewport, QPoint(0, 0)).y() == before


def test_amendment_of_a_finalized_meeting(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk
) -> None:
    editor = new_meeting(clerk, shell)
    basics(clerk, editor, "支部委员会会议")
    save(clerk, editor)
    finalize(clerk, editor)
    assert editor.status_final
    assert shell.workspace is not None
    before = len(shell.workspace.editors)
    with clerk.on_dialog(clerk.enter_text("会议地点记录有误")):
        clerk.click(toolbar_button(editor, "更正"))
    wait_until(lambda: len(shell.workspace.editors) > before, 3000)  # type: ignore[union-attr]
    amendment = shell.workspace.editors[-1]
    assert isinstance(amendment, MeetingEditor)
    assert amendment.record_id is None and amendment.dirty
    assert "会议地点记录有误" in amendment.amend_label.text()
    clerk.fill(amendment.place, "林场会议室")
    save(clerk, amendment)
    assert amendment.record_id is not None
    original = session.read(lambda s: s.records.get(editor.record_id))
    corrected = session.read(lambda s: s.records.get(amendment.record_id))
    assert isinstance(original.body, Meeting) and isinstance(corrected.body, Meeting)
    assert original.body.place == "林场党员活动室" and original.is_final
    assert corrected.body.place == "林场会议室"
    assert corrected.body.amends_record_id == editor.record_id
    assert corrected.body.amendment_reason == "会议地点记录有误"
    clerk.fill(amendment.open_issues, "无")
    save(clerk, amendment)  # a second save keeps what it corrects
    again = session.read(lambda s: s.records.get(amendment.record_id)).body
    assert isinstance(again, Meeting) and again.amends_record_id == editor.record_id
    finalize(clerk, amendment)
    assert amendment.status_final


def test_a_saved_meeting_opened_again_shows_its_quorum_and_verdicts_at_once(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk
) -> None:
    """The defect: a finalized meeting opened from the list read "请填写出席情况" (the check only
    ran after an edit) although its attendance was complete."""
    editor = new_meeting(clerk, shell)
    basics(clerk, editor, "支部党员大会")
    clerk.click(editor.votes.add_button)
    clerk.fill_cell(editor.votes.table, 0, VOTE_SUBJECT, "通过年度工作计划")
    clerk.fill_cell(editor.votes.table, 0, VOTE_YES, "5")
    save(clerk, editor)
    finalize(clerk, editor)
    title = editor.title.text()
    clerk.click(toolbar_button(editor, "关闭"))
    wait_until(lambda: not shiboken6.isValid(editor) or not editor.isVisible(), 3000, "the editor to close")
    page = go_to(clerk, shell, "会议记录")
    again = open_from_list(clerk, shell, page.table, title)
    assert isinstance(again, MeetingEditor) and again.status_final and not again.dirty
    wait_until(lambda: "有效" in again.quorum.text(), 3000, "the quorum")
    assert "请填写出席情况" not in again.quorum.text() and "无效" not in again.quorum.text()
    assert "通过年度工作计划" in again.vote_results.text() and "通过。" in again.vote_results.text()


def test_typing_is_autosaved_within_two_seconds_and_offered_after_unlock(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk
) -> None:
    editor = new_meeting(clerk, shell)
    clerk.fill(editor.title, "未保存的支委会")
    wait_until(lambda: len(session.read(lambda s: s.buffers.all())) == 1, 2000, "the autosave")
    buffer = session.read(lambda s: s.buffers.all())[0]
    assert buffer.kind == "meeting" and buffer.data["data"]["title"] == "未保存的支委会"
    clerk.fill(editor.place, "瞭望塔")  # typing goes on: the buffer follows without a pause
    wait_until(lambda: session.read(lambda s: s.buffers.all())[0].data["data"]["place"] == "瞭望塔", 2000)
    assert shell.workspace is not None
    shell.workspace.editors.clear()  # as after a crash: the next unlock finds the buffer
    with clerk.on_dialog(clerk.press("打开草稿")):
        opened = shell.workspace.restore_buffers()
    assert opened == 1
    restored = shell.workspace.editors[-1]
    assert isinstance(restored, MeetingEditor)
    assert restored.title.text() == "未保存的支委会" and restored.place.text() == "瞭望塔"
    clerk.choose(restored.meeting_type, "支部委员会会议")
    save(clerk, restored)
    assert restored.record_id is not None
    assert all(b.key != restored.buffer_key for b in session.read(lambda s: s.buffers.all()))
    editor.force_close()


def test_after_a_choice_the_cursor_waits_in_the_text_that_goes_with_it(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk
) -> None:
    """请假 chosen: the reason is ready to type; a speaker chosen: what was said is — no click."""
    editor = new_meeting(clerk, shell)
    table = editor.attendance.table
    row = next(r for r in range(table.rowCount()) if table.cellWidget(r, 0).currentText() == "钱党员")
    clerk.cell_choose(table, row, 1, "请假")
    wait_until(lambda: table.state() == table.State.EditingState, 2000, "the reason to open")
    assert (table.currentRow(), table.currentColumn()) == (row, 2)
    clicks = clerk.clicks
    clerk.type("森林防火值班")
    clerk.key(Qt.Key.Key_Tab)
    assert clerk.clicks == clicks
    assert editor.attendance.row_values(row)["reason"] == "森林防火值班"
    speeches = editor.speeches.table
    clerk.cell_choose(speeches, 0, 0, "赵宣传")
    wait_until(lambda: speeches.state() == speeches.State.EditingState, 2000, "the speech to open")
    clerk.type("建议增加巡山频次")
    clerk.key(Qt.Key.Key_Tab)
    assert editor.speeches.row_values(0) == {"member_id": roster["赵宣传"], "speaker": "赵宣传",
                                             "content": "建议增加巡山频次", "agenda_index": None}
    save(clerk, editor)
    body = session.read(lambda s: s.records.get(str(editor.record_id))).body
    assert [(a.reason) for a in body.attendance if a.member_id == roster["钱党员"]] == ["森林防火值班"]  # type: ignore[attr-defined]
    assert [(s.speaker, s.content) for s in body.speeches] == [("赵宣传", "建议增加巡山频次")]  # type: ignore[attr-defined]
