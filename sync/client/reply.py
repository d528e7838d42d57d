"""Reading a sync reply change by change, so one bad change never blocks the rest (issue 11).

The envelope (cursor, epoch, results, checksum) must be well-formed, or nothing of the reply is
used. Each pulled change is then validated on its own — including the record id, against the same
rule the device applies where ids enter its store — and a change that fails is set aside as a
:class:`~sync.client.state.QuarantinedChange` (kept verbatim, shown to the clerk) while the others
are applied. Tampering (content that does not hash to its revision, a bad head-office signature)
is a different matter and still refuses the whole reply (verify.py).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter, ValidationError

from domain.i18n import t
from sync.client import errors
from sync.client.state import QuarantinedChange
from sync.protocol.wire import Id, PulledChange, SyncResponse

_ID: TypeAdapter[str] = TypeAdapter(Id)


def parse_reply(data: Any) -> tuple[SyncResponse, list[QuarantinedChange]]:
    """The reply with only the changes that can be applied, and those that cannot."""
    if not isinstance(data, dict):
        raise errors.RequestRejected(t("总部应答格式不正确"), detail="reply is not a JSON object", code="bad_reply")
    raw_changes = data.get("changes", [])
    if not isinstance(raw_changes, list):
        raise errors.RequestRejected(t("总部应答格式不正确"), detail="changes is not a list", code="bad_reply")
    try:
        reply = SyncResponse.model_validate({**data, "changes": []})
    except ValidationError as exc:
        raise errors.RequestRejected(t("总部应答格式不正确"), detail=str(exc)[:300], code="bad_reply") from exc
    good: list[PulledChange] = []
    bad: list[QuarantinedChange] = []
    for raw in raw_changes:
        change, problem = _one(raw)
        if change is not None:
            good.append(change)
        else:
            assert problem is not None
            bad.append(problem)
    reply.changes = good
    for result in reply.results:
        if result.status == "rejected":  # kept with the change and shown later: in the clerk's language
            result.message = errors.shown(result.code, result.reason, result.params, result.message)
    return reply, bad


def _one(raw: Any) -> tuple[PulledChange | None, QuarantinedChange | None]:
    record_id = str(raw.get("record_id", ""))[:200] if isinstance(raw, dict) else ""
    kind = str(raw.get("kind", ""))[:40] if isinstance(raw, dict) else ""
    try:
        change = PulledChange.model_validate(raw)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:5])
        reason = t("上级党委发来的一条修改格式不正确（{fields}），本机未接收，其余内容已同步。", fields=fields)
        return None, QuarantinedChange(record_id, kind, "invalid_change", reason, _payload(raw))
    try:
        _ID.validate_python(change.record_id)
    except ValidationError:
        shown = change.record_id if len(change.record_id) <= 40 else change.record_id[:40] + "…"
        reason = t("上级党委发来的记录编号“{shown}”不符合同步格式，本机未接收，其余内容已同步。", shown=shown)
        return None, QuarantinedChange(record_id, kind, "invalid_id", reason, _payload(raw))
    return change, None


def _payload(raw: Any) -> str:
    """The change as received, kept with a quarantined one (serialized only for those: issue 15)."""
    try:
        return json.dumps(raw, ensure_ascii=False)[:2_000_000]
    except (TypeError, ValueError):
        return repr(raw)[:2_000_000]
