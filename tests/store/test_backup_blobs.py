"""Backups carry the attachment files (encrypted, pooled per ledger) and a restore brings them back."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from desktop_app.store import KdfParams, Store
from desktop_app.store import backups as bk
from desktop_app.store import blobs as blob_module
from desktop_app.store.errors import BackupDamaged
from desktop_app.store.restore import restore_backup
from domain.attachments import AttachmentRef, AttachmentRole
from testsupport import attachment_samples as samples

PASS = "right passphrase"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s, _ = Store.create(tmp_path / "d", PASS, kdf=KdfParams.fast_for_tests())
    s.confirm_recovery_key()
    yield s
    s.close(backup=False)


def _meeting(store: Store, *refs: AttachmentRef) -> str:
    return store.records.create("meeting", {
        "meeting_type": "lecture", "title": "党课", "starts_at": "2026-11-05T09:00",
        "attachments": [r.model_dump(mode="json") for r in refs]}, author="t").record_id


def test_backup_and_restore_round_trip_with_attachments(store: Store) -> None:
    photo = samples.noisy_jpeg(500, 400)
    slides = samples.ooxml("pptx")
    a = store.blobs.put_bytes(photo, "党课现场.jpg", role=AttachmentRole.PHOTO)
    b = store.blobs.put_bytes(slides, "课件.pptx", role=AttachmentRole.LECTURE)
    rid = _meeting(store, a, b)
    info = bk.make_backup(store, "manual")
    assert info.blobs == bk.blob_files(store.data_dir / bk.BLOBS_DIR) and len(info.blobs) == 2
    manifest = json.loads((info.path / bk.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["blobs"] == info.blobs
    pool = info.path.parent / bk.BLOBS_DIR
    for rel in info.blobs:
        assert (pool / rel).read_bytes() == (store.data_dir / bk.BLOBS_DIR / rel).read_bytes()
        assert samples.MARKER not in (pool / rel).read_bytes()
    # A second backup shares the pool: nothing is copied again.
    stamps = {rel: (pool / rel).stat().st_mtime_ns for rel in info.blobs}
    store.records.create("member", {"name": "备份后"}, author="t")
    second = bk.make_backup(store, "manual")
    assert second.blobs == info.blobs
    assert {rel: (pool / rel).stat().st_mtime_ns for rel in info.blobs} == stamps
    # The laptop loses its attachment files; the restore brings them back, readable and verified.
    shutil.rmtree(store.data_dir / bk.BLOBS_DIR)
    restored = restore_backup(store.data_dir, info, store=store)
    try:
        assert restored.records.get(rid).body.attachments == [a, b]
        assert restored.blobs.read_all(a.sha256) == photo
        assert restored.blobs.read_all(b.sha256) == slides
        assert restored.blobs.thumbnail(a.sha256) is not None
    finally:
        restored.close(backup=False)


def test_restore_while_locked_brings_the_files_back(store: Store) -> None:
    photo = samples.jpeg(640, 480)
    ref = store.blobs.put_bytes(photo, "签到表.jpg", role=AttachmentRole.SIGN_IN_SHEET)
    _meeting(store, ref)
    info = bk.make_backup(store, "manual")
    data_dir = store.data_dir
    store.close(backup=False)
    shutil.rmtree(data_dir / bk.BLOBS_DIR)
    restored = restore_backup(data_dir, info, passphrase=PASS)
    try:
        assert restored.blobs.read_all(ref.sha256) == photo
    finally:
        restored.close(backup=False)


def test_a_backup_missing_an_attachment_file_is_refused_and_changes_nothing(store: Store) -> None:
    lecture = samples.pdf("讲稿")
    ref = store.blobs.put_bytes(lecture, "讲稿.pdf", role=AttachmentRole.LECTURE)
    _meeting(store, ref)
    info = bk.make_backup(store, "manual")
    [rel] = info.blobs
    (info.path.parent / bk.BLOBS_DIR / rel).unlink()
    with pytest.raises(BackupDamaged) as refused:
        restore_backup(store.data_dir, info, store=store)
    assert "附件" in str(refused.value)
    assert store.blobs.read_all(ref.sha256) == lecture


def test_rotation_drops_pooled_files_no_kept_backup_needs(store: Store) -> None:
    bk.save_config(store.data_dir, bk.BackupConfig(keep=1))
    gone = store.blobs.put_bytes(samples.png(), "删掉的.png")
    first = bk.make_backup(store, "manual")
    pool = first.path.parent / bk.BLOBS_DIR
    assert len(bk.blob_files(pool)) == 1
    assert store.blobs.collect_unreferenced(grace=dt.timedelta(0)) == [gone.sha256]
    kept = store.blobs.put_bytes(samples.jpeg(), "留着.jpg")
    _meeting(store, kept)
    second = bk.make_backup(store, "manual")
    assert bk.blob_files(pool) == second.blobs and len(second.blobs) == 1
    assert not first.path.exists()


def test_a_manifest_cannot_point_outside_the_pool(store: Store) -> None:
    info = bk.make_backup(store, "manual")
    manifest = json.loads((info.path / bk.MANIFEST).read_text(encoding="utf-8"))
    manifest["blobs"] = {"../../ledger.keys": 10}
    (info.path / bk.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert bk.read_backup(info.path) is None


def test_backups_and_blob_store_agree_on_the_folder_name() -> None:
    assert bk.BLOBS_DIR == blob_module.BLOBS_DIR
