"""党课, 主题党日, 组织生活会 and 民主评议 with grades: typed, finalized, counted in the overview."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from domain.enums import AppraisalGrade, MeetingType
from domain.records import Meeting
from tests.ui.acceptance.congress import free_row
from tests.ui.clerk import Clerk, wait_until
from tests.ui.steps import button, finalize, go_to, new_meeting, problems, save


def finish(clerk: Clerk, editor: object, session: Session) -> Meeting:
    save(clerk, editor)  # type: ignore[arg-type]
    assert editor.record_id is not None, problems(editor)  # type: ignore[attr-defined]
    finalize(clerk, editor)  # type: ignore[arg-type]
    env = session.read(lambda s: s.records.get(editor.record_id))  # type: ignore[attr-defined]
    assert env.is_final, problems(editor)  # type: ignore[arg-type]
    assert isinstance(env.body, Meeting)
    return env.body


def test_lecture_theme_day_org_life_and_appraisal(
    window: ShellWindow, branch: tuple[Session, dict[str, str]], clerk: Clerk
) -> None:
    session, ids = branch
    today = dt.date.today()

    # 党课: the lecturer picked from the roster; their name fills in; the own fields come first.
    lecture = new_meeting(clerk, window)
    clerk.choose(lecture.meeting_type, "党课")
    assert lecture.lecture.isVisible() and lecture.lecture.y() < lecture.votes.parentWidget().y()
    clerk.fill(lecture.ends_at.line, f"{lecture.starts_at.text()[11:13]}:59")
    clerk.choose(lecture.lecture.lecturer_member, "王书记")
    clerk.fill(lecture.lecture.role, "支部书记")
    clerk.fill(lecture.lecture.topic, "学习贯彻党章，做合格党员")
    clerk.fill(lecture.lecture.hours.lineEdit(), "2")
    body = finish(clerk, lecture, session)
    assert body.lecture is not None and body.lecture.lecturer == "王书记" and str(body.lecture.hours) == "2.0"
    assert body.title == f"{today.year}年第{'一二三四'[(today.month - 1) // 3]}季度党课"

    # 主题党日: theme and the four required items.
    theme = new_meeting(clerk, window)
    clerk.choose(theme.meeting_type, "主题党日")
    clerk.fill(theme.ends_at.line, f"{theme.starts_at.text()[11:13]}:59")
    clerk.fill(theme.theme_day.theme, "森林防火进社区")
    for box in theme.theme_day.action_boxes.values():
        clerk.click(box)
    clerk.fill(theme.theme_day.dues_count, "7")
    body = finish(clerk, theme, session)
    assert body.theme_day is not None and all(body.theme_day.required_actions.values())
    assert body.theme_day.month == today.strftime("%Y-%m") and body.theme_day.dues_count == 7

    # 民主评议: grades for full members; the probationer takes part ungraded.
    appraisal = new_meeting(clerk, window)
    clerk.choose(appraisal.meeting_type, "民主评议党员")
    clerk.fill(appraisal.ends_at.line, f"{appraisal.starts_at.text()[11:13]}:59")
    clerk.click(button(appraisal, "添加全部在册党员"))
    grades = appraisal.appraisal.grades
    for row in range(grades.row_count()):
        member = appraisal.members[grades.row_values(row)["member_id"]]
        if member.status.value == "full":
            clerk.cell_choose(grades.table, row, 1, "优秀" if member.name == "王书记" else "合格")
    body = finish(clerk, appraisal, session)
    graded = {e.member_id: e.grade for e in body.appraisal}
    assert graded[ids["王书记"]] is AppraisalGrade.EXCELLENT and graded[ids["孙预备"]] is None
    assert sum(1 for g in graded.values() if g is AppraisalGrade.QUALIFIED) == 6

    # 组织生活会: criticism recorded, a rectification list.
    org = new_meeting(clerk, window)
    clerk.choose(org.meeting_type, "组织生活会")
    clerk.fill(org.ends_at.line, f"{org.starts_at.text()[11:13]}:59")
    items = org.rectification.items
    clerk.cell(items.table, free_row(clerk, items), 0)
    clerk.type("理论学习不够系统")
    clerk.key(Qt.Key.Key_Return)
    clerk.type("巡山记录不及时")
    clerk.key(Qt.Key.Key_Return)
    body = finish(clerk, org, session)
    assert body.rectification == ["理论学习不够系统", "巡山记录不及时"]
    assert body.meeting_type is MeetingType.ORG_LIFE

    # The overview counts them for this month, quarter and year.
    overview = go_to(clerk, window, "概览")  # a visit reloads it
    wait_until(lambda: overview.data is not None and not overview.loading, 5000, "the overview")
    labels = {overview.compliance.item(r, 0).text(): r for r in range(overview.compliance.rowCount())}
    theme_row = next(r for label, r in labels.items() if label.startswith("主题党日"))
    assert overview.compliance.item(theme_row, 1).text().startswith("1/1")
    lecture_row = next(r for label, r in labels.items() if label.startswith("党课"))
    assert overview.compliance.item(lecture_row, 2).text().startswith("1/1")
    org_row = next(r for label, r in labels.items() if label.startswith("组织生活会"))
    assert overview.compliance.item(org_row, 3).text().startswith("1/1")
