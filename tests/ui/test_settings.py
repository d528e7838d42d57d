"""设置: changing the passphrase (the current one is asked for; only the key file is rewrapped)."""

from __future__ import annotations

from typing import Any

from desktop_app.store import Store
from desktop_app.store.store import KEY_FILE
from desktop_app.ui.pages.settings import SettingsPage
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from tests.ui.conftest import PASSPHRASE

NEW_PASSPHRASE = "瞭望塔值守2027春"


def _settings_page(shell: ShellWindow) -> SettingsPage:
    assert shell.workspace is not None
    page = shell.workspace.show_page("settings")
    assert isinstance(page, SettingsPage)
    return page


def test_wrong_current_passphrase_changes_nothing(shell: ShellWindow, session: Session, qtbot: Any,
                                                  answers: Any) -> None:
    page = _settings_page(shell)
    key_file = session.store.data_dir / KEY_FILE
    before = key_file.read_bytes()
    page.current.setText("不是这个密码")
    page.new.first.setText(NEW_PASSPHRASE)
    page.new.second.setText(NEW_PASSPHRASE)
    page.change_passphrase()
    qtbot.waitUntil(lambda: bool(answers.errors), timeout=10_000)
    assert "密码不正确" in answers.errors[0]
    assert key_file.read_bytes() == before
    assert page.change_button.isEnabled()


def test_passphrase_change_opens_with_the_new_one(shell: ShellWindow, session: Session, qtbot: Any,
                                                  answers: Any) -> None:
    page = _settings_page(shell)
    data_dir = session.store.data_dir
    page.current.setText(PASSPHRASE)
    page.new.first.setText(NEW_PASSPHRASE)
    page.new.second.setText(NEW_PASSPHRASE)
    page.change_passphrase()
    qtbot.waitUntil(lambda: bool(answers.infos or answers.errors), timeout=20_000)
    assert answers.errors == [] and page.current.text() == ""
    shell.lock()
    Store.open(data_dir, NEW_PASSPHRASE).close()
