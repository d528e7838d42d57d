"""Actions of 审核员 and 管理员: reviews, notices, rosters; users, devices, orgs, the audit log.

Every POST checks the CSRF token (web.checked_form), the role, and the scope of what it names,
and writes its audit entry in the same transaction as the action (where the action is one).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from domain.i18n import N_, t
from sync.server import devices as device_store
from sync.server import orgs
from sync.server.console import audit, indexer
from sync.server.console.notices import list_notices, notice_detail
from sync.server.console.records import record_url
from sync.server.console.review import ReviewError, review
from sync.server.console.roster_upload import MAX_UPLOAD_BYTES, plan_roster
from sync.server.console.scope import OutOfScope, Scope
from sync.server.console.sessions import end_sessions_of
from sync.server.console.users import ROLE_LABELS, User, UserError, add_user, change_user, list_users
from sync.server.console.web import (
    ConsoleError,
    checked_form,
    client_address,
    not_found,
    office_of,
    redirect,
    render,
    run,
    viewer,
)
from sync.server.publish import Publisher, PublishError

router = APIRouter(prefix="/console")


def _publisher(request: Request) -> Publisher:
    office = office_of(request)
    return Publisher(office.engine, office.identity.signing_key, office.clock)


def _text(form: Any, key: str, limit: int = 500) -> str:
    value = form.get(key)
    return value.strip()[:limit] if isinstance(value, str) else ""


# ---------------------------------------------------------------------------------- review


@router.post("/branches/{branch_id}/records/{record_id}/review")
async def review_record(request: Request, branch_id: str, record_id: str) -> Response:
    who = await viewer(request, "reviewer")
    form = await checked_form(request, who)
    decision, comment = _text(form, "decision", 20), _text(form, "comment", 5000)
    publisher = _publisher(request)
    try:
        await run(request, review, publisher, who.scope, who.user, branch_id, record_id, decision, comment,
                  client_address(request))
    except ReviewError as exc:
        raise ConsoleError(400, str(exc)) from exc
    except PublishError as exc:
        raise ConsoleError(409, t("无法保存审核意见：{reason}", reason=exc)) from exc
    done = "returned" if decision == "returned" else "approved"
    return redirect(f"{record_url(branch_id, record_id)}?done={done}")


# ---------------------------------------------------------------------------------- notices


@router.get("/notices")
async def notices(request: Request) -> Response:
    who = await viewer(request)
    await run_in_threadpool(indexer.refresh, office_of(request).engine, who.scope.branch_ids)
    found = await run(request, list_notices, who.scope)
    return render(request, "notices.html", {
        "nav": "notices", "notices": found, "units": list(who.scope.units), "error": "", "form": {},
        "today": dt.date.today().isoformat(),
    }, who=who)


@router.get("/notices/{key}")
async def notice(request: Request, key: str) -> Response:
    who = await viewer(request)
    await run_in_threadpool(indexer.refresh, office_of(request).engine, who.scope.branch_ids)
    detail = await run(request, notice_detail, who.scope, key)
    return render(request, "notice.html", {"nav": "notices", "d": detail}, who=who)


@router.post("/notices")
async def publish_notice(request: Request) -> Response:
    who = await viewer(request, "reviewer")
    form = await checked_form(request, who)
    target = _text(form, "target", 64)
    title = _text(form, "title", 500)
    body = _text(form, "body", 100_000)
    issuer = _text(form, "issuer", 200)
    requires_ack = form.get("requires_ack") == "1"
    error = ""
    try:
        unit = who.scope.unit(target)
    except OutOfScope:
        error = t("请选择本账号管理范围内的发送对象")
    issued_text = _text(form, "issued_on", 10)
    try:
        issued = dt.date.fromisoformat(issued_text) if issued_text else dt.date.today()
    except ValueError:
        error = error or t("发布日期格式不正确（应为 {format}）", format="YYYY-MM-DD")
        issued = dt.date.today()
    if not title:
        error = error or t("请填写通知标题")
    if not error:
        try:
            published = await run_in_threadpool(
                lambda: _publisher(request).publish_notice(target=unit.id, title=title, body=body, issued_on=issued,
                                                           issuer=issuer, requires_ack=requires_ack,
                                                           author=f"{N_('总部')}:{who.user.name}"))
        except (PublishError, orgs.OrgError) as exc:
            error = str(exc)
        else:
            await run(request, audit.record, who.user.name, "notice", unit.id,
                      {"title": title, "branches": len(published), "requires_ack": requires_ack},
                      client_address(request))
            return redirect("/console/notices?sent=1")
    found = await run(request, list_notices, who.scope)
    return render(request, "notices.html", {
        "nav": "notices", "notices": found, "units": list(who.scope.units), "error": error,
        "form": {"title": title, "body": body, "issuer": issuer, "target": target, "requires_ack": requires_ack},
        "today": issued_text or dt.date.today().isoformat(),
    }, who=who, status=400)


# ---------------------------------------------------------------------------------- roster


@router.get("/roster")
async def roster_page(request: Request) -> Response:
    who = await viewer(request, "reviewer")
    return render(request, "roster.html", {"nav": "roster", "branches": who.scope.branches, "problems": [],
                                           "done": request.query_params.get("done", ""), "branch": ""}, who=who)


@router.post("/roster")
async def roster_upload(request: Request) -> Response:
    who = await viewer(request, "reviewer")
    form = await checked_form(request, who, max_bytes=MAX_UPLOAD_BYTES + 64 * 1024)  # the sheet and the fields
    branch_id = _text(form, "branch", 64)
    upload = form.get("file")
    try:
        unit = who.scope.branch(branch_id)
    except OutOfScope as exc:
        raise not_found() from exc
    if not isinstance(upload, UploadFile) or not upload.filename:
        problems = [(0, t("请选择要上传的 {formats} 文件", formats=".xlsx / .csv"))]
    else:
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
        plan = await run(request, plan_roster, unit.id, upload.filename, data)
        problems = plan.problems
        if not problems:
            try:
                await run_in_threadpool(lambda: _publisher(request).push_roster(
                    branch=unit.id, members=plan.members, author=f"{N_('总部')}:{who.user.name}"))
            except PublishError as exc:
                problems = [(0, str(exc))]
            else:
                await run(request, audit.record, who.user.name, "roster", unit.id,
                          {"file": upload.filename, "added": plan.added, "updated": plan.updated},
                          client_address(request))
                return redirect(f"/console/roster?done={plan.added}-{plan.updated}")
    return render(request, "roster.html", {"nav": "roster", "branches": who.scope.branches, "problems": problems,
                                           "done": "", "branch": branch_id}, who=who, status=400)


# ---------------------------------------------------------------------------------- admin: users


def _visible_users(scope: Scope, users: list[User]) -> list[User]:
    """A scoped 管理员 sees (and manages) only the accounts inside its subtree."""
    if scope.root_id is None:
        return users
    return [u for u in users if u.org_id in scope.unit_ids]


def _require_unit(scope: Scope, unit_id: str | None) -> None:
    if unit_id:
        try:
            scope.unit(unit_id)
        except OutOfScope as exc:
            raise ConsoleError(400, t("所选组织不在本账号管理范围内")) from exc


@router.get("/users")
async def users_page(request: Request) -> Response:
    who = await viewer(request, "admin")
    found = await run(request, list_users)
    return render(request, "users.html", {"nav": "users", "users": _visible_users(who.scope, found),
                                          "units": list(who.scope.units), "roles": ROLE_LABELS, "error": "",
                                          "names": who.scope.by_id}, who=who)


@router.post("/users")
async def users_change(request: Request) -> Response:
    who = await viewer(request, "admin")
    form = await checked_form(request, who)
    action = _text(form, "action", 20)
    org = _text(form, "org", 64) or None
    if who.scope.root_id is not None and org is None:
        org = who.scope.root_id  # a scoped 管理员 cannot create accounts above its own subtree
    _require_unit(who.scope, org)

    def work(conn: Any) -> str:
        try:
            if action == "add":
                user = add_user(conn, _text(form, "name", 100), _text(form, "role", 20),
                                str(form.get("password") or ""), org=org,
                                display_name=_text(form, "display_name", 100))
                audit.record(conn, who.user.name, "user_add", user.name, {"role": user.role, "org": org or ""},
                             client_address(request))
                return ""
            user_id = int(_text(form, "user_id", 20) or "0")
            target = next((u for u in list_users(conn) if u.id == user_id), None)
            if target is None or (who.scope.root_id is not None and target.org_id not in who.scope.unit_ids):
                return t("找不到该用户")
            if action == "disable":
                if target.id == who.user.id:
                    return t("不能停用自己的账号")
                change_user(conn, user_id, disabled=True)
                end_sessions_of(conn, user_id)
            elif action == "enable":
                change_user(conn, user_id, disabled=False)
            elif action == "password":
                change_user(conn, user_id, password=str(form.get("password") or ""))
                end_sessions_of(conn, user_id)
            elif action == "role":
                change_user(conn, user_id, role=_text(form, "role", 20), org=org, clear_org=org is None)
                end_sessions_of(conn, user_id)
            else:
                return t("未知操作")
            audit.record(conn, who.user.name, "user_change", target.name, {"action": action}, client_address(request))
            return ""
        except (UserError, orgs.OrgError, ValueError) as exc:
            return str(exc)

    error = await run(request, work)
    if not error:
        return redirect("/console/users")
    found = await run(request, list_users)
    return render(request, "users.html", {"nav": "users", "users": _visible_users(who.scope, found),
                                          "units": list(who.scope.units), "roles": ROLE_LABELS, "error": error,
                                          "names": who.scope.by_id}, who=who, status=400)


# ---------------------------------------------------------------------------------- admin: devices and orgs


def _devices_in(conn: Any, scope: Scope) -> list[device_store.DeviceSummary]:
    return [d for d in device_store.list_devices(conn) if d.branch_id in scope.unit_ids]


@router.get("/devices")
async def devices_page(request: Request) -> Response:
    who = await viewer(request, "admin")
    found = await run(request, _devices_in, who.scope)
    return render(request, "devices.html", {"nav": "devices", "devices": found, "branches": who.scope.branches,
                                            "code": "", "code_branch": "", "error": ""}, who=who)


@router.post("/devices")
async def devices_action(request: Request) -> Response:
    who = await viewer(request, "admin")
    form = await checked_form(request, who)
    action = _text(form, "action", 20)
    code, code_branch, error = "", "", ""
    if action == "revoke":
        device_id = _text(form, "device_id", 64)
        reason = _text(form, "reason", 500)

        def revoke(conn: Any) -> None:
            found = [d for d in _devices_in(conn, who.scope) if d.device_id == device_id]
            if not found:
                raise OutOfScope(device_id)
            device_store.revoke_device(conn, device_id, reason)
            audit.record(conn, who.user.name, "revoke", device_id, {"reason": reason, "branch": found[0].branch_id},
                         client_address(request))

        await run(request, revoke)
        return redirect("/console/devices")
    if action == "enrol_code":
        branch_id = _text(form, "branch", 64)
        try:
            unit = who.scope.branch(branch_id)
        except OutOfScope as exc:
            raise not_found() from exc

        def issue(conn: Any) -> str:
            made, _, expires = device_store.create_enrol_code(conn, unit.id, 72.0)
            audit.record(conn, who.user.name, "enrol_code", unit.id, {"expires": expires.isoformat()},
                         client_address(request))
            return str(made)

        code, code_branch = await run(request, issue), unit.name
    else:
        error = t("未知操作")
    found = await run(request, _devices_in, who.scope)
    return render(request, "devices.html", {"nav": "devices", "devices": found, "branches": who.scope.branches,
                                            "code": code, "code_branch": code_branch, "error": error}, who=who)


@router.get("/orgs")
async def orgs_page(request: Request) -> Response:
    who = await viewer(request, "admin")
    return render(request, "orgs.html", {"nav": "orgs", "units": list(who.scope.units), "kinds": orgs.KIND_LABELS,
                                         "error": "", "depth": _depths(who.scope)}, who=who)


def _depths(scope: Scope) -> dict[str, int]:
    return {u.id: len(scope.path(u.id)) - 1 for u in scope.units}


@router.post("/orgs")
async def orgs_add(request: Request) -> Response:
    who = await viewer(request, "admin")
    form = await checked_form(request, who)
    parent = _text(form, "parent", 64) or None
    if parent is None and who.scope.root_id is not None:
        raise ConsoleError(400, t("请选择上级组织"))
    _require_unit(who.scope, parent)

    def work(conn: Any) -> str:
        try:
            unit = orgs.add_unit(conn, _text(form, "name", 200), _text(form, "kind", 20), parent,
                                 _text(form, "id", 200) or None)
        except orgs.OrgError as exc:
            return str(exc)
        audit.record(conn, who.user.name, "org_add", unit.id, {"name": unit.name, "kind": unit.kind},
                     client_address(request))
        return ""

    error = await run(request, work)
    if not error:
        return redirect("/console/orgs")
    fresh = await viewer(request, "admin")
    return render(request, "orgs.html", {"nav": "orgs", "units": list(fresh.scope.units), "kinds": orgs.KIND_LABELS,
                                         "error": error, "depth": _depths(fresh.scope)}, who=fresh, status=400)


# ---------------------------------------------------------------------------------- admin: audit


@router.get("/audit")
async def audit_page(request: Request) -> Response:
    who = await viewer(request, "admin")
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    action = request.query_params.get("action") or None

    def read(conn: Any) -> tuple[list[audit.AuditEntry], int]:
        names = None
        if who.scope.root_id is not None:  # a scoped 管理员 reads what the accounts of its subtree did
            names = [u.name for u in _visible_users(who.scope, list_users(conn))]
        return audit.entries(conn, limit=100, offset=(page - 1) * 100, action=action, user_names=names)

    found, total = await run(request, read)
    return render(request, "audit.html", {"nav": "audit", "entries": found, "total": total, "page": page,
                                          "pages": max(1, -(-total // 100)), "actions": audit.ACTION_LABELS,
                                          "action": action or ""}, who=who)
