"""Printing a record's attachments from a real encrypted store: the blob store's bytes on paper."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from desktop_app.operations import Ledger
from desktop_app.operations.printing import PrintRequest, render_document
from domain.attachments import AttachmentRole
from testsupport import attachment_samples as samples


def _text(pdf: bytes, tmp: Path, page: int | None = None) -> str:
    path = tmp / "read.pdf"
    path.write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


def _meeting(ledger: Ledger, attachments: list[dict[str, object]]) -> str:
    with ledger.guard() as store:
        store.records.create("branch_profile", {"name": "毕拉河林场党支部"}, author="t")
        return store.records.create("meeting", {
            "meeting_type": "theme_day", "title": "十一月主题党日", "starts_at": "2026-11-05T09:00",
            "attachments": attachments}, author="t").record_id


def test_minutes_signin_and_ledger_print_the_stored_attachments(ledger: Ledger, tmp_path: Path) -> None:
    with ledger.guard() as store:
        photo = store.blobs.put_bytes(samples.jpeg(2400, 1600), "合影.jpg", role=AttachmentRole.PHOTO,
                                      caption="重温入党誓词")
        scan = store.blobs.put_bytes(samples.pdf("SIGNED-SHEET"), "签到表.pdf", role=AttachmentRole.SIGN_IN_SHEET)
    record = _meeting(ledger, [photo.model_dump(mode="json"), scan.model_dump(mode="json")])

    without = render_document(ledger, PrintRequest("minutes", record, attachments=False))
    minutes = render_document(ledger, PrintRequest.minutes(record))
    assert minutes.data is not None and without.data is not None
    assert minutes.pages == without.pages + 3  # 附件目录, the 签到表 page, the photo page
    text = _text(minutes.data, tmp_path)
    assert "附件（共2件）" in text and "重温入党誓词" in text and "SIGNED-SHEET" in text

    signin = render_document(ledger, PrintRequest.signin(record))
    assert signin.data is not None and "SIGNED-SHEET" in _text(signin.data, tmp_path)
    assert "应到：＿＿＿人" not in _text(signin.data, tmp_path)
    blank = render_document(ledger, PrintRequest("signin", record, attachments=False))
    assert blank.data is not None and "应到：＿＿＿人" in _text(blank.data, tmp_path)

    ledger_pdf = render_document(ledger, PrintRequest.ledger("2026-11"), today=dt.date(2026, 11, 30))
    assert ledger_pdf.data is not None and "SIGNED-SHEET" in _text(ledger_pdf.data, tmp_path)
    only_list = render_document(ledger, PrintRequest.ledger("2026-11", include_minutes=False),
                                today=dt.date(2026, 11, 30))
    assert only_list.data is not None and "SIGNED-SHEET" not in _text(only_list.data, tmp_path)


def test_an_attachment_not_on_this_device_is_named_and_warned(ledger: Ledger, tmp_path: Path) -> None:
    with ledger.guard() as store:
        here = store.blobs.put_bytes(samples.jpeg(), "本机.jpg", role=AttachmentRole.PHOTO)
    elsewhere = {**here.model_dump(mode="json"), "sha256": "ab" * 32, "name": "另一台电脑.jpg"}
    record = _meeting(ledger, [here.model_dump(mode="json"), elsewhere])
    result = render_document(ledger, PrintRequest.minutes(record))
    assert result.data is not None
    text = _text(result.data, tmp_path)
    assert "另一台电脑.jpg" in text and "未下载到本机，未打印" in text
    assert "附件《另一台电脑.jpg》未下载到本机，未打印" in result.warnings
