"""The meeting editor: every kind saved and finalized, sections, live quorum, violations, amendments."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QDateTime

from desktop_app.ui.editors.meeting import MeetingEditor
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from domain.enums import MeetingType, RecordStatus
from domain.records import Meeting


def new_meeting(shell: ShellWindow, qtbot: Any) -> MeetingEditor:
    assert shell.workspace is not None
    editor = shell.workspace.open_editor("meeting")
    assert isinstance(editor, MeetingEditor)
    qtbot.addWidget(editor)
    return editor


def fill_basics(editor: MeetingEditor, kind: MeetingType, roster: dict[str, str], title: str) -> None:
    editor.meeting_type.set_value(kind)
    editor.title.setText(title)
    editor.starts_at.setDateTime(QDateTime.fromString("2026-04-10T09:00", "yyyy-MM-ddTHH:mm"))
    editor.ends_at.set_value("2026-04-10T11:00")
    editor.place.setText("林场党员活动室")
    editor.chair.set_value(roster["王书记"])
    editor.recorder.set_value(roster["李组织"])
    if kind is MeetingType.GROUP:
        editor.party_group.setCurrentText("第一党小组")
    editor.fill_attendance()


def set_attendance(editor: MeetingEditor, member_id: str, status: str, reason: str = "") -> None:
    for row in range(editor.attendance.row_count()):
        if editor.attendance.row_values(row)["member_id"] == member_id:
            editor.attendance.set_cell(row, "status", status)
            editor.attendance.set_cell(row, "reason", reason)
            return
    raise AssertionError(member_id)


@pytest.mark.parametrize("kind", list(MeetingType))
def test_every_meeting_kind_saves_and_finalizes(
    kind: MeetingType, shell: ShellWindow, session: Session, roster: dict[str, str], qtbot: Any
) -> None:
    editor = new_meeting(shell, qtbot)
    fill_basics(editor, kind, roster, f"2026年4月{kind.label}")
    editor.agenda.add_row({"title": "学习党章"})
    editor.speeches.add_row({"speaker": "王书记", "member_id": roster["王书记"], "content": "传达上级精神"})
    if kind is MeetingType.LECTURE:
        editor.lecture.lecturer_member.set_value(roster["王书记"])
        editor.lecture.role.setText("支部书记")
        editor.lecture.topic.setText("学习贯彻党章")
        editor.lecture.hours.setValue(2)
    if kind is MeetingType.THEME_DAY:
        editor.theme_day.theme.setText("森林防火进社区")
        for box in editor.theme_day.action_boxes.values():
            box.setChecked(True)
    if kind in (MeetingType.APPRAISAL, MeetingType.ORG_LIFE):
        editor.appraisal.fill_from_roster(editor._active_member_ids())
        for row in range(editor.appraisal.grades.row_count()):
            member = editor.members[editor.appraisal.grades.row_values(row)["member_id"]]
            if member.status.value == "full":
                editor.appraisal.grades.set_cell(row, "grade", "qualified")
    if kind is MeetingType.ORG_LIFE:
        editor.rectification.items.add_row({"text": "学习计划落实不够"})
    assert editor.save(), [editor.problems.item(i).text() for i in range(editor.problems.count())]
    assert editor.record_id is not None
    assert editor.finalize(), [editor.problems.item(i).text() for i in range(editor.problems.count())]
    env = session.read(lambda s: s.records.get(editor.record_id))
    assert env.status is RecordStatus.FINAL
    body = env.body
    assert isinstance(body, Meeting)
    assert body.meeting_type is kind
    assert len(body.attendance) >= 3
    if kind is MeetingType.LECTURE:
        assert body.lecture is not None and body.lecture.topic == "学习贯彻党章"
        assert str(body.lecture.hours) == "2.0"
    if kind is MeetingType.THEME_DAY:
        assert body.theme_day is not None and all(body.theme_day.required_actions.values())
        assert body.theme_day.month == "2026-04"
    if kind is MeetingType.ORG_LIFE:
        assert body.rectification == ["学习计划落实不够"]
        assert any(e.grade is not None for e in body.appraisal)
    # A finalized record is read-only in the editor.
    assert not editor.form_widget.isEnabled()
    assert not editor.action_save.isEnabled()


def test_violations_are_shown_next_to_their_fields(
    shell: ShellWindow, session: Session, roster: dict[str, str], qtbot: Any
) -> None:
    editor = new_meeting(shell, qtbot)
    fill_basics(editor, MeetingType.PARTY_CONGRESS, roster, "")  # no title
    assert not editor.save()
    title_error = editor.fields._bindings["title"].label
    assert title_error.isVisibleTo(editor) and "会议名称" in title_error.text()
    assert editor.record_id is None

    editor.title.setText("2026年第二季度支部党员大会")
    set_attendance(editor, roster["钱党员"], "leave", "")  # leave without a reason
    assert editor.save()  # completeness problems do not block a draft ...
    assert not editor.finalize()  # ... but they block 定稿
    attendance = editor.fields._bindings["attendance"]
    assert attendance.label.isVisibleTo(editor)
    assert "原因" in attendance.label.text()
    problems = [editor.problems.item(i).text() for i in range(editor.problems.count())]
    assert any("原因" in p for p in problems)
    set_attendance(editor, roster["钱党员"], "leave", "森林防火值班")
    assert editor.finalize()


def test_live_quorum_indicator_follows_attendance(shell: ShellWindow, roster: dict[str, str], qtbot: Any) -> None:
    editor = new_meeting(shell, qtbot)
    fill_basics(editor, MeetingType.PARTY_CONGRESS, roster, "支部党员大会")
    editor.votes.add_row({"subject": "通过年度工作计划", "yes": 5})
    qtbot.waitUntil(lambda: "有效" in editor.quorum.text(), timeout=3000)
    assert "无效" not in editor.quorum.text()
    assert "通过" in editor.vote_results.text()
    # Five full members entitled; with three away the meeting is no longer valid.
    for name in ("钱党员", "周党员", "赵宣传"):
        set_attendance(editor, roster[name], "leave", "病假")
    qtbot.waitUntil(lambda: "不" in editor.quorum.text() or "无效" in editor.quorum.text(), timeout=3000)


def test_amendment_of_a_finalized_meeting(
    shell: ShellWindow, session: Session, roster: dict[str, str], qtbot: Any, answers: Any
) -> None:
    editor = new_meeting(shell, qtbot)
    fill_basics(editor, MeetingType.COMMITTEE, roster, "支委会")
    assert editor.finalize()
    assert editor.action_amend.isEnabled()
    answers.text = "会议地点记录有误"
    amendment = editor.amend()
    assert isinstance(amendment, MeetingEditor)
    qtbot.addWidget(amendment)
    assert amendment.record_id is None and amendment.dirty
    amendment.place.setText("林场会议室")
    assert amendment.save()
    assert amendment.record_id is not None
    original = session.read(lambda s: s.records.get(editor.record_id))
    corrected = session.read(lambda s: s.records.get(amendment.record_id))
    assert isinstance(original.body, Meeting) and isinstance(corrected.body, Meeting)
    assert original.body.place == "林场党员活动室" and original.is_final
    assert corrected.body.place == "林场会议室"
    assert corrected.body.amends_record_id == editor.record_id
    assert corrected.body.amendment_reason == "会议地点记录有误"
    # A second save of the amendment keeps what it corrects.
    amendment.open_issues.setPlainText("无")
    assert amendment.save()
    again = session.read(lambda s: s.records.get(amendment.record_id)).body
    assert isinstance(again, Meeting) and again.amends_record_id == editor.record_id
    assert amendment.finalize()


def test_typing_is_autosaved_within_two_seconds_and_offered_after_unlock(
    shell: ShellWindow, session: Session, roster: dict[str, str], qtbot: Any, answers: Any
) -> None:
    editor = new_meeting(shell, qtbot)
    editor.title.setText("未保存的支委会")
    qtbot.waitUntil(lambda: len(session.read(lambda s: s.buffers.all())) == 1, timeout=2000)
    buffer = session.read(lambda s: s.buffers.all())[0]
    assert buffer.kind == "meeting" and buffer.data["data"]["title"] == "未保存的支委会"
    # Typing goes on: the buffer follows without waiting for a pause.
    editor.place.setText("瞭望塔")
    qtbot.waitUntil(lambda: session.read(lambda s: s.buffers.all())[0].data["data"]["place"] == "瞭望塔", timeout=2000)
    # Restore in a new workspace, as after a crash and the next unlock.
    assert shell.workspace is not None
    shell.workspace.editors.clear()
    answers.confirm = True
    assert shell.workspace.restore_buffers() == 1
    restored = shell.workspace.editors[-1]
    qtbot.addWidget(restored)
    assert isinstance(restored, MeetingEditor)
    assert restored.title.text() == "未保存的支委会" and restored.place.text() == "瞭望塔"
    restored.meeting_type.set_value(MeetingType.COMMITTEE)
    restored.starts_at.set_value("2026-03-01T09:00")
    assert restored.save()
    assert session.read(lambda s: s.buffers.all()) == [] or all(
        b.key != restored.buffer_key for b in session.read(lambda s: s.buffers.all())
    )
