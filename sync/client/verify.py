"""Checking what head office sends before it is applied.

TLS already authenticates the server, but a clerk may be told to trust a head office's own CA,
and a TLS-terminating proxy can be mis-configured or hostile. Every pulled revision is checked,
whoever claims to have written it:

* its content must hash to its revision id (ids are content-derived, so a body altered in
  transit or at rest on the server no longer matches);
* it must carry head office's *attestation* (``hq_sig``: head office's Ed25519 signature over
  this branch, the record, the revision and its claimed writer — ``signatures.attestation_bytes``),
  checked with the key this device trusts. Before protocol 1's attestation only items without a
  ``device_id`` were checked, so a rogue server could plant an unsigned "head-office" notice by
  giving it any device id; now nothing unattested is applied;
* a head-office kind (a notice) must not claim a branch device as its writer.

The trusted key is the one received at enrolment, replaced only by following head office's
rotation chain, each link signed by the key it replaces (:func:`follow_rotation`).
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.records import HQ_ONLY_KINDS
from sync.client.errors import TamperedReply
from sync.protocol.canonical import NonCanonicalValue
from sync.protocol.revisions import BadRevision, rev_of
from sync.protocol.signatures import (
    HQ_DEVICE_ID,
    BadKey,
    BadSignature,
    attestation_bytes,
    rotation_bytes,
    verify,
)
from sync.protocol.wire import PulledChange, ServerKeys


def check_pulled(changes: Iterable[PulledChange], server_public_key: str | None, branch_id: str = "") -> None:
    """Raise :class:`TamperedReply` for the first change that fails a check.

    ``server_public_key`` None means the device never enrolled (nothing to check against): only
    the content check runs.
    """
    for change in changes:
        try:
            expected = rev_of(change)
        except (BadRevision, NonCanonicalValue) as exc:
            raise TamperedReply(detail=f"{change.record_id}: {exc}") from exc
        if expected != change.rev:
            raise TamperedReply(detail=f"{change.record_id}: content does not match revision {change.rev}")
        if server_public_key is None:
            continue
        if change.kind in HQ_ONLY_KINDS and change.device_id not in (None, HQ_DEVICE_ID):
            claim = f"a head-office {change.kind} claims device {change.device_id}"
            raise TamperedReply(detail=f"{change.record_id}: {claim}")
        message = attestation_bytes(
            branch_id=branch_id,
            record_id=change.record_id,
            rev=change.rev,
            parents=change.parents,
            device_id=change.device_id,
            author=change.author,
            hlc=change.hlc or "",
            kind=change.kind,
        )
        try:
            verify(server_public_key, message, change.hq_sig)
        except (BadSignature, BadKey) as exc:
            raise TamperedReply(detail=f"{change.record_id}: head office's attestation does not verify") from exc


def follow_rotation(trusted: str, keys: ServerKeys) -> str:
    """The key to trust after head office rotated from ``trusted``: walk the chain, link by link.

    Each link must be signed by the key it hands over from, starting with ``trusted``; a chain
    that does not lead from ``trusted`` to ``keys.current`` is refused (:class:`TamperedReply`).
    """
    current = trusted
    links = {link.previous: link for link in keys.chain}
    seen: set[str] = set()
    while current != keys.current:
        link = links.get(current)
        if link is None or current in seen:
            raise TamperedReply(detail="head office's new key is not handed over by the key this device trusts")
        seen.add(current)
        try:
            verify(current, rotation_bytes(previous=link.previous, next_key=link.next, at=link.at), link.sig)
        except (BadSignature, BadKey) as exc:
            raise TamperedReply(detail="a link of head office's key rotation chain does not verify") from exc
        current = link.next
    return current
