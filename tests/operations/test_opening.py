"""Creating, opening, restoring and salvaging a ledger through operations.opening, on real
encrypted files in a temp dir (the code ``branch-ledger create/restore/salvage`` runs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.operations import Ledger, StoreLocked, opening, wait_for_closing
from desktop_app.operations.backups import back_up_now
from desktop_app.operations.errors import StoreDamaged, WrongPassphrase, WrongRecoveryKey
from desktop_app.operations.records import list_records, save_record
from desktop_app.operations.settings import confirm_recovery_key, opening_notices
from desktop_app.operations.sync import SyncOps
from desktop_app.operations.transfer import export_records, import_records
from desktop_app.operations.types import RecordFilter

PASS = "林场党支部2026"


def _names(ledger: Ledger) -> set[str]:
    return {row.title for row in list_records(ledger, RecordFilter(kind="member")).rows}


def _close(ledger: Ledger) -> None:
    ledger.close(backup=False)
    assert wait_for_closing()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    ledger, key = opening.create_ledger(d, PASS, kdf=opening.KdfParams.fast_for_tests())
    assert len(key) > 20 and opening_notices(ledger).pending_recovery_key == key
    confirm_recovery_key(ledger)
    save_record(ledger, "member", {"name": "张三"}, author="t")
    _close(ledger)
    return d


def test_create_open_and_summary(data_dir: Path) -> None:
    assert opening.ledger_exists(data_dir) and not opening.ledger_exists(data_dir.parent / "elsewhere")
    with pytest.raises(WrongPassphrase):
        opening.open_ledger(data_dir, "不对的密码12345")
    ledger = opening.open_ledger(data_dir, PASS)
    try:
        assert opening_notices(ledger).pending_recovery_key is None  # confirmed at creation
        summary = opening.ledger_summary(ledger)
        assert summary.records == 1 and summary.pending == 1  # the member, not yet sent
    finally:
        _close(ledger)
    with pytest.raises(StoreLocked):
        opening.ledger_summary(ledger)


def test_restore_puts_the_backup_back_and_keeps_the_current_data_aside(data_dir: Path) -> None:
    ledger = opening.open_ledger(data_dir, PASS)
    info = back_up_now(ledger)
    save_record(ledger, "member", {"name": "李四"}, author="t")
    _close(ledger)
    assert opening.list_backups(data_dir)[0].name == info.name  # no passphrase needed
    found = opening.find_backup(data_dir, info.name)
    restored = opening.restore_ledger(data_dir, found, PASS)
    try:
        assert _names(restored) == {"张三"}  # 李四 came after the backup
        assert SyncOps(restored).report().state.full_resync  # the next sync re-reads the branch
    finally:
        _close(restored)
    assert any("replaced-by-restore" in p.name for p in (data_dir / "aside").iterdir())


def test_restore_refuses_a_wrong_passphrase_before_replacing_anything(data_dir: Path) -> None:
    ledger = opening.open_ledger(data_dir, PASS)
    info = back_up_now(ledger)
    _close(ledger)
    with pytest.raises(WrongPassphrase):
        opening.restore_ledger(data_dir, info, "不对的密码12345")
    assert not (data_dir / "aside").exists() or not list((data_dir / "aside").iterdir())


def test_salvage_exports_the_readable_records_and_starts_fresh(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(opening.NothingToSalvage):
        opening.salvage_export(data_dir, PASS, tmp_path / "out.json")
    ledger = opening.open_ledger(data_dir, PASS)
    for i in range(200):
        save_record(ledger, "member", {"name": f"党员{i}", "note": "巡护" * 40}, author="t")
    _close(ledger)
    db = data_dir / "ledger.db"
    raw = bytearray(db.read_bytes())
    raw[len(raw) * 2 // 3] ^= 0x10  # one damaged page somewhere in the records
    db.write_bytes(bytes(raw))
    with pytest.raises(StoreDamaged):
        opening.open_ledger(data_dir, PASS)
    assert opening.damaged_set(data_dir) is not None
    report = opening.salvage_export(data_dir, PASS, tmp_path / "readable.json")
    exported = json.loads((tmp_path / "readable.json").read_text(encoding="utf-8"))["records"]
    assert report.readable == len(exported) and 150 <= report.readable <= 201
    fresh = opening.salvage_fresh(data_dir, PASS)
    try:
        assert _names(fresh) == set()
        imported = import_records(fresh, exported, author="t", skip_existing=True)
        assert imported.report.ok and imported.report.imported == len(exported)
        assert imported.changes.kinds == {"member"} and len(imported.changes.record_ids) == len(exported)
        assert len(export_records(fresh)["records"]) == len(exported)
    finally:
        _close(fresh)


def test_backup_config_by_folder(data_dir: Path, tmp_path: Path) -> None:
    config = opening.backup_config(data_dir)
    config.keep = 3
    opening.save_backup_config(data_dir, config)
    assert opening.backup_config(data_dir).keep == 3


def test_reset_passphrase_with_the_recovery_key(tmp_path: Path) -> None:
    d = tmp_path / "data"
    ledger, key = opening.create_ledger(d, PASS, kdf=opening.KdfParams.fast_for_tests())
    confirm_recovery_key(ledger)
    _close(ledger)
    with pytest.raises(WrongRecoveryKey):
        opening.reset_passphrase(d, "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA", "新的密码-2027-林场")
    _close(opening.open_ledger(d, PASS))  # a wrong key changed nothing
    _close(opening.reset_passphrase(d, key, "新的密码-2027-林场"))
    with pytest.raises(WrongPassphrase):
        opening.open_ledger(d, PASS)
    _close(opening.open_ledger(d, "新的密码-2027-林场"))


def test_restore_closed_counts_wrong_passphrases_where_the_lock_screen_reads_them(data_dir: Path) -> None:
    """The window's restore (the ledger already closed): wrong passphrases count towards the unlock
    delay that ``unlock_attempts`` reads for the lock screen; the right one puts the backup back."""
    ledger = opening.open_ledger(data_dir, PASS)
    info = back_up_now(ledger)
    save_record(ledger, "member", {"name": "李四"}, author="t")
    _close(ledger)
    assert opening.unlock_attempts(data_dir).state().failures == 0
    for _ in range(2):
        with pytest.raises(WrongPassphrase):
            opening.restore_closed(data_dir, info, "不对的密码12345")
    assert opening.unlock_attempts(data_dir).state().failures == 2
    assert not (data_dir / "aside").exists() or not list((data_dir / "aside").iterdir())  # nothing replaced
    opening.unlock_attempts(data_dir).record_success()  # the delay is over (the clock is not what is tested)
    restored = opening.restore_closed(data_dir, info, PASS)
    try:
        assert _names(restored) == {"张三"}  # 李四 came after the backup
    finally:
        _close(restored)
    assert opening.unlock_attempts(data_dir).state().failures == 0
