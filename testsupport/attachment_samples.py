"""Files for attachment tests, made in memory: real JPEG/PNG/PDF/OOXML bytes and hostile ones.

Shared by the domain, store, operations and CLI tests (and head office's upload tests), so each
hostile case is made one way only.
"""

from __future__ import annotations

import io
import zipfile

MARKER = b"BL-PLAINTEXT-MARKER-7f3a9c"  # searched for on disk: it must never appear in plaintext

_OOXML_MAIN = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "pptx": ("ppt/presentation.xml",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}


def jpeg(width: int = 640, height: int = 480, *, marker: bytes = b"", orientation: int | None = None,
         gps: bool = False, color: tuple[int, int, int] = (200, 30, 30), quality: int = 90) -> bytes:
    """A real JPEG; ``marker`` goes into a COM segment (kept byte for byte by an unchanged file)."""
    from PIL import Image

    image = Image.new("RGB", (width, height), color)
    for x in range(0, width, max(1, width // 16)):  # some structure, so it does not compress to nothing
        image.paste((x % 256, 90, 160), (x, 0, min(width, x + 3), height))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (45.0, 30.0, 0.0), 3: "E", 4: (125.0, 10.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes() if (orientation or gps) else b"",
               comment=marker or None)
    return out.getvalue()


def png(width: int = 320, height: int = 200, color: tuple[int, int, int] = (20, 120, 40)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def bomb_png() -> bytes:
    """A PNG of a few KB that says it is 10 000 × 10 000 (100 Mpx): a decompression bomb."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (10_000, 10_000), 0).save(out, "PNG", optimize=True)
    return out.getvalue()


def pdf(text: str = "hello") -> bytes:
    """A small valid PDF (one page)."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return out.getvalue()


def ooxml(kind: str = "docx", *, main: bool = True) -> bytes:
    """A minimal OOXML package whose [Content_Types].xml names ``kind``'s main part."""
    part, content_type = _OOXML_MAIN[kind]
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="xml" ContentType="application/xml"/>'
             + (f'<Override PartName="/{part}" ContentType="{content_type}"/>' if main else "") + "</Types>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(part, "<root>" + "内容" * 200 + "</root>")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not an office file")
    return out.getvalue()


def noisy_jpeg(width: int = 1200, height: int = 900, *, seed: int = 1) -> bytes:
    """A JPEG of random pixels: hardly compressible, so a photo-sized file from a small image."""
    import random

    from PIL import Image

    noise = random.Random(seed).randbytes(width * height * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), noise).save(out, "JPEG", quality=95)
    return out.getvalue()


def heic(width: int = 2400, height: int = 1800) -> bytes:
    """A real HEIC photo (pillow-heif's encoder)."""
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 200)).save(out, "HEIF", quality=70)
    return out.getvalue()
