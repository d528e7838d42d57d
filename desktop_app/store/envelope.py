"""What callers get back from the store: a record with its identity, state and times."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.enums import RecordStatus
from domain.records import RecordBody
from domain.violations import Violation


@dataclass(frozen=True)
class RecordEnvelope:
    """A record's current version.

    ``created_at``/``updated_at`` are when the clerk recorded it on this device (UTC, device
    clock); ``synced_at`` is when head office confirmed it. The meeting's own time is in the body.
    """

    record_id: str
    kind: str
    rev: str
    status: RecordStatus
    body: RecordBody
    created_at: str
    updated_at: str
    synced_at: str | None = None
    conflicted: bool = False
    deleted: bool = False
    origin: str = "local"
    warnings: list[Violation] = field(default_factory=list)

    @property
    def is_final(self) -> bool:
        return self.status is RecordStatus.FINAL


@dataclass(frozen=True)
class RecordSummary:
    """One row of a list: index columns only, no body."""

    record_id: str
    kind: str
    title: str
    event_date: str | None
    subtype: str | None
    party_group: str | None
    status: RecordStatus
    conflicted: bool
    updated_at: str
    synced_at: str | None
    pending: bool = False

    @property
    def shown_title(self) -> str:
        """``title`` as the lists show it, in the shown language (an evaluation's is built from its
        period and score; every other title is the clerk's own text)."""
        from desktop_app.store.indexing import shown_title

        return shown_title(self.kind, self.title)


@dataclass(frozen=True)
class HistoryEntry:
    op: str
    before_rev: str | None
    after_rev: str | None
    hlc: str
    device_id: str
    author: str
    at: str
