"""Head office's /v1/blobs routes on a real uvicorn server (SQLite and PostgreSQL): upload by tus
core, missing_blobs in the sync reply, download with Range/ETag, thumbnails, branch isolation, and
hostile uploads that get a 4xx and leave nothing stored."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.sync.blobsupport import (
    Tus,
    held_bytes,
    missing_of,
    noisy_jpeg,
    push_record,
    ref_for,
    storage,
    stored_files,
)
from tests.sync.hq import HeadOfficeFixture
from testsupport import attachment_samples as samples

# Each test runs with head office's files in a directory and in an S3 bucket on a real
# S3-compatible server (tests/sync/conftest.py): the same contract for both stores.
pytestmark = pytest.mark.usefixtures("blob_store")


def test_upload_links_after_verification_and_download_is_ranged(hq: HeadOfficeFixture, blob_store: str) -> None:
    device = hq.device("b1")
    photo, scan = noisy_jpeg(700_000, seed=1), samples.pdf("签到表")
    refs = [ref_for(photo, "植树.jpg"), ref_for(scan, "签到表.pdf", role="sign_in_sheet")]
    push_record(device, refs)
    assert sorted(missing_of(hq, device)) == sorted(r["sha256"] for r in refs)

    tus = Tus.of(hq, device)
    sha = refs[0]["sha256"]
    head = tus.head(sha)
    assert head.status_code == 200 and head.headers["Upload-Offset"] == "0"
    assert head.headers["Upload-Length"] == str(len(photo))
    assert tus.create(sha, len(photo)).status_code == 201
    first = tus.patch(sha, 0, photo[:300_000])
    assert first.status_code == 204 and first.headers["Upload-Offset"] == "300000"
    assert tus.get(sha).status_code == 404  # not complete: not served
    last = tus.patch(sha, 300_000, photo[300_000:])
    assert last.status_code == 204 and last.headers["Upload-Offset"] == str(len(photo))
    assert tus.upload(refs[1]["sha256"], scan).status_code == 204
    assert missing_of(hq, device) == []

    whole = tus.get(sha)
    assert whole.status_code == 200 and whole.content == photo
    assert whole.headers["ETag"] == f'"{sha}"' and whole.headers["Content-Type"] == "image/jpeg"
    part = tus.get(sha, Range="bytes=1000-1999")
    assert part.status_code == 206 and part.content == photo[1000:2000]
    assert tus.get(sha, **{"If-None-Match": f'"{sha}"'}).status_code == 304
    thumb = tus.get(sha, "/thumbnail")
    assert thumb.status_code == 200 and thumb.content[:3] == b"\xff\xd8\xff"
    assert tus.get(refs[1]["sha256"], "/thumbnail").status_code == 404  # a PDF has none
    # Stored outside the database, per branch, byte-identical.
    assert sorted(stored_files(hq)) == sorted([f"b1/{sha[:2]}/{sha}", f"b1/{sha[:2]}/{sha}.thumb",
                                               f"b1/{refs[1]['sha256'][:2]}/{refs[1]['sha256']}"])
    assert held_bytes(hq, "b1", refs[1]["sha256"]) == scan
    assert tus.get(sha, Range="bytes=-500").content == photo[-500:]
    tail = tus.get(sha, Range=f"bytes={len(photo) - 10}-")  # how a client resumes a cut download
    assert tail.status_code == 206 and tail.content == photo[-10:]
    assert tail.headers["Content-Range"] == f"bytes {len(photo) - 10}-{len(photo) - 1}/{len(photo)}"
    assert tus.get(sha, Range=f"bytes={len(photo)}-").status_code == 416
    if blob_store == "s3":  # all in the bucket; the staging directory kept nothing once complete
        assert storage(hq).files() == []
        assert tus.get(sha, Range="bytes=0-1,5-6").content == photo  # several ranges: the whole file


def test_a_second_device_of_the_branch_never_uploads_a_held_blob(hq_sqlite: HeadOfficeFixture) -> None:
    hq = hq_sqlite
    first, second = hq.device("b1", name="一号"), hq.device("b1", name="二号")
    photo = noisy_jpeg(200_000, seed=2)
    ref = ref_for(photo, "a.jpg")
    push_record(first, [ref])
    assert Tus.of(hq, first).upload(ref["sha256"], photo).status_code == 204
    push_record(second, [ref], title="同一张照片的另一条记录")
    assert missing_of(hq, second) == []
    tus = Tus.of(hq, second)
    assert tus.head(ref["sha256"]).headers["Upload-Offset"] == str(len(photo))
    again = tus.create(ref["sha256"], len(photo))
    assert again.status_code == 200 and again.headers["Upload-Offset"] == str(len(photo))
    assert tus.patch(ref["sha256"], 0, photo[:1000]).status_code == 409


def test_another_branch_and_unreferenced_digests_are_not_found(hq: HeadOfficeFixture) -> None:
    ours, theirs = hq.device("b1"), hq.device("b2")
    photo = noisy_jpeg(100_000, seed=3)
    ref = ref_for(photo, "b1.jpg")
    push_record(ours, [ref])
    assert Tus.of(hq, ours).upload(ref["sha256"], photo).status_code == 204
    other = Tus.of(hq, theirs)
    sha = ref["sha256"]
    for reply in (other.head(sha), other.create(sha, len(photo)), other.patch(sha, 0, photo),
                  other.get(sha), other.get(sha, "/thumbnail")):
        assert reply.status_code == 404, reply.request.method
        assert reply.request.method == "HEAD" or reply.json()["code"] == "not_found"
    nobody = hashlib.sha256(b"not referenced by anyone").hexdigest()
    mine = Tus.of(hq, ours)
    assert mine.create(nobody, 24).status_code == 404
    assert mine.patch(nobody, 0, b"not referenced by anyone").status_code == 404
    assert all(not f.startswith("b2/") and nobody not in f for f in stored_files(hq))
    # No token, a wrong token: 401 before anything is looked up.
    assert Tus(hq.base_url, "wrong-token").head(sha).status_code == 401


HOSTILE = {
    "bomb": (samples.bomb_png(), "炸弹.png", None),
    "truncated": (samples.jpeg(800, 600)[:-4000], "半张.jpg", None),
    "type_lie": (samples.png(), "假照片.jpg", None),  # PNG bytes declared as a JPEG
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_content_is_refused_and_nothing_is_stored(hq_sqlite: HeadOfficeFixture, case: str) -> None:
    hq = hq_sqlite
    device = hq.device("b1")
    data, name, mime = HOSTILE[case]
    ref = ref_for(data, name, mime=mime)
    push_record(device, [ref])
    reply = Tus.of(hq, device).upload(ref["sha256"], data)
    assert reply.status_code == 422 and reply.json()["code"] == "attachment_refused"
    assert "。" in reply.json()["message"] or reply.json()["message"]
    assert stored_files(hq) == []  # the partial was deleted
    assert missing_of(hq, device) == [ref["sha256"]]  # still not held


def test_wrong_digest_is_refused_and_discarded(hq_sqlite: HeadOfficeFixture) -> None:
    hq = hq_sqlite
    device = hq.device("b1")
    declared, sent = noisy_jpeg(50_000, seed=4), bytearray(noisy_jpeg(50_000, seed=4))
    sent[-100] ^= 0xFF  # same size, one byte different
    ref = ref_for(declared, "a.jpg")
    push_record(device, [ref])
    reply = Tus.of(hq, device).upload(ref["sha256"], bytes(sent))
    assert reply.status_code == 422 and reply.json()["code"] == "digest_mismatch"
    assert stored_files(hq) == []


def test_path_traversal_name_is_not_a_reference(hq_sqlite: HeadOfficeFixture) -> None:
    hq = hq_sqlite
    device = hq.device("b1")
    data = samples.jpeg()
    ref = ref_for(data, "a.jpg")
    ref["name"] = "../../../etc/cron.d/x.jpg"
    # Sent around the client's own checks (a hostile device): head office keeps the body verbatim
    # as it keeps any body, but the entry is no reference, so nothing can be uploaded for it.
    device.state.create("meeting", {"meeting_type": "lecture", "title": "坏名字", "starts_at": "2026-10-15T09:00:00",
                                    "attachments": [ref]}, unchecked=True)
    device.sync()
    tus = Tus.of(hq, device)
    assert tus.create(ref["sha256"], len(data)).status_code == 404
    assert tus.session.head(f"{hq.base_url}/v1/blobs/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert stored_files(hq) == []


def test_offset_games_are_refused(hq_sqlite: HeadOfficeFixture) -> None:
    hq = hq_sqlite
    device = hq.device("b1")
    data = noisy_jpeg(120_000, seed=5)
    ref = ref_for(data, "a.jpg")
    sha = ref["sha256"]
    push_record(device, [ref])
    tus = Tus.of(hq, device)
    assert tus.patch(sha, 0, data[:100]).status_code == 404  # not created yet
    assert tus.create(sha, len(data) + 1).status_code == 400  # not the declared size
    assert tus.create(sha, len(data)).status_code == 201
    ahead = tus.patch(sha, 500, data[500:1000])
    assert ahead.status_code == 409 and ahead.headers["Upload-Offset"] == "0"
    assert tus.patch(sha, 0, data[:1000], content_type="application/json").status_code == 415
    assert tus.patch(sha, 0, data + b"x" * 10).status_code == 413  # beyond the declared length
    assert tus.patch(sha, 0, data[:1000]).status_code == 204
    behind = tus.patch(sha, 0, data[:1000])  # a replayed chunk is never written twice
    assert behind.status_code == 409 and behind.headers["Upload-Offset"] == "1000"
    bad = tus.session.patch(tus.url(sha), data=b"x", headers={"Upload-Offset": "-1",
                                                              "Content-Type": "application/offset+octet-stream"})
    assert bad.status_code == 400
    assert tus.head(sha).headers["Upload-Offset"] == "1000"


def test_blob_directory_beside_the_database_or_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.engine import make_url

    from sync.server import cli
    from sync.server.blobs import ENV_BLOB_DIR, default_blob_dir

    monkeypatch.setenv(ENV_BLOB_DIR, "")  # registered for restoring; empty means "not configured"
    url = make_url(f"sqlite:///{tmp_path / 'hq.sqlite3'}")
    assert default_blob_dir(url) == tmp_path / "hq.sqlite3.blobs"
    assert cli.main(["--db", str(tmp_path / "hq.sqlite3"), "--blobs", str(tmp_path / "files"), "evidence", "show"]) == 0
    assert default_blob_dir(url) == tmp_path / "files"  # serve's workers read the same variable


def test_a_branch_past_its_blob_quota_is_refused_before_any_byte_is_written(hq: HeadOfficeFixture) -> None:
    """Attachment bytes have their own quota per branch: a POST whose Upload-Length would take the
    branch's held files past it is a 507 with a clear message, nothing is created, a PATCH is refused
    alike; another branch is not affected, and raising the quota lets the same upload through."""
    import dataclasses

    first, second = noisy_jpeg(200_000, seed=41), noisy_jpeg(200_000, seed=42)
    hq.office.limits = dataclasses.replace(hq.office.limits, max_branch_blob_bytes=len(first) + len(second) - 1)
    device, other = hq.device("b1"), hq.device("b2")
    refs = [ref_for(first, "一.jpg"), ref_for(second, "二.jpg")]
    push_record(device, refs)
    tus = Tus.of(hq, device)
    assert tus.upload(refs[0]["sha256"], first).status_code == 204  # within the quota
    sha = refs[1]["sha256"]
    refused = tus.create(sha, len(second))
    assert refused.status_code == 507, refused.text
    body = refused.json()
    assert body["code"] == "blob_quota_exceeded" and "附件存储配额已用完" in body["message"]
    assert body["max_bytes"] == len(first) + len(second) - 1
    assert body["details"] == {"held_bytes": len(first), "upload_length": len(second)}
    assert tus.patch(sha, 0, second[:1000]).status_code == 507
    assert tus.head(sha).headers["Upload-Offset"] == "0"
    assert not any(sha in f for f in stored_files(hq))  # no partial: refused before any byte was written
    assert missing_of(hq, device) == [sha]  # still wanted, once there is room

    theirs = ref_for(second, "二.jpg")  # the same file in another branch: its own quota
    push_record(other, [theirs])
    assert Tus.of(hq, other).upload(theirs["sha256"], second).status_code == 204

    hq.office.limits = dataclasses.replace(hq.office.limits, max_branch_blob_bytes=len(first) + len(second))
    assert tus.upload(sha, second).status_code == 204
    assert tus.get(sha).content == second and missing_of(hq, device) == []


def test_serve_takes_the_blob_quota_from_its_option_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``branch-ledger-hq serve`` as a real process with ``$BRANCH_LEDGER_HQ_BLOB_QUOTA_MB=1``: an
    upload of 1.2 MB is refused (507) before a byte is written; the option's default is 10 GiB."""
    from sync.server.cli import CliError, blob_quota_mb, build_parser
    from sync.server.quotas import DEFAULT_MAX_BRANCH_BLOB_BYTES
    from tests.reliability.hq_process import HeadOfficeProcess, InFlight, enrolled_device
    from tests.sync.hq import meeting

    def quota(*argv: str) -> int:
        return blob_quota_mb(build_parser().parse_args(["serve", *argv]))

    monkeypatch.delenv("BRANCH_LEDGER_HQ_BLOB_QUOTA_MB", raising=False)
    assert quota() * 1024 * 1024 == DEFAULT_MAX_BRANCH_BLOB_BYTES == 10 * 1024**3
    assert quota("--blob-quota-mb", "500") == 500
    with pytest.raises(CliError, match="不能为负数"):
        quota("--blob-quota-mb", "-1")
    monkeypatch.setenv("BRANCH_LEDGER_HQ_BLOB_QUOTA_MB", "10GB")
    with pytest.raises(CliError, match="BRANCH_LEDGER_HQ_BLOB_QUOTA_MB"):
        quota()
    monkeypatch.setenv("BRANCH_LEDGER_HQ_BLOB_QUOTA_MB", "1")
    assert quota() == 1 and quota("--blob-quota-mb", "0") == 0  # the option wins; 0 = no limit

    hq = HeadOfficeProcess(f"sqlite:///{tmp_path / 'hq.sqlite3'}", tmp_path / "hq.keys", tmp_path / "hq.log")
    hq.prepare()
    hq.start()
    try:
        state, engine = enrolled_device(hq, "b1", "林场", InFlight())
        small, large = noisy_jpeg(300_000, seed=44), noisy_jpeg(1_200_000, seed=45)
        refs = [ref_for(small, "小.jpg"), ref_for(large, "大.jpg")]
        state.create("meeting", meeting("主题党日：植树", attachments=refs))
        engine.sync_once()
        assert state.creds is not None
        tus = Tus(hq.base_url, state.creds.token)
        assert tus.upload(refs[0]["sha256"], small).status_code == 204
        refused = tus.create(refs[1]["sha256"], len(large))
        assert refused.status_code == 507 and refused.json()["code"] == "blob_quota_exceeded"
        assert refused.json()["max_bytes"] == 1024 * 1024
        assert tus.head(refs[1]["sha256"]).headers["Upload-Offset"] == "0"
        assert not list((tmp_path / "hq.sqlite3.blobs").rglob(f"{refs[1]['sha256']}*"))
    finally:
        hq.stop()


def test_an_upload_whose_linking_failed_is_linked_by_the_next_post(hq_sqlite: HeadOfficeFixture,
                                                                   blob_store: str) -> None:
    """Every byte arrived but linking did not finish (the bucket was unreachable, or head office
    stopped mid-way): the partial stays complete, and the client's next POST links it."""
    hq = hq_sqlite
    device = hq.device("b1")
    photo = noisy_jpeg(150_000, seed=6)
    ref = ref_for(photo, "a.jpg")
    sha = ref["sha256"]
    push_record(device, [ref])
    tus = Tus.of(hq, device)
    assert tus.create(sha, len(photo)).status_code == 201
    assert tus.patch(sha, 0, photo[:100_000]).status_code == 204
    blobs = hq.office.blobs
    assert blobs is not None
    if blob_store == "s3":  # the object store goes away under head office
        from sync.server.blobstore_s3 import S3Storage

        assert isinstance(blobs.storage, S3Storage)
        blobs.storage.client.delete_bucket(Bucket=blobs.storage.bucket)
        assert tus.patch(sha, 100_000, photo[100_000:]).status_code >= 500
        blobs.storage.client.create_bucket(Bucket=blobs.storage.bucket)
    else:  # head office stopped between the last fsync and linking: the bytes are all there
        appender = blobs.storage.open_append("b1", sha, 100_000)
        appender.write(photo[100_000:])
        appender.close()
    assert tus.head(sha).headers["Upload-Offset"] == str(len(photo))
    assert missing_of(hq, device) == [sha]
    again = tus.create(sha, len(photo))
    assert again.status_code == 200 and again.headers["Upload-Offset"] == str(len(photo))
    assert missing_of(hq, device) == []
    assert tus.get(sha).content == photo and held_bytes(hq, "b1", sha) == photo
    assert not [f for f in stored_files(hq) if f.endswith(".part")]
