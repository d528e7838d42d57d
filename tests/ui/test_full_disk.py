"""A full disk while the clerk saves: a Chinese message in the real dialog path, nothing half-saved,
and the save works once there is room (the ledger on a real small filesystem where one can be
mounted, else under a file-size limit — tests/reliability/test_disk_full.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.operations.ledger import Ledger
from desktop_app.store import Store
from desktop_app.ui.editors.member import MemberEditor
from desktop_app.ui.session import Session, wait_for_closing
from desktop_app.ui.shell import ShellWindow
from tests.reliability.test_disk_full import Medium, _rlimit, _tmpfs
from tests.ui.clerk import Clerk
from tests.ui.conftest import FAST_KDF, PASSPHRASE
from tests.ui.steps import button, go_to, newest_editor, toolbar_button


@pytest.fixture
def medium(tmp_path: Path) -> Iterator[Medium]:
    with _tmpfs(tmp_path / "stick") as mounted:
        if mounted is not None:
            yield mounted
            return
    with _rlimit(tmp_path / "limited") as limited:
        yield limited


def test_saving_on_a_full_disk_says_so_in_chinese_and_keeps_nothing_half_made(
    medium: Medium, qtbot: Any, clerk: Clerk, chinese: None
) -> None:
    store, _ = Store.create(medium.root / "ledger", PASSPHRASE, kdf=FAST_KDF)
    store.confirm_recovery_key()
    session = Session(Ledger(store))
    window = ShellWindow(store.data_dir, kdf=FAST_KDF, offer_restore=False)
    qtbot.addWidget(window)
    window.open_session(session, restore=False)
    window.show()
    assert window.workspace is not None
    page = go_to(clerk, window, "党员")
    clerk.click(button(page, "新增党员"))
    editor = newest_editor(window, 0)
    assert isinstance(editor, MemberEditor)
    medium.fill()
    saved: list[str] = []
    refusal = ""
    try:
        # Space the files already hold is reused, so a few saves still fit; type and save until
        # the disk refuses one, as a clerk would (the refusal is read in its box and closed).
        for i in range(60):
            name = f"满盘时的党员{i}"
            clerk.fill(editor.name, name)
            with clerk.on_dialogs(clerk.press("确定"), optional=True) as seen:
                clerk.click(toolbar_button(editor, "保存"))
            if seen:
                refusal = clerk.dialogs_seen[-1]
                break
            saved.append(name)
        assert refusal, "the disk never filled"
        assert any(msg in refusal for msg in ("磁盘空间已满", "读写数据文件时出错"))
        assert "disk" not in refusal.lower() and "sqlite" not in refusal.lower()
        last = session.read(lambda s: [m.name for m in s.records.members().values()])
        assert last == ([saved[-1]] if saved else [])  # the refused save left nothing behind
        assert editor.name.text() == f"满盘时的党员{len(saved)}"  # the typing is still on screen
    finally:
        medium.free()
    clerk.click(toolbar_button(editor, "保存"))  # the same typing, saved once there is room
    names = [m.name for m in session.read(lambda s: s.records.members()).values()]
    assert names == [f"满盘时的党员{len(saved)}"]
    editor.force_close()
    window.lock()
    wait_for_closing()
