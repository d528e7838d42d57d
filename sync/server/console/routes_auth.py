"""Login (the console's front page, ``/``), logout, and changing one's own password."""

from __future__ import annotations

import secrets

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from domain.i18n import LANGUAGES, t
from sync.server.console import audit
from sync.server.console.language import COOKIE, COOKIE_SECONDS
from sync.server.console.sessions import (
    clear_failures,
    end_session,
    end_sessions_of,
    locked_minutes,
    note_failure,
    start_session,
)
from sync.server.console.users import UserError, change_user, verify_login
from sync.server.console.web import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    ConsoleError,
    NeedLogin,
    checked_form,
    checked_login_form,
    client_address,
    not_found,
    office_of,
    redirect,
    render,
    set_cookie,
    settings_of,
    viewer,
)

router = APIRouter()
HOME = "/console/matrix"


def _safe_next(value: str | None) -> str:
    """Only a path on this site (never ``//host`` or a scheme): no open redirect after login."""
    if value and value.startswith("/console") and not value.startswith("//") and "\\" not in value:
        return value
    return HOME


@router.get("/console/language/{lang}")
async def switch_language(request: Request, lang: str) -> Response:
    """The header's language switch: remember the choice in a cookie (it wins over the browser's
    Accept-Language) and go back to the page it was clicked on. Needs no session: the login page has it too."""
    if lang not in LANGUAGES:
        raise not_found()
    back = request.query_params.get("next") or "/"
    if not back.startswith("/") or back.startswith("//") or "\\" in back:
        back = "/"
    response = redirect(back)
    set_cookie(request, response, COOKIE, lang, max_age=COOKIE_SECONDS)
    return response


def _login_page(request: Request, *, error: str = "", name: str = "", status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"csrf": token, "error": error, "name": name,
                                              "next": _safe_next(request.query_params.get("next"))}, status=status)
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


@router.get("/")
async def login_page(request: Request) -> Response:
    try:
        await viewer(request)
    except NeedLogin:
        return _login_page(request)
    return redirect(HOME)


def _attempt(request: Request, name: str, password: str) -> tuple[str, str] | str:
    """(session token, csrf) on success, else the Chinese reason."""
    office = office_of(request)
    policy = settings_of(request).policy
    address = client_address(request)
    keys = [f"user:{name.strip().lower()}", f"addr:{address}"]
    with office.engine.begin() as conn:
        minutes = locked_minutes(conn, keys)
        if minutes:
            audit.record(conn, name.strip() or "?", "login_throttled", "", {"minutes": minutes}, address)
            return t("登录失败次数过多，请 {minutes} 分钟后再试。", minutes=minutes)
        user = verify_login(conn, name, password)
        if user is None:
            locked = note_failure(conn, keys, policy)
            audit.record(conn, name.strip() or "?", "login_failed", "", "", address)
            if locked:
                return t("登录失败次数过多，请 {minutes} 分钟后再试。", minutes=policy.lock_minutes)
            return t("用户名或密码不正确。")
        clear_failures(conn, keys)
        token, csrf = start_session(conn, user, address)
        audit.record(conn, user.name, "login", "", "", address)
        return token, csrf


@router.post("/login")
async def login(request: Request) -> Response:
    form = await checked_login_form(request)
    name = str(form.get("name") or "")[:100]
    password = str(form.get("password") or "")[:1000]
    if not name.strip() or not password:
        return _login_page(request, error=t("请输入用户名和密码。"), name=name, status=400)
    result = await run_in_threadpool(_attempt, request, name, password)
    if isinstance(result, str):
        return _login_page(request, error=result, name=name, status=401)
    token, _csrf = result
    response = redirect(_safe_next(str(form.get("next") or "")))
    set_cookie(request, response, SESSION_COOKIE, token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    who = await viewer(request)
    await checked_form(request, who)

    def work() -> None:
        with office_of(request).engine.begin() as conn:
            end_session(conn, who.session.token_hash)
            audit.record(conn, who.user.name, "logout", "", "", client_address(request))

    await run_in_threadpool(work)
    response = redirect("/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/console/account")
async def account(request: Request) -> Response:
    who = await viewer(request)
    return render(request, "account.html", {"nav": "account", "message": "", "error": ""}, who=who)


@router.post("/console/account")
async def change_password(request: Request) -> Response:
    who = await viewer(request)
    form = await checked_form(request, who)
    old, new, again = (str(form.get(k) or "") for k in ("old", "new", "again"))

    def work() -> str:
        with office_of(request).engine.begin() as conn:
            if verify_login(conn, who.user.name, old) is None:
                return t("当前密码不正确。")
            if new != again:
                return t("两次输入的新密码不一致。")
            try:
                change_user(conn, who.user.id, password=new)
            except UserError as exc:
                return str(exc)
            end_sessions_of(conn, who.user.id)
            audit.record(conn, who.user.name, "password", who.user.name, "", client_address(request))
            return ""

    error = await run_in_threadpool(work)
    if error:
        return render(request, "account.html", {"nav": "account", "message": "", "error": error}, who=who, status=400)
    response = redirect("/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


__all__ = ["ConsoleError", "router"]
