"""设置: changing the passphrase (the current one is asked for; only the key file is rewrapped).

The clerk types into the real fields and clicks 修改密码; the answer is the real message box,
read and closed by its own 确定 button.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop_app.store import Store
from desktop_app.store.store import KEY_FILE
from desktop_app.ui.pages.settings import SettingsPage
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from tests.ui.clerk import Clerk
from tests.ui.conftest import PASSPHRASE
from tests.ui.steps import go_to

pytestmark = [pytest.mark.usefixtures("chinese")]

NEW_PASSPHRASE = "瞭望塔值守2027春"


def change_passphrase(clerk: Clerk, shell: ShellWindow, current: str, new: str, *, timeout_ms: int) -> SettingsPage:
    """设置 → type the current passphrase and the new one twice → 修改密码 → the answer's 确定."""
    page = go_to(clerk, shell, "设置")
    assert isinstance(page, SettingsPage)
    clerk.fill(page.current, current)
    clerk.fill(page.new.first, new)
    clerk.fill(page.new.second, new)
    with clerk.on_dialog(clerk.press("确定"), timeout_ms=timeout_ms):
        clerk.click(page.change_button)
    return page


def test_wrong_current_passphrase_changes_nothing(
    shell: ShellWindow, session: Session, clerk: Clerk
) -> None:
    key_file = session.store.data_dir / KEY_FILE
    before = key_file.read_bytes()
    page = change_passphrase(clerk, shell, "不是这个密码", NEW_PASSPHRASE, timeout_ms=10_000)
    assert "密码不正确" in clerk.dialogs_seen[-1]
    assert key_file.read_bytes() == before
    assert page.change_button.isEnabled()


def test_passphrase_change_opens_with_the_new_one(
    shell: ShellWindow, session: Session, clerk: Clerk, qtbot: Any
) -> None:
    data_dir = session.store.data_dir
    page = change_passphrase(clerk, shell, PASSPHRASE, NEW_PASSPHRASE, timeout_ms=20_000)
    assert clerk.dialogs_seen[-1] == "密码已修改。"
    assert page.current.text() == "" and page.new.first.text() == ""
    clerk.click(page.current)  # back in the window, then Ctrl+L (锁定)
    clerk.key(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shell.locked, timeout=5000)
    Store.open(data_dir, NEW_PASSPHRASE).close()
