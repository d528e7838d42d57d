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
        if key == "overview":
            # Its statistics start OVERVIEW_DELAY_MS after the first paint, in a worker.
            while page.data is None:  # type: ignore[attr-defined]
                _settle(app, 50)
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
    new.force_close()
    editor.close()

    # Printing: the print dialog, the 台账 period dialog, Qt's preview of the rendered pages.
    minutes = meetings.print_selected()  # type: ignore[attr-defined]
    save(minutes, "14-print-minutes")
    minutes.preview(modal=False)
    while minutes.preview_dialog is None:
        _settle(app, 50)
    minutes.preview_dialog.resize(1000, 760)
    save(minutes.preview_dialog, "15-print-preview")
    minutes.preview_dialog.close()
    minutes.close()
    ledger = workspace.show_page("overview").print_selected()
    save(ledger, "16-print-ledger")
    ledger.close()
    posts = workspace.show_page("posts")
    posts.posts.selectRow(0)  # type: ignore[attr-defined]
    report = posts.print_selected()
    save(report, "17-print-post-report")
    report.close()
    window.lock()
    window.close()

    # Sync with a real (local) head office: a conflict, its resolution dialog, a notice.
    shoot_sync(app, settings, save)


def shoot_sync(app: object, settings: object, save: object) -> None:
    from desktop_app.store import KdfParams, Store
    from desktop_app.store.sync_state import StoreSyncState, enrol_store
    from desktop_app.ui.session import Session
    from desktop_app.ui.shell import ShellWindow
    from sync.client.engine import SyncEngine
    from tests.sync.hq import FAST_RETRY, HeadOfficeFixture, meeting

    tmp = Path(tempfile.mkdtemp(prefix="branchledger-shots-sync-"))
    hq = HeadOfficeFixture.start(f"sqlite:///{tmp / 'hq.sqlite3'}", backend="sqlite")
    kdf = KdfParams.fast_for_tests()
    stores = []
    try:
        for name in ("a", "b"):
            store, _ = Store.create(tmp / name, "林场党支部2026", kdf=kdf)
            enrol_store(store, hq.base_url, hq.enrol_code(), device_name=name)
            stores.append(store)
        a, b = stores

        def sync(store: Store) -> None:
            engine = SyncEngine(StoreSyncState(store), retry=FAST_RETRY)
            try:
                engine.sync_once()
            finally:
                engine.close()

        a.records.create("branch_profile", {"name": "毕拉河林场党支部", "has_committee": True}, author="a")
        chair = a.records.create("member", {"name": "王书记", "posts": ["secretary"]}, author="a").record_id
        body = meeting(place="场部会议室", chair_member_id=chair, ends_at="2026-10-15T11:00:00",
                       discussion="传达上级关于森林防火的部署。", attendance=[{"member_id": chair}])
        rid = a.records.create("meeting", body, author="王书记").record_id
        sync(a)
        sync(b)
        a.records.update(rid, {**body, "place": "瞭望塔值班室", "discussion": body["discussion"] + "\n安排巡山轮班。"},
                         author="王书记")
        b.records.update(rid, {**body, "title": "第四季度支部党员大会（扩大）",
                               "discussion": body["discussion"] + "\n清点扑火物资。"}, author="李组织")
        sync(b)
        sync(a)
        hq.publish_notice("b1", title="关于开展冬季森林防火主题党日活动的通知")
        b.close()
        window = ShellWindow(tmp / "a", settings, kdf=kdf, offer_restore=False)  # type: ignore[arg-type]
        window.resize(1280, 800)
        window.show()
        workspace = window.open_session(Session(a), restore=False)
        workspace.auto_sync.stop()
        page = workspace.show_page("sync")
        page.sync_now()  # type: ignore[attr-defined]  # brings the notice down
        while page.controller.running:  # type: ignore[attr-defined]
            _settle(app, 50)
        save(window, "18-sync-conflict")  # type: ignore[operator]
        dialog = page.open_conflict(0)  # type: ignore[attr-defined]
        dialog.resize(1100, 760)
        save(dialog, "19-conflict-dialog")  # type: ignore[operator]
        dialog.only_differences.setChecked(True)
        save(dialog, "20-conflict-differences")  # type: ignore[operator]
        dialog.close()
        workspace.show_page("overview")
        save(window, "21-overview-notices")  # type: ignore[operator]
        workspace.show_page("settings")
        save(window, "22-settings-sync")  # type: ignore[operator]
        window.lock()
        window.close()
    finally:
        hq.stop()


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
