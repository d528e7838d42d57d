"""Upgrades keep data: a store made by the previous release opens and migrates; a newer one is refused.

The fixture in ``fixtures/release-0.1.0`` was made by commit 88b466e (0.1.0) through its own CLI,
with the binding that release used, ``sqlcipher3-binary`` 0.6.0 (``made-with.txt``; the script
that made it is ``fixtures/make_release_store.sh``). This release uses ``sqlcipher3``; opening that
file here is the proof that the two bindings share SQLCipher 4's file format.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3

from desktop_app.store import Store
from desktop_app.store.errors import StoreNewerThanApp
from desktop_app.store.migrations import LATEST_VERSION
from desktop_app.transfer import export_records
from domain.validation import parse_body
from tests.packaging.conftest import RELEASE_FIXTURE, ROOT

NEWER_MESSAGE = StoreNewerThanApp.message  # 数据由更新版本的程序创建，请升级程序后再打开


def _hashes(folder: Path) -> dict[str, str]:
    """Every file under the store folder (backups included), by its path inside it."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _cli(data_dir: Path, passphrase: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRANCH_LEDGER_PASSPHRASE": passphrase}
    return subprocess.run([sys.executable, "-m", "desktop_app.cli", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def _comparable(export: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """Records as this release reads them: an old body is parsed by today's schema, so a field added
    since (with its default, e.g. 台账起始日期 ``records_since``) reads the same on both sides, while
    any value the migration changed or dropped still shows up as a difference."""
    def body(r: dict[str, Any]) -> str:
        parsed, problems = parse_body(r["kind"], r["body"])
        assert parsed is not None, problems
        return json.dumps(parsed.model_dump(mode="json"), sort_keys=True)
    return sorted((r["id"], r["kind"], r["rev"], r["status"], body(r)) for r in export["records"])


def test_binding_is_sqlcipher_4_with_the_default_format() -> None:
    """The settings that decide the file format, as sqlcipher3-binary 0.6.0 (SQLCipher 4.12) had them."""
    conn = sqlcipher3.connect(":memory:")
    assert conn.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")
    conn.execute("PRAGMA key = 'probe'")
    settings = {p: conn.execute(f"PRAGMA {p}").fetchone()[0] for p in (
        "cipher_page_size", "kdf_iter", "cipher_hmac_algorithm", "cipher_kdf_algorithm",
        "cipher_plaintext_header_size")}
    assert settings == {"cipher_page_size": "4096", "kdf_iter": "256000", "cipher_hmac_algorithm": "HMAC_SHA512",
                        "cipher_kdf_algorithm": "PBKDF2_HMAC_SHA512", "cipher_plaintext_header_size": "0"}
    conn.close()
    assert "sqlcipher3-binary==0.6.0" in (RELEASE_FIXTURE / "made-with.txt").read_text()


def test_previous_release_store_opens_and_migrates(release_store: Path, release_passphrase: str) -> None:
    old_export = json.loads((RELEASE_FIXTURE / "export.json").read_text(encoding="utf-8"))
    with Store.open(release_store, release_passphrase) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert _comparable(export_records(store, None)) == _comparable(old_export)
        # Still writable through the one write path, and searchable.
        store.records.create("member", {"name": "新党员"}, author="upgrade-test")
        assert [h.title for h in store.records.search("秋季森林防火")] == ["2026年第三季度支部党员大会"]
    recovery = (RELEASE_FIXTURE / "recovery-key.txt").read_text(encoding="utf-8").strip()
    with Store.open_with_recovery_key(release_store, recovery) as store:
        assert store.records.count() == len(old_export["records"]) + 1


def test_previous_release_store_through_the_cli(release_store: Path, release_passphrase: str) -> None:
    result = _cli(release_store, release_passphrase, "search", "秋季森林防火")
    assert result.returncode == 0, result.stderr
    assert "2026年第三季度支部党员大会" in result.stdout


def _make_newer(store_dir: Path, passphrase: str) -> None:
    """What a future release would leave: a schema version this one does not know."""
    with Store.open(store_dir, passphrase) as store:
        store.conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")


def test_newer_store_is_refused_and_left_untouched(release_store: Path, release_passphrase: str) -> None:
    _make_newer(release_store, release_passphrase)
    before = _hashes(release_store)
    with pytest.raises(StoreNewerThanApp) as caught:
        Store.open(release_store, release_passphrase)
    assert caught.value.message == NEWER_MESSAGE and "升级" in NEWER_MESSAGE
    result = _cli(release_store, release_passphrase, "unlock")
    assert result.returncode == 1 and NEWER_MESSAGE in result.stderr, result.stderr
    result = _cli(release_store, release_passphrase, "import", str(ROOT / "tests/packaging/data/sample-records.json"))
    assert result.returncode == 1 and NEWER_MESSAGE in result.stderr
    assert _hashes(release_store) == before  # not a byte changed, no file added or left behind


def test_newer_store_refused_in_the_window(release_store: Path, release_passphrase: str, qtbot: Any) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from desktop_app.ui.shell import ShellWindow

    _make_newer(release_store, release_passphrase)
    before = _hashes(release_store)
    window = ShellWindow(release_store, offer_restore=False)
    qtbot.addWidget(window)
    window.show()
    screen = window.unlock_screen
    QTest.keyClicks(screen.passphrase, release_passphrase)
    QTest.mouseClick(screen.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen.busy and bool(screen.message.text()), timeout=10_000)
    assert NEWER_MESSAGE in screen.message.text() and window.locked
    window.close()
    assert _hashes(release_store) == before
