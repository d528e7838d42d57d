"""Hostile input to the console gets a 4xx and stores nothing (SQLite and PostgreSQL).

What the device API refuses since the hardening (issue 11) — text a database cannot store (NUL,
which PostgreSQL refuses), bodies far larger than any form — must not reach the database through
the console's pages and forms either, nor through what head office publishes from them.
"""

from __future__ import annotations

import re
from typing import Any

import requests
from sqlalchemy import func, select

from sync.server.console.roster_upload import MAX_ROSTER_ROWS
from sync.server.console.tables import console_users
from sync.server.findings import branch_members
from sync.server.tables import org_units, revisions
from tests.sync.console.conftest import PASSWORD
from tests.sync.console.test_review_loop import branch_with_meeting
from tests.sync.hq import HeadOfficeFixture


def _stored(console: HeadOfficeFixture) -> tuple[int, int, int]:
    with console.office.engine.begin() as conn:
        return tuple(int(conn.execute(select(func.count()).select_from(t)).scalar_one())  # type: ignore[return-value]
                     for t in (revisions, console_users, org_units))


def test_text_a_database_cannot_store_is_refused(console: HeadOfficeFixture, new_laptop: Any, user: Any) -> None:
    laptop = new_laptop(profile={"name": "第一支部"})
    meeting, _ids = branch_with_meeting(laptop)
    laptop.sync()
    admin = user("admin")
    before = _stored(console)
    posts: list[tuple[str, dict[str, Any]]] = [
        (f"/console/branches/b1/records/{meeting}/review", {"decision": "returned", "comment": "请\x00补充"}),
        ("/console/notices", {"target": "b1", "title": "通知\x00", "body": "正文"}),
        ("/console/notices", {"target": "b1", "title": "通知", "body": "正\x00文"}),
        ("/console/users", {"action": "add", "name": "bad\x00name", "role": "viewer", "password": PASSWORD}),
        ("/console/orgs", {"name": "坏\x00支部", "kind": "branch", "parent": "c"}),
        ("/console/account", {"old": PASSWORD, "new": "新密码\x00新密码新密码", "again": "新密码\x00新密码新密码"}),
    ]
    for path, data in posts:
        reply = admin.post(path, data)
        assert reply.status_code == 400, (path, reply.status_code)
        assert "空字符" in reply.text, path
    for unit_id in ("a/b", "..", "x" * 65, "第四支部"):  # ids travel in URLs: the wire's alphabet only
        reply = admin.post("/console/orgs", {"name": "第四支部", "kind": "branch", "parent": "c", "id": unit_id})
        assert reply.status_code == 400 and "组织编号" in reply.text, unit_id
    assert _stored(console) == before, "nothing was stored"
    gets = [f"/console/branches/b1/records/{meeting}%00", "/console/branches/b1%00", "/console/notices/%00",
            "/console/search?q=%E6%9D%BE%00", "/console/branches/b1?q=a%00b", "/console/matrix?org=c%00",
            "/console/audit?action=%00"]
    for path in gets:
        reply = admin.get(path)
        assert reply.status_code in (400, 404), (path, reply.status_code)
    # The login form too (before any account is known).
    anonymous = requests.Session()
    page = anonymous.get(console.base_url + "/")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    reply = anonymous.post(console.base_url + "/login", data={"csrf": token[1], "name": "admin\x00", "password": "x"})
    assert reply.status_code == 400
    # A roster sheet with such a cell is refused with its line; nothing goes down.
    sheet = "姓名,备注\n新党员甲,正常\n新党员乙,坏\x00备注\n".encode("utf-8-sig")
    reply = admin.post("/console/roster", {"branch": "b1"}, files={"file": ("名册.csv", sheet)})
    assert reply.status_code == 400 and "第 3 行" in reply.text and "空字符" in reply.text
    assert _stored(console) == before


def test_oversized_forms_and_rosters_are_refused(console: HeadOfficeFixture, user: Any) -> None:
    admin = user("admin")
    before = _stored(console)
    anonymous = requests.Session()
    page = anonymous.get(console.base_url + "/")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    huge = anonymous.post(console.base_url + "/login",
                          data={"csrf": token[1], "name": "admin", "password": "x" * (1 << 20)})
    assert huge.status_code == 413, "an anonymous form is capped before it is parsed"
    reply = admin.post("/console/notices", {"target": "b1", "title": "大通知", "body": "字" * (1 << 20)})
    assert reply.status_code == 413
    rows = "姓名\n" + "".join(f"党员{i}\n" for i in range(MAX_ROSTER_ROWS + 1))
    reply = admin.post("/console/roster", {"branch": "b1"}, files={"file": ("名册.csv", rows.encode("utf-8"))})
    assert reply.status_code == 400 and str(MAX_ROSTER_ROWS) in reply.text
    with console.office.engine.begin() as conn:
        assert branch_members(conn, "b1") == {}
    assert _stored(console) == before
    # The limits leave ordinary use alone: a long notice and a full-size roster go through.
    assert admin.post("/console/notices", {"target": "b1", "title": "长通知", "body": "字" * 50_000}).status_code == 200
    rows = "姓名\n" + "".join(f"党员{i}\n" for i in range(MAX_ROSTER_ROWS))
    reply = admin.post("/console/roster", {"branch": "b1"}, files={"file": ("名册.csv", rows.encode("utf-8"))})
    assert reply.status_code == 200
