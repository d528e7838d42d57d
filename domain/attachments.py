"""Attachments of a record (issue 14): what a reference holds and which files are accepted.

Inspections of 三会一课 look for evidence — the signed 签到表, photos of the activity, the 讲稿 or
slides — so any record body may carry :class:`AttachmentRef` entries. A reference names the file by
the SHA-256 of its bytes (content addressing: the revision hash then covers the file, the same file
attached twice is one blob, and a device can ask head office for exactly what it lacks).

:func:`check_content` is the one gate every file passes: the client runs it when the clerk attaches
a file, head office runs it after the last chunk of an upload and before linking the blob. It refuses,
with a Chinese message naming the file, anything that is not what it claims to be — a decompression
bomb, a truncated image, a ``.jpg`` that is really a PDF or a ZIP, an empty or oversized file, a name
that could escape a folder. Qt-free and server-framework-free: both ends import it.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import re
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, Final

from pydantic import Field, field_validator

from domain.base import DomainModel, ShortText
from domain.errors import LedgerError
from domain.i18n import N_, listing, t

DEFAULT_MAX_BYTES: Final = 20 * 1024 * 1024
# The schema's ceiling on a reference's size, whatever a deployment configures as its limit: a body
# must validate alike on every machine, so it cannot depend on a setting.
MAX_REF_BYTES: Final = 1024 * 1024 * 1024
# Pillow's MAX_IMAGE_PIXELS for attachments: a 60-megapixel photo is a large phone camera's; a PNG that
# says it is larger is treated as a decompression bomb (it would unpack to hundreds of MB).
MAX_IMAGE_PIXELS: Final = 60_000_000
MAX_NAME_CHARS: Final = 200
# An OOXML file unpacking to more than this (as its own directory says) is refused as a ZIP bomb.
MAX_OOXML_UNPACKED: Final = 512 * 1024 * 1024

JPEG: Final = "image/jpeg"
PNG: Final = "image/png"
HEIC: Final = "image/heic"
PDF: Final = "application/pdf"
DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX: Final = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP: Final = "application/zip"  # what sniff() says of any ZIP; check_content tells the OOXML kinds apart

IMAGE_MIME: Final = frozenset({JPEG, PNG, HEIC})
# Every type a reference may name. Validation of a body must not depend on what is installed, so HEIC
# is here even where neither pi-heif nor pillow-heif is installed; ACCEPTED_MIME is what *this* installation takes in.
KNOWN_MIME: Final = frozenset({JPEG, PNG, HEIC, PDF, DOCX, PPTX, XLSX})

EXTENSIONS: Final[Mapping[str, str]] = {
    ".jpg": JPEG, ".jpeg": JPEG, ".jpe": JPEG, ".png": PNG, ".heic": HEIC, ".heif": HEIC, ".pdf": PDF,
    ".docx": DOCX, ".pptx": PPTX, ".xlsx": XLSX,
}
TYPE_LABELS: Final[Mapping[str, str]] = {
    JPEG: N_("JPEG 图片"), PNG: N_("PNG 图片"), HEIC: N_("HEIC 图片"), PDF: N_("PDF 文件"),
    DOCX: N_("Word 文档（DOCX）"), PPTX: N_("PowerPoint 演示文稿（PPTX）"), XLSX: N_("Excel 表格（XLSX）"),
    ZIP: N_("ZIP 压缩包"),
}
# The main part of each OOXML kind as [Content_Types].xml names it (macro-enabled variants are refused).
_OOXML_MAIN: Final[Mapping[str, str]] = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_HEIC_BRANDS: Final = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
_BAD_NAME = re.compile(r"[/\\\x00-\x1f\x7f]")


@functools.cache
def heic_supported() -> bool:
    """Whether this installation reads HEIC (pi-heif, the decode-only build of pillow-heif that the
    client installs, or pillow-heif itself, registered with Pillow).

    Asked on first use, not at import: libheif costs tens of milliseconds, and every program that
    reads a record body imports this module.
    """
    try:
        import pi_heif as heif  # type: ignore[import-not-found]
    except ImportError:
        try:
            import pillow_heif as heif  # type: ignore[import-not-found, no-redef]
        except ImportError:
            return False
    try:
        heif.register_heif_opener()
    except Exception:  # a broken native library: no HEIC rather than a crash on attach
        return False
    return True


# What this installation takes in: KNOWN_MIME, without HEIC where no HEIC reader is installed. Computed on
# first access (module __getattr__ below), so ``from domain.attachments import ACCEPTED_MIME`` works.
ACCEPTED_MIME: frozenset[str]


def accepted_mime() -> frozenset[str]:
    return frozenset(KNOWN_MIME if heic_supported() else KNOWN_MIME - {HEIC})


def __getattr__(name: str) -> Any:
    if name == "ACCEPTED_MIME":
        return accepted_mime()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class AttachmentRole(StrEnum):
    """What an attachment is evidence of; the codes travel on the wire, the labels are shown."""

    SIGN_IN_SHEET = "sign_in_sheet"
    PHOTO = "photo"
    LECTURE = "lecture"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: Final[Mapping[AttachmentRole, str]] = {
    AttachmentRole.SIGN_IN_SHEET: N_("签到表"),
    AttachmentRole.PHOTO: N_("活动照片"),
    AttachmentRole.LECTURE: N_("讲稿/课件"),
    AttachmentRole.OTHER: N_("其他"),
}


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be an attachment's file name (Chinese), or None when it can.

    A name is shown, printed and offered as the default of 另存为…, so it must be a bare file name: no
    folder separators, no ``..``, no control characters — nothing that could point outside a folder.
    """
    if not name or not name.strip():
        return t("文件名为空")
    if len(name) > MAX_NAME_CHARS:
        return t("文件名超过 {count} 个字符", count=MAX_NAME_CHARS)
    if _BAD_NAME.search(name) or ".." in name:
        return t("文件名含有路径或控制字符（/ \\ .. 等），不安全")
    return None


class AttachmentRef(DomainModel):
    """One attached file as a record body holds it: the digest names the bytes, the rest describes them."""

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(gt=0, le=MAX_REF_BYTES)
    mime: str
    name: str
    role: AttachmentRole = AttachmentRole.OTHER
    caption: ShortText = ""
    width: int | None = Field(default=None, ge=1, le=1_000_000)
    height: int | None = Field(default=None, ge=1, le=1_000_000)

    @field_validator("mime")
    @classmethod
    def _known_mime(cls, value: str) -> str:
        if value not in KNOWN_MIME:
            raise ValueError(f"不支持的附件类型：{value}")
        return value

    @field_validator("name")
    @classmethod
    def _safe_name(cls, value: str) -> str:
        problem = name_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @property
    def is_image(self) -> bool:
        return self.mime in IMAGE_MIME


def attachment_refs(body: Mapping[str, Any]) -> list[AttachmentRef]:
    """The attachments of any record kind's body (JSON form); raises pydantic's error on a bad entry."""
    return [AttachmentRef.model_validate(a) for a in body.get("attachments") or []]


def attachment_digests(body: Mapping[str, Any]) -> set[str]:
    """The digests a body refers to, for collecting unreferenced blobs and for ``missing_blobs``.

    Lenient on purpose (reads any entry with a ``sha256`` string): a body this version cannot parse
    must still keep its files from being collected.
    """
    out = set()
    for entry in body.get("attachments") or []:
        digest = entry.get("sha256") if isinstance(entry, Mapping) else None
        if isinstance(digest, str) and re.fullmatch(r"[0-9a-f]{64}", digest):
            out.add(digest)
    return out


class AttachmentRefused(LedgerError, ValueError):
    """A file that cannot be attached; ``str()`` is the Chinese message for the clerk, naming the file.

    ``code`` is a stable ASCII reason for programs and tests: ``bad_name``, ``unsupported``, ``empty``,
    ``too_large``, ``type_mismatch``, ``bomb``, ``damaged``, ``unreadable``, and ``changed`` (the file
    changed on disk between the check and its encryption; blobs.py).
    """

    def __init__(self, name: str, code: str, reason: str) -> None:
        self.name = name
        self.code = code
        self.reason = reason
        # What dialogs and the CLI show, in the shown language (``reason`` is translated at the raise).
        super().__init__(t("附件“{name}”未添加：{reason}", name=name, reason=reason))


@dataclass(frozen=True)
class CheckedFile:
    """What :func:`check_content` found out about an accepted file."""

    name: str
    mime: str
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None

    def ref(self, role: AttachmentRole = AttachmentRole.OTHER, caption: str = "") -> AttachmentRef:
        return AttachmentRef(sha256=self.sha256, size=self.size, mime=self.mime, name=self.name, role=role,
                             caption=caption, width=self.width, height=self.height)


def sniff(head: bytes) -> str | None:
    """The type the first bytes of a file show (at least 12 bytes), or None when none of ours.

    Every ZIP is reported as :data:`ZIP`: whether it is a DOCX, PPTX or XLSX is in its
    ``[Content_Types].xml``, which :func:`check_content` reads from the whole file.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return ZIP
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return HEIC
    return None


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def _kind_label(mime: str | None) -> str:
    label = TYPE_LABELS.get(mime or "")
    return t(label) if label else t("无法识别的内容")


def check_content(source: str | os.PathLike[str] | bytes | IO[bytes], declared_name: str, *,
                  max_bytes: int = DEFAULT_MAX_BYTES, accepted: frozenset[str] | None = None) -> CheckedFile:
    """Check one file completely and describe it, or raise :class:`AttachmentRefused`.

    ``source`` is a path, the bytes, or a seekable binary stream (read from its start; left wherever
    the checks leave it). The name's extension, the magic bytes and the full structure must agree:
    images are decoded in full (in memory, at reduced scale for JPEG) so a truncated one is caught,
    OOXML files must be complete ZIPs whose content types name the right main part, PDFs must end.
    """
    accepted = accepted_mime() if accepted is None else accepted
    problem = name_problem(declared_name)
    if problem:
        raise AttachmentRefused(declared_name, "bad_name", problem)
    expected = EXTENSIONS.get(Path(declared_name).suffix.lower())
    if expected is None or expected not in accepted:
        kinds = listing(sorted({t(TYPE_LABELS[m]).split("（")[0].split(" (")[0] for m in accepted}))
        raise AttachmentRefused(declared_name, "unsupported", t("不支持这种文件（只接受 {kinds}）", kinds=kinds))
    if isinstance(source, bytes | bytearray):
        return _check_stream(io.BytesIO(source), declared_name, expected, max_bytes)
    if isinstance(source, str | os.PathLike):
        try:
            with open(source, "rb") as stream:
                return _check_stream(stream, declared_name, expected, max_bytes)
        except OSError as exc:
            reason = t("无法读取文件（{reason}）", reason=exc.strerror or exc)
            raise AttachmentRefused(declared_name, "unreadable", reason) from exc
    return _check_stream(source, declared_name, expected, max_bytes)


def _check_stream(stream: IO[bytes], name: str, expected: str, max_bytes: int) -> CheckedFile:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    if size == 0:
        raise AttachmentRefused(name, "empty", t("文件是空的"))
    if size > max_bytes:
        raise AttachmentRefused(name, "too_large",
                                t("文件大小 {size}，超过 {limit} 的上限", size=_mb(size), limit=_mb(max_bytes)))
    stream.seek(0)
    digest = hashlib.sha256()
    head = b""
    while chunk := stream.read(1024 * 1024):
        if not head:
            head = chunk[:64]
        digest.update(chunk)
    found = sniff(head)
    if found == ZIP and expected in _OOXML_MAIN:
        found = _ooxml_kind(stream, name)
    if found != expected:
        raise AttachmentRefused(
            name, "type_mismatch",
            t("文件类型与内容不符（扩展名表示{declared}，内容是{found}）", declared=_kind_label(expected),
              found=_kind_label(found)))
    width = height = None
    if expected in IMAGE_MIME:
        width, height = _check_image(stream, name)
    elif expected == PDF:
        _check_pdf(stream, size, name)
    return CheckedFile(name, expected, size, digest.hexdigest(), width, height)


def _ooxml_kind(stream: IO[bytes], name: str) -> str | None:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > MAX_OOXML_UNPACKED:
                raise AttachmentRefused(name, "bomb", t("压缩内容解开后过大，疑似压缩炸弹"))
            try:
                info = archive.getinfo("[Content_Types].xml")
            except KeyError:
                return ZIP
            if info.file_size > 1024 * 1024:
                raise AttachmentRefused(name, "damaged", t("文件已损坏（内容类型表异常）"))
            types = archive.read(info).decode("utf-8", "replace")
            bad = archive.testzip()  # every member's CRC: a cut-off file fails here
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, AttachmentRefused):
            raise
        raise AttachmentRefused(name, "damaged", t("文件已损坏或不完整")) from exc
    if bad is not None:
        raise AttachmentRefused(name, "damaged", t("文件已损坏或不完整"))
    for mime, main in _OOXML_MAIN.items():
        if f'ContentType="{main}"' in types:
            return mime
    return ZIP


def _check_image(stream: IO[bytes], name: str) -> tuple[int, int]:
    from PIL import Image  # Pillow: reportlab's dependency already, on both ends

    heic_supported()  # registers the HEIC opener with Pillow where pillow-heif is installed
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    limit = MAX_IMAGE_PIXELS // 1_000_000
                    raise AttachmentRefused(
                        name, "bomb", t("图片尺寸 {width}×{height} 过大（超过 {limit} 百万像素），疑似解压炸弹",
                                              width=width, height=height, limit=limit))
                if image.format == "JPEG":
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))  # full scan, an eighth the memory
                image.load()
    except AttachmentRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise AttachmentRefused(name, "bomb", t("图片解开后过大，疑似解压炸弹")) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:  # Pillow's "truncated", "broken PNG" …
        raise AttachmentRefused(name, "damaged", t("图片已损坏或不完整")) from exc
    return width, height


def _check_pdf(stream: IO[bytes], size: int, name: str) -> None:
    stream.seek(max(0, size - 2048))
    if b"%%EOF" not in stream.read():
        raise AttachmentRefused(name, "damaged", t("PDF 文件不完整（缺少文件结尾）"))


__all__ = [
    "ACCEPTED_MIME",
    "DEFAULT_MAX_BYTES",
    "DOCX",
    "HEIC",
    "JPEG",
    "KNOWN_MIME",
    "MAX_IMAGE_PIXELS",
    "PDF",
    "PNG",
    "PPTX",
    "XLSX",
    "AttachmentRef",
    "AttachmentRefused",
    "AttachmentRole",
    "CheckedFile",
    "accepted_mime",
    "attachment_digests",
    "attachment_refs",
    "check_content",
    "heic_supported",
    "name_problem",
    "sniff",
]
