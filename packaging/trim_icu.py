"""A smaller ICU data library for the Linux bundle: what Qt uses, for the languages the app speaks.

PySide6's Linux wheel ships ICU's complete data (``libicudata.so.73``, 31 MB, a fifth of the
bundle): every locale's names of languages, regions, currencies and units, transliterators,
break-iterator dictionaries for Thai/Lao/Khmer/Burmese and ~190 legacy converters. Of ICU, only
``libQt6Core`` calls anything (checked with ``nm -D`` over every library of the bundle):
converters (``ucnv_*``, QStringConverter for encodings beyond UTF/Latin-1), collation
(``ucol_*``, QCollator — the file dialog sorts names with it), case mapping (``u_strToUpper``)
and time-zone ids and names (``ucal_*``). Qt's own CLDR tables serve QLocale; line and word
breaking is Qt's own code. So the trimmed data keeps:

* every item that is not a locale's resource bundle: Unicode properties, normalisation, names,
  StringPrep profiles, collation base data (``coll/ucadata.icu``), time-zone rules
  (``zoneinfo64``, ``metaZones``, ``timezoneTypes``, ``windowsZones``), supplemental data,
  likely subtags, the converter alias table;
* in every tree (collation, zones, regions, languages, currencies, units, number spelling) the
  resource bundles of ``root``, ``en*`` and ``zh*`` (Simplified and Traditional: a Hong Kong or
  Taiwan name in a record still sorts with the zh rules), plus each tree's pool and index;
* the converters for Chinese encodings (GB18030, GBK, GB2312, EUC-CN, ISO-IR-165, Big5) and every
  single-byte table (a few kB each).

Dropped: other locales' bundles (Qt falls back to the root rules for them, as ICU does for any
locale it lacks), transliterators and break iterators (Qt calls neither), and the multi-byte
converters for Japanese, Korean and EBCDIC host code pages. ``icupkg`` (Debian's
``icu-devtools``) rewrites the package and checks that no kept item depends on a dropped one;
``as`` and ``ld`` (binutils) turn it back into a shared library exporting the same
``icudtNN_dat`` symbol ``libicuuc`` links against. ``branch-ledger --bundle-self-check`` shows
the result from inside the bundle (Chinese collation, GB18030, zone names, the file dialog's
Chinese texts); ``tests/packaging/test_bundle.py`` runs it.

    python packaging/trim_icu.py LIBICUDATA OUT_DIR     # prints the trimmed library's path
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

# A locale's resource bundle (af.res, zh_Hant_TW.res, en_US_POSIX.res), as opposed to the
# package-wide tables (supplementalData.res, zoneinfo64.res, pool.res, ...).
_LOCALE_BUNDLE = re.compile(r"^(root|[a-z]{2,3}(_[A-Za-z0-9]+)*)\.res$")
DROPPED_TREES = {"translit", "brkitr"}
# Multi-byte converters kept: the Chinese mainland encodings and Big5 (others are Japanese,
# Korean, Taiwanese CNS/EUC-TW, HKSCS and EBCDIC double-byte host code pages).
KEPT_MULTIBYTE = {"gb18030", "ibm-1386_P100-2001", "windows-936-2000", "ibm-5478_P100-1995",
                  "ibm-1383_P110-1999", "iso-ir-165", "ibm-950_P110-1999", "windows-950-2000",
                  "ibm-1373_P100-2002"}  # the last: the Big5 table ibm-950 and windows-950 extend
SINGLE_BYTE_MAX = 16 * 1024  # a single-byte table is 1–5 kB; every multi-byte one is larger


def keep_item(item: str, size: int) -> bool:
    """Whether a package item (``coll/zh.res``, ``gb18030.cnv``, ``unames.icu``) stays."""
    tree, _, name = item.rpartition("/")
    if tree in DROPPED_TREES:
        return False
    if name.endswith(".cnv"):
        return name[:-4] in KEPT_MULTIBYTE or size <= SINGLE_BYTE_MAX
    match = _LOCALE_BUNDLE.match(name)
    if match and name not in {"pool.res", "res_index.res"}:  # each tree's shared keys and its index
        locale = match.group(1)
        return locale in {"root", "en", "zh"} or locale.startswith(("en_", "zh_"))
    return True


def _data_symbol(lib: bytes) -> tuple[str, int, int]:
    """Name, file offset and size of the ``icudtNN_dat`` symbol in an ELF64 little-endian library."""
    if lib[:4] != b"\x7fELF" or lib[4] != 2 or lib[5] != 1:
        raise ValueError("not an ELF64 little-endian library")
    shoff, = struct.unpack_from("<Q", lib, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", lib, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", lib, shoff + i * shentsize) for i in range(shnum)]
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != 11:  # SHT_DYNSYM
            continue
        strtab = sections[link][4]
        for start in range(offset, offset + size, entsize):
            st_name, _st_info, _other, _shndx, value, st_size = struct.unpack_from("<IBBHQQ", lib, start)
            end = lib.index(b"\0", strtab + st_name)
            symbol = lib[strtab + st_name:end].decode()
            if re.fullmatch(r"icudt\d+_dat", symbol):
                for _n, _k, _f, addr, sec_offset, sec_size, *_rest in sections:
                    if addr <= value < addr + sec_size:
                        return symbol, value - addr + sec_offset, st_size
    raise ValueError("no icudtNN_dat symbol")


def _tool(name: str, package: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin")
    if not found:
        raise SystemExit(f"trim_icu: `{name}` not found — install the Debian package {package}")
    return found


def trim(library: Path, out_dir: Path) -> Path:
    """Write the trimmed ``library`` (same file name and soname) into ``out_dir`` and return its path."""
    icupkg, assembler, linker = _tool("icupkg", "icu-devtools"), _tool("as", "binutils"), _tool("ld", "binutils")
    blob = library.read_bytes()
    symbol, offset, size = _data_symbol(blob)
    version = symbol[len("icudt"):-len("_dat")]
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="trim-icu-") as tmp_name:
        tmp = Path(tmp_name)
        full = tmp / f"icudt{version}l.dat"  # icupkg checks the ToC prefix against this name
        full.write_bytes(blob[offset:offset + size])
        listing = subprocess.run([icupkg, "-l", str(full)], capture_output=True, text=True, check=True).stdout
        items = [line.strip() for line in listing.splitlines() if line.strip()]
        sizes = _item_sizes(full, items)
        dropped = {item for item in items if not keep_item(item, sizes[item])}
        trimmed = tmp / "trimmed" / full.name
        trimmed.parent.mkdir()
        # A kept item that depends on a dropped one (a small converter extending a dropped table,
        # a zh_Hant_HK bundle whose parent is yue) goes too; icupkg names them.
        for _ in range(5):
            (tmp / "drop.txt").write_text("\n".join(sorted(dropped)) + "\n", encoding="ascii")
            result = subprocess.run([icupkg, "-r", str(tmp / "drop.txt"), str(full), str(trimmed)],
                                    capture_output=True, text=True)
            dependents = set(re.findall(r"^Item (\S+) depends on missing item", result.stderr, re.MULTILINE))
            if result.returncode == 0 and not dependents:
                break
            if not dependents:
                raise RuntimeError(f"icupkg failed:\n{result.stderr}")
            dropped |= dependents
        else:
            raise RuntimeError(f"icupkg: dependencies not settled:\n{result.stderr}")
        source = tmp / "icudata.s"
        source.write_text(
            f'.section .rodata\n.globl {symbol}\n.type {symbol}, @object\n.balign 16\n{symbol}:\n'
            f'.incbin "{trimmed}"\n.size {symbol}, .-{symbol}\n.section .note.GNU-stack,"",@progbits\n',
            encoding="ascii")
        subprocess.run([assembler, "-o", str(tmp / "icudata.o"), str(source)], check=True)
        target = out_dir / library.name
        subprocess.run([linker, "-shared", "-soname", library.name, "-o", str(target), str(tmp / "icudata.o")],
                       check=True)
    return target


def _item_sizes(package: Path, items: list[str]) -> dict[str, int]:
    """Size of every item, from the package's table of contents (offsets are sorted by name)."""
    data = package.read_bytes()
    header_size, = struct.unpack_from("<H", data, 0)
    count, = struct.unpack_from("<I", data, header_size)
    entries = [struct.unpack_from("<II", data, header_size + 4 + 8 * i) for i in range(count)]
    names = {}
    for name_offset, data_offset in entries:
        raw = data[header_size + name_offset:data.index(b"\0", header_size + name_offset)].decode()
        names[raw.split("/", 1)[1]] = data_offset
    offsets = [*sorted(names.values()), len(data) - header_size]
    following = {start: offsets[i + 1] for i, start in enumerate(offsets[:-1])}
    return {item: following[names[item]] - names[item] for item in items}


if __name__ == "__main__":
    print(trim(Path(sys.argv[1]), Path(sys.argv[2])))
