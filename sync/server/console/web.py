"""What every console route shares: templates, the signed-in user, CSRF, HTML errors, cookies.

Cookie decision (issue 13, "Secure must not break plain-HTTP loopback testing"): the session
cookie is always ``HttpOnly`` and ``SameSite=Strict``; it is ``Secure`` whenever the request came
over HTTPS — directly, or through the reverse proxy (``serve --behind-proxy`` makes uvicorn take
the scheme from ``X-Forwarded-Proto``). ``serve`` refuses plain HTTP except on loopback, so the
one case without ``Secure`` is a browser on the server machine itself talking to 127.0.0.1,
where the cookie never crosses a network. ``ConsoleSettings.secure_cookies = "always"`` forces
the flag regardless (a proxy that does not send the header).

CSRF: every form carries the session's token in a hidden ``csrf`` field and every POST is
refused without it (and when the ``Origin`` header names another site); the login form uses a
double-submit token in its own short-lived cookie, since there is no session yet.

Hostile input (issue 11's rules for the device API hold here too): a form body is read with the
device API's reader (``sync.server.body.read_body``: a cap on its size, idle timeout, minimum
rate) before it is parsed — the anonymous login form gets the smallest cap — and text a database
cannot store (NUL, which PostgreSQL refuses) in a form field, the path or the query is a 400
before anything is read or written.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates
from starlette.types import Message

from domain.errors import LedgerError
from domain.i18n import label, listing, pt, t
from resources.locate import resource_path
from sync.server.body import BodyLimits, read_body
from sync.server.console.language import AUTONYMS, COOKIE, html_lang, other_language
from sync.server.console.records import record_url
from sync.server.console.scope import OutOfScope, Scope, scope_of
from sync.server.console.sessions import ConsoleSession, SessionPolicy, load_session
from sync.server.console.users import User, role_label
from sync.server.errors import ApiError
from sync.server.jsonlimits import bad_text
from sync.server.service import HeadOffice

T = TypeVar("T")
SESSION_COOKIE = "bl_console"
LOGIN_CSRF_COOKIE = "bl_login_csrf"
LOGIN_FORM_BYTES = 16 * 1024  # anonymous: name, password, next and the token
FORM_BYTES = 2 * 1024 * 1024  # a notice of 100 000 characters, percent-encoded, fits


@dataclass
class ConsoleSettings:
    policy: SessionPolicy = field(default_factory=SessionPolicy)
    secure_cookies: str = "auto"  # "auto": when the request is HTTPS; "always"
    today: Callable[[], dt.date] = dt.date.today  # tests pin the date


class ConsoleError(LedgerError):
    """An error page: ``status`` and a message in the reviewer's language (made with ``t()``)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class NeedLogin(Exception):
    """No valid session: go to the login page, then come back."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def not_found() -> ConsoleError:
    return ConsoleError(404, t("找不到该页面或记录，或您没有查看权限。"))


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource_path("console", "templates"))),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # One catalog for the window, the CLI and these pages: t("…")/pt("ctx", "…") in a template
    # are the domain.i18n functions (build.py extracts them with Jinja's Babel extractor); the
    # i18n extension's gettext callables are the same lookups, for {% trans %} and _().
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda text: t(text), ngettext=lambda one, many, n: t(one if n == 1 else many),
        pgettext=lambda context, text: pt(context, text), newstyle=False,
    )
    env.globals.update(t=t, pt=pt, enum_label=label, listing=listing, html_lang=html_lang,
                       other_language=other_language, AUTONYMS=AUTONYMS, LANGUAGE_COOKIE=COOKIE,
                       quarter_label=quarter_label, month_label=month_label)
    env.filters["local_time"] = local_time
    env.globals["record_url"] = record_url  # a record's address names its branch too
    return env


def quarter_label(number: int) -> str:
    """第一季度 / Q1 (the matrix's period choice)."""
    return (t("第一季度"), t("第二季度"), t("第三季度"), t("第四季度"))[number - 1]


def month_label(number: int) -> str:
    return t("{n}月", n=number)


def local_time(value: str | None) -> str:
    """A stored UTC time as the server's local wall-clock time to the minute ('' for none)."""
    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


templates = Jinja2Templates(env=_env())


def office_of(request: Request) -> HeadOffice:
    office: HeadOffice = request.app.state.office
    return office


def settings_of(request: Request) -> ConsoleSettings:
    settings: ConsoleSettings = request.app.state.console
    return settings


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(request: Request, response: Response, name: str, value: str, *, max_age: int | None = None,
               path: str = "/") -> None:
    secure = settings_of(request).secure_cookies == "always" or is_https(request)
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, secure=secure, samesite="strict")


@dataclass(frozen=True)
class Viewer:
    """The signed-in user of one request, with the scope they may see."""

    session: ConsoleSession
    scope: Scope

    @property
    def user(self) -> User:
        return self.session.user

    @property
    def csrf(self) -> str:
        return self.session.csrf_token


def _viewer(office: HeadOffice, token: str, policy: SessionPolicy) -> Viewer | None:
    with office.engine.begin() as conn:
        session = load_session(conn, token, policy)
        if session is None:
            return None
        return Viewer(session, scope_of(conn, session.user))


def check_address(request: Request) -> None:
    """Path and query must hold only text the databases can store (they name ids and filters)."""
    for value in [*request.path_params.values(), *request.query_params.values()]:
        if isinstance(value, str) and bad_text(value):
            raise ConsoleError(400, t("地址中含有无效字符。"))


async def viewer(request: Request, role: str = "viewer") -> Viewer:
    """The signed-in user (else :class:`NeedLogin`), who must have at least ``role``."""
    check_address(request)
    token = request.cookies.get(SESSION_COOKIE, "")
    found = await run_in_threadpool(_viewer, office_of(request), token, settings_of(request).policy)
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise NeedLogin(target)
    if not found.user.can(role):
        raise ConsoleError(403, t("此操作需要“{role}”权限。", role=role_label(role)))
    return found


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin != "null"
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def read_form(request: Request, max_bytes: int) -> FormData:
    """The POSTed form: its body read with a cap before it is parsed, every field storable text."""
    try:
        data = await read_body(request, BodyLimits(max_wire=max_bytes, max_json=max_bytes))
    except ApiError as exc:
        if exc.status == 413:
            raise ConsoleError(413, t("提交的内容过大（最多 {kb} KB）。", kb=max_bytes // 1024)) from exc
        if exc.status == 408:
            raise ConsoleError(408, t("提交超时，请检查网络后重试。")) from exc
        raise ConsoleError(400, t("提交的内容格式不正确。")) from exc

    async def replay() -> Message:
        return {"type": "http.request", "body": data, "more_body": False}

    form = await Request(request.scope, replay).form(max_part_size=max_bytes)
    for _key, value in form.multi_items():
        problem = bad_text(value) if isinstance(value, str) else None
        if problem:
            raise ConsoleError(400, t("表单内容无法保存：{problem}。", problem=problem))
    return form


async def checked_form(request: Request, who: Viewer, max_bytes: int = FORM_BYTES) -> FormData:
    """The POSTed form, after the CSRF check (token and origin)."""
    form = await read_form(request, max_bytes)
    token = form.get("csrf")
    if not isinstance(token, str) or not secrets.compare_digest(token, who.csrf) or not _same_origin(request):
        raise ConsoleError(403, t("表单已过期或来源不正确，请刷新页面后重试。"))
    return form


async def checked_login_form(request: Request) -> FormData:
    form = await read_form(request, LOGIN_FORM_BYTES)
    token = form.get("csrf")
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if (not isinstance(token, str) or not cookie or not secrets.compare_digest(token, cookie)
            or not _same_origin(request)):
        raise ConsoleError(403, t("登录表单已过期，请刷新页面后重试。"))
    return form


def render(request: Request, name: str, context: Mapping[str, Any], *, who: Viewer | None = None,
           status: int = 200) -> HTMLResponse:
    data = {"request": request, "who": who, "nav": context.get("nav", ""), **context}
    response = templates.TemplateResponse(request, name, data, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
    )
    return response


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def login_redirect(next_url: str) -> RedirectResponse:
    return redirect("/?next=" + quote(next_url, safe=""))


def scoped(fn: Callable[..., T]) -> Callable[..., T]:
    """Turn :class:`OutOfScope` from ``fn`` into the console's 404."""

    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except OutOfScope as exc:
            raise not_found() from exc

    return wrapper


async def run(request: Request, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn(conn, *args, **kwargs)`` in one transaction off the event loop; out of scope → 404."""
    office = office_of(request)

    def work() -> T:
        with office.engine.begin() as conn:
            return fn(conn, *args, **kwargs)

    return await run_in_threadpool(scoped(work))
