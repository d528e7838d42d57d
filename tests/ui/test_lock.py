"""Unlock (success, failure, growing delay, recovery), Ctrl+L and auto-lock.

The passphrase is typed into the real field and sent with Enter or the 解锁 button.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.unlock import delay_after
from tests.ui.clerk import Clerk
from tests.ui.conftest import FAST_KDF, PASSPHRASE
from tests.ui.steps import new_meeting

pytestmark = [pytest.mark.usefixtures("chinese")]


def locked_window(session: Session, qtbot: Any, **kwargs: Any) -> ShellWindow:
    data_dir = session.store.data_dir
    session.close()
    window = ShellWindow(data_dir, kdf=FAST_KDF, offer_restore=False, **kwargs)
    qtbot.addWidget(window)
    window.show()
    assert window.locked and window.stack.currentWidget() is window.unlock_screen
    return window


def test_growing_delay_schedule() -> None:
    assert [delay_after(n) for n in range(7)] == [0, 0, 1, 2, 4, 8, 16]
    assert delay_after(40) == 300


def test_unlock_failure_then_delay_then_success(
    session: Session, qtbot: Any, clean_settings: Any, clerk: Clerk
) -> None:
    window = locked_window(session, qtbot)
    screen = window.unlock_screen
    clerk.fill(screen.passphrase, "wrong passphrase")
    clerk.key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not screen.busy, timeout=5000)
    assert "密码不正确" in screen.message.text()
    assert window.locked and screen.attempts().state().failures == 1
    assert screen.button.isEnabled()  # no wait after the first mistake
    clerk.fill(screen.passphrase, "wrong again")  # over the selected mistake
    clerk.click(screen.button)
    qtbot.waitUntil(lambda: not screen.busy, timeout=5000)
    assert screen.attempts().state().failures == 2
    # While waiting nothing can be typed or pressed: the field and the button are disabled.
    assert screen.waiting and not screen.button.isEnabled() and not screen.passphrase.isEnabled()
    qtbot.waitUntil(lambda: not screen.waiting, timeout=4000)
    assert screen.button.isEnabled() and screen.passphrase.isEnabled()
    clerk.fill(screen.passphrase, PASSPHRASE)
    clerk.click(screen.button)
    qtbot.waitUntil(lambda: not window.locked, timeout=5000)
    assert screen.attempts().state().failures == 0
    assert window.workspace is not None and window.session is not None
    assert window.session.read(lambda s: s.records.branch_profile()) is not None


def test_delay_survives_a_restart_and_resetting_the_settings(session: Session, qtbot: Any,
                                                             clean_settings: Any) -> None:
    from desktop_app.store.attempts import UnlockAttempts

    attempts = UnlockAttempts(session.store.data_dir, key_id=session.store.key_id)
    for _ in range(4):
        attempts.record_failure()
    clean_settings._s.clear()  # the old counter lived here: clearing the settings no longer helps
    window = locked_window(session, qtbot)
    assert window.unlock_screen.waiting
    assert not window.unlock_screen.button.isEnabled()
    assert "4" in window.unlock_screen.message.text()


def test_deleting_the_attempts_file_does_not_reset_the_delay(session: Session, qtbot: Any) -> None:
    from desktop_app.store.attempts import ATTEMPTS_FILE

    (session.store.data_dir / ATTEMPTS_FILE).unlink()
    window = locked_window(session, qtbot)
    assert window.unlock_screen.waiting and window.unlock_screen._remaining > 10


def test_ctrl_l_locks_and_keeps_unsaved_typing(
    shell: ShellWindow, session: Session, qtbot: Any, clerk: Clerk
) -> None:
    editor = new_meeting(clerk, shell)
    clerk.fill(editor.title, "写了一半的会议记录")
    assert shell.workspace is not None
    clerk.click(shell.workspace.nav)  # back to the main window, then Ctrl+L
    clerk.key(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shell.locked, timeout=2000)
    assert session.closed
    assert shell.stack.currentWidget() is shell.unlock_screen
    assert shell.workspace is None
    # Unlock again: the half-written record is offered back.
    shell.offer_restore = False
    clerk.fill(shell.unlock_screen.passphrase, PASSPHRASE)
    clerk.key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not shell.locked, timeout=5000)
    assert shell.session is not None
    buffers = shell.session.read(lambda s: s.buffers.all())
    assert [b.data["data"]["title"] for b in buffers] == ["写了一半的会议记录"]
    shell.lock()


def test_auto_lock_after_idle_time(session: Session, qtbot: Any) -> None:
    window = ShellWindow(session.store.data_dir, kdf=FAST_KDF, offer_restore=False, autolock_ms=400)
    qtbot.addWidget(window)
    window.open_session(session, restore=False)
    window.show()
    assert not window.locked
    qtbot.waitUntil(lambda: window.locked, timeout=3000)
    assert session.closed
    assert window.stack.currentWidget() is window.unlock_screen
