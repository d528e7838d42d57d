"""Fixtures for the packaging tests: the previous release's store, isolated Qt settings."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.sync.conftest import pg_cluster, pg_url  # noqa: F401  (the same fixtures as the sync tests)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# QSettings of GUI tests here must never touch the developer's real preferences.
os.environ.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp(prefix="branchledger-pkg-config-"))

ROOT = Path(__file__).resolve().parents[2]
RELEASE_FIXTURE = Path(__file__).parent / "fixtures" / "release-0.1.0"
SAMPLE_RECORDS = Path(__file__).parent / "data" / "sample-records.json"


@pytest.fixture
def release_store(tmp_path: Path) -> Path:
    """A copy of the data directory the previous release (0.1.0, commit 88b466e) made."""
    target = tmp_path / "release-0.1.0"
    shutil.copytree(RELEASE_FIXTURE / "data", target)
    return target


@pytest.fixture
def release_passphrase() -> str:
    return (RELEASE_FIXTURE / "passphrase.txt").read_text(encoding="utf-8")


# bundle/deb/windows_layout build the bundle; wheel builds the wheel; test_gui_and_cli's session installs it.
_BUILDING_FIXTURES = {"bundle", "deb", "windows_layout", "wheel", "session"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test whose fixture builds the PyInstaller bundle or the .deb (minutes on a loaded 2-core CI
    machine, cached afterwards) gets a timeout that covers the build; the suite's 300 s stays for
    everything else, so a hang is still caught."""
    here = Path(__file__).parent
    for item in items:
        if here not in Path(item.path).parents:
            continue  # this hook sees the whole session's items
        names = set(getattr(item, "fixturenames", ()))
        if names & _BUILDING_FIXTURES and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(1800))
