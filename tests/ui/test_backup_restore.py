"""设置 → 备份 and 恢复密钥, the recovery key at unlock, and salvage after damage — real widgets,
a real encrypted store and its real backups."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QListWidget, QWidget

from desktop_app.store import Store
from desktop_app.store import backups as bk
from desktop_app.store.errors import WrongPassphrase
from desktop_app.store.store import DB_FILE
from desktop_app.ui.pages.settings import SettingsPage
from desktop_app.ui.recovery_key import PassphrasePrompt, RecoveryKeyDialog
from desktop_app.ui.salvage_dialog import SalvageDialog
from desktop_app.ui.session import Session, wait_for_closing
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.unlock import RecoveryDialog
from tests.ui.clerk import Clerk
from tests.ui.conftest import FAST_KDF, PASSPHRASE
from tests.ui.steps import go_to

TIMEOUT = 20_000


def settings_page(clerk: Clerk, shell: ShellWindow, qtbot: Any) -> SettingsPage:
    """Click 设置 (Settings) in the navigation; wait for the backup list."""
    page = go_to(clerk, shell, "Settings")
    assert isinstance(page, SettingsPage)
    qtbot.waitUntil(lambda: not page.backup_panel.loading, timeout=TIMEOUT)
    return page


def type_into(widget: Any, text: str) -> None:
    """Type like a person: ASCII as key clicks, Chinese as an input method commits it (QTest's
    key clicks cannot carry characters outside Latin-1)."""
    widget.setFocus()
    for char in text:
        if char.isascii():
            QTest.keyClicks(widget, char)
        else:
            event = QInputMethodEvent()
            event.setCommitString(char)
            QApplication.sendEvent(widget, event)


def click(widget: Any) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_row(view: QListWidget, row: int) -> None:
    rect = view.visualItemRect(view.item(row))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def members(session: Session) -> set[str]:
    return {m.name for m in session.read(lambda s: s.records.members()).values()}


def test_back_up_now_keep_and_location(shell: ShellWindow, session: Session, qtbot: Any, clerk: Clerk,
                                       tmp_path: Path) -> None:
    page = settings_page(clerk, shell, qtbot)
    panel = page.backup_panel
    before = panel.list.count()
    click(panel.backup_button)
    qtbot.waitUntil(lambda: panel.list.count() == before + 1 and not panel.loading, timeout=TIMEOUT)
    assert "手动" in panel.list.item(0).text()
    panel.keep.lineEdit().selectAll()
    QTest.keyClicks(panel.keep, "3")
    qtbot.waitUntil(lambda: bk.load_config(session.store.data_dir).keep == 3, timeout=TIMEOUT)
    # A folder that is not there (the stick is not plugged in) is refused with a Chinese message.
    missing = tmp_path / "usb-not-plugged"
    with clerk.on_dialog(clerk.press("OK"), timeout_ms=TIMEOUT):
        clerk.fill(panel.location, str(missing))
        clerk.key(Qt.Key.Key_Return)
    assert "U 盘" in clerk.dialogs_seen[-1] or "USB" in clerk.dialogs_seen[-1]
    assert bk.load_config(session.store.data_dir).location == ""
    usb = tmp_path / "usb"
    usb.mkdir()
    qtbot.waitUntil(lambda: not panel.loading, timeout=TIMEOUT)
    panel.location.selectAll()
    QTest.keyClicks(panel.location, str(usb))
    QTest.keyClick(panel.location, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bk.load_config(session.store.data_dir).location == str(usb), timeout=TIMEOUT)
    click(panel.backup_button)
    qtbot.waitUntil(lambda: any(usb.glob("BranchLedger-*/*-manual")), timeout=TIMEOUT)


def test_a_path_being_typed_survives_a_reload(shell: ShellWindow, session: Session, qtbot: Any,
                                              clerk: Clerk, tmp_path: Path) -> None:
    """Changing how many backups to keep saves and reloads the panel in the background; a folder
    the clerk starts typing meanwhile stays as typed (the reload put the saved location back, so
    her Return saved nothing — the suite saw it on a busy machine)."""
    page = settings_page(clerk, shell, qtbot)
    panel = page.backup_panel
    qtbot.waitUntil(lambda: not panel.loading, timeout=TIMEOUT)
    usb = tmp_path / "usb"
    usb.mkdir()
    with session.lock:  # as when an automatic sync holds the store: the save waits, then reloads
        panel.keep.lineEdit().selectAll()
        QTest.keyClicks(panel.keep, "3")
        clerk.click(panel.location)
        QTest.keyClicks(panel.location, str(usb))
    qtbot.waitUntil(lambda: bk.load_config(session.store.data_dir).keep == 3 and not panel.loading, timeout=TIMEOUT)
    qtbot.wait(200)
    assert panel.location.text() == str(usb)
    QTest.keyClick(panel.location, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bk.load_config(session.store.data_dir).location == str(usb), timeout=TIMEOUT)


def test_restore_a_backup_from_settings(shell: ShellWindow, session: Session, qtbot: Any, clerk: Clerk) -> None:
    with session.lock:
        session.store.records.create("member", {"name": "备份前"}, author="t")
        bk.make_backup(session.store, "manual")
        session.store.records.create("member", {"name": "备份后"}, author="t")
    page = settings_page(clerk, shell, qtbot)  # the page shows the backups there are when opened
    panel = page.backup_panel
    qtbot.waitUntil(lambda: panel.list.count() >= 1 and not panel.loading, timeout=TIMEOUT)
    row = next(i for i in range(panel.list.count()) if "手动" in panel.list.item(i).text())
    click_row(panel.list, row)
    assert panel.restore_button.isEnabled()
    click(panel.restore_button)
    prompt = panel.prompt
    assert isinstance(prompt, PassphrasePrompt) and prompt.isVisible() and not prompt.ok.isEnabled()
    type_into(prompt.passphrase, "不是这个密码")
    click(prompt.ok)
    qtbot.waitUntil(lambda: "not correct" in prompt.message.text() or "不正确" in prompt.message.text(),
                    timeout=TIMEOUT)
    assert not shell.locked
    prompt.passphrase.clear()
    type_into(prompt.passphrase, PASSPHRASE)
    click(prompt.ok)
    qtbot.waitUntil(lambda: not shell.locked and shell.session is not session, timeout=TIMEOUT)
    assert shell.session is not None and members(shell.session) == {"备份前"}
    assert shell.session.read(lambda s: s.meta.get("sync.full_resync"))["reason"] == "restore"


def test_issue_a_new_recovery_key_from_settings(
    shell: ShellWindow, session: Session, qtbot: Any, clerk: Clerk
) -> None:
    page = settings_page(clerk, shell, qtbot)
    click(page.reissue_button)
    prompt = next(w for w in page.findChildren(PassphrasePrompt) if w.isVisible())
    type_into(prompt.passphrase, PASSPHRASE)
    click(prompt.ok)
    qtbot.waitUntil(lambda: isinstance(getattr(page, "recovery_dialog", None), RecoveryKeyDialog), timeout=TIMEOUT)
    dialog = page.recovery_dialog  # type: ignore[attr-defined]
    key = dialog.key.toPlainText()
    assert not dialog.ok.isEnabled()  # only once the clerk confirms having written it down
    assert session.read(lambda s: s.pending_recovery_key()) == key
    click(dialog.check)
    click(dialog.ok)
    assert session.read(lambda s: s.pending_recovery_key()) is None
    data_dir = session.store.data_dir
    shell.lock()
    wait_for_closing()
    Store.open_with_recovery_key(data_dir, key).close()


def test_a_recovery_key_never_confirmed_is_shown_at_unlock(session: Session, qtbot: Any) -> None:
    data_dir = session.store.data_dir
    session.close()  # the fixture's store was created and never confirmed, like a killed wizard
    wait_for_closing()
    window = ShellWindow(data_dir, kdf=FAST_KDF, offer_restore=False)
    qtbot.addWidget(window)
    window.show()
    type_into(window.unlock_screen.passphrase, PASSPHRASE)
    QTest.keyClick(window.unlock_screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.notice_dialog, RecoveryKeyDialog), timeout=TIMEOUT)
    dialog = window.notice_dialog
    assert isinstance(dialog, RecoveryKeyDialog) and len(dialog.key.toPlainText()) == 39
    click(dialog.check)
    click(dialog.ok)
    assert window.session is not None and window.session.read(lambda s: s.pending_recovery_key()) is None


def _damaged_and_unlocked(session: Session, qtbot: Any) -> tuple[ShellWindow, Any]:
    """Close the ledger (closing makes a backup), flip a byte of its database, open the window and
    type the passphrase: the lock screen then offers 抢救."""
    data_dir = session.store.data_dir
    session.close()
    wait_for_closing()
    db = data_dir / DB_FILE
    raw = bytearray(db.read_bytes())
    raw[len(raw) // 2] ^= 0x08
    db.write_bytes(bytes(raw))
    window = ShellWindow(data_dir, kdf=FAST_KDF, offer_restore=False)
    qtbot.addWidget(window)
    window.show()
    screen = window.unlock_screen
    type_into(screen.passphrase, PASSPHRASE)
    QTest.keyClick(screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.salvage.isVisible(), timeout=TIMEOUT)
    return window, screen


def test_salvage_a_damaged_ledger_by_restoring_a_backup(session: Session, qtbot: Any, tmp_path: Path) -> None:
    with session.lock:
        for i in range(120):
            session.store.records.create("member", {"name": f"党员{i}", "note": "巡护" * 40}, author="t")
        session.store.confirm_recovery_key()
    window, screen = _damaged_and_unlocked(session, qtbot)
    assert window.locked and ("damaged" in screen.message.text() or "损坏" in screen.message.text())
    click(screen.salvage)
    dialog = screen.salvage_dialog
    assert isinstance(dialog, SalvageDialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=TIMEOUT)
    assert "aside" in dialog.where.text() and dialog.backup_list.count() >= 1
    # Export what is readable first (type a file name; the dialog's own button).
    out = tmp_path / "readable.json"
    dialog.out.clear()
    QTest.keyClicks(dialog.out, str(out))
    type_into(dialog.passphrase, PASSPHRASE)
    click(dialog.export_button)
    qtbot.waitUntil(lambda: out.exists() and not dialog.busy, timeout=TIMEOUT)
    assert "120" in dialog.outcome.text() or "readable" in dialog.outcome.text()
    click_row(dialog.backup_list, 0)
    click(dialog.restore_button)
    qtbot.waitUntil(lambda: not window.locked, timeout=TIMEOUT)
    assert window.session is not None and len(members(window.session)) == 120


def test_forgotten_passphrase_unlocks_with_the_recovery_key_and_a_new_passphrase(
    session: Session, qtbot: Any, clerk: Clerk
) -> None:
    key = session.read(lambda s: s.pending_recovery_key())
    assert key is not None
    data_dir = session.store.data_dir
    session.close()
    wait_for_closing()
    window = ShellWindow(data_dir, kdf=FAST_KDF, offer_restore=False)
    qtbot.addWidget(window)
    window.show()
    screen = window.unlock_screen
    new = "forest-station-2027-new"

    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, RecoveryDialog)
        QTest.keyClicks(dialog.key, key)
        QTest.keyClicks(dialog.fields.first, new)
        QTest.keyClicks(dialog.fields.second, new)
        buttons = dialog.findChild(QDialogButtonBox)
        assert buttons is not None
        click(buttons.button(QDialogButtonBox.StandardButton.Ok))

    with clerk.on_dialog(answer, kind=RecoveryDialog, timeout_ms=TIMEOUT):
        click(screen.recover)
    qtbot.waitUntil(lambda: not window.locked, timeout=TIMEOUT)
    assert window.session is not None and members(window.session) == set()
    window.lock()
    wait_for_closing()
    with pytest.raises(WrongPassphrase):
        Store.open(data_dir, PASSPHRASE)
    Store.open(data_dir, new).close()


def test_salvage_a_damaged_ledger_by_starting_fresh(session: Session, qtbot: Any) -> None:
    with session.lock:
        session.store.records.create("member", {"name": "党员甲"}, author="t")
        session.store.confirm_recovery_key()
    data_dir = session.store.data_dir
    window, screen = _damaged_and_unlocked(session, qtbot)
    click(screen.salvage)
    dialog = screen.salvage_dialog
    assert isinstance(dialog, SalvageDialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=TIMEOUT)
    type_into(dialog.passphrase, PASSPHRASE)
    click(dialog.fresh_button)
    qtbot.waitUntil(lambda: not window.locked, timeout=TIMEOUT)
    # A new, empty ledger under the same passphrase; the damaged files stay aside for later.
    assert window.session is not None and members(window.session) == set()
    assert any((data_dir / "aside").iterdir())
