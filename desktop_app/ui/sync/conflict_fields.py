"""How the conflict dialog shows a value (names for member ids, labels for codes, in the UI's language).

Which fields differ and the merged body are :mod:`desktop_app.operations.conflicts` (Qt-free,
shared with ``branch-ledger conflicts``); this module is only their display.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from desktop_app.operations.conflicts import MISSING
from desktop_app.operations.conflicts import is_empty as _empty
from desktop_app.ui.i18n import enum_code_text, translate
from domain.enums import (
    AppraisalGrade,
    AttendanceStatus,
    BranchPost,
    ExclusionCategory,
    Gender,
    LabelledEnum,
    MeetingFormat,
    MeetingType,
    MembershipState,
    MemberStatus,
    PlaqueStatus,
    PostCategory,
    PostType,
    RecordStatus,
    RightsSuspension,
    VoteKind,
    VoteMethod,
)
from domain.labels import field_label

# Which code lists a field's values may come from (tried in order: codes do not overlap).
_ENUMS: dict[str, tuple[type[LabelledEnum], ...]] = {
    "meeting_type": (MeetingType,),
    "format": (MeetingFormat,),
    "status": (AttendanceStatus, MemberStatus, RecordStatus),
    "exclusion": (ExclusionCategory,),
    "kind": (VoteKind,),
    "method": (VoteMethod,),
    "grade": (AppraisalGrade,),
    "category": (PostCategory,),
    "post_type": (PostType,),
    "plaque": (PlaqueStatus,),
    "gender": (Gender,),
    "state": (MembershipState,),
    "suspension": (RightsSuspension,),
    "posts": (BranchPost,),
}
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d+)?)?$")


def display(value: Any, members: Mapping[str, Any] | None = None, key: str = "") -> str:
    """A value as the clerk reads it: names for member ids, Chinese labels for codes, one list item a line."""
    members = members or {}
    if value is MISSING or value is None:
        return ""
    if isinstance(value, bool):
        return translate("ConflictFields", "Yes") if value else translate("ConflictFields", "No")
    if isinstance(value, str):
        return _scalar(value, members, key)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Mapping):
        return " · ".join(part for part in (_part(k, v, members) for k, v in value.items()) if part)
    if isinstance(value, Sequence):
        items = [display(item, members, key) for item in value]
        if all(not isinstance(item, Mapping | list) for item in value):
            return "、".join(i for i in items if i)
        return "\n".join(f"{n}. {text}" for n, text in enumerate(items, start=1))
    return str(value)


def _scalar(value: str, members: Mapping[str, Any], key: str) -> str:
    if value in members:
        return str(getattr(members[value], "name", value))
    for enum_cls in _ENUMS.get(key, ()):
        text = enum_code_text(enum_cls, value)
        if text != value:
            return text
    match = _DATETIME.match(value)
    if match:
        return f"{match[1]} {match[2]}"
    return value


def _part(key: str, value: Any, members: Mapping[str, Any]) -> str:
    if _empty(value):
        return ""
    if isinstance(value, bool):
        return field_label(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{field_label(key)} {value}"
    return display(value, members, key)
