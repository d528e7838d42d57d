"""Compact record bodies on the wire: the canonical body without the fields that hold their default.

A stored body spells out every field (a meeting's canonical JSON is about a third defaults:
``"guests":[]``, ``"format":"in_person"``, each attendee's ``"written_opinion":false`` …). On the
wire both ends can leave those out, because both know the defaults: :func:`strip` drops every
field equal to its default (recursively, through nested records and lists of them) and
:func:`expand` puts them back. Revision ids are still computed over the *full* body, so they do
not change: the receiver expands first, then hashes and checks the signature as before.

Both ends must agree on the defaults, or an expanded body would hash differently. So the table
of defaults has a fingerprint (:data:`SCHEMA_ID`, derived from the domain models); head office
announces its fingerprint, a client strips bodies only for a head office with the same one, and
a change carries the fingerprint it was stripped under (``body_schema``). A client of another
version simply sends and receives full bodies. The sender also checks that expanding what it
stripped gives back exactly the body it holds, and sends the full body otherwise.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic_core import PydanticUndefined

from domain.records import RECORD_KINDS


@dataclass(frozen=True)
class _Field:
    default: Any  # JSON form; _NO_DEFAULT when the field is required
    child: _Shape | None = None  # the nested record's shape (a record, or a list of records)
    # Left out of the full body while it holds its default (``exclude_if``: a body's ``attachments``),
    # so expand must not put it back either.
    omitted: bool = False


@dataclass(frozen=True)
class _Shape:
    fields: dict[str, _Field] = field(default_factory=dict)


_NO_DEFAULT = object()


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The record class inside ``X``, ``X | None`` or ``list[X]`` (None for anything else)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _nested_model(args[0])
    if origin is list and len(args) == 1:
        inner = args[0]
        return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None
    return None


def _shape(model: type[BaseModel]) -> _Shape:
    fields: dict[str, _Field] = {}
    for name, info in model.model_fields.items():
        if info.is_required():
            default: Any = _NO_DEFAULT
        else:
            value = info.get_default(call_default_factory=True)
            adapter: TypeAdapter[Any] = TypeAdapter(info.annotation)  # type: ignore[arg-type]
            default = adapter.dump_python(value, mode="json") if value is not PydanticUndefined else _NO_DEFAULT
        nested = _nested_model(info.annotation)
        fields[name] = _Field(default, _shape(nested) if nested else None, omitted=info.exclude_if is not None)
    return _Shape(fields)


@functools.cache
def _shapes() -> dict[str, _Shape]:
    return {kind: _shape(model) for kind, model in RECORD_KINDS.items()}


def _describe(shape: _Shape) -> dict[str, Any]:
    return {
        name: {"default": None if f.default is _NO_DEFAULT else f.default, "required": f.default is _NO_DEFAULT,
               "child": _describe(f.child) if f.child else None, **({"omitted": True} if f.omitted else {})}
        for name, f in sorted(shape.fields.items())
    }


@functools.cache
def schema_id() -> str:
    """The fingerprint of every kind's defaults: equal on two ends iff they strip and expand alike."""
    table = {kind: _describe(shape) for kind, shape in sorted(_shapes().items())}
    text = json.dumps(table, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "c1-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _same(value: Any, default: Any) -> bool:
    # Strict: JSON's false is not 0, and 0 is not 0.0 (floats never reach a canonical body anyway).
    return type(value) is type(default) and value == default


def _strip(body: dict[str, Any], shape: _Shape) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in body.items():
        spec = shape.fields.get(key)
        if spec is None:
            out[key] = value
            continue
        if spec.default is not _NO_DEFAULT and _same(value, spec.default):
            continue
        if spec.child is not None:
            if isinstance(value, dict):
                value = _strip(value, spec.child)
            elif isinstance(value, list):
                value = [_strip(v, spec.child) if isinstance(v, dict) else v for v in value]
        out[key] = value
    return out


def _expand(body: dict[str, Any], shape: _Shape) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in body.items():
        spec = shape.fields.get(key)
        if spec is not None and spec.child is not None:
            if isinstance(value, dict):
                value = _expand(value, spec.child)
            elif isinstance(value, list):
                value = [_expand(v, spec.child) if isinstance(v, dict) else v for v in value]
        out[key] = value
    for key, spec in shape.fields.items():
        if key not in out and spec.default is not _NO_DEFAULT and not spec.omitted:
            out[key] = copy.deepcopy(spec.default) if isinstance(spec.default, dict | list) else spec.default
    return out


def strip(kind: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """``body`` without its default-valued fields, or None when that would not expand back exactly
    (an unknown kind, a body that is not in full canonical form)."""
    shape = _shapes().get(kind)
    if shape is None:
        return None
    compact = _strip(body, shape)
    return compact if _expand(compact, shape) == body else None


def expand(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """The full body of a stripped one (an unknown kind is returned as it is: its hash will tell)."""
    shape = _shapes().get(kind)
    return body if shape is None else _expand(body, shape)
