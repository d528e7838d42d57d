"""Finding the fonts: bundled files from the tree, a PyInstaller bundle, system fonts preferred."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from printing import fonts as fonts_module
from printing.fonts import FONTS_ENV, RESOURCES_ENV, FontsUnavailable, bundled_fonts, default_fonts, resources_dir


@pytest.fixture
def fresh_caches() -> Iterator[None]:
    fonts_module.system_font_files.cache_clear()
    fonts_module.default_fonts.cache_clear()
    yield
    fonts_module.system_font_files.cache_clear()
    fonts_module.default_fonts.cache_clear()


def test_bundled_fonts_are_found_in_the_source_tree() -> None:
    root = resources_dir()
    assert (root / "fonts" / "BranchLedgerSerifSC-Regular.ttf").is_file()
    assert (root / "fonts" / "OFL.txt").is_file() and (root / "fonts" / "LICENSE-DejaVu.txt").is_file()
    size = sum(p.stat().st_size for p in (root / "fonts").glob("*.ttf"))
    assert size < 25 * 1024 * 1024


def test_pyinstaller_bundle_is_searched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = tmp_path / "bundle"
    (bundle / "resources" / "fonts").mkdir(parents=True)
    (bundle / "resources" / "fonts" / "BranchLedgerSerifSC-Regular.ttf").write_bytes(b"stub")
    monkeypatch.setattr("sys._MEIPASS", str(bundle), raising=False)
    assert resources_dir() == bundle / "resources"


def test_override_and_missing_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RESOURCES_ENV, str(tmp_path))
    assert resources_dir() != tmp_path  # no fonts there: the next candidate is used
    monkeypatch.setattr(fonts_module, "__file__", str(tmp_path / "printing" / "fonts.py"))
    monkeypatch.setattr("sys.prefix", str(tmp_path))
    with pytest.raises(FontsUnavailable):
        resources_dir()


def test_system_fangsong_is_preferred_for_the_body(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_caches: None
) -> None:
    # A TrueType file named like Windows' 仿宋 stands in for the real one.
    system = tmp_path / "Fonts"
    system.mkdir()
    shutil.copy(resources_dir() / "fonts" / "BranchLedgerSerifSC-Regular.ttf", system / "simfang.ttf")
    (system / "simhei.ttf").write_bytes(b"not a font")  # unusable files are skipped
    monkeypatch.setattr(fonts_module, "_system_font_dirs", lambda: [system])
    monkeypatch.delenv(FONTS_ENV, raising=False)
    chosen = default_fonts()
    assert chosen.body != bundled_fonts().body and "simfang" in chosen.body
    assert chosen.descriptions["body"].startswith("simfang.ttf")
    assert chosen.heading == bundled_fonts().heading  # the broken 黑体 was skipped
    assert bundled_fonts().body in chosen.fallbacks


def test_bundled_only_setting(monkeypatch: pytest.MonkeyPatch, fresh_caches: None) -> None:
    monkeypatch.setenv(FONTS_ENV, "bundled")
    assert default_fonts() == bundled_fonts()
