"""Checking what head office sends before it is applied.

TLS already authenticates the server, but a clerk may be told to trust a head office's own CA,
and a TLS-terminating proxy can be mis-configured. Two checks cost well under a millisecond a
change and need no extra round trip:

* every pulled revision's content must hash to its revision id (ids are content-derived, so a
  body altered in transit or at rest on the server no longer matches);
* a revision head office wrote itself (notices, roster updates) must carry head office's Ed25519
  signature, checked with the public key the device received at enrolment.

Revisions written by other devices of the branch were verified by head office against that
device's key; the client does not hold the other devices' keys.
"""

from __future__ import annotations

from collections.abc import Iterable

from sync.client.errors import TamperedReply
from sync.protocol.canonical import NonCanonicalValue
from sync.protocol.revisions import BadRevision, rev_of
from sync.protocol.signatures import HQ_DEVICE_ID, BadKey, BadSignature, signing_bytes, verify
from sync.protocol.wire import PulledChange


def check_pulled(changes: Iterable[PulledChange], server_public_key: str | None) -> None:
    """Raise :class:`TamperedReply` for the first change that fails a check."""
    for change in changes:
        try:
            expected = rev_of(change)
        except (BadRevision, NonCanonicalValue) as exc:
            raise TamperedReply(detail=f"{change.record_id}: {exc}") from exc
        if expected != change.rev:
            raise TamperedReply(detail=f"{change.record_id}: content does not match revision {change.rev}")
        if change.device_id is None and server_public_key:
            message = signing_bytes(
                record_id=change.record_id,
                rev=change.rev,
                parents=change.parents,
                device_id=HQ_DEVICE_ID,
                author=change.author,
                hlc=change.hlc or "",
                kind=change.kind,
            )
            try:
                verify(server_public_key, message, change.sig)
            except (BadSignature, BadKey) as exc:
                raise TamperedReply(detail=f"{change.record_id}: head-office signature does not verify") from exc
