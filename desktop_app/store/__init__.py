"""The encrypted local store (no Qt here): key vault, SQLCipher connection, migrations, repository."""

import logging

from desktop_app.store.envelope import RecordEnvelope, RecordSummary
from desktop_app.store.errors import (
    RecordConflicted,
    RecordFinalized,
    RecordNotFound,
    StaleRevision,
    StoreCorrupted,
    StoreError,
    StoreExists,
    StoreNotFound,
    WeakPassphrase,
    WrongPassphrase,
    WrongRecoveryKey,
)
from desktop_app.store.repository import RecordFilter
from desktop_app.store.store import Store
from desktop_app.store.vault import KdfParams

# The store logs what it found (damage, a log kept aside) for the log file the application sets up;
# without one, nothing in English is printed on a clerk's terminal (the errors carry the message).
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "KdfParams",
    "RecordConflicted",
    "RecordEnvelope",
    "RecordFilter",
    "RecordFinalized",
    "RecordNotFound",
    "RecordSummary",
    "StaleRevision",
    "Store",
    "StoreCorrupted",
    "StoreError",
    "StoreExists",
    "StoreNotFound",
    "WeakPassphrase",
    "WrongPassphrase",
    "WrongRecoveryKey",
]
