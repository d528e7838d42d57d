"""The .deb, installed for real on this machine with ``apt install ./file.deb`` and removed again.

This needs root (CI runs as root); the test installs into the running system, checks the
program on PATH, the menu entry and the icons, runs the installed app against a data directory in
a throwaway $HOME, then removes and purges the package and checks the clerk's data is untouched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from branch_ledger import version_line
from tests.packaging.conftest import ROOT, SAMPLE_RECORDS

BUILD_DEB = ROOT / "packaging" / "linux" / "build-deb.sh"
APT_ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
# Other processes (a dev.sh elsewhere on the machine) may hold the dpkg lock for a while.
APT_LOCK = ["-o", "DPkg::Lock::Timeout=300"]


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("deb")
    result = subprocess.run(["bash", str(BUILD_DEB), str(out)], capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-4000:]
    return Path(result.stdout.strip().splitlines()[-1])


def _dpkg_deb(*args: str) -> str:
    return subprocess.run(["dpkg-deb", *args], capture_output=True, text=True, check=True).stdout


def test_package_metadata_and_layout(deb: Path) -> None:
    info = _dpkg_deb("--info", str(deb))
    assert "Package: branch-ledger" in info and "Section: office" in info
    assert "libxcb-cursor0" in info and "libfontconfig1" in info  # the desktop's libraries, not copies
    contents = _dpkg_deb("--contents", str(deb))
    for path in ("./usr/bin/branch-ledger -> /opt/branch-ledger/branch-ledger",
                 "./usr/share/applications/branch-ledger.desktop",
                 "./usr/share/icons/hicolor/48x48/apps/branch-ledger.png",
                 "./usr/share/icons/hicolor/256x256/apps/branch-ledger.png",
                 "./usr/share/icons/hicolor/scalable/apps/branch-ledger.svg",
                 "./opt/branch-ledger/_internal/resources/fonts/BranchLedgerSerifSC-Regular.ttf",
                 "./usr/share/doc/branch-ledger/copyright"):
        assert path in contents, f"{path} not in the package"
    assert "root/root" in contents and "DEBIAN" not in _dpkg_deb("--contents", str(deb)).replace("./", "")


def test_desktop_entry_is_valid() -> None:
    entry = ROOT / "packaging" / "linux" / "branch-ledger.desktop"
    text = entry.read_text(encoding="utf-8")
    assert "Name=支部台账" in text and "Name[en]=BranchLedger" in text and "Categories=Office;" in text
    validate = shutil.which("desktop-file-validate")
    assert validate, "desktop-file-validate missing (apt-get install desktop-file-utils; dev.sh does)"
    result = subprocess.run([validate, str(entry)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _apt(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["apt", *APT_LOCK, *args], capture_output=True, text=True, env=APT_ENV, timeout=900)


@pytest.fixture
def installed(deb: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("installing a .deb needs root (CI runs as root)")
    subprocess.run(["dpkg", "--purge", "branch-ledger"], capture_output=True)  # a leftover of an aborted run
    result = _apt("install", "-y", str(deb))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    try:
        yield deb
    finally:
        subprocess.run(["dpkg", "--purge", "branch-ledger"], capture_output=True)


def test_install_run_and_remove_keeping_data(installed: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           "BRANCH_LEDGER_PASSPHRASE": "deb-test-passphrase", "LANG": "C.UTF-8"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(["branch-ledger", *args], capture_output=True, text=True, env=env, timeout=120,
                                cwd=tmp_path)
        assert result.returncode == 0, f"branch-ledger {' '.join(args)}: {result.stdout}{result.stderr}"
        return result

    assert shutil.which("branch-ledger", path=env["PATH"]) == "/usr/bin/branch-ledger"
    assert run("--version").stdout.strip() == version_line("branch-ledger")
    assert Path("/usr/share/applications/branch-ledger.desktop").is_file()
    assert Path("/usr/share/icons/hicolor/128x128/apps/branch-ledger.png").is_file()
    # The installed app uses the clerk's default data directory under $HOME.
    run("create", "--branch-name", "毕拉河林场党支部")
    run("import", str(SAMPLE_RECORDS))
    assert "smoke: shown unlock" in run("--smoke-exit-after", "0.5").stdout
    data = home / ".local" / "share" / "BranchLedger"
    assert (data / "ledger.db").is_file() and (data / "ledger.keys").is_file()
    before = _hashes(data)

    removed = _apt("remove", "-y", "branch-ledger")
    assert removed.returncode == 0, removed.stderr
    for path in ("/usr/bin/branch-ledger", "/opt/branch-ledger", "/usr/share/applications/branch-ledger.desktop",
                 "/usr/share/icons/hicolor/128x128/apps/branch-ledger.png"):
        assert not os.path.lexists(path), f"{path} left behind"
    purged = subprocess.run(["dpkg", "--purge", "branch-ledger"], capture_output=True, text=True)
    assert purged.returncode == 0, purged.stderr
    status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "branch-ledger"], capture_output=True, text=True)
    assert "installed" not in status.stdout
    assert _hashes(data) == before  # the clerk's ledger is exactly as it was
