"""The ledger's own settings and keys: the clerk's name in history, the passphrase, the recovery
key, and what opening the ledger found — 设置 and the first-run wizard, and the notices shown on
unlock. Nothing here is a record, so the change sets are empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_app.operations.ledger import Ledger, StoreLocked
from desktop_app.store import WrongPassphrase
from desktop_app.store.vault import MIN_PASSPHRASE_CHARS

__all__ = ["MIN_PASSPHRASE_CHARS", "OpeningNotices", "change_passphrase", "confirm_recovery_key", "data_dir",
           "opening_notices", "reissue_recovery_key", "set_clerk_name", "verify_passphrase"]


@dataclass(frozen=True)
class OpeningNotices:
    """What the clerk must be told after unlocking."""

    pending_recovery_key: str | None  # never confirmed as written down: show it again
    key_warnings: list[str]
    kept_aside: str | None  # a database log that did not replay completely, kept here
    commits_lost: int


def data_dir(ledger: Ledger) -> Path:
    return ledger.store.data_dir  # fixed for the store's life: no lock needed


def set_clerk_name(ledger: Ledger, name: str) -> None:
    """Who history names as the author of this device's writes ("" = unnamed)."""
    with ledger.guard() as store, store.transaction():
        store.meta.set("clerk_name", name.strip() or None)


def verify_passphrase(ledger: Ledger, passphrase: str) -> bool:
    """Whether ``passphrase`` unwraps the key (Argon2id: seconds). It reads the key file only, so it
    runs without the lock and the window stays responsive; a locked ledger refuses."""
    if ledger.closed:
        raise StoreLocked()
    return ledger.store.verify_passphrase(passphrase)


def change_passphrase(ledger: Ledger, current: str, new: str) -> None:
    """Rewrap the key under ``new`` — only for a clerk who proves the current one (a walk-up
    attacker must not change it). The rewrap runs under the guard."""
    if not verify_passphrase(ledger, current):
        raise WrongPassphrase()
    with ledger.guard() as store:
        store.change_passphrase(new)


def confirm_recovery_key(ledger: Ledger) -> None:
    """The clerk wrote the recovery key down: it leaves the database (until now it is shown again)."""
    with ledger.guard() as store:
        store.confirm_recovery_key()


def reissue_recovery_key(ledger: Ledger) -> str:
    """A new recovery key (the old one stops working); pending until confirmed."""
    with ledger.guard() as store:
        return store.reissue_recovery_key()


def opening_notices(ledger: Ledger) -> OpeningNotices:
    with ledger.guard() as store:
        report = store.open_report.wal
        return OpeningNotices(store.pending_recovery_key(), list(store.key_warnings), store.kept_aside,
                              report.commits_lost if report else 0)
