"""Render the main screens to PNG, in Chinese and English, empty and with 10 000 records.

    python scripts/screenshots.py [--out build/screenshots] [--records 10000]

Runs offscreen (QT_QPA_PLATFORM=offscreen) and grabs each window with ``QWidget.grab()``. The
10 000-record store is the benchmark's seed (bench/ui.py), made once and reused. Each language
runs in its own process, since the translator is application-wide.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _settle(app: object, ms: int = 300) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.01)


def shoot(language: str, out: Path, records: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop_app.app import create_application

    app = create_application(["screenshots"], language)
    from bench.ui import PASSPHRASE, ensure_seed
    from desktop_app.store import KdfParams
    from desktop_app.ui.editors.meeting import MeetingEditor
    from desktop_app.ui.shell import ShellWindow
    from desktop_app.ui.ui_settings import UiSettings
    from desktop_app.ui.workers import running_count

    out.mkdir(parents=True, exist_ok=True)
    settings = UiSettings()

    def save(widget: object, name: str) -> None:
        _settle(app)
        while running_count():
            _settle(app, 50)
        widget.grab().save(str(out / f"{language}-{name}.png"))  # type: ignore[attr-defined]

    # First run (empty): the wizard's first two pages.
    empty_dir = Path(tempfile.mkdtemp(prefix="branchledger-shots-")) / "ledger"
    window = ShellWindow(empty_dir, settings, kdf=KdfParams.fast_for_tests(), offer_restore=False)
    window.resize(1100, 720)
    window.show()
    save(window, "01-first-run")
    wizard = window.wizard
    wizard.next()  # type: ignore[union-attr]
    wizard.passphrase_page.fields.first.setText("林场党支部2026")  # type: ignore[union-attr]
    save(window, "02-first-run-passphrase")
    wizard.passphrase_page.fields.second.setText("林场党支部2026")  # type: ignore[union-attr]
    wizard.next()  # type: ignore[union-attr]
    while window.wizard is not None and window.wizard.currentId() != 2:  # type: ignore[attr-defined]
        _settle(app, 50)
    save(window, "03-recovery-key")
    window.close()

    # 10 000 records: lock screen, then every page.
    data_dir = ensure_seed(records)
    window = ShellWindow(data_dir, settings, offer_restore=False)
    window.resize(1280, 800)
    window.show()
    save(window, "04-unlock")
    window.unlock_screen.passphrase.setText("wrong")
    window.unlock_screen.try_unlock()
    while window.unlock_screen.busy:
        _settle(app, 50)
    save(window, "05-unlock-wrong")
    window.unlock_screen.passphrase.setText(PASSPHRASE)
    window.unlock_screen.try_unlock()
    while window.workspace is None:
        _settle(app, 50)
    settings.failed_unlocks = 0
    workspace = window.workspace
    for index, key in enumerate(("overview", "meetings", "posts", "members", "sync", "settings"), start=6):
        page = workspace.show_page(key)
        if key == "posts":
            page.posts.selectRow(0)  # type: ignore[attr-defined]
        save(window, f"{index:02d}-{key}")
    meetings = workspace.show_page("meetings")
    meetings.table.selectRow(0)  # type: ignore[attr-defined]
    record_id = meetings.table.selected_record_id()  # type: ignore[attr-defined]
    editor = workspace.open_editor("meeting", record_id)
    assert isinstance(editor, MeetingEditor)
    editor.resize(1100, 900)
    editor.live_check()
    save(editor, "12-meeting-editor")
    new = workspace.open_editor("meeting")
    assert isinstance(new, MeetingEditor)
    new.resize(1100, 900)
    new.meeting_type.set_value("lecture")
    new.title.setText("2026年第二季度党课")
    new.fill_attendance()
    new.live_check()
    save(new, "13-new-lecture")
    window.lock()
    window.close()


def main(argv: list[str]) -> int:
    out = Path(argv[argv.index("--out") + 1]) if "--out" in argv else ROOT / "build" / "screenshots"
    records = int(argv[argv.index("--records") + 1]) if "--records" in argv else 10_000
    if "--lang" in argv:
        shoot(argv[argv.index("--lang") + 1], out, records)
        return 0
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "XDG_CONFIG_HOME": tempfile.mkdtemp(prefix="branchledger-shots-config-")}
    for language in ("zh_CN", "en"):
        subprocess.run([sys.executable, __file__, "--lang", language, "--out", str(out), "--records", str(records)],
                       check=True, env=env, cwd=ROOT)
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
