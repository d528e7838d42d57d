"""Applying a pushed page: per change, identity checks, authority, signature, revision id, body, ancestry.

The order matters. Replays are recognised first (by change id, then by device counter, then by
content-derived rev), so a retried request returns the same answers and stores nothing twice.
Authority and integrity come next; the ancestry decision (conflicts.py) is last. A refused
change is recorded, so its retry is refused the same way, and the device counter still moves
on, so one bad change never blocks the queue behind it (sync-notes F11).

Every change is still checked on its own, but the page's database work is shared (issue 15):
:func:`apply_push` reads what the page needs in a few queries (``BranchLedger.prefetch``), parses
the device's public key once, and each change's body is serialized once for its revision hash,
its size check and its stored text; the ledger writes the page with one ``executemany`` per table.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.i18n import CHINESE
from domain.records import HQ_ONLY_KINDS, RECORD_KINDS, SCHEMA_VERSION
from domain.validation import parse_body
from sync.protocol.canonical import NonCanonicalValue
from sync.protocol.errors import known, server_text, with_detail
from sync.protocol.revisions import BadRevision, rev_and_text_of
from sync.protocol.signatures import BadKey, BadSignature, load_public_key, signing_bytes, verify_with
from sync.protocol.wire import Change, ChangeResult
from sync.server.conflicts import Head, decide
from sync.server.devices import Device
from sync.server.findings import rule_findings
from sync.server.ledger import BranchLedger, NewRevision, PageView, body_text

MAX_BODY_CHARS = 1024 * 1024


def _result(
    change: Change,
    status: str,
    *,
    seq: int | None = None,
    head: Head | None = None,
    code: str | None = None,
    message: str | None = None,
    reason: str | None = None,
    params: dict[str, str | int | float] | None = None,
) -> ChangeResult:
    return ChangeResult(
        change_id=change.change_id,
        counter=change.counter,
        record_id=change.record_id,
        rev=change.rev,
        status=status,  # type: ignore[arg-type]
        seq=seq,
        current_rev=head.current_rev if head else None,
        conflicted=head.conflicted if head else False,
        leaves=list(head.leaves) if head else [],
        code=code,
        message=message,
        reason=reason,
        params=params,
    )


def _reject(
    ledger: BranchLedger, device: Device, change: Change, code: str, detail: str = ""
) -> ChangeResult:
    # A detail that is a message key (sync/protocol/errors.py) is the reason; any other is shown as sent.
    reason = detail if known(detail) else None
    params: dict[str, str | int | float] | None = {"detail": detail} if detail and reason is None else None
    message = server_text(reason) if reason else with_detail(server_text(code), detail, CHINESE)
    ledger.reject(
        change_id=change.change_id,
        device_id=device.device_id,
        counter=change.counter,
        record_id=change.record_id,
        rev=change.rev,
        code=code,
        message=message,
    )
    return _result(change, "rejected", code=code, message=message, reason=reason, params=params)


def _check_content(
    change: Change, device: Device, key: Ed25519PublicKey | None
) -> tuple[str, str] | str | None:
    """Authority and integrity of a change that is new to the server.

    ``(code, detail)`` when refused; else the body as head office stores it (``body_text``), or
    None for a change without a body. ``key`` is the device's parsed key (None: it does not parse).
    """
    if change.kind not in RECORD_KINDS:
        return "unknown_kind", change.kind
    if change.kind in HQ_ONLY_KINDS:
        return "hq_only", ""
    if change.base_rev is not None and change.base_rev not in change.parents:
        return "bad_rev", "base_not_parent"
    try:
        expected, text = rev_and_text_of(change)
    except (BadRevision, NonCanonicalValue) as exc:
        return "bad_rev", str(exc)
    if expected != change.rev:
        return "bad_rev", ""
    message = signing_bytes(
        record_id=change.record_id,
        rev=change.rev,
        parents=change.parents,
        device_id=device.device_id,
        author=change.author,
        hlc=change.hlc,
        kind=change.kind,
    )
    if key is None:
        return "bad_signature", ""
    try:
        verify_with(key, message, change.sig)
    except (BadSignature, BadKey):
        return "bad_signature", ""
    if text is None and change.body is not None:
        text = body_text(change.body)  # not yet NFC: stored as sent, hashed normalized (as before)
    return text


def _check_body(ledger: BranchLedger, change: Change, text: str | None) -> tuple[str, str] | list[dict[str, str]]:
    """Schema errors refuse the change; rule findings are only kept for the audit view.

    Head office does not enforce rule errors: its context (roster, settings) may lag the device's,
    and the device's repository already refused error-level rule violations at save time.
    """
    if change.body is None:
        if change.deleted:
            return []
        return "invalid_body", "empty_body"
    if len(text or "") > MAX_BODY_CHARS:
        return "too_large", ""
    if change.schema_version > SCHEMA_VERSION:
        return []  # a newer client's schema: kept verbatim, shown as 需升级客户端 (issue 13)
    parsed, violations = parse_body(change.kind, change.body)
    if parsed is None:
        return "invalid_body", "；".join(v.message for v in violations[:5])
    return rule_findings(ledger, change.kind, parsed, final=change.status == "final")


@functools.lru_cache(maxsize=4096)
def _parsed_key(public_key: str) -> Ed25519PublicKey | None:
    """A device key parsed once per process, not once per request: parsing includes the
    small-order check (weakkeys.py, pure Python), which cost more than the page's signatures."""
    try:
        return load_public_key(public_key)
    except BadKey:
        return None  # every signature then fails: bad_signature, as verify() would say


def _device_key(device: Device) -> Ed25519PublicKey | None:
    return _parsed_key(device.public_key)


def apply_push(ledger: BranchLedger, device: Device, changes: Sequence[Change]) -> list[ChangeResult]:
    """Apply ``changes`` (in the order given: the caller sorts by counter) from ``device``.

    The ledger must hold the branch lock; the caller flushes it. One change's refusal never
    affects another's outcome except as the sequential rules say (a later replay of it, say).
    """
    view = ledger.prefetch(
        device.device_id,
        [c.change_id for c in changes],
        [c.counter for c in changes],
        [c.record_id for c in changes],
    )
    key = _device_key(device) if changes else None
    return [_apply(ledger, view, device, key, change) for change in changes]


def apply_change(ledger: BranchLedger, device: Device, change: Change) -> ChangeResult:
    """Apply one change from ``device`` (whose branch ``ledger`` has locked): a page of one."""
    return apply_push(ledger, device, [change])[0]


def _apply(
    ledger: BranchLedger, view: PageView, device: Device, key: Ed25519PublicKey | None, change: Change
) -> ChangeResult:
    stored = view.stored.get(change.change_id)
    if stored is not None:
        return _result(change, "duplicate", seq=stored, head=view.heads.get(change.record_id))
    refused = view.refused.get(change.change_id)
    if refused is not None:
        return _result(change, "rejected", code=refused[0], message=refused[1])
    if change.counter in view.counters:
        # The same counter with a different change id: the device reused a counter (a client bug,
        # e.g. a restored backup). Refuse without recording, since (device, counter) is taken.
        return _result(change, "rejected", code="counter_reused", message=server_text("counter_reused"))

    content = _check_content(change, device, key)
    if isinstance(content, tuple):
        return _reject(ledger, device, change, *content)
    text = content
    head = view.heads.get(change.record_id)  # this branch's record of that id (ids are per branch)
    same_rev = view.revs.get(change.record_id, {}).get(change.rev)
    if same_rev is not None:
        # An identical edit made elsewhere (or earlier under another change id) is the same revision.
        return _result(change, "duplicate", seq=same_rev, head=head)
    checked = _check_body(ledger, change, text)
    if isinstance(checked, tuple):
        return _reject(ledger, device, change, *checked)

    decision = decide(
        head,
        record_id=change.record_id,
        branch_id=ledger.branch_id,
        kind=change.kind,
        rev=change.rev,
        parents=change.parents,
        status=change.status,
        deleted=change.deleted,
        known_revs=view.known_revs(change.record_id) if head else set(),
    )
    if decision.outcome == "rejected" or decision.head is None:
        return _reject(ledger, device, change, decision.code or "invalid_body")
    seq = ledger.store(
        NewRevision(
            record_id=change.record_id,
            rev=change.rev,
            kind=change.kind,
            parents=change.parents,
            deleted=change.deleted,
            status=change.status,
            schema_version=change.schema_version,
            body=change.body,
            hlc=change.hlc,
            device_time=change.device_time,
            author=change.author,
            device_id=device.device_id,
            change_id=change.change_id,
            counter=change.counter,
            sig=change.sig,
            violations=checked or None,
        ),
        head,
        decision.head,
        text=text,
    )
    return _result(change, decision.outcome, seq=seq, head=decision.head)
