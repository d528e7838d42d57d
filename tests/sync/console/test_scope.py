"""A user scoped to an org subtree gets nothing outside it — from any page or endpoint, by URL too.

Every console route of the running app is tried with the ids of another subtree's branch, record
and notice (and the queries that take an org or a text); the other subtree's names and texts
must never appear, and each such request is answered like something that does not exist.
"""

from __future__ import annotations

import re
from typing import Any

from sync.server.console.users import add_user
from tests.sync.console.conftest import PASSWORD, Browserless
from tests.sync.hq import HeadOfficeFixture, meeting

SECRET = "矿区绝密议题"


def _seed(console: HeadOfficeFixture) -> dict[str, str]:
    """b3 (under c2) holds a record, a member and a notice that c's reviewer must never see."""
    device = console.device("b3")
    device.state.create("branch_profile", {"name": "第三支部"})
    member = device.state.create("member", {"name": "矿区党员甲"})
    record = device.state.create("meeting", meeting(f"第三支部{SECRET}", discussion=SECRET))
    device.state.finalize(record)
    device.sync()
    console.publisher().publish_notice(target="b3", title="矿区专用通知", body="只发第三支部", issued_on=__import__(
        "datetime").date(2026, 11, 1), issuer="矿区二级党委", requires_ack=True, author="总部:t")
    own = console.device("b1")
    own.state.create("branch_profile", {"name": "第一支部"})
    own.sync()
    admin = Browserless(console.base_url)
    admin.login("admin")
    notices = admin.get("/console/notices").text
    key = re.search(r'/console/notices/([0-9a-f]{32})">矿区专用通知', notices)
    assert key is not None
    return {"branch_id": "b3", "record_id": record, "member_id": member, "key": key[1],
            "device": device.state.device_id}


def _routes(routes: list[Any]) -> list[Any]:
    """Every route, looking inside included routers (FastAPI keeps them nested)."""
    out = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        out.extend(_routes(inner.routes) if inner is not None else [route])
    return out


def _console_paths(console: HeadOfficeFixture, ids: dict[str, str]) -> list[str]:
    app = console.server.server.config.app
    paths = []
    for route in _routes(app.routes):
        path = getattr(route, "path", "")
        methods = getattr(route, "methods", None) or set()
        if not path.startswith("/console") or "GET" not in methods or path.startswith("/console/static"):
            continue
        for fmt in ("csv", "xlsx") if "{fmt}" in path else ("",):
            concrete = (path.replace("{branch_id}", ids["branch_id"]).replace("{record_id}", ids["record_id"])
                        .replace("{key}", ids["key"]).replace("{fmt}", fmt).replace("{rest:path}", "branches/b3")
                        .replace("{name}", "x"))
            paths.append(concrete)
    return sorted(set(paths))


def test_scoped_reviewer_sees_nothing_of_another_subtree(console: HeadOfficeFixture, user: Any) -> None:
    ids = _seed(console)
    reviewer = user("shen")  # scoped to 林业二级党委 (c): b1, b2
    paths = _console_paths(console, ids)
    assert "/console/branches/b3/records/" + ids["record_id"] in paths and len(paths) >= 15
    extra = ["/console/matrix?org=c2", "/console/matrix?org=b3", f"/console/search?q={SECRET}",
             "/console/search?q=矿区党员甲", f"/console/branches/b3/records/{ids['member_id']}",
             f"/console/branches/b1/records/{ids['record_id']}", "/console/branches/b3?q=矿区",
             "/console/reviews?status=unreviewed", "/console/notices", "/console/matrix.csv?org=c2"]
    for path in [*paths, *extra]:
        reply = reviewer.get(path)
        body = reply.content.decode("utf-8", "replace")
        for leak in (SECRET, "第三支部", "矿区党员甲", "矿区专用通知", ids["record_id"]):
            if leak in path:
                body = body.replace(leak, "")  # the search box shows what was typed
            assert leak not in body, f"{path} leaks {leak!r}"
        assert reply.status_code in (200, 403, 404), (path, reply.status_code)
        if ids["record_id"] in path or "b3" in path or ids["key"] in path or "org=c2" in path:
            assert reply.status_code == 404, (path, reply.status_code)
    # Writes that name another subtree's things are refused the same way, and change nothing.
    assert reviewer.post(f"/console/branches/b3/records/{ids['record_id']}/review",
                         {"decision": "returned", "comment": "越权"}).status_code == 404
    assert reviewer.post("/console/roster", {"branch": "b3"},
                         files={"file": ("r.csv", "姓名\n某人\n".encode())}).status_code == 404
    refused = reviewer.post("/console/notices", {"target": "c2", "title": "越权通知"})
    assert refused.status_code == 400
    assert "越权通知" not in Browserless_admin(console).get("/console/notices").text


def Browserless_admin(console: HeadOfficeFixture) -> Browserless:
    admin = Browserless(console.base_url)
    admin.login("admin")
    return admin


def test_scoped_admin_manages_only_its_subtree(console: HeadOfficeFixture, user: Any) -> None:
    ids = _seed(console)
    console.office.call(add_user, "mine-admin", "admin", PASSWORD, org="c")
    admin = user("mine-admin")
    assert "第三支部" not in admin.get("/console/devices").text
    assert "kan" not in admin.get("/console/users").text, "accounts of another subtree are not listed"
    assert "第三支部" not in admin.get("/console/orgs").text
    assert admin.post("/console/devices", {"action": "revoke", "device_id": ids["device"]}).status_code == 404
    assert admin.post("/console/devices", {"action": "enrol_code", "branch": "b3"}).status_code == 404
    made = admin.post("/console/users", {"action": "add", "name": "escalate", "role": "admin", "password": PASSWORD,
                                         "org": ""})
    assert made.status_code == 200
    listed = admin.get("/console/users").text
    assert "escalate" in listed and "全部组织" not in listed.split("escalate", 1)[1].split("</tr>", 1)[0], \
        "a scoped admin cannot create an account above its own subtree"
    audit = admin.get("/console/audit").text
    assert "mine-admin" in audit and ">admin<" not in audit


def test_viewer_cannot_review_or_send(console: HeadOfficeFixture, user: Any) -> None:
    ids = _seed(console)
    viewer = user("kan")  # 查看, scoped to c2 (b3)
    assert SECRET in viewer.get(f"/console/branches/b3/records/{ids['record_id']}").text
    refused = viewer.post(f"/console/branches/b3/records/{ids['record_id']}/review", {"decision": "approved"})
    assert refused.status_code == 403
    assert viewer.post("/console/notices", {"target": "c2", "title": "x"}).status_code == 403
    assert viewer.get("/console/users").status_code == 403
    assert viewer.get("/console/roster").status_code == 403
