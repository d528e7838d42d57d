"""The review loop in the clerk's real window: a return from head office arrives by sync, shows on
概览 with a badge and on the record, the clerk corrects it by amendment, head office sees the
correction; a notice asking for acknowledgement gets 确认已读. Real clicks, real head office."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from desktop_app.reviews import receipt_of
from desktop_app.ui.editors.meeting import MeetingEditor
from desktop_app.ui.pages.overview import OverviewPage
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from sync.server.console import indexer
from sync.server.console.notices import list_notices, notice_detail
from sync.server.console.scope import scope_of
from sync.server.console.users import add_user, user_by_name
from tests.sync.console.conftest import PASSWORD, Browserless
from tests.sync.hq import HeadOfficeFixture
from tests.ui.clerk import Clerk, button_texts, wait_until
from tests.ui.steps import go_to, toolbar_button
from tests.ui.test_sync import enrol_from_page, sync_now, sync_page, workspace_of


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HeadOfficeFixture]:
    fixture = HeadOfficeFixture.start(f"sqlite:///{tmp_path / 'hq.sqlite3'}", backend="sqlite")
    fixture.office.call(add_user, "shen", "reviewer", PASSWORD, org="c", display_name="审核员沈")
    try:
        yield fixture
    finally:
        fixture.stop()


def final_meeting(session: Session, roster: dict[str, str]) -> str:
    with session.lock:
        records = session.store.records
        rid = records.create("meeting", {
            "meeting_type": "party_congress", "title": "第四季度支部党员大会", "starts_at": "2026-10-15T09:00:00",
            "ends_at": "2026-10-15T11:00:00", "place": "林场党员活动室", "chair_member_id": roster["王书记"],
            "recorder_member_id": roster["李组织"], "attendance": [{"member_id": m} for m in roster.values()],
        }, author="t").record_id
        records.finalize(rid, author="t")
    return rid


def test_return_correct_and_acknowledge_in_the_window(
    shell: ShellWindow, session: Session, roster: dict[str, str], hq: HeadOfficeFixture, qtbot: Any,
    clerk: Clerk,
) -> None:
    page = sync_page(clerk, shell, qtbot)
    enrol_from_page(clerk, page, hq, qtbot)
    meeting = final_meeting(session, roster)
    sync_now(clerk, page, qtbot)

    reviewer = Browserless(hq.base_url)
    reviewer.login("shen")
    assert reviewer.post(f"/console/branches/b1/records/{meeting}/review",
                         {"decision": "returned", "comment": "缺少会议议题，请补充后更正。"}).status_code == 200
    reviewer.post("/console/notices", {"target": "b1", "title": "关于冬季防火检查的通知", "body": "请确认已读。",
                                       "issued_on": "2026-11-25", "requires_ack": "1"})
    sync_now(clerk, page, qtbot)

    workspace = workspace_of(shell)
    overview = go_to(clerk, shell, "Overview")
    assert isinstance(overview, OverviewPage)
    panel = overview.returns
    qtbot.waitUntil(lambda: panel.isVisible(), timeout=5_000)
    assert panel.badge.isVisible() and panel.badge.text().startswith("1")
    item = panel.list.item(0)
    assert "缺少会议议题" in item.text() and "第四季度支部党员大会" in item.text()

    clerk.double_click(panel.list.viewport(), panel.list.visualItemRect(item).center())
    qtbot.waitUntil(lambda: any(e.record_id == meeting for e in workspace.editors), timeout=5_000)
    editor = next(e for e in workspace.editors if e.record_id == meeting)
    assert isinstance(editor, MeetingEditor)
    banner = editor.review_banner
    assert "缺少会议议题" in banner.label.text() and banner.amend_button.isVisible()
    # 更正 asks for the reason in its own input dialog: typed, then OK.
    with clerk.on_dialog(clerk.enter_text("按总部意见补充会议议题", "OK")):
        clerk.click(banner.amend_button)
    qtbot.waitUntil(lambda: any(e.amend_of == meeting for e in workspace.editors), timeout=5_000)
    amendment = next(e for e in workspace.editors if e.amend_of == meeting)
    assert isinstance(amendment, MeetingEditor)
    assert amendment.amend_reason == "按总部意见补充会议议题"
    clerk.fill(amendment.place, "Room 2")  # the correction itself: typed into the real field
    labels: list[str] = []

    def confirm_finalize(box: Any) -> None:
        labels.extend(button_texts(box))
        clerk.click_button(box, "Finalize")

    with clerk.on_dialog(confirm_finalize):
        clerk.click(toolbar_button(amendment, "Finalize"))
    assert "Finalize" in labels and "Yes" not in labels
    qtbot.waitUntil(lambda: amendment.status_final, timeout=5_000)
    qtbot.waitUntil(lambda: not panel.badge.isVisible(), timeout=5_000)
    wait_until(lambda: banner.open_button.isVisible() and not banner.amend_button.isVisible(), 5000,
               "the banner to point at the correction")
    with session.lock:
        stored = session.store.records.get(str(amendment.record_id))
    assert stored.is_final and stored.body.place == "Room 2"  # type: ignore[attr-defined]
    assert stored.body.amends_record_id == meeting  # type: ignore[attr-defined]
    assert stored.body.amendment_reason == "按总部意见补充会议议题"  # type: ignore[attr-defined]
    sync_now(clerk, page, qtbot)

    page_html = reviewer.get(f"/console/branches/b1/records/{meeting}").text
    assert "支部已提交更正记录" in page_html and str(amendment.record_id) in page_html
    assert "Room 2" in reviewer.get(f"/console/branches/b1/records/{amendment.record_id}").text

    # 确认已读 on the notice: open it from 概览's notice list, click the button, sync.
    go_to(clerk, shell, "Overview")
    qtbot.waitUntil(lambda: overview.notices_model.total == 1, timeout=5_000)
    notice = overview.notices_model.summary(0)
    assert notice is not None
    clerk.double_click(overview.notices.viewport(),
                       overview.notices.visualRect(overview.notices_model.index(0, 0)).center())
    wait_until(lambda: workspace.notice_view is not None and workspace.notice_view.isVisible(), 3000, "the notice")
    view = workspace.notice_view
    assert view is not None and view.ack.button.isEnabled()
    clerk.click(view.ack.button)
    assert not view.ack.button.isEnabled() and session.author in view.ack.label.text()
    with session.lock:
        assert receipt_of(session.store, notice.record_id) is not None
    view.close()
    sync_now(clerk, page, qtbot)
    indexer.refresh(hq.office.engine)
    with hq.office.engine.begin() as conn:
        scope = scope_of(conn, user_by_name(conn, "shen"))  # type: ignore[arg-type]
        [summary] = list_notices(conn, scope)
        detail = notice_detail(conn, scope, summary.key)
    assert summary.read == 1 and detail.rows[-1][0] == "b1" and detail.rows[-1][3]
    QApplication.processEvents()
