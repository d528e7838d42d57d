"""The dialogs a clerk meets less often, in English and in Chinese, show one language only.

The companion of ``tests/ui/test_languages.py`` (whose reading of the screen and rules are used
here: :class:`~tests.ui.test_languages.Walk`): the first-run wizard page by page, the recovery-key
dialog (and its failed save), restoring a backup from 设置, the unlock screen's recovery dialog,
抢救 of a damaged ledger, the conflict-merge dialog of a real conflict between two devices of a
real head office, the print preview and Qt's print dialog, the attachments panel and viewer, and
the message box of every :class:`~domain.errors.LedgerError` the window can show. Each is
reached by clicking and typing as a person does; what the clerk typed is in the walk's language.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QWidget, QWizard

from desktop_app.store import KdfParams, Store
from desktop_app.store.store import DB_FILE
from desktop_app.store.sync_state import StoreSyncState, enrol_store
from desktop_app.ui import dialogs
from desktop_app.ui.editors.attachment_viewer import AttachmentViewer
from desktop_app.ui.i18n import install_translator
from desktop_app.ui.pages.settings import SettingsPage
from desktop_app.ui.pages.sync import SyncPage
from desktop_app.ui.printing.dialog import PrintDialog
from desktop_app.ui.recovery_key import PassphrasePrompt, RecoveryKeyDialog
from desktop_app.ui.salvage_dialog import SalvageDialog
from desktop_app.ui.session import wait_for_closing
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.ui_settings import UiSettings
from desktop_app.ui.unlock import RecoveryDialog
from desktop_app.ui.wizard.first_run import PAGE_RECOVERY, PAGE_ROSTER, FirstRunWizard
from desktop_app.ui.workers import running_count
from domain.errors import LedgerError
from sync.client.engine import SyncEngine
from sync.server import orgs
from tests.sync.hq import FAST_RETRY, HeadOfficeFixture
from tests.ui.clerk import Clerk, settle, wait_until
from tests.ui.conftest import FAST_KDF, PASSPHRASE
from tests.ui.steps import button, go_to, open_from_list
from tests.ui.test_languages import DATA, Walk, fill_store, tr
from tests.ui.test_recovery_key import unwritable_folder
from testsupport import attachment_samples as samples

TIMEOUT = 20_000
# What the clerk types, in the walk's language (names and titles are the clerk's own words).
TYPED = {
    "en": {"clerk": "Li Organiser", "branch": "Bilahe Forest Farm Branch", "groups": "Group One, Group Two",
           "member": "Zhang San", "job": "Ranger", "caption": "Oath renewed", "merged": "Both plans",
           "title": "Autumn general meeting", "place": "Office", "ours": "Tower 3", "theirs": "Station hall"},
    "zh_CN": {"clerk": "李组织", "branch": "毕拉河林场党支部", "groups": "第一党小组，第二党小组",
              "member": "张三", "job": "护林员", "caption": "重温入党誓词", "merged": "两份计划",
              "title": "秋季支部党员大会", "place": "会议室", "ours": "三号瞭望塔", "theirs": "场部会议室"},
}
UNITS = {"en": ("Forestry Group Committee", "Second-level Committee", "Bilahe Branch"),
         "zh_CN": ("集团党委", "林业二级党委", "第一支部")}


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    install_translator(qapp, request.param)
    yield request.param
    install_translator(qapp, "en")


def qt_button(lang: str, english: str, chinese: str) -> str:
    """A label of Qt's own dialogs (qtbase's catalogue), as written on the button."""
    return english if lang == "en" else chinese


def open_shell(data_dir: Path, qtbot: Any, clerk: Clerk) -> ShellWindow:
    """The window over an existing ledger, unlocked by typing the passphrase."""
    window = ShellWindow(data_dir, kdf=FAST_KDF, offer_restore=False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    clerk.fill(window.unlock_screen.passphrase, PASSPHRASE)
    clerk.key(Qt.Key.Key_Return)
    wait_until(lambda: window.workspace is not None, TIMEOUT, "the ledger to open")
    return window


def filled_ledger(tmp_path: Path, lang: str) -> tuple[Path, dict[str, str]]:
    store, _key = Store.create(tmp_path / "ledger", PASSPHRASE, kdf=FAST_KDF)
    names = fill_store(store, lang)
    store.confirm_recovery_key()
    store.close()
    return tmp_path / "ledger", names


def finish(walk: Walk, window: ShellWindow) -> None:
    wait_until(lambda: running_count() == 0, TIMEOUT, "the workers")
    if window.workspace is not None:
        window.workspace.close_editors()
    window.lock()
    wait_for_closing()
    assert walk.seen and all(walk.seen.values()), walk.seen
    assert not walk.problems, f"{walk.lang} window shows another language:\n{walk.report()}"


# ---------------------------------------------------------------- the first-run wizard


def test_first_run_wizard(language: str, tmp_path: Path, qtbot: Any, clerk: Clerk) -> None:
    typed = TYPED[language]
    walk = Walk(language, clerk)
    window = ShellWindow(tmp_path / "new-ledger", kdf=FAST_KDF)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    wizard = window.wizard
    assert isinstance(wizard, FirstRunWizard)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    walk.look("wizard: welcome", wizard)
    clerk.click(wizard.welcome.clerk)
    clerk.type(typed["clerk"])
    clerk.click(next_button)
    fields = wizard.passphrase_page.fields
    clerk.fill(fields.first, "short")
    clerk.fill(fields.second, "shorter")
    walk.look("wizard: passphrase too short, not the same", wizard)
    clerk.fill(fields.first, PASSPHRASE)
    clerk.fill(fields.second, PASSPHRASE)
    walk.look("wizard: passphrase", wizard)
    clerk.click(next_button)
    wait_until(lambda: wizard.currentId() == PAGE_RECOVERY, TIMEOUT, "the store to be created")
    walk.look("wizard: recovery key", wizard)
    clerk.click(wizard.recovery.confirm)
    clerk.click(next_button)
    walk.look("wizard: branch", wizard)
    clerk.click(wizard.branch.name)
    clerk.type(typed["branch"])
    clerk.click(wizard.branch.groups)
    clerk.type(typed["groups"])
    clerk.click(next_button)
    assert wizard.currentId() == PAGE_ROSTER
    walk.look("wizard: roster", wizard)
    # A row with a job but no name and a date that is no date: Finish is refused, the cells marked.
    table = wizard.roster.table.table
    clerk.fill_cell(table, 0, 3, "1988-13-45")
    clerk.fill_cell(table, 0, 5, typed["job"])
    clerk.click(wizard.button(QWizard.WizardButton.FinishButton))
    settle(100)
    assert wizard.roster.problems.isVisible()
    walk.look("wizard: roster refused", wizard)

    def look_and_cancel(dialog: QWidget) -> None:
        walk.look("wizard: roster file dialog", dialog)
        assert isinstance(dialog, QFileDialog)
        clerk.click_button(dialog, tr("Dialogs", "Cancel"))

    look_and_cancel.dialog_kind = QFileDialog  # type: ignore[attr-defined]
    with clerk.on_dialog(look_and_cancel, timeout_ms=TIMEOUT):
        clerk.click(wizard.roster.import_button)
    clerk.fill_cell(table, 0, 0, typed["member"])
    clerk.fill_cell(table, 0, 3, "1988-03-15")
    clerk.click(wizard.button(QWizard.WizardButton.FinishButton))
    wait_until(lambda: window.workspace is not None, TIMEOUT, "the workspace")
    finish(walk, window)


# ---------------------------------------------------------------- recovery key, backups, unlock


def test_recovery_key_restore_and_unlock_dialogs(language: str, tmp_path: Path, qtbot: Any, clerk: Clerk) -> None:
    data_dir, _names = filled_ledger(tmp_path, language)
    walk = Walk(language, clerk)
    window = open_shell(data_dir, qtbot, clerk)
    settings: Any = go_to(clerk, window, tr("Workspace", "Settings"))
    assert isinstance(settings, SettingsPage)
    wait_until(lambda: not settings.backup_panel.loading, TIMEOUT, "the backup list")
    # 重新生成恢复密钥…: the passphrase prompt, the new key, a save that fails, the confirmation.
    clerk.click(button(settings, tr("SettingsPage", "Issue a new recovery key…")))
    prompt = next(w for w in settings.findChildren(PassphrasePrompt) if w.isVisible())
    walk.look("recovery key: passphrase prompt", prompt)
    clerk.click(prompt.passphrase)
    clerk.type("not the passphrase")
    clerk.click(prompt.ok)
    wait_until(lambda: prompt.ok.isEnabled(), TIMEOUT, "the refusal")
    walk.look("recovery key: wrong passphrase", prompt)
    clerk.fill(prompt.passphrase, PASSPHRASE)
    clerk.click(prompt.ok)
    wait_until(lambda: isinstance(getattr(settings, "recovery_dialog", None), RecoveryKeyDialog), TIMEOUT,
               "the new key")
    key_dialog = settings.recovery_dialog
    wait_until(key_dialog.isVisible, 3000, "the recovery key dialog")
    walk.look("recovery key dialog", key_dialog)
    with unwritable_folder(tmp_path) as (folder, _how):
        UiSettings().last_folder = str(folder)

        def look_at_file_dialog(dialog: QWidget) -> None:
            walk.look("recovery key: save file dialog", dialog)
            clerk.open_file(str(folder / "key.txt"), tr("Dialogs", "Save"))(dialog)

        look_at_file_dialog.dialog_kind = QFileDialog  # type: ignore[attr-defined]
        with clerk.on_dialogs(look_at_file_dialog, walk.answer_ok("recovery key: save refused"), timeout_ms=TIMEOUT):
            clerk.click(key_dialog.panel.save_button)
    clerk.click(key_dialog.check)
    walk.look("recovery key: confirmed", key_dialog)
    clerk.click(key_dialog.ok)
    # 备份: back up now, then 恢复 the backup: the passphrase prompt, a wrong passphrase, cancelled.
    panel = settings.backup_panel
    before = panel.list.count()
    clerk.click(panel.backup_button)
    wait_until(lambda: panel.list.count() == before + 1 and not panel.loading, TIMEOUT, "the new backup")
    walk.look("settings: a backup made", window)
    clerk.click(panel.list.viewport(), panel.list.visualItemRect(panel.list.item(0)).center())
    clerk.click(panel.restore_button)
    restore = panel.prompt
    assert isinstance(restore, PassphrasePrompt) and restore.isVisible()
    walk.look("restore: passphrase prompt", restore)
    clerk.click(restore.passphrase)
    clerk.type("not the passphrase")
    clerk.click(restore.ok)
    wait_until(lambda: restore.ok.isEnabled(), TIMEOUT, "the refusal")
    walk.look("restore: wrong passphrase", restore)
    box = restore.findChild(QDialogButtonBox)
    assert box is not None
    clerk.click(box.button(QDialogButtonBox.StandardButton.Cancel))
    # The lock screen's "forgot the passphrase": the recovery dialog, a wrong key refused.
    window.lock()
    wait_for_closing()
    screen = window.unlock_screen
    walk.look("unlock screen", window)

    def wrong_key(dialog: QWidget) -> None:
        assert isinstance(dialog, RecoveryDialog)
        walk.look("recovery dialog", dialog)
        clerk.click(dialog.key)
        clerk.type("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
        clerk.fill(dialog.fields.first, "forest-station-2027")
        clerk.fill(dialog.fields.second, "forest-station-2027")
        walk.look("recovery dialog: typed", dialog)
        buttons = dialog.findChild(QDialogButtonBox)
        assert buttons is not None
        clerk.click(buttons.button(QDialogButtonBox.StandardButton.Cancel))

    with clerk.on_dialog(wrong_key, kind=RecoveryDialog, timeout_ms=TIMEOUT):
        clerk.click(screen.recover)
    finish(walk, window)


# ---------------------------------------------------------------- 抢救 (salvage)


def test_salvage_dialog(language: str, tmp_path: Path, qtbot: Any, clerk: Clerk) -> None:
    data_dir, _names = filled_ledger(tmp_path, language)
    walk = Walk(language, clerk)
    # Opened and closed once (closing makes a backup), then a byte of the database is flipped.
    window = open_shell(data_dir, qtbot, clerk)
    window.lock()
    wait_for_closing()
    db = data_dir / DB_FILE
    raw = bytearray(db.read_bytes())
    raw[len(raw) // 2] ^= 0x08
    db.write_bytes(bytes(raw))
    screen = window.unlock_screen
    clerk.fill(screen.passphrase, PASSPHRASE)
    clerk.key(Qt.Key.Key_Return)
    wait_until(lambda: screen.salvage.isVisible(), TIMEOUT, "the salvage offer")
    walk.look("unlock: ledger damaged", window)
    clerk.click(screen.salvage)
    dialog = screen.salvage_dialog
    assert isinstance(dialog, SalvageDialog)
    wait_until(lambda: dialog.loaded, TIMEOUT, "the damaged files and backups")
    walk.look("salvage dialog", dialog)
    # 导出可读的记录 without the passphrase, then with it.
    out = tmp_path / "readable.json"
    clerk.fill(dialog.out, str(out))
    with clerk.on_dialogs(walk.answer_ok("salvage: no passphrase"), optional=True):
        clerk.click(dialog.export_button)
    walk.look("salvage: no passphrase typed", dialog)
    clerk.click(dialog.passphrase)
    clerk.type(PASSPHRASE)
    clerk.click(dialog.export_button)
    wait_until(lambda: out.exists() and not dialog.busy, TIMEOUT, "the export")
    walk.look("salvage: exported", dialog)
    dialog.close()
    assert not walk.problems, f"{language} window shows another language:\n{walk.report()}"
    assert walk.seen and all(walk.seen.values()), walk.seen


# ---------------------------------------------------------------- a real conflict


def test_conflict_dialog(language: str, tmp_path: Path, qtbot: Any, clerk: Clerk) -> None:
    typed = TYPED[language]
    hq = HeadOfficeFixture.start(f"sqlite:///{tmp_path / 'hq.sqlite3'}", backend="sqlite", org_tree=False)
    # Head office's names for the branch and its committees are data too, in the walk's language.
    for name, kind, parent, unit in zip(UNITS[language], ("group", "committee", "branch"), (None, "g", "c"),
                                        ("g", "c", "b1"), strict=True):
        hq.office.call(orgs.add_unit, name, kind, parent, unit)
    other, _ = Store.create(tmp_path / "laptop-b", PASSPHRASE, kdf=KdfParams.fast_for_tests())
    try:
        data_dir, _names = filled_ledger(tmp_path, language)
        store = Store.open(data_dir, PASSPHRASE)
        enrol_store(store, hq.base_url, hq.enrol_code(), device_name="A")
        base = {"meeting_type": "party_congress", "title": typed["title"], "starts_at": "2026-10-15T09:00:00",
                "place": typed["place"]}
        record_id = store.records.create("meeting", base, author="A").record_id
        sync(StoreSyncState(store))
        enrol_store(other, hq.base_url, hq.enrol_code(), device_name="B")
        sync(StoreSyncState(other))
        # Both devices change the same meeting offline; the other one syncs first.
        store.records.update(record_id, {**base, "place": typed["ours"]}, author="A")
        store.close()
        other.records.update(record_id, {**base, "place": typed["theirs"], "meeting_type": "committee"}, author="B")
        sync(StoreSyncState(other))

        walk = Walk(language, clerk)
        window = open_shell(data_dir, qtbot, clerk)
        assert window.workspace is not None
        window.workspace.sync_controller.ops.retry = FAST_RETRY
        page = go_to(clerk, window, tr("Workspace", "Sync"))
        assert isinstance(page, SyncPage)
        wait_until(lambda: page.idle, TIMEOUT, "the sync page")
        with qtbot.waitSignal(page.controller.synced, timeout=TIMEOUT):
            clerk.click(page.sync_button)
        wait_until(lambda: page.idle and page.conflicts_model.rowCount() == 1, TIMEOUT, "the conflict")
        walk.look("sync page: a conflict", window)
        clerk.click(page.conflicts.viewport(), page.conflicts.visualRect(page.conflicts_model.index(0, 1)).center())
        clerk.click(page.resolve_button)
        dialog = page.conflict_dialog
        assert dialog is not None and dialog.isVisible()
        walk.look("conflict dialog", dialog)
        clerk.click(dialog.only_differences)
        walk.look("conflict dialog: only the differences", dialog)
        clerk.click(dialog.findChild(QWidget, "keepVersion1"))
        walk.look("conflict dialog: one version kept", dialog)
        clerk.click_button(dialog, tr("ConflictDialog", "Cancel"))
        finish(walk, window)
    finally:
        other.close()
        hq.stop()


def sync(state: StoreSyncState) -> None:
    engine = SyncEngine(state, retry=FAST_RETRY)
    try:
        engine.sync_once()
    finally:
        engine.close()


# ---------------------------------------------------------------- printing and attachments


def test_print_preview_print_dialog_and_attachments(
    language: str, tmp_path: Path, qtbot: Any, clerk: Clerk
) -> None:
    data_dir, names = filled_ledger(tmp_path, language)
    walk = Walk(language, clerk)
    window = open_shell(data_dir, qtbot, clerk)
    meetings = go_to(clerk, window, tr("Workspace", "Meetings"))
    editor: Any = open_from_list(clerk, window, meetings.table, names["committee"])
    settle(300)
    # 打印… → the print dialog; 预览… → Qt's preview; 打印… → Qt's print dialog, cancelled.
    clerk.click(button(editor, tr("EditorWindow", "Print…").rstrip("…")))
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PrintDialog) and w.isVisible())

    def look_at_preview(preview: QWidget) -> None:
        assert isinstance(preview, QPrintPreviewDialog)
        settle(200)
        walk.look("print preview", preview)
        pages = preview.findChild(QPrintPreviewWidget)
        assert pages is not None
        clerk.click(pages)
        clerk.key(Qt.Key.Key_Escape)

    with clerk.on_dialog(look_at_preview, kind=QPrintPreviewDialog, timeout_ms=30_000):
        clerk.click(dialog.preview_button)
    wait_until(lambda: not dialog.busy, 30_000, "the print dialog")
    walk.look("print dialog after the preview", dialog)

    def look_at_print_dialog(printer: QWidget) -> None:
        walk.look("Qt's print dialog", printer)
        clerk.click_button(printer, qt_button(language, "Cancel", "取消"))

    with clerk.on_dialog(look_at_print_dialog, kind=QPrintDialog, timeout_ms=30_000):
        clerk.click(dialog.print_button)
    wait_until(lambda: not dialog.busy, 30_000, "the print dialog")
    clerk.click_button(dialog, tr("PrintDialog", "Close"))
    editor.close()
    settle(50)
    # The attachments panel of a draft: a photo and a PDF from the file dialog, then the viewer.
    draft: Any = open_from_list(clerk, window, meetings.table, names["congress"])
    panel = draft.attachments
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(samples.jpeg(1200, 800, marker=samples.MARKER))
    lecture = tmp_path / "lecture.pdf"
    lecture.write_bytes(samples.pdf("Page one"))
    for path, count in ((photo, 1), (lecture, 2)):
        with clerk.on_dialog(clerk.open_file(str(path), tr("Dialogs", "Open")), timeout_ms=TIMEOUT):
            clerk.click(panel.add_button)
        wait_until(lambda n=count: panel.strip.count() == n and panel.pending == 0, TIMEOUT,  # type: ignore[misc]
                   "the attachment")
    # A PDF calling itself a photo, and an empty file: each refused in a message box naming it.
    liar = tmp_path / "liar.jpg"
    liar.write_bytes(samples.pdf("not a photo"))
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    for path in (liar, empty):
        with clerk.on_dialogs(clerk.open_file(str(path), tr("Dialogs", "Open")),
                              walk.answer_ok(f"attachment refused ({path.name})"), timeout_ms=TIMEOUT):
            clerk.click(panel.add_button)
    strip = panel.strip
    assert strip.count() == 2
    clerk.click(strip.viewport(), strip.visualItemRect(strip.item(0)).center())
    clerk.fill(panel.caption, TYPED[language]["caption"])
    walk.look("attachments panel", draft)
    for row, what in ((0, "photo"), (1, "PDF")):
        clerk.click(strip.viewport(), strip.visualItemRect(strip.item(row)).center())
        clerk.click(panel.open_button)
        viewer = next(w for w in QApplication.topLevelWidgets() if isinstance(w, AttachmentViewer) and w.isVisible())
        wait_until(lambda v=viewer: not v.image.isNull(), TIMEOUT, "the attachment shown")  # type: ignore[misc]
        walk.look(f"attachment viewer ({what})", viewer)
        clerk.click_button(viewer, tr("AttachmentViewer", "Close"))
        wait_until(lambda v=viewer: not shiboken6.isValid(v) or not v.isVisible(), 3000,  # type: ignore[misc]
                   "the viewer to close")
    walk.close("meeting with attachments", draft)
    finish(walk, window)


# ---------------------------------------------------------------- every LedgerError's message box


# Every module defining an error the window can show (imported, so their classes are found).
ERROR_MODULES = (
    "desktop_app.cli_text",
    "desktop_app.compliance_query",
    "desktop_app.operations",
    "desktop_app.print_jobs",
    "desktop_app.reviews",
    "desktop_app.store.blobs",
    "desktop_app.store.refused",
    "desktop_app.store.sync_state",
    "desktop_app.transfer",
    "desktop_app.ui.printing.raster",
    "domain.attachments",
    "domain.dates",
    "domain.roster_sheet",
    "printing.fonts",
    "sync.client.errors",
)


def _ledger_errors() -> list[type[LedgerError]]:
    for module in ERROR_MODULES:
        importlib.import_module(module)
    found: list[type[LedgerError]] = []
    todo = [LedgerError]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if not sub.__module__.startswith(("tests.", "sync.server")) and sub.__module__ != "test_failures":
                found.append(sub)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


def test_every_ledger_errors_message_box(language: str, qtbot: Any, clerk: Clerk) -> None:
    """The box a failure raises shows the error's user_message(): each error class's own message,
    shown as the window shows it (dialogs.error), read and closed with its button."""
    walk = Walk(language, clerk)
    owner = QWidget()
    qtbot.addWidget(owner)
    owner.show()
    errors = _ledger_errors()
    assert len(errors) > 30
    for cls in errors:
        try:
            exc = cls()
        except TypeError:  # needs arguments: its message is given at the raise (checked by the catalog)
            continue
        with clerk.on_dialog(walk.answer_ok(f"{cls.__module__}.{cls.__qualname__}"), timeout_ms=TIMEOUT):
            dialogs.error(owner, dialogs.error_text(exc))  # what the window does with a failure
    assert len(walk.seen) > 30
    assert not walk.problems, f"{language} window shows another language:\n{walk.report()}"


def test_typed_data_is_in_the_walks_language() -> None:
    """The walk's own data never puts the other language on screen (the checks would be vacuous)."""
    from tests.ui.test_languages import CJK, ENGLISH_WORDS

    for lang, values in TYPED.items():
        for value in values.values():
            assert bool(CJK.search(value)) is (lang == "zh_CN") or not ENGLISH_WORDS(value), value
    assert set(TYPED) == set(DATA)
