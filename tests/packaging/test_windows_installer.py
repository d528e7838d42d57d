"""The NSIS installer script, checked on Linux as far as Linux can: it compiles against a bundle
layout with Debian's ``makensis``, every file it takes from the bundle is there, and its
uninstaller only ever deletes what the installer wrote — never the clerk's data folder."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from branch_ledger import __version__
from tests.packaging.bundle import Bundle, build_bundle
from tests.packaging.conftest import ROOT

NSI = ROOT / "packaging" / "windows" / "branch-ledger.nsi"
SPEC = ROOT / "packaging" / "branch-ledger.spec"


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return build_bundle()


@pytest.fixture(scope="module")
def windows_layout(bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Windows bundle's shape: the spec's two .exe names beside the same _internal/ folder.

    The programs are stand-ins (nothing here can build a Windows executable); _internal/ is the
    real one from this platform's build, which has the same data layout."""
    spec = SPEC.read_text(encoding="utf-8")
    assert 'name="branch-ledger"' in spec and 'name="branch-ledger-gui"' in spec
    layout = tmp_path_factory.mktemp("win") / "branch-ledger"
    layout.mkdir()
    for exe in ("branch-ledger.exe", "branch-ledger-gui.exe"):
        (layout / exe).write_bytes(b"MZ stand-in")
    (layout / "_internal").symlink_to(bundle.folder / "_internal", target_is_directory=True)
    return layout


def _script() -> str:
    return NSI.read_text(encoding="utf-8")


def _defines(text: str) -> dict[str, str]:
    return dict(re.findall(r'^\s*!define\s+(\w+)\s+"([^"]*)"', text, re.MULTILINE))


def test_every_bundle_path_exists_in_the_layout(windows_layout: Path) -> None:
    text = _script()
    defines = _defines(text)
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith(("File ", "!if /FileExists"))]
    referenced = {path for line in lines for path in re.findall(r'"\$\{BUNDLE_DIR\}/([^"]+)"', line)}
    resolved = {re.sub(r"\$\{(\w+)\}", lambda m: defines[m.group(1)], path) for path in referenced}
    assert {"branch-ledger-gui.exe", "branch-ledger.exe", "_internal"} <= resolved
    for path in resolved:
        assert (windows_layout / path).exists(), f"{path} referenced by the installer is not in the bundle"
    assert (NSI.parent / defines["ICON"]).is_file()


def test_uninstaller_deletes_only_what_was_installed() -> None:
    text = _script()
    assert "RequestExecutionLevel user" in text
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\BranchLedger"' in text
    installed = {"_internal", "branch-ledger-gui.exe", "branch-ledger.exe", "branch-ledger.ico", "uninstall.exe"}
    uninstall = text[text.index('Section "Uninstall"'):]
    for line in uninstall.splitlines():
        line = line.strip()
        if line.startswith(("Delete ", "RMDir")):
            target = line.split('"')[1]
            if target.startswith("$INSTDIR\\"):
                name = target.removeprefix("$INSTDIR\\").replace("${APP_EXE}", "branch-ledger-gui.exe")
                assert name.replace("${CLI_EXE}", "branch-ledger.exe") in installed, line
            else:
                assert target in ("$INSTDIR", "$SMPROGRAMS\\支部台账.lnk", "$DESKTOP\\支部台账.lnk"), line
            assert "DATA_DIR_NAME" not in line and "/r \"$INSTDIR\"" not in line, line
    assert 'RMDir "$INSTDIR"' in uninstall  # without /r: only when empty


def test_compiles_with_makensis(windows_layout: Path, tmp_path: Path) -> None:
    makensis = shutil.which("makensis")
    assert makensis, "makensis missing (apt-get install nsis; dev.sh does)"
    out = tmp_path / f"BranchLedger-{__version__}-installer.exe"
    result = subprocess.run([makensis, "-V2", "-WX", f"-DVERSION={__version__}", f"-DBUNDLE_DIR={windows_layout}",
                             "-DFAST", f"-DOUTFILE={out}", str(NSI)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.read_bytes()[:2] == b"MZ" and out.stat().st_size > 50 * 1024 * 1024  # the bundle is inside


def test_missing_bundle_is_a_compile_error(tmp_path: Path) -> None:
    result = subprocess.run(["makensis", "-V1", f"-DVERSION={__version__}", f"-DBUNDLE_DIR={tmp_path}", "-DFAST",
                             f"-DOUTFILE={tmp_path / 'x.exe'}", str(NSI)], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "branch-ledger-gui.exe not found" in result.stdout + result.stderr
