"""The attachment operations over a real encrypted store: what the panel, viewer and CLI call."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from desktop_app.operations import Ledger
from desktop_app.operations import attachments as ops
from desktop_app.operations.records import finalize_record, save_record
from desktop_app.store.errors import RecordFinalized
from domain.attachments import AttachmentRole
from testsupport import attachment_samples as samples


def _files(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    made = {
        "合影.jpg": samples.jpeg(2400, 1600, gps=True),
        "签到表.png": samples.png(),
        "讲稿.docx": samples.ooxml("docx"),
        "炸弹.png": samples.bomb_png(),
        "其实是PDF.jpg": samples.pdf(),
        "空.pdf": b"",
    }
    for name, data in made.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in made}


def test_attach_keeps_the_good_refuses_the_bad_and_stores_nothing_for_them(ledger: Ledger, tmp_path: Path) -> None:
    files = _files(tmp_path / "clerk")
    result = ops.attach_files(ledger, files.values())
    assert [r.name for r in result.attached] == ["合影.jpg", "签到表.png", "讲稿.docx"]
    assert [r.role for r in result.attached] == [AttachmentRole.PHOTO, AttachmentRole.PHOTO, AttachmentRole.LECTURE]
    assert result.attached[0].width == 2000
    assert len(result.refused) == 3
    for message, name in zip(result.messages, ["炸弹.png", "其实是PDF.jpg", "空.pdf"], strict=True):
        assert name in message and message.startswith("附件“")
    assert "文件类型与内容不符" in result.messages[1]
    with ledger.guard() as store:
        assert len(store.blobs.digests()) == 3


def test_a_draft_gains_and_loses_attachments_and_a_finalized_one_is_frozen(ledger: Ledger, tmp_path: Path) -> None:
    files = _files(tmp_path / "clerk")
    photo, sheet = ops.attach_files(ledger, [files["合影.jpg"], files["签到表.png"]],
                                    role=AttachmentRole.PHOTO).attached
    sheet = sheet.model_copy(update={"role": AttachmentRole.SIGN_IN_SHEET, "caption": "签到表第1页"})
    post = save_record(ledger, "pioneer_post", {"name": "防火瞭望岗"}).envelope.record_id
    log = {"post_id": post, "date": "2026-11-05", "description": "瞭望塔值守"}
    saved = save_record(ledger, "post_log", {**log, "attachments": [photo.model_dump(mode="json")]})
    rid = saved.envelope.record_id
    added = ops.add_to_draft(ledger, rid, [sheet, photo])
    assert [r.sha256 for r in added.envelope.body.attachments] == [photo.sha256, sheet.sha256]
    listing = ops.record_attachments(ledger, rid)
    assert [(entry.ref.caption, entry.state) for entry in listing] == [("", "local"), ("签到表第1页", "local")]
    assert ops.attachment_content(ledger, sheet.sha256) == files["签到表.png"].read_bytes()
    assert ops.attachment_thumbnail(ledger, photo.sha256)[:3] == b"\xff\xd8\xff"  # type: ignore[index]
    removed = ops.remove_from_draft(ledger, rid, photo.sha256)
    assert [r.sha256 for r in removed.envelope.body.attachments] == [sheet.sha256]
    assert removed.changes.record_ids == {rid}
    finalize_record(ledger, rid)
    with pytest.raises(RecordFinalized):
        ops.add_to_draft(ledger, rid, [photo])
    with pytest.raises(RecordFinalized):
        ops.remove_from_draft(ledger, rid, sheet.sha256)


def test_pasted_image_and_export(ledger: Ledger, tmp_path: Path) -> None:
    data = samples.png(200, 100)
    ref = ops.attach_pasted_image(ledger, data)
    assert ref.name.startswith("粘贴的图片-") and ref.name.endswith(".png") and ref.role is AttachmentRole.PHOTO
    target = ops.export_attachment(ledger, ref.sha256, tmp_path / "另存.png")
    assert target.read_bytes() == data
    assert ops.attachment_states(ledger, [ref]) == {ref.sha256: "local"}


def test_operations_take_the_lock(ledger: Ledger, tmp_path: Path) -> None:
    """While another operation holds the ledger, attaching waits for it (it takes the guard itself)."""
    files = _files(tmp_path / "clerk")
    done = threading.Event()
    with ledger.guard():
        worker = threading.Thread(target=lambda: (ops.attach_files(ledger, [files["签到表.png"]]), done.set()))
        worker.start()
        assert not done.wait(0.5)
    assert done.wait(10)
    worker.join()


def test_the_size_limit_is_a_ledger_setting(ledger: Ledger, tmp_path: Path) -> None:
    from desktop_app.operations.errors import StoreError

    assert ops.attachment_limit(ledger) == 20 * 1024 * 1024
    big = tmp_path / "扫描件.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024) + b"\n%%EOF\n")
    assert ops.set_attachment_limit(ledger, 2) == 2 * 1024 * 1024
    result = ops.attach_files(ledger, [big])
    assert result.attached == [] and "超过 2 MB 的上限" in result.messages[0]
    with pytest.raises(StoreError, match="1 MB 到 200 MB"):
        ops.set_attachment_limit(ledger, 500)
    ops.set_attachment_limit(ledger, 20)
    assert [r.name for r in ops.attach_files(ledger, [big]).attached] == ["扫描件.pdf"]


def test_a_save_without_the_key_keeps_the_attachments(ledger: Ledger, tmp_path: Path) -> None:
    """An editor without an attachments panel (or an older caller) never drops a record's files."""
    files = _files(tmp_path / "clerk")
    [photo] = ops.attach_files(ledger, [files["签到表.png"]]).attached
    post = save_record(ledger, "pioneer_post", {"name": "防火瞭望岗"}).envelope.record_id
    log = {"post_id": post, "date": "2026-11-05", "description": "瞭望塔值守"}
    rid = save_record(ledger, "post_log", {**log, "attachments": [photo.model_dump(mode="json")]}).envelope.record_id
    kept = save_record(ledger, "post_log", {**log, "description": "瞭望塔值守（改）"}, record_id=rid)
    assert kept.envelope.body.attachments == [photo] and kept.envelope.body.description == "瞭望塔值守（改）"
    cleared = save_record(ledger, "post_log", {**log, "attachments": []}, record_id=rid)
    assert cleared.envelope.body.attachments == []
    again = ops.add_to_draft(ledger, rid, [photo])
    assert ops.remove_from_draft(ledger, rid, photo.sha256, base_rev=again.envelope.rev).envelope.body.attachments == []


def test_a_finalized_meeting_freezes_its_attachments_and_an_amendment_starts_with_them(ledger: Ledger,
                                                                                        tmp_path: Path) -> None:
    files = _files(tmp_path / "clerk")
    photo, sheet = ops.attach_files(ledger, [files["合影.jpg"], files["签到表.png"]]).attached
    chair = save_record(ledger, "member", {"name": "王建华", "posts": ["secretary"]}).envelope.record_id
    meeting = {"meeting_type": "committee", "title": "九月支委会", "starts_at": "2026-09-10T09:00",
               "ends_at": "2026-09-10T10:00", "place": "林场党员活动室", "chair_member_id": chair,
               "recorder_member_id": chair, "attendance": [{"member_id": chair}], "discussion": "秋季防火"}
    rid = save_record(ledger, "meeting", {**meeting, "attachments": [photo.model_dump(mode="json")]}
                      ).envelope.record_id
    finalize_record(ledger, rid)
    with pytest.raises(RecordFinalized):
        ops.add_to_draft(ledger, rid, [sheet])
    carried = save_record(ledger, "meeting", {**meeting, "place": "北线管护站"}, amend_of=rid, amend_reason="地点记错")
    assert carried.envelope.body.attachments == [photo], "the amendment starts with the original's attachments"
    replaced = save_record(ledger, "meeting", {**meeting, "attachments": [sheet.model_dump(mode="json")]},
                           record_id=carried.envelope.record_id)
    assert replaced.envelope.body.attachments == [sheet]
    assert ops.record_attachments(ledger, rid)[0].ref == photo, "the finalized original keeps its own"
