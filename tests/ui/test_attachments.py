"""The 附件 panel through the mouse and keyboard: the file dialog, drops, Ctrl+V, the viewer, 另存为….

A real encrypted store under every test; files are real JPEG/PNG/PDF/DOCX bytes
(testsupport.attachment_samples). What is checked is what the clerk sees (thumbnails, messages,
read-only tiles) and what the store then holds (the saved body's references, no blob for a refused
file).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from desktop_app.operations.printing import PrintRequest, render_document
from desktop_app.operations.sync_blobs import download_mode, save_unsent
from desktop_app.store.codec import unpack_text
from desktop_app.store.sync_state import StoreSyncState
from desktop_app.ui.editors.attachment_viewer import AttachmentViewer
from desktop_app.ui.editors.attachments import AttachmentsPanel
from desktop_app.ui.editors.evaluation import EvaluationEditor
from desktop_app.ui.editors.meeting import MeetingEditor
from desktop_app.ui.editors.post import PostEditor
from desktop_app.ui.pages.overview import OverviewPage
from desktop_app.ui.pages.posts import PostsPage
from desktop_app.ui.printing.dialog import PrintDialog
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.ui_settings import UiSettings
from domain.attachments import AttachmentRole
from domain.records import Meeting, PioneerPost, PostEvaluation
from sync.client.state import Credentials
from tests.ui.clerk import Clerk, dialog_text, settle, wait_until
from tests.ui.steps import button, finalize, go_to, new_meeting, open_from_list, problems, save, toolbar_button
from testsupport import attachment_samples as samples

pytestmark = [pytest.mark.usefixtures("chinese")]


def basics(clerk: Clerk, editor: MeetingEditor, title: str = "2026年4月主题党日") -> None:
    clerk.choose(editor.meeting_type, "支部委员会会议")
    clerk.fill(editor.title, title)
    clerk.fill(editor.starts_at.line, "2026/4/10 9:00")
    clerk.fill(editor.ends_at.line, "11:00")
    clerk.fill(editor.place, "林场党员活动室")
    clerk.choose(editor.recorder, "李组织")


def blob_count(session: Session) -> int:
    return int(session.read(lambda s: s.conn.execute("SELECT count(*) FROM blobs").fetchone()[0]))


def saved_body(session: Session, editor: MeetingEditor) -> Meeting:
    record_id = editor.record_id
    assert record_id is not None
    body = session.read(lambda s: s.records.get(record_id)).body
    assert isinstance(body, Meeting)
    return body


def tiles_ready(panel: AttachmentsPanel, count: int, thumbs: int | None = None) -> None:
    wait_until(lambda: panel.strip.count() == count and panel.pending == 0
               and (thumbs is None or panel.thumbnails_shown() == thumbs), 10_000, f"{count} attachment tiles")


def drop(panel: AttachmentsPanel, paths: list[Path]) -> bool:
    """Drag files from a file manager onto the strip and let go: the real drag-enter and drop events
    with the real mime data of file URLs, delivered where the pointer is. Returns whether accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    target = panel.strip.viewport()
    point = target.rect().center()
    enter = QDragEnterEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(point.toPointF(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, event)
    settle()
    return event.isAccepted()


def read_message(clerk: Clerk, messages: list[str]) -> Callable[[QWidget], None]:
    """An answer for a message box: note what it says, close it with its button (确定)."""

    def answer(box: QWidget) -> None:
        messages.append(dialog_text(box))
        assert isinstance(box, QMessageBox)
        clerk.click(box.buttons()[0])

    return answer


def click_tile(clerk: Clerk, panel: AttachmentsPanel, row: int) -> None:
    item = panel.strip.item(row)
    clerk.click(panel.strip.viewport(), panel.strip.visualItemRect(item).center())


def test_a_photo_added_from_the_file_dialog_is_saved_with_its_caption_and_shown_again(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk, tmp_path: Path
) -> None:
    photo = tmp_path / "合影.jpg"
    photo.write_bytes(samples.jpeg(3000, 2000, marker=samples.MARKER))
    editor = new_meeting(clerk, shell)
    basics(clerk, editor)
    panel = editor.attachments
    with clerk.on_dialog(clerk.open_file(str(photo))):
        clerk.click(button(panel, "添加附件…"))
    tiles_ready(panel, 1, thumbs=1)
    click_tile(clerk, panel, 0)
    clerk.fill(panel.caption, "重温入党誓词")
    save(clerk, editor)
    body = saved_body(session, editor)
    assert len(body.attachments) == 1
    ref = body.attachments[0]
    assert ref.name == "合影.jpg" and ref.caption == "重温入党誓词" and ref.role is AttachmentRole.PHOTO
    assert ref.width is not None and max(ref.width, ref.height or 0) <= 2000  # downscaled by default
    assert session.read(lambda s: s.blobs.has(ref.sha256))

    editor.close()
    page = go_to(clerk, shell, "会议记录")
    wait_until(lambda: page.table.model().rowCount() == 1, 5000, "the meeting in the list")
    again = open_from_list(clerk, shell, page.table, "2026年4月主题党日")
    assert isinstance(again, MeetingEditor)
    tiles_ready(again.attachments, 1, thumbs=1)
    assert "重温入党誓词" in again.attachments.strip.item(0).text()


def test_keep_original_stores_the_exact_bytes_and_the_viewer_turns_it_upright(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk, tmp_path: Path
) -> None:
    sideways = samples.jpeg(800, 400, orientation=6)  # stored landscape; upright it is portrait
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(sideways)
    editor = new_meeting(clerk, shell)
    basics(clerk, editor)
    panel = editor.attachments
    clerk.click(panel.keep_original)
    assert panel.keep_original.isChecked()
    assert drop(panel, [photo])
    tiles_ready(panel, 1, thumbs=1)
    save(clerk, editor)
    ref = saved_body(session, editor).attachments[0]
    assert session.read(lambda s: s.blobs.read_all(ref.sha256)) == sideways  # 保留原图: untouched
    click_tile(clerk, panel, 0)
    clerk.click(button(panel, "打开"))
    viewer = next(w for w in QApplication.topLevelWidgets() if isinstance(w, AttachmentViewer) and w.isVisible())
    wait_until(lambda: not viewer.image.isNull(), 5000, "the photo in the viewer")
    assert viewer.image.height() > viewer.image.width()  # EXIF orientation applied
    pixmap = viewer.picture.pixmap()
    assert not pixmap.isNull() and pixmap.height() > pixmap.width()
    viewer.close()


def test_a_refused_file_gets_a_chinese_message_and_nothing_is_stored(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk, tmp_path: Path
) -> None:
    liar = tmp_path / "照片.jpg"
    liar.write_bytes(samples.pdf("not a photo"))  # a PDF calling itself a JPEG
    editor = new_meeting(clerk, shell)
    basics(clerk, editor)
    panel = editor.attachments
    before = blob_count(session)
    messages: list[str] = []
    read_and_close = read_message(clerk, messages)

    with clerk.on_dialogs(clerk.open_file(str(liar)), read_and_close):
        clerk.click(button(panel, "添加附件…"))
    assert messages and "照片.jpg" in messages[0] and "文件类型与内容不符" in messages[0]
    assert panel.strip.count() == 0 and blob_count(session) == before
    assert editor.body_data()["attachments"] == []  # nothing of the refused file reached the record


def test_paste_an_image_with_ctrl_v(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk
) -> None:
    editor = new_meeting(clerk, shell)
    basics(clerk, editor)
    panel = editor.attachments
    screenshot = QImage(640, 360, QImage.Format.Format_RGB32)
    screenshot.fill(Qt.GlobalColor.darkGreen)
    QApplication.clipboard().setImage(screenshot)
    clerk.click(panel.strip.viewport(), QPoint(10, 10))
    clerk.key(Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    tiles_ready(panel, 1, thumbs=1)
    save(clerk, editor)
    ref = saved_body(session, editor).attachments[0]
    assert ref.name.startswith("粘贴的图片-") and ref.mime in ("image/png", "image/jpeg")
    assert (ref.width, ref.height) == (640, 360)


def test_remove_from_a_draft_and_a_finalized_record_is_read_only(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk, tmp_path: Path
) -> None:
    first, second = tmp_path / "签到表.png", tmp_path / "讲稿.pdf"
    first.write_bytes(samples.png())
    second.write_bytes(samples.pdf("讲稿"))
    editor = new_meeting(clerk, shell)
    basics(clerk, editor)
    panel = editor.attachments
    assert drop(panel, [first, second])
    tiles_ready(panel, 2)
    assert panel.refs[0]["role"] == "sign_in_sheet"  # named 签到表: taken for the sign-in sheet
    click_tile(clerk, panel, 1)
    clerk.click(button(panel, "移除"))
    assert panel.strip.count() == 1
    save(clerk, editor)
    assert [a.name for a in saved_body(session, editor).attachments] == ["签到表.png"]
    # The last one removed and saved: gone from the record (not kept because nothing was sent).
    click_tile(clerk, panel, 0)
    clerk.click(button(panel, "移除"))
    save(clerk, editor)
    assert saved_body(session, editor).attachments == []
    assert drop(panel, [first])
    tiles_ready(panel, 1)
    save(clerk, editor)
    assert [a.name for a in saved_body(session, editor).attachments] == ["签到表.png"]

    finalize(clerk, editor)
    assert editor.status_final
    assert not panel.add_button.isVisible() and not panel.remove_button.isVisible()
    assert not drop(panel, [second])  # a finalized record takes no more files
    click_tile(clerk, panel, 0)
    assert not panel.caption.isEnabled() and not panel.role.isEnabled()
    assert button(panel, "打开").isEnabled()  # still opened and read
    assert [a.name for a in saved_body(session, editor).attachments] == ["签到表.png"]

    # 更正: the amendment starts with the original's attachments and may add to them.
    with clerk.on_dialog(clerk.enter_text("补充活动照片")):
        clerk.click(toolbar_button(editor, "更正"))
    assert shell.workspace is not None
    wait_until(lambda: isinstance(shell.workspace.editors[-1], MeetingEditor)  # type: ignore[union-attr]
               and shell.workspace.editors[-1] is not editor, 3000)  # type: ignore[union-attr]
    amendment = shell.workspace.editors[-1]
    assert isinstance(amendment, MeetingEditor)
    tiles_ready(amendment.attachments, 1)
    assert amendment.attachments.add_button.isVisible()
    assert drop(amendment.attachments, [second])
    tiles_ready(amendment.attachments, 2)
    save(clerk, amendment)
    assert [a.name for a in saved_body(session, amendment).attachments] == ["签到表.png", "讲稿.pdf"]
    assert [a.name for a in saved_body(session, editor).attachments] == ["签到表.png"]  # the original stays


def test_an_office_file_is_only_saved_as_an_unencrypted_copy(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk, tmp_path: Path
) -> None:
    slides = tmp_path / "党课课件.pptx"
    data = samples.ooxml("pptx")
    slides.write_bytes(data)
    editor = new_meeting(clerk, shell)
    basics(clerk, editor)
    panel = editor.attachments
    assert drop(panel, [slides])
    tiles_ready(panel, 1)
    assert panel.refs[0]["role"] == "lecture"
    target = tmp_path / "out" / "副本.pptx"
    target.parent.mkdir()
    warned: list[str] = []

    def read_warning(box: QWidget) -> None:
        warned.append(dialog_text(box))
        clerk.click_button(box, "另存为…")

    def read_notice(box: QWidget) -> None:
        warned.append(dialog_text(box))
        assert isinstance(box, QMessageBox)
        clerk.click(box.buttons()[0])

    click_tile(clerk, panel, 0)
    with clerk.on_dialogs(read_warning, clerk.open_file(str(target), "保存"), read_notice):
        clerk.click(button(panel, "打开"))
    assert "不加密" in warned[0] and "党课课件.pptx" in warned[0]
    assert "未加密的副本" in warned[1]
    assert target.read_bytes() == data


def test_a_pdf_opens_page_by_page_in_the_viewer(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk, tmp_path: Path
) -> None:
    lecture = tmp_path / "讲稿.pdf"
    lecture.write_bytes(samples.pdf("第一页"))
    editor = new_meeting(clerk, shell)
    basics(clerk, editor)
    panel = editor.attachments
    assert drop(panel, [lecture])
    tiles_ready(panel, 1)
    click_tile(clerk, panel, 0)
    clerk.click(button(panel, "打开"))
    viewer = next(w for w in QApplication.topLevelWidgets() if isinstance(w, AttachmentViewer) and w.isVisible())
    wait_until(lambda: viewer.pages == 1 and not viewer.image.isNull(), 5000, "the PDF page")
    assert "第 1 页，共 1 页" in viewer.page_label.text()
    assert isinstance(viewer, QDialog)
    viewer.close()


def _pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


def test_the_print_dialog_appends_the_attachments_unless_unticked(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk, tmp_path: Path
) -> None:
    photo = tmp_path / "合影.jpg"
    photo.write_bytes(samples.jpeg(1600, 1200))
    editor = new_meeting(clerk, shell)
    basics(clerk, editor)
    panel = editor.attachments
    assert drop(panel, [photo])
    tiles_ready(panel, 1, thumbs=1)
    click_tile(clerk, panel, 0)
    clerk.fill(panel.caption, "防火宣传")
    save(clerk, editor)
    clerk.click(toolbar_button(editor, "打印"))
    wait_until(lambda: any(isinstance(w, PrintDialog) and w.isVisible() for w in QApplication.topLevelWidgets()),
               5000, "the print dialog")
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PrintDialog) and w.isVisible())
    assert dialog.attachments.isChecked() and "附上附件" in dialog.attachments.text()
    UiSettings().last_folder = str(tmp_path)

    def saved(name: str) -> Path:
        path = tmp_path / f"{name}.pdf"
        with clerk.on_dialogs(clerk.open_file(name, "保存"), timeout_ms=30_000):
            clerk.click(dialog.save_button)
        wait_until(lambda: not dialog.busy and path.exists(), 30_000, "the PDF")
        return path

    with_files = _pdf_text(saved("with"))
    assert "附件（共1件）" in with_files and "防火宣传" in with_files
    clerk.click(dialog.attachments)
    without = _pdf_text(saved("without"))
    assert "附件（共" not in without and "散会" in without
    clerk.click_button(dialog, "关闭")


def test_a_post_log_entry_takes_attachments_too(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk, tmp_path: Path
) -> None:
    with session.lock:
        post = session.store.records.create(
            "pioneer_post", {"name": "防火瞭望先锋岗", "holder_member_ids": [roster["钱党员"]]}, author="t").record_id
        log = session.store.records.create(
            "post_log", {"post_id": post, "member_id": roster["钱党员"], "date": "2026-04-12",
                         "description": "巡山八小时"}, author="t").record_id
    page = go_to(clerk, shell, "先锋岗")
    wait_until(lambda: page.posts.model().rowCount() == 1, 5000, "the post in the list")
    clerk.click(page.posts.viewport(), page.posts.visualRect(page.posts.model().index(0, 0)).center())
    wait_until(lambda: page.logs.model().rowCount() == 1, 5000, "its log entry")
    editor = open_from_list(clerk, shell, page.logs, "巡山八小时")
    photo = tmp_path / "巡山.jpg"
    photo.write_bytes(samples.jpeg())
    panel = editor.attachments
    assert panel.isVisible()
    with clerk.on_dialog(clerk.open_file(str(photo))):
        clerk.click(button(panel, "添加附件…"))
    tiles_ready(panel, 1, thumbs=1)
    save(clerk, editor)
    body = session.read(lambda s: s.records.get(log)).body
    assert [a.name for a in body.attachments] == ["巡山.jpg"]


def test_the_download_mode_is_chosen_in_the_settings(
    shell: ShellWindow, session: Session, clerk: Clerk
) -> None:
    page = go_to(clerk, shell, "设置")
    combo = page.download_mode
    assert combo.currentData() == "lazy"
    clerk.choose(combo, "全部下载，供离线使用")
    wait_until(lambda: download_mode(session.ledger) == "full", 5000,
               "the choice to be kept")
    clerk.choose(combo, "按需下载：先下载缩略图，打开时再下载原文件")
    wait_until(lambda: download_mode(session.ledger) == "lazy", 5000,
               "the choice to be kept")


def test_a_file_over_the_limit_set_in_the_settings_is_refused(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk, tmp_path: Path
) -> None:
    page = go_to(clerk, shell, "设置")
    assert page.attachment_limit.value() == 20
    clerk.click(page.attachment_limit)
    clerk.key(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # the number, not the " MB"
    clerk.type("5")
    clerk.key(Qt.Key.Key_Return)
    wait_until(lambda: session.read(lambda s: s.blobs.max_bytes) == 5 * 1024 * 1024, 5000, "the new limit")
    big = tmp_path / "大照片.jpg"
    big.write_bytes(samples.noisy_jpeg(3000, 2000))  # about 7 MB
    editor = new_meeting(clerk, shell)
    basics(clerk, editor)
    before = blob_count(session)
    messages: list[str] = []
    read_and_close = read_message(clerk, messages)

    with clerk.on_dialogs(read_and_close):
        assert drop(editor.attachments, [big])
    assert "大照片.jpg" in messages[0] and "超过 5 MB" in messages[0]
    assert editor.attachments.strip.count() == 0 and blob_count(session) == before


def test_not_uploaded_yet_is_shown_until_head_office_has_the_files(
    shell: ShellWindow, session: Session, clerk: Clerk
) -> None:
    with session.lock:
        store = session.store
        StoreSyncState(store).update_credentials(Credentials(
            base_url="https://hq.example", device_id="d1", token="t", branch_id="b1", branch_name="毕拉河林场党支部",
            server_public_key="k"))
        ref = store.blobs.put_bytes(samples.jpeg(), "合影.jpg", role=AttachmentRole.PHOTO)
        record = store.records.create("meeting", {
            "meeting_type": "committee", "title": "五月支委会", "starts_at": "2026-05-08T09:00",
            "attachments": [ref.model_dump(mode="json")]}, author="t").record_id

    def reopen() -> AttachmentsPanel:
        page = go_to(clerk, shell, "会议记录")
        wait_until(lambda: page.table.model().rowCount() == 1, 5000, "the meeting in the list")
        editor = open_from_list(clerk, shell, page.table, "五月支委会")
        assert isinstance(editor, MeetingEditor)
        tiles_ready(editor.attachments, 1)
        settle(100)
        return editor.attachments

    panel = reopen()
    wait_until(panel.badge.isVisible, 5000, "附件未上传完 (the record itself is not sent yet)")
    assert panel.badge.text() == "附件未上传完"
    panel.window().close()

    with session.lock:  # head office accepted the record, and its reply still lists the photo as missing
        session.store.conn.execute("DELETE FROM outbox WHERE record_id = ?", (record,))
    save_unsent(session.ledger, [ref.sha256])
    panel = reopen()
    wait_until(panel.badge.isVisible, 5000, "附件未上传完 (the photo is still missing at head office)")
    panel.window().close()

    save_unsent(session.ledger, [])  # the upload finished
    panel = reopen()
    settle(300)
    assert not panel.badge.isVisible()
    panel.window().close()


def test_an_unsaved_attachment_is_autosaved_and_comes_back_with_the_draft(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk, tmp_path: Path
) -> None:
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(samples.jpeg())
    editor = new_meeting(clerk, shell)
    clerk.fill(editor.title, "未保存的主题党日")
    assert drop(editor.attachments, [photo])
    tiles_ready(editor.attachments, 1, thumbs=1)
    wait_until(lambda: any(b.data["data"].get("attachments") for b in session.read(lambda s: s.buffers.all())),
               3000, "the autosave with the attachment")
    assert shell.workspace is not None
    shell.workspace.editors.clear()  # as after a crash: the next unlock finds the buffer
    with clerk.on_dialog(clerk.press("打开草稿")):
        opened = shell.workspace.restore_buffers()
    assert opened == 1
    restored = shell.workspace.editors[-1]
    assert isinstance(restored, MeetingEditor)
    tiles_ready(restored.attachments, 1, thumbs=1)
    basics(clerk, restored, "未保存的主题党日")
    save(clerk, restored)
    assert [a.name for a in saved_body(session, restored).attachments] == ["现场.jpg"]
    editor.force_close()


def test_viewing_and_printing_leave_no_plaintext_on_disk(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk, tmp_path: Path,
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The marker bytes inside the JPEG are in no file of the data directory or the temp directory
    after attaching (保留原图: the exact bytes), viewing and preparing a print of it."""
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    source = tmp_path / "src"
    source.mkdir()
    photo = source / "带标记.jpg"
    photo.write_bytes(samples.jpeg(1200, 900, marker=samples.MARKER))
    editor = new_meeting(clerk, shell)
    basics(clerk, editor)
    panel = editor.attachments
    clerk.click(panel.keep_original)
    assert drop(panel, [photo])
    tiles_ready(panel, 1, thumbs=1)
    save(clerk, editor)
    ref = saved_body(session, editor).attachments[0]
    assert samples.MARKER in session.read(lambda s: s.blobs.read_all(ref.sha256))  # kept byte for byte
    click_tile(clerk, panel, 0)
    clerk.click(button(panel, "打开"))
    viewer = next(w for w in QApplication.topLevelWidgets() if isinstance(w, AttachmentViewer) and w.isVisible())
    wait_until(lambda: not viewer.image.isNull(), 5000, "the photo in the viewer")
    viewer.close()
    record_id = editor.record_id
    assert record_id is not None
    printed = render_document(session.ledger, PrintRequest.minutes(record_id))
    assert printed.data is not None and printed.pages >= 3
    for folder in (store_dir, temp):
        for path in folder.rglob("*"):
            if path.is_file():
                assert samples.MARKER not in path.read_bytes(), path


def test_a_file_held_only_as_a_thumbnail_shows_it_and_says_it_is_not_here(
    shell: ShellWindow, session: Session, clerk: Clerk
) -> None:
    """On demand (按需下载): another device's photo arrives as a thumbnail; the tile shows it, and
    opening says the file is not on this computer yet — never another file, never a crash."""
    photo = samples.jpeg(1600, 1200)
    digest = hashlib.sha256(photo).hexdigest()
    with session.lock:
        session.store.blobs.put_thumbnail(digest, samples.jpeg(160, 120))
        session.store.records.create("meeting", {
            "meeting_type": "committee", "title": "六月支委会", "starts_at": "2026-06-08T09:00",
            "attachments": [{"sha256": digest, "size": len(photo), "mime": "image/jpeg", "name": "别处拍的.jpg",
                             "role": "photo"}]}, author="t")
    page = go_to(clerk, shell, "会议记录")
    wait_until(lambda: page.table.model().rowCount() == 1, 5000, "the meeting in the list")
    editor = open_from_list(clerk, shell, page.table, "六月支委会")
    assert isinstance(editor, MeetingEditor)
    tiles_ready(editor.attachments, 1, thumbs=1)
    click_tile(clerk, editor.attachments, 0)
    messages: list[str] = []
    with clerk.on_dialogs(read_message(clerk, messages)):
        clerk.click(button(editor.attachments, "打开"))
    assert "尚未下载" in messages[0]
    viewer = next(w for w in QApplication.topLevelWidgets() if isinstance(w, AttachmentViewer) and w.isVisible())
    assert "尚未下载" in viewer.picture.text()
    viewer.close()


def _post_page_with(clerk: Clerk, shell: ShellWindow, session: Session, post_name: str) -> PostsPage:
    page = go_to(clerk, shell, "先锋岗")
    assert isinstance(page, PostsPage)
    session.notify("pioneer_post")  # written behind the window's back: tell it, as every write does
    wait_until(lambda: page.posts_model.rowCount() == 1, 5000, "the post in the list")
    clerk.click(page.posts.viewport(), page.posts.visualRect(page.posts_model.index(0, 0)).center())
    wait_until(lambda: page.selected_post() is not None, 5000, f"{post_name} selected")
    return page


def test_a_pioneer_post_takes_a_photo_from_the_file_dialog_and_shows_it_again(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk, tmp_path: Path
) -> None:
    with session.lock:
        post = session.store.records.create(
            "pioneer_post", {"name": "防火瞭望先锋岗", "holder_member_ids": [roster["钱党员"]]}, author="t").record_id
    page = _post_page_with(clerk, shell, session, "防火瞭望先锋岗")
    editor = open_from_list(clerk, shell, page.posts, "防火瞭望先锋岗")
    assert isinstance(editor, PostEditor)
    panel = editor.attachments
    assert panel.isVisible()
    photo = tmp_path / "瞭望塔挂牌.jpg"
    photo.write_bytes(samples.jpeg(2600, 1800, marker=samples.MARKER))
    with clerk.on_dialog(clerk.open_file(str(photo))):
        clerk.click(button(panel, "添加附件…"))
    tiles_ready(panel, 1, thumbs=1)
    click_tile(clerk, panel, 0)
    clerk.fill(panel.caption, "先锋岗挂牌")
    save(clerk, editor)
    body = session.read(lambda s: s.records.get(post)).body
    assert isinstance(body, PioneerPost)
    assert body.name == "防火瞭望先锋岗" and body.holder_member_ids == [roster["钱党员"]]
    [ref] = body.attachments
    assert ref.name == "瞭望塔挂牌.jpg" and ref.caption == "先锋岗挂牌" and ref.role is AttachmentRole.PHOTO
    assert ref.mime == "image/jpeg" and ref.width is not None and max(ref.width, ref.height or 0) <= 2000
    assert session.read(lambda s: s.blobs.has(ref.sha256))
    stored = session.read(lambda s: s.conn.execute(
        "SELECT schema_version, body FROM revisions WHERE record_id = ?", (post,)).fetchall())
    # the reference is in the stored body itself, which is then of schema version 2
    assert [version for version, data in stored if ref.sha256 in unpack_text(data)] == [2]

    editor.close()
    settle()
    again = open_from_list(clerk, shell, page.posts, "防火瞭望先锋岗")
    assert isinstance(again, PostEditor) and again is not editor
    tiles_ready(again.attachments, 1, thumbs=1)
    assert "先锋岗挂牌" in again.attachments.strip.item(0).text()


def test_an_evaluation_takes_a_photo_by_drop_and_from_the_dialog_and_shows_them_again(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk, tmp_path: Path
) -> None:
    with session.lock:
        post = session.store.records.create(
            "pioneer_post", {"name": "护林先锋岗", "holder_member_ids": [roster["钱党员"]]}, author="t").record_id
    page = _post_page_with(clerk, shell, session, "护林先锋岗")
    tabs = page.tabs.tabBar()
    clerk.click(tabs, tabs.tabRect(1).center())
    assert shell.workspace is not None
    before = len(shell.workspace.editors)
    clerk.click(page.new_eval)
    editor = shell.workspace.editors[before]
    assert isinstance(editor, EvaluationEditor)
    clerk.fill(editor.period, "2026-Q2")
    clerk.fill(editor.score.lineEdit(), "92")
    panel = editor.attachments
    assert panel.isVisible()
    photo = tmp_path / "评议现场.jpg"
    photo.write_bytes(samples.jpeg())
    scan = tmp_path / "评议表.pdf"
    scan.write_bytes(samples.pdf())
    with clerk.on_dialog(clerk.open_file(str(photo))):
        clerk.click(button(panel, "添加附件…"))
    tiles_ready(panel, 1, thumbs=1)
    assert drop(panel, [scan])
    tiles_ready(panel, 2, thumbs=1)  # the photo's thumbnail; a PDF's tile shows its type
    save(clerk, editor)
    assert editor.record_id is not None, problems(editor)
    record_id = editor.record_id
    body = session.read(lambda s: s.records.get(record_id)).body
    assert isinstance(body, PostEvaluation)
    assert body.post_id == post and body.period == "2026-Q2"
    assert [(a.name, a.mime) for a in body.attachments] == [
        ("评议现场.jpg", "image/jpeg"), ("评议表.pdf", "application/pdf")]
    digests = {a.sha256 for a in body.attachments}
    assert session.read(lambda s: {d for d in digests if s.blobs.has(d)}) == digests

    editor.close()
    settle()
    wait_until(lambda: page.evals_model.rowCount() == 1, 5000, "the evaluation in the list")
    index = page.evals_model.index(0, 0)
    before = len(shell.workspace.editors)
    clerk.double_click(page.evals.viewport(), page.evals.visualRect(index).center())
    wait_until(lambda: len(shell.workspace.editors) > before, 5000, "the evaluation editor")  # type: ignore[union-attr]
    again = shell.workspace.editors[-1]
    assert isinstance(again, EvaluationEditor) and again.record_id == record_id
    tiles_ready(again.attachments, 2, thumbs=1)
    assert [again.attachments.strip.item(i).text().splitlines()[1] for i in range(2)] == [
        "评议现场.jpg", "评议表.pdf"]


def test_the_overview_names_a_meeting_lacking_the_evidence_head_office_requires(
    shell: ShellWindow, session: Session, roster: dict[str, str], clerk: Clerk, tmp_path: Path
) -> None:
    """Head office requires a photo and the 签到表 for a 主题党日: this month's draft without them does not
    count and is listed under the table; double-clicking it opens the meeting, and once both files are
    attached and saved it counts and the list is gone."""
    today = dt.date.today()
    with session.lock:
        session.store.meta.set("evidence_policy", {"theme_day": ["photo", "sign_in_sheet"]})  # as sync keeps it
        session.store.records.create("meeting", {
            "meeting_type": "theme_day", "title": "本月主题党日", "place": "林场党员活动室",
            "starts_at": dt.datetime(today.year, today.month, 1, 9).isoformat(),
            "attendance": [{"member_id": roster["王书记"]}],
            "theme_day": {"month": f"{today.year}-{today.month:02d}", "theme": "学习"}}, author="t")
    page = go_to(clerk, shell, "概览")
    assert isinstance(page, OverviewPage)
    session.notify("meeting")  # written behind the window's back: tell it, as every write does

    def theme_cell() -> str:
        labels = [page.compliance.item(r, 0).text() for r in range(page.compliance.rowCount())]
        return page.compliance.item(next(r for r, t in enumerate(labels) if t.startswith("主题党日")), 1).text()

    wait_until(lambda: page.data is not None and not page.loading and page.evidence.count() == 1, 5000,
               "the overview with the meeting lacking evidence")
    assert page.evidence.isVisible() and page.evidence_label.isVisible()
    assert theme_cell().startswith("0/1")
    text = page.evidence.item(0).text()
    assert "本月主题党日" in text and "缺少活动照片、签到表" in text and "缺少佐证材料" in text

    assert shell.workspace is not None
    before = len(shell.workspace.editors)
    item = page.evidence.item(0)
    clerk.double_click(page.evidence.viewport(), page.evidence.visualItemRect(item).center())
    wait_until(lambda: len(shell.workspace.editors) > before, 5000, "the meeting editor")  # type: ignore[union-attr]
    editor = shell.workspace.editors[-1]
    assert isinstance(editor, MeetingEditor) and editor.title.text() == "本月主题党日"
    photo, sheet = tmp_path / "合影.jpg", tmp_path / "签到表.png"
    photo.write_bytes(samples.jpeg())
    sheet.write_bytes(samples.png())
    assert drop(editor.attachments, [photo, sheet])
    tiles_ready(editor.attachments, 2)
    save(clerk, editor)
    assert {a.role for a in saved_body(session, editor).attachments} == {AttachmentRole.PHOTO,
                                                                         AttachmentRole.SIGN_IN_SHEET}
    editor.close()
    page = go_to(clerk, shell, "概览")
    wait_until(lambda: not page.loading and page.evidence.count() == 0 and theme_cell().startswith("1/1"), 5000,
               "the meeting to count")
    assert not page.evidence.isVisible()
