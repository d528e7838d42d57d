"""同步 → an offline edit of a record finalized on another laptop is listed with its text and
filed as an amendment (更正) through the page's own buttons and dialog (issue 11)."""

from __future__ import annotations

from typing import Any

from desktop_app.store import RecordFilter
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.sync.refused_panel import AmendDialog
from tests.sync.hq import HeadOfficeFixture
from tests.ui.clerk import Clerk
from tests.ui.test_sync import OtherLaptop, hq, laptop, refused_edit_of_a_draft_finalized_elsewhere, settle

__all__ = ["hq", "laptop"]  # fixtures


def test_a_refused_edit_is_shown_with_its_text_and_filed_as_an_amendment(
    shell: ShellWindow, session: Session, hq: HeadOfficeFixture, laptop: OtherLaptop, qtbot: Any, clerk: Clerk
) -> None:
    page, record_id = refused_edit_of_a_draft_finalized_elsewhere(
        clerk, shell, session, hq, laptop, qtbot, {"discussion": "离线补记：研究冬季防火值班。"})
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
