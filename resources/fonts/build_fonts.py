"""Rebuild the fonts shipped in resources/fonts/ from Debian's packages.

Why this exists: reportlab embeds only TrueType-outline (``glyf``) fonts, but the free CJK serif
that every Linux distribution ships (Noto Serif CJK, Debian ``fonts-noto-cjk``) is CFF-based.
This script takes the SC face, keeps the characters Chinese records need, converts the cubic CFF
outlines to quadratic TrueType ones (fontTools cu2qu, max error 1 unit of 1000) and renames the
result, as the SIL Open Font License asks of a Modified Version. It also cuts the ballot-box
symbols (☐ ☑ ☒ ✓) out of DejaVu Sans, which Noto CJK lacks.

The outputs are committed, so nobody needs to run this to build or test the app. To rebuild::

    apt-get install fonts-noto-cjk fonts-dejavu-core
    pip install fonttools
    python resources/fonts/build_fonts.py

It takes about a minute on two cores.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

HERE = Path(__file__).resolve().parent
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

# The bold face (titles) keeps GB2312 only; rarer title characters fall back to the regular face.
# Punctuation, symbols and Latin text that appear in records (dates, counts, ①, ——, …).
COMMON_RANGES: list[tuple[int, int]] = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 (·, ×, °)
    (0x2000, 0x206F),  # general punctuation (—, …, “”, ‰)
    (0x2100, 0x214F),  # letterlike (℃, №)
    (0x2150, 0x218F),  # number forms (Ⅰ Ⅱ Ⅲ)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # maths (√, ≥, ≤)
    (0x2460, 0x24FF),  # enclosed alphanumerics (①)
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes (□ ■ ○ ●)
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。〓《》【】)
    (0x3200, 0x32FF),  # enclosed CJK (㈠)
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # full-width forms
]
REGULAR_HANZI: list[tuple[int, int]] = [
    (0x3400, 0x4DBF),  # Extension A: rare name characters such as 䶮
    (0x4E00, 0x9FFF),  # the whole unified block, not just GB2312: names use 喆 堃 玥 ...
    (0xF900, 0xFAFF),  # compatibility ideographs
]
SYMBOLS = [0x2605, 0x2606, 0x2610, 0x2611, 0x2612, 0x2713, 0x2714, 0x2717, 0x2718]


def gb2312() -> set[int]:
    """Every GB2312 character: its 6 763 hanzi and the symbols of rows 1-9 (★ ※ № ℃ ①)."""
    out: set[int] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                out.add(ord(bytes([hi, lo]).decode("gb2312")))
    return out


def expand(ranges: list[tuple[int, int]]) -> set[int]:
    return {cp for lo, hi in ranges for cp in range(lo, hi + 1)}


def load_sc_face(path: Path) -> TTFont:
    for font in TTCollection(str(path)).fonts:
        if font["name"].getDebugName(1) == "Noto Serif CJK SC":
            return font
    raise SystemExit(f"no Noto Serif CJK SC face in {path}")


def subset_font(font: TTFont, unicodes: set[int]) -> None:
    options = subset.Options()
    options.layout_features = []  # reportlab does no shaping
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)


def cff_to_glyf(font: TTFont, max_err: float = 1.0) -> None:
    """Replace the CFF table by glyf/loca (the fontTools otf2ttf recipe)."""
    glyph_set = font.getGlyphSet()
    order = font.getGlyphOrder()
    glyphs: dict[str, Any] = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    glyf.compile(font)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["post"].formatType = 3.0  # no glyph names: smaller, and reportlab maps through cmap
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont, family: str, style: str, note: str) -> None:
    """OFL §3: a Modified Version must not keep the original names; record where it came from."""
    postscript = f"{family.replace(' ', '')}-{style}"
    table = font["name"]
    keep = {0, 7, 8, 9, 11, 12, 13, 14}
    table.names = [n for n in table.names if n.nameID in keep]
    for name_id, value in (
        (1, family),
        (2, style),
        (3, f"{postscript};subset"),
        (4, f"{family} {style}"),
        (5, "Version 1.0"),
        (6, postscript),
        (10, note),
    ):
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)


def build_serif(weight: str, unicodes: set[int], out: Path) -> None:
    source = NOTO_DIR / f"NotoSerifCJK-{weight}.ttc"
    font = load_sc_face(source)
    subset_font(font, unicodes)
    cff_to_glyf(font)
    rename(
        font,
        "BranchLedger Serif SC",
        weight,
        "Subset of Noto Serif CJK SC (SIL OFL 1.1) converted to TrueType outlines for PDF embedding.",
    )
    font.save(str(out))
    print(f"{out.name}: {len(font.getGlyphOrder())} glyphs, {out.stat().st_size / 1e6:.1f} MB")


def build_symbols(out: Path) -> None:
    font = TTFont(str(DEJAVU))
    subset_font(font, set(SYMBOLS) | set(range(0x20, 0x7F)))
    rename(font, "BranchLedger Symbols", "Regular", "Subset of DejaVu Sans (Bitstream Vera licence).")
    font.save(str(out))
    print(f"{out.name}: {len(font.getGlyphOrder())} glyphs, {out.stat().st_size / 1e3:.1f} kB")


def main() -> int:
    common = expand(COMMON_RANGES)
    build_serif(
        "Regular", common | gb2312() | expand(REGULAR_HANZI), HERE / "BranchLedgerSerifSC-Regular.ttf"
    )
    build_serif("Bold", common | gb2312(), HERE / "BranchLedgerSerifSC-Bold.ttf")
    build_symbols(HERE / "BranchLedgerSymbols.ttf")
    return 0


if __name__ == "__main__":
    sys.exit(main())
