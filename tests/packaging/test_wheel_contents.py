"""What a pip install gets: the wheel holds every file of the packages, and head office migrates from it.

Head office is installed with pip (``branch-ledger[hq]``), not frozen; Alembic finds its
migrations by reading ``sync/server/migrations`` from disk, which works from an installed wheel
as long as the wheel carries the scripts and the ``script.py.mako`` template. A data file that
``[tool.setuptools.package-data]`` does not match (a console template, a font, an icon) would be
silently left out — this test names it instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.packaging.conftest import ROOT

PACKAGES = ("branch_ledger", "desktop_app", "domain", "sync", "printing", "resources")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    [built] = out.glob("branch_ledger-*.whl")
    return built


def test_wheel_holds_every_file_of_the_packages(wheel: Path) -> None:
    tracked = subprocess.run(["git", "ls-files", *PACKAGES], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    with zipfile.ZipFile(wheel) as archive:
        inside = set(archive.namelist())
    missing = [path for path in tracked if path not in inside]
    assert not missing, f"left out of the wheel: {missing}"
    assert "sync/server/migrations/script.py.mako" in inside


def test_head_office_migrates_from_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=600)
    db = tmp_path / "hq.sqlite3"
    script = ("import sync.server.db as db, sys\n"
              "assert db.__file__.startswith(sys.argv[1]), db.__file__\n"
              "engine = db.make_engine('sqlite:///' + sys.argv[2]); db.migrate(engine)\n"
              "print('current', db.schema_is_current(engine))\n")
    # Only the installed copy on the path (plus the venv's third-party packages), run outside the tree.
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r})\n" + script,
                             str(target), str(db)], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0 and "current True" in result.stdout, result.stderr
