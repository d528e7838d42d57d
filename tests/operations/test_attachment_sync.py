"""附件未上传完 and opening a file held only as a thumbnail, against a real head office (uvicorn, SQLite)."""

from __future__ import annotations

from pathlib import Path

from desktop_app.operations.attachment_sync import uploads_pending, viewable_content
from desktop_app.operations.records import save_record
from domain.attachments import AttachmentRole
from tests.operations.test_conflicts import _device, hq  # noqa: F401  (fixture: a real head office on SQLite)
from tests.sync.blobsupport import noisy_jpeg
from tests.sync.conftest import hq_sqlite  # noqa: F401  (the fixture ``hq`` builds on)
from tests.sync.hq import HeadOfficeFixture, meeting


def test_pending_until_synced_and_a_thumbnail_only_photo_is_pulled_when_opened(
    hq: HeadOfficeFixture, tmp_path: Path  # noqa: F811
) -> None:
    a, b = _device(hq, tmp_path / "a", "A"), _device(hq, tmp_path / "b", "B")
    photo = noisy_jpeg(200_000, seed=3)
    with a.ledger.guard() as store:
        ref = store.blobs.put_bytes(photo, "植树.jpg", downscale=False, role=AttachmentRole.PHOTO)
    saved = save_record(a.ledger, "meeting", meeting("主题党日", attachments=[ref.model_dump(mode="json")]),
                        author="A")
    record_id = saved.envelope.record_id
    assert uploads_pending(a.ledger, record_id, [ref.sha256])  # not sent at all yet
    assert not uploads_pending(a.ledger, None, [ref.sha256])  # a record never saved: nothing to say
    a.sync()
    assert not uploads_pending(a.ledger, record_id, [ref.sha256])  # record and file at head office

    b.sync()  # lazy: the thumbnail only
    with b.ledger.guard() as store:
        assert store.blobs.thumbnail(ref.sha256) and not store.blobs.has(ref.sha256)
    assert viewable_content(b.ledger, ref.model_dump(mode="json")) == photo  # pulled on open, verified
    with b.ledger.guard() as store:
        assert store.blobs.has(ref.sha256)
    for ops in (a, b):
        ops.ledger.close()
