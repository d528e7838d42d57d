"""设置 → 重新生成恢复密钥 → 保存为文件…: the sheet is written through the real file dialog, and a
folder that cannot be written (a read-only stick) gets a Chinese message naming the file while
the key stays on screen and pending in the store — it is never lost to a failed save."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from desktop_app.ui.pages.settings import SettingsPage
from desktop_app.ui.recovery_key import PassphrasePrompt, RecoveryKeyDialog
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.ui_settings import UiSettings
from tests.reliability.test_disk_full import _rlimit, _tmpfs
from tests.ui.clerk import Clerk, wait_until
from tests.ui.conftest import PASSPHRASE
from tests.ui.steps import button, go_to

pytestmark = [pytest.mark.usefixtures("chinese")]
TIMEOUT = 20_000


@contextlib.contextmanager
def unwritable_folder(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder no file can be written into, and how (a read-only filesystem where one can be
    mounted; else a folder without write permission; as root without mounts, a file-size limit
    of 4 KiB, i.e. a full disk)."""
    with _tmpfs(tmp_path / "stick") as mounted:
        if mounted is not None and mounted.read_only is not None:
            mounted.read_only(True)
            try:
                yield mounted.root, "read-only"
            finally:
                mounted.read_only(False)
            return
    if os.geteuid() != 0:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o555)
        try:
            yield folder, "read-only"
        finally:
            folder.chmod(0o755)
        return
    with _rlimit(tmp_path / "limited") as limited:
        limited.fill_all()
        yield limited.root, "full"


def reissued_key_dialog(clerk: Clerk, shell: ShellWindow, qtbot: Any) -> RecoveryKeyDialog:
    """设置 → 重新生成恢复密钥…, the current passphrase typed and confirmed: the new key's dialog."""
    page = go_to(clerk, shell, "设置")
    assert isinstance(page, SettingsPage)
    clerk.click(button(page, "重新生成恢复密钥…"))
    prompt = next(w for w in page.findChildren(PassphrasePrompt) if w.isVisible())
    clerk.click(prompt.passphrase)
    clerk.type(PASSPHRASE)
    clerk.click(prompt.ok)
    qtbot.waitUntil(lambda: isinstance(getattr(page, "recovery_dialog", None), RecoveryKeyDialog), timeout=TIMEOUT)
    dialog = page.recovery_dialog  # type: ignore[attr-defined]
    assert isinstance(dialog, RecoveryKeyDialog)
    wait_until(dialog.isVisible, 3000, "the recovery key dialog")
    return dialog


def test_saving_the_key_into_an_unwritable_folder_says_so_and_keeps_the_key(
    shell: ShellWindow, session: Session, qtbot: Any, clerk: Clerk, tmp_path: Path
) -> None:
    dialog = reissued_key_dialog(clerk, shell, qtbot)
    key = dialog.key.toPlainText()
    assert len(key) == 39 and session.read(lambda s: s.pending_recovery_key()) == key
    messages: list[str] = []

    def read_and_close(box: QWidget) -> None:
        messages.append(box.text())  # type: ignore[attr-defined]
        clerk.click_button(box, "确定")

    with unwritable_folder(tmp_path) as (folder, how):
        target = folder / "恢复密钥.txt"
        UiSettings().last_folder = str(folder)
        with clerk.on_dialogs(clerk.open_file(str(target), "保存"), read_and_close, timeout_ms=TIMEOUT):
            clerk.click(dialog.panel.save_button)
        assert not target.exists() and not list(folder.glob(".恢复密钥*"))  # no half-written sheet
    assert len(messages) == 1
    message = messages[0]
    assert str(target) in message and "恢复密钥没有保存" in message
    assert ("只读" in message) if how == "read-only" else ("磁盘空间已满" in message)
    assert "Errno" not in message and "Permission" not in message
    # Nothing was lost: the key is still on screen, still pending, and the dialog still open.
    assert dialog.isVisible() and dialog.key.toPlainText() == key
    assert session.read(lambda s: s.pending_recovery_key()) == key
    assert not dialog.ok.isEnabled()
    # Saved to a folder that can be written, the sheet holds the key.
    good = tmp_path / "usb"
    good.mkdir()
    with clerk.on_dialogs(clerk.open_file(str(good / "恢复密钥.txt"), "保存"), timeout_ms=TIMEOUT):
        clerk.click(dialog.panel.save_button)
    sheet = (good / "恢复密钥.txt").read_text(encoding="utf-8")
    assert key in sheet and "恢复密钥" in sheet
    clerk.click(dialog.check)
    clerk.click(dialog.ok)
    assert session.read(lambda s: s.pending_recovery_key()) is None


def test_the_wizard_and_the_dialog_show_one_recovery_key_panel(tmp_path: Path, qtbot: Any) -> None:
    """The wizard's recovery-key page and the dialog are built from the same widget."""
    from desktop_app.ui.recovery_key import RecoveryKeyPanel
    from desktop_app.ui.wizard.first_run import RecoveryPage

    page = RecoveryPage()
    qtbot.addWidget(page)
    assert isinstance(page.panel, RecoveryKeyPanel)
    assert page.key is page.panel.key and page.confirm is page.panel.confirm
    assert [type(w).__name__ for w in page.panel.findChildren(QWidget) if w.objectName() in (
        "recoveryKey", "saveRecoveryKey", "recoveryConfirm")] == ["QPlainTextEdit", "QPushButton", "QCheckBox"]
