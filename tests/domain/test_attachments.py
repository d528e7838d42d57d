"""check_content: the one gate every attached file passes, on the client and at head office."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from domain import attachments as att
from domain.attachments import AttachmentRefused, check_content, sniff
from testsupport import attachment_samples as samples


def test_accepted_files_are_described() -> None:
    photo = samples.jpeg(800, 600)
    checked = check_content(photo, "合影.JPG")
    assert (checked.mime, checked.size, checked.width, checked.height) == (att.JPEG, len(photo), 800, 600)
    import hashlib

    assert checked.sha256 == hashlib.sha256(photo).hexdigest()
    assert check_content(samples.png(), "签到表.png").mime == att.PNG
    assert check_content(samples.pdf(), "讲稿.pdf").mime == att.PDF
    assert check_content(samples.ooxml("docx"), "讲稿.docx").mime == att.DOCX
    assert check_content(samples.ooxml("pptx"), "课件.pptx").mime == att.PPTX
    assert check_content(samples.ooxml("xlsx"), "名单.xlsx").mime == att.XLSX
    assert check_content(io.BytesIO(photo), "a.jpeg").sha256 == checked.sha256


def test_a_path_is_read_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "照片.jpg"
    path.write_bytes(samples.jpeg())
    assert check_content(path, path.name).mime == att.JPEG
    with pytest.raises(AttachmentRefused) as missing:
        check_content(tmp_path / "gone.jpg", "gone.jpg")
    assert missing.value.code == "unreadable"


def _refused(data: bytes, name: str, **kw: int) -> AttachmentRefused:
    with pytest.raises(AttachmentRefused) as info:
        check_content(data, name, **kw)  # type: ignore[arg-type]
    assert name in str(info.value) or info.value.code == "bad_name"
    assert str(info.value).startswith("附件“")
    return info.value


def test_hostile_files_are_refused_with_a_chinese_reason() -> None:
    jpeg = samples.jpeg(1200, 900)
    assert _refused(samples.bomb_png(), "炸弹.png").code == "bomb"
    assert _refused(jpeg[: len(jpeg) // 2], "半张.jpg").code == "damaged"
    lie = _refused(samples.pdf(), "照片.jpg")
    assert lie.code == "type_mismatch" and "文件类型与内容不符" in str(lie) and "PDF" in str(lie)
    assert _refused(samples.plain_zip(), "照片.jpg").code == "type_mismatch"
    assert _refused(samples.plain_zip(), "讲稿.docx").code == "type_mismatch"
    assert _refused(samples.ooxml("xlsx"), "讲稿.docx").code == "type_mismatch"
    assert _refused(samples.ooxml("docx", main=False), "讲稿.docx").code == "type_mismatch"
    assert _refused(jpeg, "照片.png").code == "type_mismatch"
    assert _refused(b"MZ\x90\x00 this is an exe", "木马.jpg").code == "type_mismatch"
    assert _refused(b"", "空.pdf").code == "empty"
    assert _refused(samples.pdf()[:-40], "截断.pdf").code == "damaged"
    docx = samples.ooxml("docx")
    assert _refused(docx[: len(docx) - 30], "截断.docx").code == "damaged"
    assert _refused(b"<html>", "page.html").code == "unsupported"
    assert _refused(b"x", "noextension").code == "unsupported"
    for name in ("../../etc/passwd.jpg", "a/b.jpg", "C:\\x\\y.jpg", "a\x00.jpg", "tab\t.jpg", "x" * 201 + ".jpg"):
        refused = _refused(jpeg, name)
        assert refused.code == "bad_name"


def test_the_size_limit_is_exact() -> None:
    limit = att.DEFAULT_MAX_BYTES
    big = b"%PDF-1.4\n" + b"0" * (limit + 1 - 9 - 6) + b"%%EOF\n"
    assert len(big) == limit + 1
    refused = _refused(big, "大文件.pdf")
    assert refused.code == "too_large" and "20 MB" in str(refused)
    assert check_content(big[:9] + big[10:], "刚好.pdf").size == limit
    assert _refused(samples.pdf(), "小.pdf", max_bytes=100).code == "too_large"


def test_sniff() -> None:
    assert sniff(samples.jpeg()[:16]) == att.JPEG
    assert sniff(samples.png()[:16]) == att.PNG
    assert sniff(b"%PDF-1.7\n") == att.PDF
    assert sniff(samples.ooxml()[:16]) == att.ZIP
    assert sniff(b"\x00\x00\x00\x18ftypheic\x00\x00") == att.HEIC
    assert sniff(b"GIF89a") is None


def test_heic_is_accepted_only_where_it_can_be_read() -> None:
    assert (att.HEIC in att.ACCEPTED_MIME) == att.heic_supported()
    assert att.HEIC in att.KNOWN_MIME
    refused = _refused(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64, "x.heic") if not att.heic_supported() else None
    if refused is not None:
        assert refused.code == "unsupported"


def test_attachment_refs_and_digests() -> None:
    ref = check_content(samples.png(), "a.png").ref(att.AttachmentRole.SIGN_IN_SHEET, "第一页")
    body = {"title": "x", "attachments": [ref.model_dump(mode="json")]}
    assert att.attachment_refs(body) == [ref]
    assert att.attachment_refs({"title": "x"}) == []
    assert att.attachment_digests({"attachments": [{"sha256": ref.sha256}, {"sha256": "bad"}, 3]}) == {ref.sha256}
    assert att.AttachmentRole.SIGN_IN_SHEET.label == "签到表"
