"""The encrypted local store (no Qt here): key vault, SQLCipher connection, migrations, repository."""

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
