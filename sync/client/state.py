"""What the sync engine needs from the device's replica (the encrypted store or a test replica).

The contract that makes sync safe lives here, not in the engine:

* :meth:`SyncState.apply_reply` commits, in ONE local transaction, the per-change results, the
  pulled revisions and the new cursor (sync-notes F1). An outbox entry leaves only on
  ``accepted``/``duplicate``/``conflict`` (all three mean head office holds the revision);
  ``rejected`` keeps it, marked, with the reason (F2, F11).
* A pulled revision never overwrites a record with pending outbox entries: it is stored as the
  server head and the record becomes a conflict the clerk resolves (F13).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sync.protocol.signatures import SigningKey
from sync.protocol.wire import Change, SyncResponse


@dataclass(frozen=True)
class Credentials:
    """What enrolment leaves on the device (kept inside the encrypted database)."""

    base_url: str
    device_id: str
    token: str
    branch_id: str
    branch_name: str
    server_public_key: str  # the head-office key this device trusts (changes only along the rotation chain)
    ca_bundle: str | None = None
    token_expires_at: str | None = None
    # What head office last announced (sync.client.transport): the request codings it accepts and
    # its compact-body fingerprint. Kept so the first request of the next sync already uses them.
    encodings: list[str] | None = None
    compact: str | None = None
    protocol: int | None = None  # the highest sync protocol head office announced (versions.py)


@dataclass
class ApplyOutcome:
    accepted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0
    pulled: int = 0
    quarantined: int = 0
    new_conflicts: list[str] = field(default_factory=list)  # record ids now conflicted


@dataclass(frozen=True)
class QuarantinedChange:
    """A pulled change the device cannot accept (e.g. a record id outside the wire format): kept
    verbatim with a reason (in the language shown when it came), shown to the clerk, while the rest of
    the page is applied."""

    record_id: str
    kind: str
    code: str
    message: str
    payload: str  # the change as received, JSON


class SyncState(Protocol):
    device_id: str

    def signing_key(self) -> SigningKey: ...

    def credentials(self) -> Credentials | None: ...

    def update_credentials(self, creds: Credentials) -> None:
        """Store renewed credentials (a new token, a head-office key learned by rotation) durably."""
        ...

    def cursor(self) -> str | None: ...

    def hlc_now(self) -> str: ...

    def pending_changes(self, max_items: int, max_bytes: int) -> list[Change]:
        """The oldest unacknowledged, not-rejected outbox entries, in counter order."""
        ...

    # Optional: ``pending_changes_after(counter, max_items, max_bytes)`` — the same from the first
    # entry whose counter is above ``counter``. The engine then reads the page after the one in
    # flight without building that one again; without it, it reads both and skips the first.

    def pending_count(self) -> int: ...

    def apply_reply(self, sent: Sequence[Change], reply: SyncResponse,
                    quarantined: Sequence[QuarantinedChange] = ()) -> ApplyOutcome:
        """Results + pulled changes + quarantined changes + cursor + epoch, in one transaction."""
        ...

    def reject_locally(self, change_id: str, code: str, message: str) -> None:
        """Mark one outbox entry rejected without the server (e.g. too large to ever send)."""
        ...

    def requeue_unconfirmed(self) -> int:
        """Put this device's revisions that head office does not hold back into the outbox.

        Called after a verify pass (which pulls every revision head office holds, own included).
        After head office restored a backup (a new epoch) revisions accepted before the restore
        are gone there; the device still has them and pushes them again, in the order they were
        made (sync-notes §6.13). Returns how many were queued.
        """
        ...

    def server_checksum(self) -> int:
        """The checksum (sync.protocol.checksum) over this replica's copy of the server heads."""
        ...

    def record_outcome(self, *, ok: bool, at: str, error: str | None) -> None:
        """Remember the last success / last error for the sync status display."""
        ...
