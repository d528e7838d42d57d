"""Damaged, truncated and foreign files give a clear error and are never overwritten."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from desktop_app.store import KdfParams, Store, StoreCorrupted, StoreExists, StoreNotFound
from desktop_app.store.store import DB_FILE

PASS = "right passphrase"


def _made_store(tmp_path: Path, n: int = 200) -> Path:
    d = tmp_path / "d"
    s, _ = Store.create(d, PASS, kdf=KdfParams.fast_for_tests())
    for i in range(n):
        s.records.create("member", {"name": f"党员{i}", "note": "巡护" * 50}, author="t")
    s.close()
    return d


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_truncated_database(tmp_path: Path) -> None:
    d = _made_store(tmp_path)
    db = d / DB_FILE
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    before = _digest(db)
    with pytest.raises(StoreCorrupted):
        Store.open(d, PASS)
    assert _digest(db) == before


def test_corrupted_header(tmp_path: Path) -> None:
    d = _made_store(tmp_path, 5)
    db = d / DB_FILE
    data = bytearray(db.read_bytes())
    for i in range(100, 300):
        data[i] ^= 0xFF
    db.write_bytes(bytes(data))
    before = _digest(db)
    with pytest.raises(StoreCorrupted):
        Store.open(d, PASS)
    assert _digest(db) == before


def test_foreign_plain_sqlite_file(tmp_path: Path) -> None:
    d = _made_store(tmp_path, 1)
    db = d / DB_FILE
    db.unlink()
    plain = sqlite3.connect(db)
    plain.execute("CREATE TABLE t (x)")
    plain.commit()
    plain.close()
    before = _digest(db)
    with pytest.raises(StoreCorrupted) as info:
        Store.open(d, PASS)
    assert "未加密" in info.value.message
    assert _digest(db) == before


def test_random_bytes_file(tmp_path: Path) -> None:
    d = _made_store(tmp_path, 1)
    db = d / DB_FILE
    db.write_bytes(b"\x00garbage" * 1000)
    before = _digest(db)
    with pytest.raises(StoreCorrupted):
        Store.open(d, PASS)
    assert _digest(db) == before


def test_missing_and_existing(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFound):
        Store.open(tmp_path / "nothing", PASS)
    d = _made_store(tmp_path, 1)
    before = _digest(d / DB_FILE)
    with pytest.raises(StoreExists):
        Store.create(d, PASS, kdf=KdfParams.fast_for_tests())
    assert _digest(d / DB_FILE) == before
