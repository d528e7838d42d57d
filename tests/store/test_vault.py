"""The key file: passphrase and recovery slots, each checksummed; copies in backups; re-issue."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from desktop_app.store import KdfParams, Store, StoreCorrupted, WeakPassphrase, WrongPassphrase, WrongRecoveryKey
from desktop_app.store.aside import list_aside
from desktop_app.store.attempts import ATTEMPTS_FILE
from desktop_app.store.errors import KeyFileUnsupported, KeySlotDamaged
from desktop_app.store.store import DB_FILE, KEY_FILE

FAST = KdfParams.fast_for_tests()
PASS = "right passphrase"


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file() and p.name != ATTEMPTS_FILE}


def _made(tmp_path: Path, *, keep_backups: bool = False) -> tuple[Path, str]:
    d = tmp_path / "d"
    s, recovery = Store.create(d, PASS, kdf=FAST)
    s.records.create("member", {"name": "张三"}, author="t")
    s.close(backup=keep_backups)
    if not keep_backups:
        shutil.rmtree(d / "backups", ignore_errors=True)  # only the key file itself to go on
    return d, recovery


def _flip_b64(text: str) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[0] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def test_wrong_passphrase_is_specific_and_modifies_nothing(tmp_path: Path) -> None:
    d, _ = _made(tmp_path)
    before = _snapshot(d)
    with pytest.raises(WrongPassphrase) as info:
        Store.open(d, "wrong passphrase")
    assert info.value.message == "密码不正确，请重新输入"
    assert _snapshot(d) == before  # only the back-off counter beside the key file changed
    assert json.loads((d / ATTEMPTS_FILE).read_text())["failures"] == 1


def test_recovery_key_unlocks_and_is_tolerant_of_case_and_spaces(tmp_path: Path) -> None:
    d, recovery = _made(tmp_path)
    assert len(recovery.replace("-", "")) == 32
    typed = recovery.lower().replace("-", " ")
    Store.open_with_recovery_key(d, typed).close()
    with pytest.raises(WrongRecoveryKey):
        Store.open_with_recovery_key(d, "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")
    with pytest.raises(WrongRecoveryKey):
        Store.open_with_recovery_key(d, "too-short")


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
    assert not (tmp_path / "d").exists()


def test_key_file_has_a_checksum_per_slot_and_a_key_id(tmp_path: Path) -> None:
    Store.create(tmp_path / "d", PASS)[0].close()
    data = json.loads((tmp_path / "d" / KEY_FILE).read_text())
    assert data["version"] == 2 and len(data["key_id"]) == 16
    assert data["kdf"]["name"] == "argon2id"
    assert data["kdf"]["memory_kib"] >= 64 * 1024
    assert len(data["passphrase"]["checksum"]) == 32 and len(data["recovery"]["checksum"]) == 32


def test_a_version_1_key_file_opens_and_is_upgraded(tmp_path: Path) -> None:
    d, recovery = _made(tmp_path)
    data = json.loads((d / KEY_FILE).read_text())
    v1 = {"format": data["format"], "version": 1, "kdf": data["kdf"],
          "passphrase": {k: v for k, v in data["passphrase"].items() if k != "checksum"},
          "recovery": {k: v for k, v in data["recovery"].items() if k != "checksum"}}
    (d / KEY_FILE).write_text(json.dumps(v1))
    (d / ATTEMPTS_FILE).unlink()  # a ledger made before the back-off file existed
    Store.open(d, PASS).close()
    upgraded = json.loads((d / KEY_FILE).read_text())
    assert upgraded["version"] == 2 and upgraded["key_id"] == data["key_id"]
    Store.open_with_recovery_key(d, recovery).close()


def test_damage_to_the_passphrase_slot_is_damage_not_a_wrong_passphrase(tmp_path: Path) -> None:
    d, recovery = _made(tmp_path)
    data = json.loads((d / KEY_FILE).read_text())
    data["passphrase"]["ciphertext"] = _flip_b64(data["passphrase"]["ciphertext"])
    (d / KEY_FILE).write_text(json.dumps(data))
    with pytest.raises(KeySlotDamaged) as info:
        Store.open(d, PASS)
    assert "损坏" in info.value.message and "不是密码错误" in info.value.message
    assert json.loads((d / ATTEMPTS_FILE).read_text())["failures"] == 0  # not counted as a guess
    # The recovery slot is independent: it still opens the ledger, and asks for a new passphrase.
    store = Store.open_with_recovery_key(d, recovery)
    assert any("密码" in w for w in store.key_warnings)
    store.change_passphrase("a new passphrase")
    store.close()
    Store.open(d, "a new passphrase").close()


def test_a_flipped_byte_in_the_recovery_salt_is_detected(tmp_path: Path) -> None:
    d, recovery = _made(tmp_path)
    data = json.loads((d / KEY_FILE).read_text())
    data["recovery"]["salt"] = _flip_b64(data["recovery"]["salt"])
    (d / KEY_FILE).write_text(json.dumps(data))
    store = Store.open(d, PASS)  # the passphrase still works, and the clerk is told
    assert any("恢复密钥" in w and "重新生成" in w for w in store.key_warnings)
    store.close()
    with pytest.raises(KeySlotDamaged) as info:
        Store.open_with_recovery_key(d, recovery)
    assert info.value.slot == "recovery"


def test_a_garbled_key_file_is_repaired_from_a_backup_copy(tmp_path: Path) -> None:
    d, recovery = _made(tmp_path, keep_backups=True)
    original = (d / KEY_FILE).read_bytes()
    garbled = bytearray(original)
    for i in range(10, 60):
        garbled[i] ^= 0x5A
    (d / KEY_FILE).write_bytes(bytes(garbled))
    store = Store.open(d, PASS)
    assert [m.name for m in store.records.members().values()] == ["张三"]
    assert any("备份中的副本修复" in w for w in store.key_warnings)
    store.close(backup=False)
    [kept] = [s for s in list_aside(d) if s.why == "key-file-damaged"]
    assert (kept.path / KEY_FILE).read_bytes() == bytes(garbled)  # the damaged file is kept
    Store.open_with_recovery_key(d, recovery).close()  # both slots work again


def test_a_garbled_key_file_without_any_backup(tmp_path: Path) -> None:
    d, _ = _made(tmp_path)
    (d / KEY_FILE).write_text("{not json")
    with pytest.raises(StoreCorrupted):
        Store.open(d, PASS)


def test_newer_key_file(tmp_path: Path) -> None:
    d, _ = _made(tmp_path)
    data = json.loads((d / KEY_FILE).read_text())
    (d / KEY_FILE).write_text(json.dumps({**data, "version": 99}))
    with pytest.raises(KeyFileUnsupported):
        Store.open(d, PASS)


def test_recovery_key_is_pending_until_confirmed_and_can_be_reissued(tmp_path: Path) -> None:
    d = tmp_path / "d"
    store, first = Store.create(d, PASS, kdf=FAST)
    store.close()
    store = Store.open(d, PASS)
    assert store.pending_recovery_key() == first  # a crash before the clerk saw it: shown again
    store.confirm_recovery_key()
    assert store.pending_recovery_key() is None
    second = store.reissue_recovery_key()
    assert second != first and store.pending_recovery_key() == second
    store.confirm_recovery_key()
    store.close()
    with pytest.raises(WrongRecoveryKey):
        Store.open_with_recovery_key(d, first)
    Store.open_with_recovery_key(d, second).close()


def test_an_interrupted_reissue_leaves_the_old_recovery_key_in_force(tmp_path: Path) -> None:
    d = tmp_path / "d"
    store, first = Store.create(d, PASS, kdf=FAST)
    store.confirm_recovery_key()
    with store.transaction():  # what reissue writes first, as if the key file save never happened
        store.meta.set("security.pending_recovery_key", "ABCD-ABCD-ABCD-ABCD-ABCD-ABCD-ABCD-ABCD")
    assert store.pending_recovery_key() is None  # it does not open the key file: dropped
    store.close()
    Store.open_with_recovery_key(d, first).close()


def test_the_key_file_warnings_are_in_the_shown_language(tmp_path: Path) -> None:
    """An English window hears about a damaged recovery slot, and a key file repaired from a backup,
    in English; issuing a new recovery key drops the recovery warning (whatever the language)."""
    from domain import i18n

    d, _recovery = _made(tmp_path / "slot")
    data = json.loads((d / KEY_FILE).read_text())
    data["recovery"]["salt"] = _flip_b64(data["recovery"]["salt"])
    (d / KEY_FILE).write_text(json.dumps(data))
    i18n.set_language("en")
    store = Store.open(d, PASS)
    [warning] = store.key_warnings
    assert "recovery key" in warning and not any("\u4e00" <= ch <= "\u9fff" for ch in warning), warning
    store.reissue_recovery_key()
    assert store.key_warnings == []
    store.close()

    d, _recovery = _made(tmp_path / "repaired", keep_backups=True)
    garbled = bytearray((d / KEY_FILE).read_bytes())
    for i in range(10, 60):
        garbled[i] ^= 0x5A
    (d / KEY_FILE).write_bytes(bytes(garbled))
    store = Store.open(d, PASS)
    [warning] = store.key_warnings
    assert "backup" in warning and not any("\u4e00" <= ch <= "\u9fff" for ch in warning), warning
    store.close(backup=False)
