"""Reading produced PDFs back the way a person's tools would: poppler's pdftotext and pdfinfo."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

FOOTER = re.compile(r"^第\s*\d+\s*页\s*共\s*\d+\s*页$")


def _source(pdf: Path | bytes, tmp: Path) -> Path:
    if isinstance(pdf, bytes):
        path = tmp / "in-memory.pdf"
        path.write_bytes(pdf)
        return path
    return pdf


def pdf_text(pdf: Path | bytes, tmp: Path, *, page: int | None = None, layout: bool = False) -> str:
    """The text of the whole document, or of one page, as pdftotext extracts it."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    args += [str(_source(pdf, tmp)), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_info(pdf: Path | bytes, tmp: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(_source(pdf, tmp))], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def pdf_fonts(pdf: Path | bytes, tmp: Path) -> str:
    return subprocess.run(["pdffonts", str(_source(pdf, tmp))], check=True, capture_output=True, text=True).stdout


def norm(text: str) -> str:
    """Whitespace removed: line breaks and the spaces pdftotext guesses are not content."""
    return re.sub(r"\s+", "", text)


def body_text(pdf: Path | bytes, tmp: Path) -> str:
    """Normalized text without page footers (page numbers and the record-identity line)."""
    lines = []
    for line in pdf_text(pdf, tmp).splitlines():
        compacted = norm(line)
        if FOOTER.match(compacted) or compacted.startswith("记录编号"):
            continue
        lines.append(compacted)
    return "".join(lines)


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def big_words(pdf: Path | bytes, tmp: Path, page: int, min_height: float = 60) -> list[str]:
    """Words drawn taller than ``min_height`` points on ``page``: the watermark, never body text."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-bbox", "-f", str(page), "-l", str(page), str(_source(pdf, tmp)), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [m[5] for m in _WORD.finditer(out) if float(m[4]) - float(m[2]) > min_height]


def has_row(text: str, cells: list[str], slack: int = 80) -> bool:
    """Whether every one of ``cells`` appears near the first one in normalized ``text``.

    pdftotext interleaves the lines of table cells that wrap and, with vertically centred
    cells, may put a tall cell before or after its neighbours; so each cell is checked as a
    character subsequence of a window around the row's first cell.
    """

    def within(cell: str, window: str) -> bool:
        chars = iter(window)
        return all(ch in chars for ch in norm(cell))

    size = sum(len(norm(c)) for c in cells) + slack
    start = text.find(norm(cells[0]))
    while start != -1:
        window = text[max(0, start - size) : start + size]
        if all(within(cell, window) for cell in cells[1:]):
            return True
        start = text.find(norm(cells[0]), start + 1)
    return False
