"""One ledger made by the real ``branch-ledger create``, shared by the CLI tests as copies.

Every test that needs "a store the clerk has just created" used to run ``create`` itself (a CLI
launch, an Argon2id derivation at production strength and the schema). The files it leaves are
ordinary files — the SQLCipher database, its key file, the created/close backups — so a copy
of them is that same real encrypted store; each test gets its own copy and changes only that.
The tests of ``create`` itself still run it (``test_cli.py``, ``test_store_cli.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_cli import run


@pytest.fixture(scope="session")
def created_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("created") / "data"
    result = run(d, "create", "--branch-name", "毕拉河林场党支部", "--records-since", "2026-01-01")
    assert result.returncode == 0, result.stderr
    assert "恢复密钥" in result.stdout
    return d
