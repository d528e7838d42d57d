"""同步 → an offline edit of a record finalized on another laptop is listed with its text and
filed as an amendment (更正) through the page's own buttons and dialog (issue 11)."""

from __future__ import annotations

from typing import Any

from desktop_app.store import RecordFilter
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.sync.refused_panel import AmendDialog
from tests.sync.hq import HeadOfficeFixture, meeting
from tests.ui.clerk import Clerk
from tests.ui.test_sync import OtherLaptop, enrol_from_page, hq, laptop, settle, sync_now, sync_page

__all__ = ["hq", "laptop"]  # fixtures


def test_a_refused_edit_is_shown_with_its_text_and_filed_as_an_amendment(
    shell: ShellWindow, session: Session, hq: HeadOfficeFixture, laptop: OtherLaptop, qtbot: Any, clerk: Clerk
) -> None:
    page = sync_page(clerk, shell, qtbot)
    enrol_from_page(clerk, page, hq, qtbot)
    chair = laptop.store.records.create("member", {"name": "王书记", "posts": ["secretary"]}, author="B").record_id
    recorder = laptop.store.records.create("member", {"name": "李记录"}, author="B").record_id
    complete = meeting(meeting_type="committee", title="支委会", ends_at="2026-10-15T10:00:00", place="会议室",
                       chair_member_id=chair, recorder_member_id=recorder,
                       attendance=[{"member_id": chair}, {"member_id": recorder}])
    record_id = laptop.store.records.create("meeting", complete, author="B").record_id
    laptop.sync()
    sync_now(clerk, page, qtbot)
    laptop.store.records.finalize(record_id, author="B")
    laptop.sync()
    with session.lock:  # typed offline into the draft this laptop still had
        session.store.records.update(record_id, {**complete, "discussion": "离线补记：研究冬季防火值班。"},
                                     author="A")
    assert sync_now(clerk, page, qtbot).rejected == 1
    panel = page.refused
    assert panel.isVisible() and panel.model.rowCount() == 1
    assert "定稿" in panel.model.index(0, 2).data()
    details = panel.details.toPlainText()
    assert "离线补记：研究冬季防火值班。" in details  # the refused text is visible
    assert panel.amend_button.isEnabled() and not panel.reapply_button.isEnabled()
    clerk.click(panel.amend_button)
    dialog = panel.amend_dialog
    assert isinstance(dialog, AmendDialog) and dialog.isVisible() and not dialog.ok.isEnabled()
    clerk.click(dialog.reason)
    clerk.type("补记会上讨论的内容")
    with qtbot.waitSignal(page.controller.synced, timeout=20_000):
        clerk.click(dialog.ok)  # files the amendment and syncs it
    settle(page, qtbot)
    assert not panel.isVisible()
    laptop.sync()
    [amendment] = [s for s in laptop.store.records.query(RecordFilter(kind="meeting"))
                   if s.record_id != record_id]
    body = laptop.store.records.get(amendment.record_id).body.model_dump()
    assert body["amends_record_id"] == record_id and body["discussion"] == "离线补记：研究冬季防火值班。"
    assert body["amendment_reason"] == "补记会上讨论的内容"
