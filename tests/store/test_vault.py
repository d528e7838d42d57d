from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.store import KdfParams, Store, StoreCorrupted, WeakPassphrase, WrongPassphrase, WrongRecoveryKey
from desktop_app.store.errors import KeyFileUnsupported
from desktop_app.store.store import DB_FILE, KEY_FILE

FAST = KdfParams.fast_for_tests()


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_wrong_passphrase_is_specific_and_modifies_nothing(tmp_path: Path) -> None:
    s, _ = Store.create(tmp_path / "d", "right passphrase", kdf=FAST)
    s.records.create("member", {"name": "张三"}, author="t")
    s.close()
    before = _snapshot(tmp_path / "d")
    with pytest.raises(WrongPassphrase) as info:
        Store.open(tmp_path / "d", "wrong passphrase")
    assert info.value.message == "密码不正确，请重新输入"
    assert _snapshot(tmp_path / "d") == before


def test_recovery_key_unlocks_and_is_tolerant_of_case_and_spaces(tmp_path: Path) -> None:
    s, recovery = Store.create(tmp_path / "d", "right passphrase", kdf=FAST)
    s.close()
    assert len(recovery.replace("-", "")) == 32
    typed = recovery.lower().replace("-", " ")
    Store.open_with_recovery_key(tmp_path / "d", typed).close()
    with pytest.raises(WrongRecoveryKey):
        Store.open_with_recovery_key(tmp_path / "d", "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")
    with pytest.raises(WrongRecoveryKey):
        Store.open_with_recovery_key(tmp_path / "d", "too-short")


def test_change_passphrase_rewraps_without_touching_the_database(tmp_path: Path) -> None:
    d = tmp_path / "d"
    s, recovery = Store.create(d, "old passphrase", kdf=FAST)
    s.records.create("member", {"name": "张三"}, author="t")
    s.checkpoint()
    db_before = (d / DB_FILE).read_bytes()
    s.change_passphrase("new passphrase")
    assert (d / DB_FILE).read_bytes() == db_before
    s.close()
    with pytest.raises(WrongPassphrase):
        Store.open(d, "old passphrase")
    reopened = Store.open(d, "new passphrase")
    assert [m.name for m in reopened.records.members().values()] == ["张三"]
    reopened.close()
    Store.open_with_recovery_key(d, recovery).close()  # the recovery slot still works


def test_weak_passphrase_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(WeakPassphrase):
        Store.create(tmp_path / "d", "short", kdf=FAST)
    assert not (tmp_path / "d" / KEY_FILE).exists()


def test_key_file_records_kdf_parameters_and_version(tmp_path: Path) -> None:
    Store.create(tmp_path / "d", "right passphrase")[0].close()
    data = json.loads((tmp_path / "d" / KEY_FILE).read_text())
    assert data["version"] == 1
    assert data["kdf"]["name"] == "argon2id"
    assert data["kdf"]["memory_kib"] >= 64 * 1024


def test_corrupted_or_newer_key_file(tmp_path: Path) -> None:
    d = tmp_path / "d"
    Store.create(d, "right passphrase", kdf=FAST)[0].close()
    key_path = d / KEY_FILE
    data = json.loads(key_path.read_text())
    key_path.write_text(json.dumps({**data, "version": 99}))
    with pytest.raises(KeyFileUnsupported):
        Store.open(d, "right passphrase")
    key_path.write_text("{not json")
    with pytest.raises(StoreCorrupted):
        Store.open(d, "right passphrase")
    ciphertext = data["passphrase"]["ciphertext"]
    data["passphrase"]["ciphertext"] = ("B" if ciphertext[0] == "A" else "A") + ciphertext[1:]
    key_path.write_text(json.dumps(data))
    with pytest.raises(WrongPassphrase):  # a tampered wrap fails authentication, never yields a key
        Store.open(d, "right passphrase")
