"""Keeping damaged or replaced files aside, byte for byte, instead of deleting or repairing them.

A database that failed its integrity check is *moved* (renamed, so not a byte changes) into
``aside/<time>-<why>/`` with a copy of the key file, so the next start cannot write into it and
the clerk can start over from a backup or head office while the original waits for an expert. A
WAL that did not replay completely is *copied* there before the database is opened for writing.
A restore moves the files it replaces there too. Nothing in ``aside/`` is ever deleted by the
program; docs/store.md says how to open such a set by hand.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from desktop_app.store.atomic import atomic_write_text, fsync_dir

ASIDE_DIR = "aside"
KEY_FILE = "ledger.keys"  # the same names as store.py (which imports this module)
DAMAGED, WAL_INCOMPLETE, REPLACED, ORPHANED, KEY_DAMAGED = (
    "damaged", "wal-incomplete", "replaced-by-restore", "orphaned-database", "key-file-damaged",
)

_README = {
    DAMAGED: "这些文件未通过完整性检查，已原样移到此处，程序不会再写入或删除它们。",
    WAL_INCOMPLETE: "数据库日志（-wal）未能完整恢复，这是原样保存的副本（日志中后面的保存未能读回）。",
    REPLACED: "这些文件在从备份恢复时被替换，已原样移到此处保存。",
    ORPHANED: "这个数据文件没有对应的密钥文件，新建台账前已原样移到此处保存。",
    KEY_DAMAGED: "这个密钥文件已损坏，已用备份中的副本替换；原文件保存在此处。",
}


@dataclass(frozen=True)
class AsideSet:
    path: Path
    why: str
    created_at: dt.datetime


def _target(data_dir: Path, why: str) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = Path(data_dir) / ASIDE_DIR / f"{stamp}-{why}"
    target.mkdir(parents=True, exist_ok=False)
    return target


def move_aside(data_dir: Path, files: list[Path], *, why: str, copy_key_file: bool = True) -> Path:
    """Rename ``files`` (those that exist) into a new aside set; returns its folder."""
    target = _target(data_dir, why)
    for path in files:
        if path.exists():
            os.replace(path, target / path.name)
    _finish(data_dir, target, why, copy_key_file)
    return target


def copy_aside(data_dir: Path, files: list[Path], *, why: str, copy_key_file: bool = True) -> Path:
    """Copy ``files`` (those that exist) into a new aside set, leaving the originals in place."""
    target = _target(data_dir, why)
    for path in files:
        if path.exists():
            shutil.copyfile(path, target / path.name)
    _finish(data_dir, target, why, copy_key_file)
    return target


def _finish(data_dir: Path, target: Path, why: str, copy_key_file: bool) -> None:
    key = Path(data_dir) / KEY_FILE
    if copy_key_file and key.exists() and not (target / KEY_FILE).exists():
        shutil.copyfile(key, target / KEY_FILE)
    atomic_write_text(target / "说明.txt", _README.get(why, why) + "\n")
    fsync_dir(target)
    fsync_dir(target.parent)


def list_aside(data_dir: Path) -> list[AsideSet]:
    """Aside sets, newest first."""
    root = Path(data_dir) / ASIDE_DIR
    if not root.is_dir():
        return []
    out = []
    for child in root.iterdir():
        stamp, _, why = child.name.partition("-")
        try:
            when = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.UTC)
        except ValueError:
            continue
        out.append(AsideSet(child, why, when))
    return sorted(out, key=lambda s: s.created_at, reverse=True)


def latest_damaged(data_dir: Path) -> AsideSet | None:
    """The newest set of a database that was refused (what salvage works from)."""
    return next((s for s in list_aside(data_dir) if s.why == DAMAGED), None)
