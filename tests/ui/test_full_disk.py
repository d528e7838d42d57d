"""A full disk while the clerk saves: a Chinese message in the real dialog path, nothing half-saved,
and the save works once there is room (the ledger on a real small filesystem where one can be
mounted, else under a file-size limit — tests/reliability/test_disk_full.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolBar

from desktop_app.store import Store
from desktop_app.ui.editors.member import MemberEditor
from desktop_app.ui.session import Session, wait_for_closing
from desktop_app.ui.shell import ShellWindow
from tests.reliability.test_disk_full import Medium, _rlimit, _tmpfs
from tests.ui.conftest import FAST_KDF, PASSPHRASE, Answers
from tests.ui.test_backup_restore import type_into


def click_save(editor: MemberEditor) -> None:
    """The toolbar's 保存 button, clicked."""
    button = next(b for tb in editor.findChildren(QToolBar) if (b := tb.widgetForAction(editor.action_save)))
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def medium(tmp_path: Path) -> Iterator[Medium]:
    with _tmpfs(tmp_path / "stick") as mounted:
        if mounted is not None:
            yield mounted
            return
    with _rlimit(tmp_path / "limited") as limited:
        yield limited


def test_saving_on_a_full_disk_says_so_in_chinese_and_keeps_nothing_half_made(
    medium: Medium, qtbot: Any, answers: Answers
) -> None:
    store, _ = Store.create(medium.root / "ledger", PASSPHRASE, kdf=FAST_KDF)
    store.confirm_recovery_key()
    session = Session(store)
    window = ShellWindow(store.data_dir, kdf=FAST_KDF, offer_restore=False)
    qtbot.addWidget(window)
    window.open_session(session, restore=False)
    window.show()
    assert window.workspace is not None
    editor = window.workspace.open_editor("member")
    assert isinstance(editor, MemberEditor)
    medium.fill()
    saved: list[str] = []
    try:
        # Space the files already hold is reused, so a few saves still fit; type and save until
        # the disk refuses one, as a clerk would.
        for i in range(60):
            name = f"满盘时的党员{i}"
            editor.name.clear()
            type_into(editor.name, name)
            click_save(editor)
            if answers.errors:
                break
            saved.append(name)
        assert answers.errors, "the disk never filled"
        assert any(msg in answers.errors[-1] for msg in ("磁盘空间已满", "读写数据文件时出错"))
        assert "disk" not in answers.errors[-1].lower() and "sqlite" not in answers.errors[-1].lower()
        last = session.read(lambda s: [m.name for m in s.records.members().values()])
        assert last == ([saved[-1]] if saved else [])  # the refused save left nothing behind
    finally:
        medium.free()
    click_save(editor)  # the same typing, saved once there is room
    names = [m.name for m in session.read(lambda s: s.records.members()).values()]
    assert names == [f"满盘时的党员{len(saved)}"]
    editor.force_close()
    window.lock()
    wait_for_closing()
