"""The organisation tree: 集团党委 → 二级党委/党总支 → 支部 (org_units with a parent).

Only units of kind ``branch`` (支部) own devices and records; the upper levels group branches
for notices and compliance reports.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from domain.errors import LedgerError
from domain.i18n import N_, t
from sync.server.tables import branch_state, org_units
from sync.server.timeutil import now_text

KIND_LABELS: dict[str, str] = {
    "group": N_("集团党委"),
    "committee": N_("二级党委"),
    "general_branch": N_("党总支"),
    "branch": N_("支部"),
}
# Which kinds may sit under which.
ALLOWED_PARENTS: dict[str, frozenset[str | None]] = {
    "group": frozenset({None}),
    "committee": frozenset({"group", "committee"}),
    "general_branch": frozenset({"group", "committee"}),
    "branch": frozenset({"group", "committee", "general_branch"}),
}


# An org unit's id travels in URLs (the console's /console/branches/{id}/…), cursors and
# enrolment replies: the wire's id alphabet, and never a path's "." or "..".
_UNIT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def kind_label(kind: str) -> str:
    """The name of an org kind in the shown language (``committee`` → 二级党委 / Party committee)."""
    chinese = KIND_LABELS.get(kind)
    return kind if chinese is None else t(chinese)


class OrgError(LedgerError, ValueError):
    """An org-tree operation that would make the tree invalid; ``message`` is for the admin."""


class OrgNotFound(OrgError):
    pass


@dataclass(frozen=True)
class OrgUnit:
    id: str
    name: str
    kind: str
    parent_id: str | None

    @property
    def is_branch(self) -> bool:
        return self.kind == "branch"


def _row_to_unit(row: object) -> OrgUnit:
    return OrgUnit(row.id, row.name, row.kind, row.parent_id)  # type: ignore[attr-defined]


def all_units(conn: Connection) -> list[OrgUnit]:
    rows = conn.execute(
        select(org_units.c.id, org_units.c.name, org_units.c.kind, org_units.c.parent_id)
        .order_by(org_units.c.name, org_units.c.id)
    )
    return [OrgUnit(*row) for row in rows]  # positional: a province has thousands of units


def get_unit(conn: Connection, unit_id: str) -> OrgUnit | None:
    row = conn.execute(select(org_units).where(org_units.c.id == unit_id)).first()
    return _row_to_unit(row) if row else None


def resolve_unit(conn: Connection, id_or_name: str) -> OrgUnit:
    """Find a unit by id, else by exact name (names are unique only under one parent)."""
    unit = get_unit(conn, id_or_name)
    if unit:
        return unit
    rows = conn.execute(select(org_units).where(org_units.c.name == id_or_name)).all()
    if len(rows) == 1:
        return _row_to_unit(rows[0])
    if len(rows) > 1:
        raise OrgError(t("名称“{name}”对应多个组织，请使用编号", name=id_or_name))
    raise OrgNotFound(t("找不到组织：{name}", name=id_or_name))


def resolve_branch(conn: Connection, id_or_name: str) -> OrgUnit:
    unit = resolve_unit(conn, id_or_name)
    if not unit.is_branch:
        raise OrgError(t("“{name}”是{kind}，不是支部", name=unit.name, kind=kind_label(unit.kind)))
    return unit


def add_unit(
    conn: Connection, name: str, kind: str, parent: str | None, unit_id: str | None = None
) -> OrgUnit:
    """Create a unit under ``parent`` (id or name); a branch also gets its sequence row."""
    if kind not in KIND_LABELS:
        raise OrgError(t("未知的组织类型：{kind}（可选：{choices}）", kind=kind, choices=", ".join(KIND_LABELS)))
    name = name.strip()
    if not name:
        raise OrgError(t("组织名称不能为空"))
    parent_unit = resolve_unit(conn, parent) if parent else None
    parent_kind = parent_unit.kind if parent_unit else None
    if parent_kind not in ALLOWED_PARENTS[kind]:
        if parent_kind:
            raise OrgError(t("{kind}不能设在{parent}下", kind=kind_label(kind), parent=kind_label(parent_kind)))
        raise OrgError(t("{kind}不能设为顶层组织", kind=kind_label(kind)))
    unit_id = unit_id or uuid.uuid4().hex[:12]
    if not _UNIT_ID.fullmatch(unit_id) or unit_id in (".", ".."):
        raise OrgError(t("组织编号只能由字母、数字和 {characters} 组成，最多 64 个字符", characters="_ . : -"))
    if get_unit(conn, unit_id):
        raise OrgError(t("组织编号已存在：{id}", id=unit_id))
    siblings = select(org_units.c.id).where(org_units.c.name == name)
    siblings = siblings.where(
        org_units.c.parent_id == parent_unit.id if parent_unit else org_units.c.parent_id.is_(None)
    )
    if conn.execute(siblings).first():
        raise OrgError(t("同一上级下已有名为“{name}”的组织", name=name))
    conn.execute(
        insert(org_units).values(
            id=unit_id,
            name=name,
            kind=kind,
            parent_id=parent_unit.id if parent_unit else None,
            created_at=now_text(),
        )
    )
    if kind == "branch":
        conn.execute(insert(branch_state).values(branch_id=unit_id, seq=0, checksum=0))
    return OrgUnit(unit_id, name, kind, parent_unit.id if parent_unit else None)


def subtree(units: list[OrgUnit], root_id: str) -> list[OrgUnit]:
    """``root_id`` and every unit below it, parents before children."""
    children: dict[str | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    by_id = {u.id: u for u in units}
    out: list[OrgUnit] = []
    stack = [by_id[root_id]] if root_id in by_id else []
    while stack:
        unit = stack.pop()
        out.append(unit)
        stack.extend(reversed(children.get(unit.id, [])))
    return out


def branches_under(conn: Connection, root_id: str) -> list[OrgUnit]:
    """Every branch in the subtree of ``root_id``, in id order (the lock order for fan-out)."""
    return sorted((u for u in subtree(all_units(conn), root_id) if u.is_branch), key=lambda u: u.id)


def org_path(conn: Connection, unit_id: str) -> list[str]:
    """Names from the root down to ``unit_id``."""
    names: list[str] = []
    current = get_unit(conn, unit_id)
    while current is not None:
        names.append(current.name)
        current = get_unit(conn, current.parent_id) if current.parent_id else None
    return list(reversed(names))


def render_tree(units: list[OrgUnit], extra: dict[str, str] | None = None) -> str:
    """The tree as indented text for ``org list``."""
    children: dict[str | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ids = {u.id for u in units}
    roots = [u for u in units if u.parent_id is None or u.parent_id not in ids]
    lines: list[str] = []

    def walk(unit: OrgUnit, depth: int) -> None:
        note = f"  {extra[unit.id]}" if extra and unit.id in extra else ""
        lines.append(f"{'    ' * depth}{unit.name}  [{kind_label(unit.kind)} {unit.id}]{note}")
        for child in children.get(unit.id, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return "\n".join(lines)


def tree_as_json(units: list[OrgUnit]) -> list[dict[str, object]]:
    children: dict[str | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)

    def node(unit: OrgUnit) -> dict[str, object]:
        return {
            "id": unit.id,
            "name": unit.name,
            "kind": unit.kind,
            "kind_label": KIND_LABELS[unit.kind],
            "children": [node(c) for c in children.get(unit.id, [])],
        }

    return [node(u) for u in children.get(None, [])]
