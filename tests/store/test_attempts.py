"""The unlock back-off lives beside the key file, and editing or deleting it never helps."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest

from desktop_app.store import KdfParams, Store, WrongPassphrase
from desktop_app.store.attempts import ATTEMPTS_FILE, FAIL_CLOSED_FAILURES, UnlockAttempts, delay_after
from desktop_app.store.errors import UnlockThrottled
from desktop_app.store.vault import KeyFile

PASS = "right passphrase"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "d"
    Store.create(d, PASS, kdf=KdfParams.fast_for_tests())[0].close(backup=False)
    return d


def _attempts(data_dir: Path) -> UnlockAttempts:
    return UnlockAttempts(data_dir, key_id=KeyFile.load(data_dir / "ledger.keys").key_id)


def test_schedule() -> None:
    assert [delay_after(n) for n in range(7)] == [0, 0, 1, 2, 4, 8, 16]
    assert delay_after(40) == 300


def test_repeated_wrong_passphrases_make_the_next_attempt_wait(data_dir: Path) -> None:
    for _ in range(2):
        with pytest.raises(WrongPassphrase):
            Store.open(data_dir, "wrong passphrase")
    with pytest.raises(UnlockThrottled) as first:
        Store.open(data_dir, "wrong passphrase")
    time.sleep(first.value.wait_seconds + 0.05)
    with pytest.raises(WrongPassphrase):
        Store.open(data_dir, "wrong passphrase")
    # 3 failures: 2 s. Even the right passphrase is refused before any key derivation runs.
    started = time.monotonic()
    with pytest.raises(UnlockThrottled) as info:
        Store.open(data_dir, PASS)
    assert time.monotonic() - started < 0.05
    assert 1 <= info.value.wait_seconds <= 2 and info.value.failures == 3
    assert "等待" in info.value.message
    time.sleep(info.value.wait_seconds + 0.1)
    Store.open(data_dir, PASS).close(backup=False)
    assert _attempts(data_dir).state().failures == 0


def test_deleting_the_state_file_does_not_reset_the_wait(data_dir: Path) -> None:
    (data_dir / ATTEMPTS_FILE).unlink()
    with pytest.raises(UnlockThrottled) as info:
        Store.open(data_dir, PASS)
    assert info.value.failures == FAIL_CLOSED_FAILURES and info.value.wait_seconds > 10
    assert info.value.tampered and "被改动" in info.value.message


def test_the_state_travels_with_a_copied_data_directory(data_dir: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "on-the-new-laptop"
    shutil.copytree(data_dir, copy)
    Store.open(copy, PASS).close(backup=False)  # no penalty for moving the ledger


def test_editing_the_counter_does_not_reset_the_wait(data_dir: Path) -> None:
    attempts = _attempts(data_dir)
    for _ in range(7):
        attempts.record_failure()
    data = json.loads((data_dir / ATTEMPTS_FILE).read_text())
    (data_dir / ATTEMPTS_FILE).write_text(json.dumps({**data, "failures": 0}))
    assert attempts.state().trusted is False
    with pytest.raises(UnlockThrottled):
        Store.open(data_dir, PASS)


def test_the_wait_counts_from_the_last_failure(data_dir: Path) -> None:
    attempts = _attempts(data_dir)
    for _ in range(4):
        attempts.record_failure()  # 4 s
    last = attempts.state().last_failure
    assert last is not None
    assert attempts.wait_seconds(last + dt.timedelta(seconds=1)) == 3
    assert attempts.wait_seconds(last + dt.timedelta(seconds=5)) == 0
    assert attempts.wait_seconds(last - dt.timedelta(hours=1)) == 4  # clock went back: wait in full


def test_a_ledger_from_before_the_back_off_file_is_not_penalised(tmp_path: Path) -> None:
    attempts = UnlockAttempts(tmp_path, legacy=True)
    assert attempts.wait_seconds() == 0 and attempts.state().trusted
