"""A conflict, field by field (no widgets): which top-level fields differ, how to show each value,
and the merged body built from the clerk's choices.

Generic over the record's top-level fields, so every kind (meeting, member, 先锋岗 …) resolves
the same way; labels are the domain's Chinese field names (:func:`domain.labels.field_label`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
from domain.records import RECORD_KINDS

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


@dataclass(frozen=True)
class FieldRow:
    key: str
    label: str
    values: list[Any]  # one per version; MISSING where a version lacks the field
    differs: bool
    text_field: bool  # free text (not a code, a date or a reference): the clerk may edit the merged text


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def _empty(value: Any) -> bool:
    return value is MISSING or value is None or value == "" or value == [] or value == {} or value is False


def field_order(kind: str, bodies: Sequence[Mapping[str, Any] | None]) -> list[str]:
    """The model's field order, then any other keys the versions carry (a newer schema's)."""
    model = RECORD_KINDS.get(kind)
    keys = list(model.model_fields) if model is not None else []
    for body in bodies:
        for key in body or {}:
            if key not in keys:
                keys.append(key)
    return keys


def is_free_text(kind: str, key: str) -> bool:
    """Whether ``key`` is typed text the clerk may edit: a plain ``str`` field, not a record reference."""
    model = RECORD_KINDS.get(kind)
    info = model.model_fields.get(key) if model is not None else None
    if info is None or key.endswith(("_id", "_ids", "_rev")):
        return False
    return info.annotation is str


def field_rows(kind: str, bodies: Sequence[Mapping[str, Any] | None], *, all_fields: bool = False) -> list[FieldRow]:
    """One row per top-level field; fields empty in every version are left out unless ``all_fields``."""
    rows = []
    for key in field_order(kind, bodies):
        values = [(body or {}).get(key, MISSING) for body in bodies]
        if not all_fields and all(_empty(v) for v in values):
            continue
        normalized = [None if v is MISSING else v for v in values]
        differs = any(v != normalized[0] for v in normalized[1:])
        text = is_free_text(kind, key) and all(v is MISSING or v is None or isinstance(v, str) for v in values)
        rows.append(FieldRow(key, field_label(key), values, differs, text))
    return rows


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


def merge(
    bodies: Sequence[Mapping[str, Any] | None],
    choices: Mapping[str, int],
    edits: Mapping[str, str] | None = None,
    *,
    base: int = 0,
) -> dict[str, Any]:
    """The merged body: version ``base``, with each field in ``choices`` taken from the chosen
    version (dropped when that version lacks it) and each text in ``edits`` as the clerk typed it."""
    merged: dict[str, Any] = copy.deepcopy(dict(bodies[base] or {}))
    for key, index in choices.items():
        source = bodies[index] or {}
        if key in source:
            merged[key] = copy.deepcopy(source[key])
        else:
            merged.pop(key, None)
    for key, text in (edits or {}).items():
        merged[key] = text
    return merged
