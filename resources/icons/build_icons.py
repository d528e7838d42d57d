"""Render the application icon set from ``branch-ledger.svg`` (the only hand-made file here).

    python resources/icons/build_icons.py            # rewrite the committed icon files
    python resources/icons/build_icons.py --check    # fail if a committed file differs from a fresh render

Outputs, all committed so neither the app nor a package build needs this script:

* ``hicolor/<N>x<N>/branch-ledger.png`` for N in 16 … 512: the freedesktop icon theme sizes the
  ``.deb`` installs, and the window icon Qt picks from;
* ``branch-ledger.ico`` (16, 24, 32, 48, 64, 128, 256): the Windows executable, shortcuts and installer;
* ``branch-ledger.icns`` (16 … 512 and 1024): for a macOS bundle.

Qt's own SVG renderer draws each size from the vector source (a 16 px icon drawn at 16 px is
sharper than a 256 px one scaled down); Pillow, which reportlab already brings, writes the
``.ico``/``.icns`` containers from those renders.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "branch-ledger.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render_png(size: int) -> bytes:
    """The icon at ``size``×``size`` pixels as PNG bytes (transparent outside the rounded square)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer
    from PySide6.QtWidgets import QApplication

    # A QApplication, not a QGuiApplication: called from a test process, a later QWidget needs one.
    _app = QApplication.instance() or QApplication([])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SOURCE}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    del _app
    return bytes(data.data())


def outputs() -> dict[Path, bytes]:
    """Every generated file and its content."""
    from PIL import Image

    pngs = {size: render_png(size) for size in sorted({*PNG_SIZES, *ICO_SIZES, *ICNS_SIZES})}
    files = {HERE / "hicolor" / f"{s}x{s}" / "branch-ledger.png": pngs[s] for s in PNG_SIZES}
    images = {s: Image.open(io.BytesIO(pngs[s])).convert("RGBA") for s in pngs}

    ico = io.BytesIO()
    largest = images[max(ICO_SIZES)]
    largest.save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                 append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)])
    files[HERE / "branch-ledger.ico"] = ico.getvalue()

    icns = io.BytesIO()
    images[1024].save(icns, format="ICNS", append_images=[images[s] for s in ICNS_SIZES if s != 1024])
    files[HERE / "branch-ledger.icns"] = icns.getvalue()
    return files


def main(argv: list[str]) -> int:
    files = outputs()
    if "--check" in argv:
        stale = [str(p.relative_to(HERE)) for p, data in files.items() if not p.exists() or p.read_bytes() != data]
        print("\n".join(f"stale: {s}" for s in stale) or "icons OK")
        return 1 if stale else 0
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"{path.relative_to(HERE)}  {len(data)} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
