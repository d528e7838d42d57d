"""The committed icon set: every size each platform wants, and each file what the SVG renders to."""

from __future__ import annotations

import importlib.util
import io
from typing import Any

from PIL import Image, ImageChops, ImageStat

from tests.packaging.conftest import ROOT

ICONS = ROOT / "resources" / "icons"


def _builder() -> Any:
    spec = importlib.util.spec_from_file_location("build_icons", ICONS / "build_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_size_is_there() -> None:
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        with Image.open(ICONS / "hicolor" / f"{size}x{size}" / "branch-ledger.png") as png:
            assert png.size == (size, size) and png.mode == "RGBA"
    with Image.open(ICONS / "branch-ledger.ico") as ico:
        assert {(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(ICONS / "branch-ledger.icns") as icns:
        assert icns.size[0] >= 512


def test_committed_files_match_a_fresh_render(qapp: Any) -> None:
    """Renders can differ in the last bit between Qt versions, so 'match' means visually the same."""
    fresh = _builder().outputs()
    for path, data in fresh.items():
        if path.suffix != ".png":
            continue
        with Image.open(io.BytesIO(data)) as new, Image.open(path) as old:
            diff = ImageChops.difference(new.convert("RGBA"), old.convert("RGBA"))
            assert max(ImageStat.Stat(diff).mean) < 2.0, f"{path.relative_to(ROOT)} is stale: run build_icons.py"
