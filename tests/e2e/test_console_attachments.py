"""A reviewer sees a record's attachments in a real browser (headless Chromium) — issue 14.

A branch laptop (the real encrypted store, its blob store and queue) syncs a 主题党日 with two
photos and a scanned 签到表; one photo never finishes uploading. The reviewer opens the record page:
thumbnails load, the unfinished photo is marked 附件未上传完, the scan opens in the browser and
downloads byte for byte. A reviewer of another subtree gets a 404 for the same file's address.
It runs with head office's files in a directory and in an S3 bucket (moto's S3 server on 127.0.0.1).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from domain.attachments import AttachmentRole
from sync.client.blobs import BlobQueue
from sync.server.console.records import record_url
from tests.e2e.test_console_browser import hq, login  # noqa: F401  (hq: the fixture, with b3 and two reviewers)
from tests.sync.blobsupport import noisy_jpeg
from tests.sync.hq import HeadOfficeFixture, meeting
from testsupport import attachment_samples as samples
from testsupport.throwaway_s3 import S3Server, running_server, s3_storage


@pytest.fixture(scope="module")
def s3_server() -> Iterator[S3Server]:
    yield from running_server()


@pytest.mark.parametrize("blob_store", ["directory", "s3"])
def test_reviewer_sees_opens_and_downloads_attachments(browser: Any, hq: HeadOfficeFixture,  # noqa: F811
                                                        shots: Path, blob_store: str, request: pytest.FixtureRequest,
                                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert hq.office.blobs is not None
    if blob_store == "s3":  # before anything is uploaded: the running server's Blobs now use a bucket
        hq.office.blobs.storage = s3_storage(request.getfixturevalue("s3_server"), tmp_path / "staging", monkeypatch)
    hq.replica_kind = "store"  # the laptop is the real encrypted store with its blob store
    laptop = hq.device("b1")
    blobs = laptop.state.store.blobs  # type: ignore[union-attr]
    photo, late, scan = noisy_jpeg(250_000, seed=11), noisy_jpeg(200_000, seed=12), samples.pdf("签到表 2026-11-20")
    refs = [blobs.put_bytes(photo, "植树现场.jpg", downscale=False, role=AttachmentRole.PHOTO, caption="林场苗圃植树"),
            blobs.put_bytes(scan, "签到表.pdf", role=AttachmentRole.SIGN_IN_SHEET),
            blobs.put_bytes(late, "合影.jpg", downscale=False, role=AttachmentRole.PHOTO)]
    record_id = laptop.state.create("meeting", meeting("主题党日：义务植树", meeting_type="theme_day",
                                                       attachments=[r.model_dump(mode="json") for r in refs]))
    laptop.sync()
    queue = BlobQueue(blobs)
    transport = laptop.engine.transport
    queue.bind(transport.base_url, transport.session, transport.token, transport.verify, transport.timeout)
    stats = queue.run([r.sha256 for r in refs[:2]])  # the group photo stays on the laptop (the link dropped)
    assert stats.uploaded == 2

    page = login(browser, hq, "shen")
    page.goto(hq.base_url + record_url("b1", record_id))
    card = page.locator("#attachments")
    card.wait_for()
    assert "3 个" in card.inner_text() and page.locator("#attachments-incomplete").is_visible()
    thumb = page.locator(f"li[data-sha256='{refs[0].sha256}'] img.thumb")
    thumb.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    assert "林场苗圃植树" in card.inner_text() and "签到表" in card.inner_text()
    late_row = page.locator(f"li[data-sha256='{refs[2].sha256}']")
    assert "未上传完" in late_row.inner_text() and late_row.locator("a.download").count() == 0
    page.screenshot(path=str(shots / "console-record-attachments-1366.png"), full_page=True)

    with page.context.expect_page() as opened:
        page.locator(f"li[data-sha256='{refs[1].sha256}'] a.open").click()
    viewer = opened.value
    viewer.wait_for_load_state()
    shown = viewer.request.get(viewer.url)
    assert shown.status == 200 and shown.headers["content-type"] == "application/pdf" and shown.body() == scan
    viewer.close()
    with page.expect_download() as download:
        page.locator(f"li[data-sha256='{refs[1].sha256}'] a.download").click()
    saved = Path(download.value.path())
    assert saved.read_bytes() == scan and download.value.suggested_filename == "签到表.pdf"
    if blob_store == "s3":  # served from the bucket: nothing of the uploaded files is on local disk
        assert sorted(hq.office.blobs.storage.keys()) == sorted(  # type: ignore[attr-defined]
            [f"b1/{r.sha256[:2]}/{r.sha256}" for r in refs[:2]] + [f"b1/{refs[0].sha256[:2]}/{refs[0].sha256}.thumb"])
        assert [p for p in (tmp_path / "staging").rglob("*") if p.is_file()] == []

    # Another subtree's reviewer, and an anonymous browser: not found / sent to log in.
    other = login(browser, hq, "kan")
    denied = other.request.get(hq.base_url + record_url("b1", record_id, f"attachments/{refs[0].sha256}"))
    assert denied.status == 404
    anonymous = requests.get(hq.base_url + record_url("b1", record_id, f"attachments/{refs[0].sha256}"),
                             allow_redirects=False, timeout=10)
    assert anonymous.status_code in (302, 303, 401)
    # A digest the record does not list is not served, even within the reviewer's scope.
    stranger = page.request.get(hq.base_url + record_url("b1", record_id, "attachments/" + "0" * 64))
    assert stranger.status == 404
