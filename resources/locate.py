"""Find a shipped resource file from the source tree and from a PyInstaller bundle alike.

A PyInstaller one-file or one-folder build unpacks data files under ``sys._MEIPASS``; the spec
must copy ``resources/`` there as ``resources/`` so the relative paths stay the same. From a
source checkout the files sit beside this module. Nothing here imports Qt, so the printing code
and the CLI can use it too.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resource_root() -> Path:
    """The ``resources`` directory of the running program (bundle or source tree)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidate = Path(bundle) / "resources"
        if candidate.is_dir():
            return candidate
    return Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """Path of a resource, e.g. ``resource_path("translations", "branchledger_zh_CN.qm")``.

    The path is returned even when the file is missing, so callers decide whether that is fatal
    (a missing translation is not; a missing font for printing is).
    """
    return resource_root().joinpath(*parts)


def resource_files(folder: str, suffixes: tuple[str, ...]) -> list[Path]:
    """Files in a resource folder with one of ``suffixes`` (lower-case, with the dot), sorted by name."""
    base = resource_path(folder)
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
