"""An amendment (更正) of a finalized record; search; lock with an open draft, unlock, draft intact."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt

from desktop_app.ui.editors.meeting import MeetingEditor
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from domain.records import Meeting
from tests.ui.clerk import Clerk, settle, wait_until
from tests.ui.conftest import PASSPHRASE
from tests.ui.steps import finalize, go_to, new_meeting, open_from_list, problems, save, toolbar_button


def test_amend_a_finalized_meeting_and_find_it(
    window: ShellWindow, branch: tuple[Session, dict[str, str]], clerk: Clerk
) -> None:
    session, _ids = branch
    page = go_to(clerk, window, "会议记录")
    last = page.model.summary(0)
    assert last is not None
    original = open_from_list(clerk, window, page.table, last.title)
    assert isinstance(original, MeetingEditor)
    clerk.fill(original.discussion, "研究秋季森林防火部署")
    save(clerk, original)
    finalize(clerk, original)
    assert "已定稿" in original.state_label.text()
    assert window.workspace is not None
    count = len(window.workspace.editors)
    with clerk.on_dialog(clerk.enter_text("会议地点记录有误")):
        clerk.click(toolbar_button(original, "更正"))
    wait_until(lambda: len(window.workspace.editors) > count, 3000)  # type: ignore[union-attr]
    amendment = window.workspace.editors[-1]
    assert isinstance(amendment, MeetingEditor) and "更正记录" in amendment.state_label.text()
    clerk.fill(amendment.place, "场部会议室")
    save(clerk, amendment)
    finalize(clerk, amendment)
    corrected = session.read(lambda s: s.records.get(amendment.record_id))
    assert corrected.is_final and isinstance(corrected.body, Meeting)
    assert corrected.body.place == "场部会议室" and corrected.body.amends_record_id == original.record_id
    kept = session.read(lambda s: s.records.get(original.record_id))
    assert isinstance(kept.body, Meeting) and kept.body.place == "林场党员活动室"  # the original is unchanged

    # Search: Ctrl+F on the list, type, the record is found.
    clerk.click(page.table.viewport(), page.table.visualRect(page.model.index(0, 0)).center())
    clerk.key(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    clerk.type("秋季森林防火")
    wait_until(lambda: page.model.total == 2, 2000, "the search")  # the original and its amendment
    titles = {page.model.summary(r).title for r in range(page.model.rowCount())}  # type: ignore[union-attr]
    assert titles == {last.title}


def test_lock_with_an_open_draft_then_unlock(
    window: ShellWindow, branch: tuple[Session, dict[str, str]], clerk: Clerk
) -> None:
    editor = new_meeting(clerk, window)
    clerk.fill(editor.title, "锁定前未保存的支委会")
    clerk.fill(editor.discussion, "讨论发展党员工作，")
    clerk.choose(editor.meeting_type, "支部委员会会议")
    # Ctrl+L in the main window: the draft goes into the encrypted buffer, the editor closes.
    clerk.click(window.workspace.nav)  # type: ignore[union-attr]  # back in the main window
    clerk.key(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    wait_until(lambda: window.locked, 3000, "the lock")
    assert window.stack.currentWidget() is window.unlock_screen and not shiboken6.isValid(editor)
    # Unlock: type the passphrase, Enter; the draft is offered back.
    clerk.click(window.unlock_screen.passphrase)
    with clerk.on_dialog(clerk.press("打开草稿")):
        clerk.type(PASSPHRASE)
        clerk.key(Qt.Key.Key_Return)
        wait_until(lambda: not window.locked, 10_000, "the unlock")
    settle(50)
    assert window.workspace is not None
    restored = window.workspace.editors[-1]
    assert isinstance(restored, MeetingEditor)
    assert restored.title.text() == "锁定前未保存的支委会"
    assert restored.discussion.toPlainText() == "讨论发展党员工作，"
    assert restored.meeting_type.currentText() == "支部委员会会议" and restored.dirty
    clerk.fill(restored.discussion, "讨论发展党员工作，确定发展对象。")
    save(clerk, restored)
    assert restored.record_id is not None, problems(restored)
