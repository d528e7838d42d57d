"""Encrypted backups of an open ledger: 设置's backup panel, the daily schedule and
``branch-ledger backup``. The work is :mod:`desktop_app.store.backups`; these functions give it the
ledger's guard, which it takes per step (the copy itself runs outside the lock). Restoring replaces
the database and so happens with the ledger closed (:mod:`desktop_app.store.restore`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.operations.ledger import Ledger
from desktop_app.store import backups
from desktop_app.store.backups import BackupConfig, BackupInfo
from desktop_app.store.errors import BackupError
from domain.i18n import t


class BackupFolderMissing(BackupError):
    """The chosen backup folder is not there (a USB stick not plugged in)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        super().__init__(t("备份位置 {folder} 不存在（U 盘是否已插好？）", folder=folder))


@dataclass(frozen=True)
class BackupState:
    config: BackupConfig
    backups: list[BackupInfo]  # this ledger's backups, newest first
    status: dict[str, Any]  # the last backup ("last") and the last failure ("error")


def backup_state(ledger: Ledger) -> BackupState:
    with ledger.guard() as store:
        key_id, status, data_dir = store.key_id, backups.last_status(store), store.data_dir
    return BackupState(backups.load_config(data_dir), backups.list_backups(data_dir, key_id), status)


def save_backup_config(ledger: Ledger, config: BackupConfig) -> BackupConfig:
    """Where backups go and how many are kept (``BackupFolderMissing`` for a folder not there)."""
    if config.location and not Path(config.location).expanduser().is_dir():
        raise BackupFolderMissing(config.location)
    with ledger.guard() as store:
        data_dir = store.data_dir
    backups.save_config(data_dir, config)
    return config


def back_up_now(ledger: Ledger) -> BackupInfo:
    return backups.make_backup(ledger.store, "manual", lock=ledger.guard())


def daily_backup(ledger: Ledger) -> BackupInfo | None:
    """The daily backup when it is due and something changed (None: not configured or not due)."""
    with ledger.guard() as store:
        data_dir = store.data_dir
    if not backups.load_config(data_dir).daily:
        return None
    return backups.backup_if_changed(ledger.store, "daily", lock=ledger.guard(), older_than=backups.DAILY)
