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
