"""The audit log: every action a console user takes that changes something or takes data away.

Logins (and failed ones), logouts, exports and prints, reviews, notices and rosters sent down,
device revocations, org and user changes. Written in the same transaction as the action itself,
so an action is never done without its entry. A 管理员 reads it on the console's 审计日志 page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select

from domain.i18n import N_, t
from sync.server.console.tables import console_audit
from sync.server.timeutil import now_text

ACTION_LABELS: dict[str, str] = {
    "login": N_("登录"),
    "login_failed": N_("登录失败"),
    "login_throttled": N_("登录受限"),
    "logout": N_("退出"),
    "export": N_("导出"),
    "print": N_("打印"),
    "approve": N_("审核通过"),
    "return": N_("退回修改"),
    "notice": N_("发布通知"),
    "roster": N_("下发名册"),
    "revoke": N_("停用设备"),
    "enrol_code": N_("生成注册码"),
    "org_add": N_("新建组织"),
    "user_add": N_("新建用户"),
    "user_change": N_("修改用户"),
    "password": N_("修改密码"),
    "profiles_merge": N_("合并支部信息"),
}


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    user_name: str
    action: str
    target: str
    detail: str
    address: str

    @property
    def action_label(self) -> str:
        return action_label(self.action)


def action_label(action: str) -> str:
    """登录 / Signed in: an audit action in the reader's language (ACTION_LABELS are the sources)."""
    return t(ACTION_LABELS[action]) if action in ACTION_LABELS else action


def record_target(branch_id: str, record_id: str) -> str:
    """How an entry names a record: branch and id (ids are per branch, either alone is ambiguous)."""
    return f"{branch_id}/{record_id}"


def record(conn: Connection, user_name: str, action: str, target: str = "", detail: Any = "",
           address: str = "") -> None:
    text = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False, sort_keys=True)
    conn.execute(insert(console_audit).values(at=now_text(), user_name=user_name[:100], action=action,
                                              target=target[:200], detail=text[:4000], address=address[:64]))


def entries(conn: Connection, *, limit: int = 100, offset: int = 0, action: str | None = None,
            user_name: str | None = None, user_names: list[str] | None = None) -> tuple[list[AuditEntry], int]:
    query = select(console_audit)
    count = select(func.count()).select_from(console_audit)
    if user_names is not None:
        query = query.where(console_audit.c.user_name.in_(user_names or [""]))
        count = count.where(console_audit.c.user_name.in_(user_names or [""]))
    if action:
        query = query.where(console_audit.c.action == action)
        count = count.where(console_audit.c.action == action)
    if user_name:
        query = query.where(console_audit.c.user_name == user_name)
        count = count.where(console_audit.c.user_name == user_name)
    rows = conn.execute(query.order_by(console_audit.c.id.desc()).limit(limit).offset(offset)).all()
    total = int(conn.execute(count).scalar_one())
    return [AuditEntry(r.id, r.at, r.user_name, r.action, r.target, r.detail, r.address) for r in rows], total
