"""Finding, registering and caching the CJK fonts the PDFs are set in.

House style (domain.md §8.1): title in 小标宋, body in 仿宋, headings in 黑体. Those fonts are not
free, so we take them from the machine when it has them (a Windows clerk's PC has SimSun,
FangSong and SimHei) and otherwise use the free serif shipped in ``resources/fonts/`` — a subset
of Noto Serif CJK SC converted to TrueType, because reportlab embeds only TrueType outlines
(``glyf``), never the CFF outlines Linux distributions ship. Every font is embedded as a subset
holding just the glyphs a document uses (reportlab does this for every TTFont).

Registration parses the font file once per process and is cached: the desktop app, the CLI and
the head-office server render many documents with the same :class:`FontSet`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from domain.errors import LedgerError
from domain.i18n import t

FONTS_ENV = "BRANCH_LEDGER_PRINT_FONTS"  # "bundled": ignore system fonts (reproducible output)
RESOURCES_ENV = "BRANCH_LEDGER_RESOURCES"  # override where resources/ lives

BUNDLED_REGULAR = "BranchLedgerSerifSC-Regular.ttf"
BUNDLED_BOLD = "BranchLedgerSerifSC-Bold.ttf"
BUNDLED_SYMBOLS = "BranchLedgerSymbols.ttf"

# A character no font has is printed as this (the 'geta' mark, the printers' sign for a missing
# character) and reported; it is never dropped silently.
PLACEHOLDER = "〓"


class FontsUnavailable(LedgerError, RuntimeError):
    """No usable CJK font: neither a system font nor the bundled ones could be loaded."""


def resources_dir() -> Path:
    """The ``resources/`` folder, from a PyInstaller bundle, an override, or the source tree.

    Order: ``$BRANCH_LEDGER_RESOURCES``; ``sys._MEIPASS/resources`` in a frozen app; the
    repository root next to this package; ``<sys.prefix>/share/branch-ledger/resources`` for an
    installed wheel that ships the data files there.
    """
    candidates: list[Path] = []
    override = os.environ.get(RESOURCES_ENV)
    if override:
        candidates.append(Path(override))
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources")
    candidates.append(Path(__file__).resolve().parent.parent / "resources")
    candidates.append(Path(sys.prefix) / "share" / "branch-ledger" / "resources")
    for path in candidates:
        if (path / "fonts" / BUNDLED_REGULAR).is_file():
            return path
    raise FontsUnavailable(
        "找不到打印字体文件（resources/fonts/"
        + BUNDLED_REGULAR
        + "）。searched: "
        + ", ".join(str(p) for p in candidates)
    )


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


@dataclass(frozen=True)
class FontFile:
    """One face to register: a file, the face index inside a .ttc, and where it came from."""

    path: Path
    subfont_index: int = 0
    origin: str = "bundled"  # "bundled" or "system"


@dataclass(frozen=True)
class FontSet:
    """Registered reportlab font names for each role, plus the fallback chain.

    ``fallbacks`` are tried in order for a character the role's own font lacks (a rare name
    character in a bold title, a ☑ in body text); see :mod:`printing.text`.
    """

    title: str
    heading: str
    body: str
    fallbacks: tuple[str, ...]
    descriptions: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def chain(self, primary: str) -> tuple[str, ...]:
        """``primary`` followed by every fallback that is not ``primary`` itself."""
        return (primary, *(f for f in self.fallbacks if f != primary))


# Windows/macOS/Linux file names of the official-document fonts, best first. Only TrueType
# outlines work; a CFF font in the list (some Songti builds) is skipped when loading fails.
_SYSTEM_CANDIDATES: dict[str, tuple[tuple[str, int], ...]] = {
    "title": (
        ("fzxbsjw.ttf", 0),  # 方正小标宋简体
        ("fzxbsk.ttf", 0),
        ("stzhongs.ttf", 0),  # 华文中宋
    ),
    "body": (
        ("simfang.ttf", 0),  # 仿宋 (FangSong)
        ("fangsong_gb2312.ttf", 0),  # 仿宋_GB2312
        ("stfangso.ttf", 0),  # 华文仿宋
        ("simsun.ttc", 0),  # 宋体 (SimSun)
        ("stsong.ttf", 0),  # 华文宋体
    ),
    "heading": (
        ("simhei.ttf", 0),  # 黑体 (SimHei)
        ("stheiti.ttf", 0),
    ),
    "fallback": (
        ("simsun.ttc", 0),
        ("simsunb.ttf", 0),  # SimSun-ExtB: Extension B name characters
        ("hanamina.ttf", 0),  # 花園明朝 (fonts-hanazono), Extension A
        ("hanaminb.ttf", 0),  # Extension B and beyond
    ),
}


def _system_font_dirs() -> list[Path]:
    dirs: list[Path] = []
    windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    home = Path.home()
    dirs += [
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts"),
        home / "Library" / "Fonts",
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local" / "share" / "fonts",
        home / ".fonts",
    ]
    return [d for d in dirs if d.is_dir()]


def _walk_font_files(dirs: Iterable[Path]) -> Iterator[Path]:
    for top in dirs:
        for root, _subdirs, files in os.walk(top):
            for name in files:
                if name.lower().endswith((".ttf", ".ttc")):
                    yield Path(root) / name


@cache
def system_font_files() -> dict[str, Path]:
    """Lower-cased file name → path of every TrueType file in the usual font folders."""
    found: dict[str, Path] = {}
    for path in _walk_font_files(_system_font_dirs()):
        found.setdefault(path.name.lower(), path)
    return found


def _register(font_file: FontFile) -> str | None:
    """Register one face and return its reportlab name; None when it is unusable (CFF, no CJK)."""
    name = f"BL-{font_file.origin}-{font_file.path.stem}-{font_file.subfont_index}"
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    try:
        font = TTFont(name, str(font_file.path), subfontIndex=font_file.subfont_index)
    except (TTFError, OSError, ValueError, KeyError):
        return None
    pdfmetrics.registerFont(font)
    return name


def _covers(name: str, char: str) -> bool:
    return ord(char) in glyph_map(name)


@cache
def glyph_map(name: str) -> frozenset[int]:
    """The code points a registered font can draw (cached: it is asked once per character)."""
    font = pdfmetrics.getFont(name)
    face = getattr(font, "face", None)
    if face is None:
        return frozenset()
    return frozenset(cp for cp, gid in face.charToGlyph.items() if gid)


@cache
def bundled_fonts() -> FontSet:
    """Only the fonts shipped in ``resources/fonts``: the same PDF on every machine."""
    base = fonts_dir()
    regular = _register(FontFile(base / BUNDLED_REGULAR))
    bold = _register(FontFile(base / BUNDLED_BOLD))
    symbols = _register(FontFile(base / BUNDLED_SYMBOLS))
    if regular is None or bold is None or symbols is None:
        raise FontsUnavailable(t("无法加载打印字体：{path}", path=base))
    describe = "BranchLedger Serif SC（Noto Serif CJK SC 子集，SIL OFL 1.1）"
    return FontSet(
        title=bold,
        heading=bold,
        body=regular,
        fallbacks=(regular, bold, symbols),
        descriptions={
            "title": describe + " Bold",
            "heading": describe + " Bold",
            "body": describe,
        },
    )


def _first_system(role: str) -> tuple[str, Path] | None:
    files = system_font_files()
    for file_name, index in _SYSTEM_CANDIDATES[role]:
        path = files.get(file_name)
        if path is None:
            continue
        name = _register(FontFile(path, index, "system"))
        if name is not None and _covers(name, "中"):
            return name, path
    return None


@cache
def default_fonts() -> FontSet:
    """System 小标宋/仿宋/黑体 where installed, the bundled serif for any role left over.

    ``BRANCH_LEDGER_PRINT_FONTS=bundled`` skips the system fonts (what tests and head office use
    when byte-for-byte the same output matters more than the official typefaces).
    """
    bundled = bundled_fonts()
    if os.environ.get(FONTS_ENV, "").lower() == "bundled":
        return bundled
    roles = {"title": bundled.title, "heading": bundled.heading, "body": bundled.body}
    descriptions = dict(bundled.descriptions)
    for role in roles:
        hit = _first_system(role)
        if hit is not None:
            roles[role] = hit[0]
            descriptions[role] = f"{hit[1].name}（系统字体）"
    system_fallbacks: list[str] = []
    for file_name, index in _SYSTEM_CANDIDATES["fallback"]:
        path = system_font_files().get(file_name)
        if path is not None:
            name = _register(FontFile(path, index, "system"))
            if name is not None:
                system_fallbacks.append(name)
    # The bundled faces come first among the fallbacks: they are known to be complete for
    # everyday text, so a system font is only asked for what they lack.
    fallbacks = tuple(dict.fromkeys([roles["body"], *bundled.fallbacks, *system_fallbacks]))
    return FontSet(
        title=roles["title"],
        heading=roles["heading"],
        body=roles["body"],
        fallbacks=fallbacks,
        descriptions=descriptions,
    )
