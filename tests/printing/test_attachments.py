"""Attachments on paper: read back with pdftotext/pdfinfo and looked at as pixels with pdftoppm."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import subprocess
from pathlib import Path

from PIL import Image
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from domain.enums import RecordStatus
from printing.attachments import AttachmentUnavailable, PrintAttachment
from printing.fonts import FontSet
from printing.inputs import LedgerInput
from printing.ledger import render_ledger
from printing.minutes import render_minutes
from printing.signin import render_signin_sheet
from testsupport import print_samples as samples

from .pdf import norm, pdf_info, pdf_text

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _jpeg(size: tuple[int, int], left: tuple[int, int, int], right: tuple[int, int, int],
          orientation: int | None = None) -> bytes:
    """A photo whose left half is one colour and right half another, with an EXIF orientation."""
    image = Image.new("RGB", size, right)
    image.paste(left, (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def _pdf(pages: int, marker: str, size: tuple[float, float] = A4) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=size, invariant=1)
    for number in range(1, pages + 1):
        canvas.setFont("Helvetica", 28)
        canvas.drawString(72, size[1] / 2, f"{marker}-{number}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _att(name: str, mime: str, role: str, data: bytes, caption: str = "") -> PrintAttachment:
    return PrintAttachment(name=name, mime=mime, role=role, caption=caption, load=lambda: data)


def _raster(pdf: bytes, tmp: Path, page: int, dpi: int = 40) -> Image.Image:
    source = tmp / "raster.pdf"
    source.write_bytes(pdf)
    stem = tmp / f"page{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile",
                    str(source), str(stem)], check=True)
    return Image.open(f"{stem}.png").convert("RGB")


def _box(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 60) -> tuple[int, int, int, int] | None:
    """Bounding box of the pixels close to ``colour``."""
    mask = Image.eval(image, lambda v: v)  # copy
    px = mask.load()
    assert px is not None
    xs, ys = [], []
    for y in range(image.height):
        for x in range(image.width):
            r, g, b = px[x, y]  # type: ignore[misc]
            if abs(r - colour[0]) + abs(g - colour[1]) + abs(b - colour[2]) < tolerance:
                xs.append(x)
                ys.append(y)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _pages_with(pdf: bytes, tmp: Path, needle: str) -> list[int]:
    pages = int(pdf_info(pdf, tmp)["Pages"])
    return [p for p in range(1, pages + 1) if needle in norm(pdf_text(pdf, tmp, page=p))]


RED, BLUE, GREEN = (220, 20, 20), (20, 20, 220), (20, 180, 20)


def test_photos_print_two_to_a_page_with_captions_upright_by_exif(tmp_path: Path, fonts: FontSet) -> None:
    # Stored sideways (landscape, red left) with Orientation=6: shown upright it is portrait, red on top.
    sideways = _jpeg((400, 200), RED, BLUE, orientation=6)
    photos = [
        _att("IMG_0001.jpg", "image/jpeg", "photo", sideways, "党员重温入党誓词"),
        _att("IMG_0002.jpg", "image/jpeg", "photo", _jpeg((300, 200), GREEN, GREEN), "集体学习"),
        _att("IMG_0003.png", "image/png", "photo", _png((200, 200), GREEN), ""),
    ]
    data = dataclasses.replace(samples.minutes_input(samples.theme_day()), attachments=photos)
    plain = render_minutes(samples.minutes_input(samples.theme_day()), fonts=fonts)
    result = render_minutes(data, fonts=fonts)
    assert result.data is not None and plain.data is not None
    # The index page, then two photo pages (2 + 1).
    assert result.pages == plain.pages + 3
    index = norm(pdf_text(result.data, tmp_path, page=plain.pages + 1))
    assert "附件（共3件）" in index and "IMG_0001.jpg" in index and "党员重温入党誓词" in index
    first = norm(pdf_text(result.data, tmp_path, page=plain.pages + 2))
    assert "活动照片（第1—2张，共3张）" in first
    assert "图1党员重温入党誓词" in first and "图2集体学习" in first
    second = norm(pdf_text(result.data, tmp_path, page=plain.pages + 3))
    assert "活动照片（第3张，共3张）" in second and "图3IMG_0003.png" in second  # no caption: its name
    assert f"第{plain.pages + 3}页共{result.pages}页" in second

    page = _raster(result.data, tmp_path, plain.pages + 2)
    red, blue, green = _box(page, RED), _box(page, BLUE), _box(page, GREEN)
    assert red and blue and green
    photo_top, photo_bottom = min(red[1], blue[1]), max(red[3], blue[3])
    photo_left, photo_right = min(red[0], blue[0]), max(red[2], blue[2])
    assert photo_bottom - photo_top > 1.6 * (photo_right - photo_left)  # portrait: turned upright
    assert red[3] <= blue[1] + 2  # red above blue, as the camera saw it
    assert photo_bottom < green[1]  # the second photo below the first, same page


def _png(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (*colour, 255)).save(out, "PNG")
    return out.getvalue()


def test_pdf_pages_are_embedded_and_other_files_are_listed(tmp_path: Path, fonts: FontSet) -> None:
    def not_here() -> bytes:
        raise AttachmentUnavailable("未下载到本机")

    items = [
        _att("讲稿.pdf", "application/pdf", "lecture", _pdf(2, "LECTUREPAGE"), "党课讲稿"),
        _att("横版.pdf", "application/pdf", "other", _pdf(1, "WIDEPAGE", landscape(A4))),
        _att("课件.docx", DOCX, "lecture", b"PK..."),
        PrintAttachment(name="远程照片.jpg", mime="image/jpeg", role="photo", load=not_here),
    ]
    plain = render_minutes(samples.minutes_input(samples.lecture()), fonts=fonts)
    result = render_minutes(dataclasses.replace(samples.minutes_input(samples.lecture()), attachments=items),
                            fonts=fonts)
    assert result.data is not None and plain.data is not None
    assert result.pages == plain.pages + 1 + 3  # index + 2 lecture pages + 1 landscape page
    assert int(pdf_info(result.data, tmp_path)["Pages"]) == result.pages
    index = norm(pdf_text(result.data, tmp_path, page=plain.pages + 1))
    assert "Word文档，电子文件不打印" in index
    assert "未下载到本机，未打印" in index
    assert "附后，2页" in index
    assert any("远程照片.jpg" in w and "未下载到本机" in w for w in result.warnings)
    # The embedded pages keep their own text (vector, not a picture) under our header and footer.
    assert _pages_with(result.data, tmp_path, "LECTUREPAGE-1") == [plain.pages + 2]
    assert _pages_with(result.data, tmp_path, "LECTUREPAGE-2") == [plain.pages + 3]
    second = norm(pdf_text(result.data, tmp_path, page=plain.pages + 3))
    assert "讲稿/课件《讲稿.pdf》第2页（共2页）" in second
    assert f"第{plain.pages + 3}页共{result.pages}页" in second
    assert _pages_with(result.data, tmp_path, "WIDEPAGE-1") == [plain.pages + 4]
    # Reproducible, like every print: the same record gives the same bytes.
    again = render_minutes(dataclasses.replace(samples.minutes_input(samples.lecture()), attachments=items),
                           fonts=fonts)
    assert again.data == result.data
    # Written to a path, the same bytes.
    path = tmp_path / "out.pdf"
    render_minutes(dataclasses.replace(samples.minutes_input(samples.lecture()), attachments=items), path,
                   fonts=fonts)
    assert path.read_bytes() == result.data


def test_a_damaged_image_is_named_not_printed(tmp_path: Path, fonts: FontSet) -> None:
    broken = _att("坏.jpg", "image/jpeg", "photo", b"\xff\xd8\xff\xe0 not really a jpeg")
    result = render_minutes(dataclasses.replace(samples.minutes_input(samples.committee()), attachments=[broken]),
                            fonts=fonts)
    assert result.data is not None
    text = norm(pdf_text(result.data, tmp_path))
    assert "坏.jpg" in text and "文件无法读取，未打印" in text
    assert "附件《坏.jpg》无法读取，未打印" in result.warnings


def test_sign_in_scan_replaces_the_blank_sheet(tmp_path: Path, fonts: FontSet) -> None:
    scan = _jpeg((600, 850), GREEN, GREEN)
    blank = render_signin_sheet(samples.signin_input(), fonts=fonts)
    assert blank.data is not None and "应到：＿＿＿人" in norm(pdf_text(blank.data, tmp_path))
    photo_only = dataclasses.replace(samples.signin_input(),
                                     scans=[_att("现场.jpg", "image/jpeg", "photo", scan)])
    still_blank = render_signin_sheet(photo_only, fonts=fonts)
    assert still_blank.data is not None and "应到：＿＿＿人" in norm(pdf_text(still_blank.data, tmp_path))

    scans = [
        _att("签到表1.jpg", "image/jpeg", "sign_in_sheet", scan),
        _att("签到表2.pdf", "application/pdf", "sign_in_sheet", _pdf(1, "SIGNEDPAGE")),
    ]
    result = render_signin_sheet(dataclasses.replace(samples.signin_input(), scans=scans), fonts=fonts)
    assert result.data is not None
    text = norm(pdf_text(result.data, tmp_path))
    assert "应到：＿＿＿人" not in text  # the blank roll is not printed
    assert "签到表（签到后扫描件）" in text and "签到表扫描件（第1页，共2页）" in text
    assert result.pages == 2 and "SIGNEDPAGE-1" in norm(pdf_text(result.data, tmp_path, page=2))
    assert "已打印签到后的扫描件，代替空白签到表" in result.warnings
    green = _box(_raster(result.data, tmp_path, 1), GREEN)
    assert green is not None and green[3] - green[1] > 200  # the scan fills most of the A4 page at 40 dpi


def test_ledger_binds_each_records_attachments_after_its_minutes(tmp_path: Path, fonts: FontSet) -> None:
    photo = _att("合影.jpg", "image/jpeg", "photo", _jpeg((400, 300), GREEN, GREEN), "主题党日合影")
    sheet = _att("签到.pdf", "application/pdf", "sign_in_sheet", _pdf(1, "LEDGERSCAN"))
    theme = dataclasses.replace(samples.minutes_input(samples.theme_day(), record_id="theme"),
                                attachments=[photo, sheet])
    congress = samples.minutes_input(samples.congress(), RecordStatus.DRAFT, record_id="congress")
    ledger = LedgerInput(branch=samples.BRANCH, period="2025-Q2", records=[congress, theme],
                         members=samples.MEMBERS, today=dt.date(2025, 6, 30))
    plain = render_ledger(dataclasses.replace(ledger, records=[congress,
                                                               dataclasses.replace(theme, attachments=())]),
                          fonts=fonts)
    result = render_ledger(ledger, fonts=fonts)
    assert result.data is not None and plain.data is not None
    assert result.pages == plain.pages + 3  # index, the 签到表 page, the photo page
    scan_pages = _pages_with(result.data, tmp_path, "LEDGERSCAN-1")
    photo_pages = _pages_with(result.data, tmp_path, "图1主题党日合影")
    assert len(scan_pages) == 1 and len(photo_pages) == 1
    assert scan_pages[0] < photo_pages[0]  # 签到表 first, then the photos
    assert f"共{result.pages}页" in norm(pdf_text(result.data, tmp_path, page=photo_pages[0]))


def test_a_landscape_scan_is_turned_to_fill_the_page(tmp_path: Path, fonts: FontSet) -> None:
    wide = _jpeg((1700, 1200), GREEN, GREEN)  # a 签到表 printed in landscape, scanned as it lies
    result = render_signin_sheet(
        dataclasses.replace(samples.signin_input(), scans=[_att("签到表.jpg", "image/jpeg", "sign_in_sheet", wide)]),
        fonts=fonts)
    assert result.data is not None
    green = _box(_raster(result.data, tmp_path, 1), GREEN)
    assert green is not None
    assert green[3] - green[1] > 1.3 * (green[2] - green[0])  # turned a quarter: tall on the portrait page


def test_a_post_report_prints_its_entries_files_under_their_dates(tmp_path: Path, fonts: FontSet) -> None:
    from printing.posts import render_post_report

    photo = dataclasses.replace(_att("巡护.jpg", "image/jpeg", "photo", _jpeg((800, 600), GREEN, GREEN), "北线巡护"),
                                owner="2025-06-12工作记录")
    plain = render_post_report(samples.post_report_input(), fonts=fonts)
    result = render_post_report(dataclasses.replace(samples.post_report_input(), attachments=[photo]), fonts=fonts)
    assert result.data is not None and result.pages == plain.pages + 2
    text = norm(pdf_text(result.data, tmp_path))
    assert "2025-06-12工作记录：北线巡护" in text and "图1" in text
