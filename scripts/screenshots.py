"""Render the main screens to PNG as a clerk would see them: per language, screen size and scaling.

    xvfb-run -a -s "-screen 0 1920x1080x24" python scripts/screenshots.py \\
        [--out build/screenshots] [--records 10000] [--sizes 1366x768,1920x1080] [--scales 1,1.5] \\
        [--langs zh_CN,en]

Each (language, screen, scale) combination runs in its own process (the translator and
``QT_SCALE_FACTOR`` are application-wide) and writes ``OUT/<lang>-<W>x<H>@<scale>/NN-name.png``.
Windows are sized as on that screen: the main window fills it (less a task bar), editors and
dialogs take what they would. Under Xvfb the real xcb platform is used; without a display the
offscreen one. The 10 000-record store is the benchmark's seed (bench/ui.py), made once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TASKBAR = 40  # physical pixels the desktop keeps for itself


def _settle(app: Any, ms: int = 300) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


class Shooter:
    def __init__(self, app: Any, out: Path, screen: tuple[int, int], scale: float) -> None:
        self.app = app
        self.out = out
        self.scale = scale
        self.screen = screen
        out.mkdir(parents=True, exist_ok=True)

    def logical(self, fraction_w: float = 1.0, fraction_h: float = 1.0) -> tuple[int, int]:
        width, height = self.screen
        return int(width * fraction_w / self.scale), int((height - TASKBAR) * fraction_h / self.scale)

    def fit(self, widget: Any, fraction_w: float = 1.0, fraction_h: float = 1.0) -> None:
        widget.resize(*self.logical(fraction_w, fraction_h))

    def save(self, widget: Any, name: str) -> None:
        from desktop_app.ui.workers import running_count

        _settle(self.app)
        while running_count():
            _settle(self.app, 50)
        widget.grab().save(str(self.out / f"{name}.png"))


def shoot(language: str, out: Path, records: int, screen: tuple[int, int], scale: float) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop_app.app import create_application

    app = create_application(["screenshots"], language)
    from bench.ui import PASSPHRASE, ensure_seed
    from desktop_app.store import KdfParams
    from desktop_app.ui.shell import ShellWindow
    from desktop_app.ui.ui_settings import UiSettings

    shots = Shooter(app, out, screen, scale)
    settings = UiSettings()
    first_run(shots, settings, KdfParams.fast_for_tests())

    data_dir = ensure_seed(records)
    window = ShellWindow(data_dir, settings, offer_restore=False)
    shots.fit(window)
    window.show()
    shots.save(window, "10-unlock")
    window.unlock_screen.passphrase.setText(PASSPHRASE)
    window.unlock_screen.try_unlock()
    while window.workspace is None:
        _settle(app, 50)
    settings.failed_unlocks = 0
    workspace = window.workspace
    for index, key in enumerate(("overview", "meetings", "posts", "members", "sync", "settings"), start=11):
        page = workspace.show_page(key)
        if key == "posts":
            page.posts.selectRow(0)
        if key == "overview":
            while page.data is None:
                _settle(app, 50)
        shots.save(window, f"{index:02d}-{key}")
    editors(shots, workspace)
    printing(shots, workspace)
    window.lock()
    window.close()
    shoot_sync(shots, settings)


def first_run(shots: Shooter, settings: Any, kdf: Any) -> None:
    """The wizard's pages, the roster with a mistake marked, and the import file dialog."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog, QWizard

    from desktop_app.ui.shell import ShellWindow

    app = shots.app
    empty_dir = Path(tempfile.mkdtemp(prefix="branchledger-shots-")) / "ledger"
    window = ShellWindow(empty_dir, settings, kdf=kdf, offer_restore=False)
    shots.fit(window)
    window.show()
    shots.save(window, "01-first-run")
    wizard: Any = window.wizard
    wizard.welcome.clerk.setText("李组织")
    wizard.next()
    wizard.passphrase_page.fields.first.setText("林场党支部2026")
    shots.save(window, "02-first-run-passphrase")
    wizard.passphrase_page.fields.second.setText("林场党支部2026")
    wizard.next()
    while window.wizard is not None and wizard.currentId() != 2:
        _settle(app, 50)
    shots.save(window, "03-recovery-key")
    wizard.recovery.confirm.setChecked(True)
    wizard.next()
    wizard.branch.name.setText("毕拉河林场党支部")
    wizard.branch.groups.setText("第一党小组，第二党小组")
    shots.save(window, "04-branch")
    wizard.next()
    wizard.roster.table.set_rows(
        [
            {"name": "王书记", "status": "full", "join_date": "2001-07-01", "party_group": "第一党小组",
             "role": "支部书记"},
            {"name": "李组织", "status": "full", "join_date": "1988-02-30", "party_group": "第一党小组",
             "role": "组织委员"},
            {"name": "", "status": "full", "join_date": "2010-07-01", "party_group": "第二党小组", "role": "护林员"},
        ]
    )
    wizard.button(QWizard.WizardButton.FinishButton).click()
    shots.save(window, "05-roster-with-mistakes")

    def grab_dialog() -> None:
        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible()), None)
        if dialog is None:
            QTimer.singleShot(100, grab_dialog)
            return
        shots.fit(dialog, 0.55, 0.6)
        shots.save(dialog, "06-import-file-dialog")
        dialog.reject()

    QTimer.singleShot(200, grab_dialog)
    wizard.roster.import_button.click()
    window.close()


def editors(shots: Shooter, workspace: Any) -> None:
    from desktop_app.ui.editors.meeting import MeetingEditor

    app = shots.app
    meetings = workspace.show_page("meetings")
    meetings.table.selectRow(0)
    editor = workspace.open_editor("meeting", meetings.table.selected_record_id())
    assert isinstance(editor, MeetingEditor)
    shots.fit(editor, 0.8, 1.0)
    editor.live_check()
    shots.save(editor, "20-meeting-editor")
    editor.form_scroll.verticalScrollBar().setValue(editor.form_scroll.verticalScrollBar().maximum() // 2)
    shots.save(editor, "21-meeting-editor-middle")
    editor.close()
    new = workspace.open_editor("meeting")
    assert isinstance(new, MeetingEditor)
    shots.fit(new, 0.8, 1.0)
    new.live_check()
    shots.save(new, "22-new-congress")
    new.meeting_type.set_value("lecture")
    _settle(app, 400)
    shots.save(new, "23-new-lecture")
    new.meeting_type.set_value("theme_day")
    _settle(app, 400)
    shots.save(new, "24-new-theme-day")
    new.force_close()
    finalized = next((r for r in range(meetings.model.rowCount()) if meetings.model.summary(r).status.value == "final"),
                     None)
    if finalized is not None:
        record = workspace.open_editor("meeting", meetings.model.summary(finalized).record_id)
        shots.fit(record, 0.8, 1.0)
        shots.save(record, "25-finalized-meeting")
        record.close()
    members = workspace.show_page("members")
    member = workspace.open_editor("member", members.model.summary(0).record_id)
    shots.fit(member, 0.6, 0.9)
    shots.save(member, "26-member-editor")
    member.close()
    posts = workspace.show_page("posts")
    post = workspace.open_editor("pioneer_post", posts.posts_model.summary(0).record_id)
    shots.fit(post, 0.7, 0.9)
    shots.save(post, "27-post-editor")
    post.close()


def _select_first(app: Any, table: Any) -> None:
    """Select the first row once the page's model has (re)loaded: a reload after an editor closes
    drops the selection, and printing with nothing selected opens a modal "select first" box."""
    for _ in range(200):
        if table.model().rowCount():
            table.selectRow(0)
            _settle(app, 50)
            if table.selectionModel().selectedRows():
                return
        _settle(app, 50)
    raise RuntimeError("the list has no row to select (is --records too small for meetings?)")


def printing(shots: Shooter, workspace: Any) -> None:
    app = shots.app
    meetings = workspace.show_page("meetings")
    _select_first(app, meetings.table)
    minutes = meetings.print_selected()
    shots.save(minutes, "30-print-minutes")
    minutes.preview(modal=False)
    while minutes.preview_dialog is None:
        _settle(app, 50)
    shots.fit(minutes.preview_dialog, 0.8, 1.0)
    shots.save(minutes.preview_dialog, "31-print-preview")
    minutes.preview_dialog.close()
    minutes.close()
    ledger = workspace.show_page("overview").print_selected()
    shots.save(ledger, "32-print-ledger")
    ledger.close()
    posts = workspace.show_page("posts")
    _select_first(app, posts.posts)
    report = posts.print_selected()
    shots.save(report, "33-print-post-report")
    report.close()


def shoot_sync(shots: Shooter, settings: Any) -> None:
    from desktop_app.operations.ledger import Ledger
    from desktop_app.store import KdfParams, Store
    from desktop_app.store.sync_state import StoreSyncState, enrol_store
    from desktop_app.ui.session import Session
    from desktop_app.ui.shell import ShellWindow
    from sync.client.engine import SyncEngine
    from tests.sync.hq import FAST_RETRY, HeadOfficeFixture, meeting

    app = shots.app
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
        window = ShellWindow(tmp / "a", settings, kdf=kdf, offer_restore=False)
        shots.fit(window)
        window.show()
        workspace = window.open_session(Session(Ledger(a)), restore=False)
        workspace.auto_sync.stop()
        page: Any = workspace.show_page("sync")
        page.sync_now()  # brings the notice down
        while page.controller.running:
            _settle(app, 50)
        shots.save(window, "40-sync-conflict")
        dialog = page.open_conflict(0)
        shots.fit(dialog, 0.8, 0.95)
        shots.save(dialog, "41-conflict-dialog")
        dialog.only_differences.setChecked(True)
        shots.save(dialog, "42-conflict-differences")
        dialog.close()
        workspace.show_page("overview")
        shots.save(window, "43-overview-notices")
        window.lock()
        window.close()
    finally:
        hq.stop()


def main(argv: list[str]) -> int:
    def option(name: str, default: str) -> str:
        return argv[argv.index(name) + 1] if name in argv else default

    out = Path(option("--out", str(ROOT / "build" / "screenshots")))
    records = int(option("--records", "10000"))
    if "--child" in argv:
        width, height = (int(n) for n in option("--screen", "1366x768").split("x"))
        shoot(option("--lang", "zh_CN"), out, records, (width, height), float(option("--scale", "1")))
        return 0
    env = {**os.environ, "XDG_CONFIG_HOME": tempfile.mkdtemp(prefix="branchledger-shots-config-")}
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    from bench.ui import ensure_seed

    ensure_seed(records)  # once, before the children
    for language in option("--langs", "zh_CN,en").split(","):
        for size in option("--sizes", "1366x768,1920x1080").split(","):
            for scale in option("--scales", "1,1.5").split(","):
                target = out / f"{language}-{size}@{scale}"
                child_env = {**env, "QT_SCALE_FACTOR": scale}
                subprocess.run(
                    [sys.executable, __file__, "--child", "--lang", language, "--screen", size, "--scale", scale,
                     "--out", str(target), "--records", str(records)],
                    check=True, env=child_env, cwd=ROOT,
                )
                print(f"{target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
