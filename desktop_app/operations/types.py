"""The values operations take and return (records, summaries, filters, conflicts, backups), for
callers that name them in type hints or build a filter — without importing the store package."""

from desktop_app.store import RecordEnvelope, RecordFilter, RecordSummary
from desktop_app.store.backups import BackupConfig, BackupInfo
from desktop_app.store.buffers import EditorBuffer
from desktop_app.store.envelope import HistoryEntry
from desktop_app.store.refused import RefusedEdit
from desktop_app.store.sync_state import Conflict, ConflictVersion, SyncStatus

__all__ = [
    "BackupConfig",
    "BackupInfo",
    "Conflict",
    "ConflictVersion",
    "EditorBuffer",
    "HistoryEntry",
    "RecordEnvelope",
    "RecordFilter",
    "RecordSummary",
    "RefusedEdit",
    "SyncStatus",
]
