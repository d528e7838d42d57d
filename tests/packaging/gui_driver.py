"""Run the real desktop app in this process (``run_gui``, as ``branch-ledger`` does) and use it like a clerk.

    python -m tests.packaging.gui_driver DATA_DIR PASSPHRASE_FILE RECORDS STOP_FILE

It types the passphrase into the unlock screen and clicks 解锁, then saves ``RECORDS`` members
through the session's write path while the test runs other processes against the same data
directory, clicks 同步 → 立即同步 once on the way, and closes the window when ``STOP_FILE`` appears.
Each step is printed as a ``driver: …`` line for the test to wait on.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any


def say(text: str) -> None:
    print(f"driver: {text}", flush=True)


def main(argv: list[str]) -> int:
    data_dir, passphrase_file, count, stop_file = Path(argv[0]), Path(argv[1]), int(argv[2]), Path(argv[3])
    passphrase = passphrase_file.read_text(encoding="utf-8")

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMainWindow

    from desktop_app.app import create_application, run_gui
    from desktop_app.ui import launch
    from desktop_app.ui.shell import ShellWindow

    original_bring_to_front = launch.bring_to_front

    def bring_to_front(window: QMainWindow) -> None:
        say("activated")
        original_bring_to_front(window)

    launch.bring_to_front = bring_to_front
    app = create_application(["branch-ledger"])
    assert isinstance(app, QApplication)
    state: dict[str, Any] = {"created": 0, "synced": False}

    def window() -> ShellWindow | None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, ShellWindow) and w.isVisible()]
        return found[0] if found else None

    def unlock() -> None:
        shell = window()
        if shell is None:
            QTimer.singleShot(50, unlock)
            return
        screen = shell.unlock_screen
        QTest.keyClicks(screen.passphrase, passphrase)
        QTest.mouseClick(screen.button, Qt.MouseButton.LeftButton)
        wait_unlocked(shell, time.monotonic())

    def wait_unlocked(shell: ShellWindow, since: float) -> None:
        if shell.locked or shell.workspace is None:
            if time.monotonic() - since > 30:
                say("unlock timed out")
                app.exit(3)
                return
            QTimer.singleShot(50, lambda: wait_unlocked(shell, since))
            return
        say("unlocked")
        shell.workspace.sync_controller.synced.connect(lambda _stats: synced())
        shell.workspace.sync_controller.failed.connect(lambda message, _r: say(f"sync failed {message}"))
        QTimer.singleShot(0, lambda: write_next(shell))

    def synced() -> None:
        state["synced"] = True
        say("synced")

    def write_next(shell: ShellWindow) -> None:
        session, workspace = shell.session, shell.workspace
        assert session is not None and workspace is not None
        index = state["created"]
        if index < count:
            with session.guard() as store:  # what an editor's save does: one write through the repository
                store.records.create("member", {"name": f"并发党员{index:03d}"}, author="driver")
            session.notify("member")
            state["created"] = index + 1
            say(f"created {index + 1}")
            if index + 1 == count // 2:
                click_sync_now(workspace)
            QTimer.singleShot(100, lambda: write_next(shell))
            return
        wait_for_stop(shell)

    def click_sync_now(workspace: Any) -> None:
        nav = workspace.nav
        row = next(r for r in range(nav.count()) if nav.item(r).data(Qt.ItemDataRole.UserRole) == "sync")
        QTest.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(nav.item(row)).center())
        page = workspace.current_page()
        if page.sync_button.isEnabled():
            QTest.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
            say("clicked sync")
        else:
            say("sync already running")

    def wait_for_stop(shell: ShellWindow) -> None:
        if stop_file.exists():
            say("closing")
            shell.close()
            return
        QTimer.singleShot(100, lambda: wait_for_stop(shell))

    QTimer.singleShot(0, unlock)
    status = run_gui(["branch-ledger", "--data-dir", str(data_dir)])
    say(f"exit {status} created {state['created']}")
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
