"""Creating, opening, replacing and rescuing a ledger: the actions on a data folder that come before
an open :class:`~desktop_app.operations.ledger.Ledger` exists, or that end it.

``branch-ledger create`` / ``unlock`` / ``restore`` / ``salvage`` and every command that opens the
ledger start here (``desktop_app.cli.open_ledger``), so no command line module imports the store
package. Each function returns the opened :class:`Ledger` (its store already behind the ledger's
lock) or what it wrote; reading the backup folder and its settings needs no passphrase, since
backups are found by the key file's public key id.

The window calls the same functions (``desktop_app.ui.unlock``, ``ui.restore_flow``,
``ui.salvage_dialog``, ``ui.wizard.first_run``, ``ui.shell``) on a worker and hands the returned
``Ledger`` to its session, so no UI module imports the store package either.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_app.operations.ledger import Ledger
from desktop_app.store import KdfParams, Store
from desktop_app.store import backups as bk
from desktop_app.store.aside import AsideSet, latest_damaged
from desktop_app.store.attempts import UnlockAttempts, delay_after
from desktop_app.store.backups import BackupConfig, BackupInfo
from desktop_app.store.errors import StoreDamaged, StoreError
from desktop_app.store.restore import restore_backup
from desktop_app.store.salvage import SalvageReport, export_readable, fresh_from_head_office, unlock_key
from desktop_app.store.vault import peek_key_id
from domain.i18n import N_

__all__ = ["AsideSet", "BackupConfig", "BackupInfo", "KdfParams", "LedgerSummary", "NothingToSalvage",
           "SalvageReport", "UnlockAttempts", "backup_config", "create_ledger", "damaged_set", "delay_after",
           "find_backup", "ledger_exists", "ledger_summary", "list_backups", "open_ledger",
           "open_with_recovery_key", "reset_passphrase", "restore_closed", "restore_ledger", "salvage_export",
           "salvage_fresh", "save_backup_config", "unlock_attempts"]


class NothingToSalvage(StoreError):
    message = N_("没有被移到一旁的损坏数据，无需抢救")


@dataclass(frozen=True)
class LedgerSummary:
    """What ``branch-ledger unlock`` reports once the passphrase proved right."""

    records: int
    pending: int  # changes not yet sent to head office


# ---------------------------------------------------------------- create and open


def ledger_exists(data_dir: Path) -> bool:
    return Store.exists(Path(data_dir))


def create_ledger(data_dir: Path, passphrase: str, *, kdf: KdfParams | None = None) -> tuple[Ledger, str]:
    """A new encrypted ledger and its recovery key. The key stays pending (shown again at every
    open) until :func:`desktop_app.operations.settings.confirm_recovery_key` — the caller confirms
    only once the clerk has seen it."""
    store, recovery_key = Store.create(Path(data_dir), passphrase, kdf=kdf)
    return Ledger(store), recovery_key


def open_ledger(data_dir: Path, passphrase: str) -> Ledger:
    return Ledger(Store.open(Path(data_dir), passphrase))


def open_with_recovery_key(data_dir: Path, recovery_key: str) -> Ledger:
    return Ledger(Store.open_with_recovery_key(Path(data_dir), recovery_key))


def reset_passphrase(data_dir: Path, recovery_key: str, new_passphrase: str) -> Ledger:
    """The forgotten-passphrase route: open with the recovery key and rewrap the key under a new
    passphrase before anyone uses the ledger."""
    store = Store.open_with_recovery_key(Path(data_dir), recovery_key)
    try:
        store.change_passphrase(new_passphrase)
    except BaseException:
        store.close(backup=False)
        raise
    return Ledger(store)


def unlock_attempts(data_dir: Path) -> UnlockAttempts:
    """The failed-unlock count kept beside the key file (the growing delay the lock screen shows),
    shared with the command line."""
    return UnlockAttempts(Path(data_dir), key_id=peek_key_id(Path(data_dir) / "ledger.keys"))


def ledger_summary(ledger: Ledger) -> LedgerSummary:
    with ledger.guard() as store:
        return LedgerSummary(store.records.count(), store.outbox_pending_count())


# ---------------------------------------------------------------- backups by folder (no passphrase)


def _key_id(data_dir: Path) -> str | None:
    return peek_key_id(Path(data_dir) / "ledger.keys") or None


def list_backups(data_dir: Path) -> list[BackupInfo]:
    """This ledger's backups, newest first."""
    return bk.list_backups(Path(data_dir), _key_id(data_dir))


def find_backup(data_dir: Path, name_or_path: str) -> BackupInfo:
    """A backup by the name ``backup list`` prints, or by its folder (``BackupNotFound``)."""
    return bk.find_backup(Path(data_dir), _key_id(data_dir), name_or_path)


def backup_config(data_dir: Path) -> BackupConfig:
    return bk.load_config(Path(data_dir))


def save_backup_config(data_dir: Path, config: BackupConfig) -> BackupConfig:
    bk.save_config(Path(data_dir), config)
    return config


# ---------------------------------------------------------------- restore and salvage


def restore_ledger(data_dir: Path, info: BackupInfo, passphrase: str) -> Ledger:
    """Replace the data by backup ``info`` and open the result.

    The current database, when it opens, is checkpointed and handed over (its key is used); a
    damaged or missing one is simply moved aside by the swap. Any other failure to open a database
    that is there (a wrong passphrase) stops here, before anything was replaced.
    """
    data_dir = Path(data_dir)
    current: Store | None
    try:
        current = Store.open(data_dir, passphrase)
    except StoreDamaged:
        current = None
    except StoreError:
        if (data_dir / "ledger.db").exists():
            raise
        current = None
    return Ledger(restore_backup(data_dir, info, store=current, passphrase=passphrase))


def restore_closed(data_dir: Path, info: BackupInfo, passphrase: str) -> Ledger:
    """Replace the data by backup ``info`` while no ledger is open (the window locked itself first,
    or the data was found damaged): ``passphrase`` unlocks the key file or, when that is damaged or
    missing, the backup's own copy of it. Wrong passphrases count towards the unlock delay."""
    return Ledger(restore_backup(Path(data_dir), info, passphrase=passphrase))


def damaged_set(data_dir: Path) -> AsideSet | None:
    """The newest damaged database moved aside (what salvage works from), or None."""
    return latest_damaged(Path(data_dir))


def salvage_export(data_dir: Path, passphrase: str, out: Path) -> SalvageReport:
    """Every readable record of the damaged data, written to ``out`` in the export format."""
    damaged = damaged_set(data_dir)
    if damaged is None:
        raise NothingToSalvage()
    _key_file, db_key = unlock_key(Path(data_dir), passphrase, damaged.path)
    return export_readable(damaged.path, db_key, out)


def salvage_fresh(data_dir: Path, passphrase: str) -> Ledger:
    """A new empty database under the same key and sync identity; the next sync downloads the
    branch again from head office."""
    return Ledger(fresh_from_head_office(Path(data_dir), passphrase))
