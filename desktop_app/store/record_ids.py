"""The one rule for record ids, checked where ids enter the store: import, create and pull.

It is the wire format's own rule (``sync.protocol.wire.Id``: 1–64 characters of ``A-Za-z0-9_.:-``)
applied through the same pydantic type, so nothing the store accepts can later fail to sync. An id
like ``党员-001`` used to be accepted by import and then stopped every later sync (issue 11).
"""

from __future__ import annotations

from pydantic import TypeAdapter, ValidationError

from desktop_app.store.errors import InvalidRecordId
from domain.i18n import t
from sync.protocol.wire import Id

_ID: TypeAdapter[str] = TypeAdapter(Id)


def is_valid_record_id(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        _ID.validate_python(value)
    except ValidationError:
        return False
    return True


def invalid_id_message(value: object) -> str:
    shown = str(value)
    shown = shown if len(shown) <= 40 else shown[:40] + "…"
    return t("记录编号“{shown}”不符合同步格式：只能使用英文字母、数字和 _ . : -，最长 64 个字符", shown=shown)


def check_record_id(value: object) -> str:
    """``value`` if it is a valid record id, else :class:`InvalidRecordId` (Chinese message)."""
    if not is_valid_record_id(value):
        raise InvalidRecordId(invalid_id_message(value), detail=repr(value)[:100])
    assert isinstance(value, str)
    return value
