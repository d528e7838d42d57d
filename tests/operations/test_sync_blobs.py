"""The app's sync run carries attachments: two encrypted stores, a real head office (uvicorn, SQLite).

Laptop A attaches a photo and a scanned 签到表 to a meeting and runs ``SyncOps.sync`` — the same call
the 同步 page and ``branch-ledger sync`` make; head office then holds both files byte for byte.
Laptop B of the branch syncs in the default lazy mode (the photo's thumbnail only), opens the photo
(:func:`fetch_attachment`), and after switching to ``full`` gets the scan too.
"""

from __future__ import annotations

from pathlib import Path

from desktop_app.operations.records import save_record
from desktop_app.operations.sync_blobs import (
    download_mode,
    fetch_attachment,
    refused_attachments,
    set_download_mode,
    unsent_attachments,
)
from domain.attachments import AttachmentRole
from tests.operations.test_conflicts import _device, hq  # noqa: F401  (fixture: a real head office on SQLite)
from tests.sync.blobsupport import noisy_jpeg, storage
from tests.sync.conftest import hq_sqlite  # noqa: F401  (the fixture ``hq`` builds on)
from tests.sync.hq import HeadOfficeFixture, meeting
from testsupport import attachment_samples as samples


def test_sync_uploads_attachments_and_a_second_laptop_pulls_them_lazily(hq: HeadOfficeFixture,  # noqa: F811
                                                                         tmp_path: Path) -> None:
    a, b = _device(hq, tmp_path / "a", "A"), _device(hq, tmp_path / "b", "B")
    photo, scan = noisy_jpeg(300_000, seed=7), samples.pdf("签到表")
    with a.ledger.guard() as store:
        refs = [store.blobs.put_bytes(photo, "植树.jpg", downscale=False, role=AttachmentRole.PHOTO),
                store.blobs.put_bytes(scan, "签到表.pdf", role=AttachmentRole.SIGN_IN_SHEET)]
    save_record(a.ledger, "meeting", meeting("主题党日", attachments=[r.model_dump(mode="json") for r in refs]),
                author="A")
    with a.ledger.guard() as store:  # the scan's file is gone from this laptop for now
        hidden = store.blobs.path_of(refs[1].sha256)
        hidden.rename(hidden.with_name("aside"))
    run = a.sync().stats.blobs
    assert run is not None and run.uploaded == 1 and run.error is None
    assert unsent_attachments(a.ledger) == {refs[1].sha256}  # 附件未上传完
    with a.ledger.guard():
        hidden.with_name("aside").rename(hidden)
    run = a.sync().stats.blobs
    assert run is not None and run.uploaded == 1 and run.already_held == 0
    assert unsent_attachments(a.ledger) == set()
    for ref, data in zip(refs, (photo, scan), strict=True):
        assert storage(hq).path("b1", ref.sha256).read_bytes() == data

    assert download_mode(b.ledger) == "lazy"
    pulled = b.sync().stats.blobs
    assert pulled is not None and pulled.thumbnails == 1 and pulled.downloaded == 0  # the PDF has no thumbnail
    with b.ledger.guard() as store:
        assert store.blobs.thumbnail(refs[0].sha256) and not store.blobs.has(refs[0].sha256)
    creds = b.state().credentials()
    assert creds is not None
    assert fetch_attachment(b.ledger, refs[0], creds.base_url, creds.token).downloaded == 1
    set_download_mode(b.ledger, "full")
    full = b.sync().stats.blobs
    assert full is not None and full.downloaded == 1
    with b.ledger.guard() as store:
        assert store.blobs.read_all(refs[0].sha256) == photo and store.blobs.read_all(refs[1].sha256) == scan
    for ops in (a, b):
        ops.ledger.close()


def test_a_file_head_office_refuses_is_never_sent_again(hq: HeadOfficeFixture, tmp_path: Path) -> None:  # noqa: F811
    a = _device(hq, tmp_path / "a", "A")
    photo = noisy_jpeg(150_000, seed=9)
    with a.ledger.guard() as store:
        ref = store.blobs.put_bytes(photo, "合影.jpg", downscale=False, role=AttachmentRole.PHOTO)
    # The record names the JPEG as a PNG (an older or tampered client): head office's check refuses it.
    lying = {**ref.model_dump(mode="json"), "name": "合影.png", "mime": "image/png"}
    save_record(a.ledger, "meeting", meeting("主题党日", attachments=[lying]), author="A")
    first = a.sync().stats.blobs
    assert first is not None and first.refused == [ref.sha256] and first.bytes_up == len(photo)
    assert "合影.png" in refused_attachments(a.ledger)[ref.sha256]
    again = a.sync().stats.blobs
    assert again is not None and again.bytes_up == 0 and again.uploaded == 0
    assert storage(hq).files() == []
    a.ledger.close()


def test_a_full_blob_quota_leaves_the_files_on_the_laptop_and_the_records_synced(
        hq: HeadOfficeFixture, tmp_path: Path) -> None:  # noqa: F811
    """Head office's per-branch attachment quota is reached: the record still syncs, the sync run
    says why in Chinese (no retry storm, no byte sent), the file stays 附件未上传完 and goes up by
    itself once head office raises the quota."""
    import dataclasses

    from sync.server.blobrefs import held_bytes

    hq.office.limits = dataclasses.replace(hq.office.limits, max_branch_blob_bytes=100_000)
    a = _device(hq, tmp_path / "a", "A")
    photo = noisy_jpeg(150_000, seed=43)
    with a.ledger.guard() as store:
        ref = store.blobs.put_bytes(photo, "合影.jpg", downscale=False, role=AttachmentRole.PHOTO)
    record = save_record(a.ledger, "meeting", meeting("主题党日", attachments=[ref.model_dump(mode="json")]),
                         author="A").envelope.record_id
    result = a.sync()
    run = result.stats.blobs
    assert run is not None and run.uploaded == 0 and run.bytes_up == 0 and run.refused == []
    assert run.error is not None and "附件存储配额已用完" in run.error
    assert unsent_attachments(a.ledger) == {ref.sha256}  # 附件未上传完
    assert result.stats.pushed >= 1 and a.state().pending_count() == 0  # the record itself went up
    assert hq.office.call(held_bytes, "b1") == 0 and storage(hq).files() == []
    assert record

    hq.office.limits = dataclasses.replace(hq.office.limits, max_branch_blob_bytes=10 * 1024 * 1024)
    run = a.sync().stats.blobs
    assert run is not None and run.uploaded == 1 and run.error is None
    assert unsent_attachments(a.ledger) == set()
    assert storage(hq).path("b1", ref.sha256).read_bytes() == photo
    a.ledger.close()
