"""The failures operations raise, for callers that must tell them apart (the UI, the CLI).

One import place, so a view names the failure it handles without reaching into the store
package. Every one carries a user ``message`` (see :func:`desktop_app.ui.dialogs.error_text`).
"""

from desktop_app.operations.ledger import StoreLocked
from desktop_app.store.errors import (
    BackupError,
    DiskFull,
    ReadOnlyMedia,
    RecordConflicted,
    RecordFinalized,
    RecordNotFound,
    StaleRevision,
    StoreCorrupted,
    StoreDamaged,
    StoreError,
    StoreNotFound,
    UnlockThrottled,
    WrongPassphrase,
    WrongRecoveryKey,
)
from desktop_app.store.io_errors import translate as medium_error
from desktop_app.store.sync_state import NotConflicted

__all__ = [
    "BackupError",
    "DiskFull",
    "NotConflicted",
    "ReadOnlyMedia",
    "RecordConflicted",
    "RecordFinalized",
    "RecordNotFound",
    "StaleRevision",
    "StoreCorrupted",
    "StoreDamaged",
    "StoreError",
    "StoreLocked",
    "StoreNotFound",
    "UnlockThrottled",
    "WrongPassphrase",
    "WrongRecoveryKey",
    "medium_error",
]
