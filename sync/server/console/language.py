"""Which language one reviewer's console is shown in (issue 12, "One way to translate").

Chinese unless the reviewer asked otherwise: the switch in the page header (``/console/language/en``,
remembered in the :data:`COOKIE` cookie) wins; without it the browser's ``Accept-Language``
decides — English when it prefers English to Chinese, else Chinese. :class:`LanguageMiddleware`
sets that language for the request (:func:`domain.i18n.use_language`, a context variable, so the
page, its error replies and the worker thread that renders them agree and two reviewers in two
languages never see each other's). The strings themselves are the one gettext catalog the desktop
and the CLI use (``resources/translations``): ``t()``/``pt()`` in the console's Python and in its
templates, where they are Jinja globals.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from domain.i18n import CHINESE, ENGLISH, language, reset_language, use_language

COOKIE = "bl_lang"
COOKIE_SECONDS = 365 * 24 * 3600
# Each language named in itself, the way a language switch shows it (marked lang= in the page).
AUTONYMS = {CHINESE: "中文", ENGLISH: "English"}
HTML_LANG = {CHINESE: "zh-CN", ENGLISH: "en"}


def from_accept_language(header: str) -> str:
    """``en-US,en;q=0.9,zh;q=0.5`` → ``"en"``; Chinese when Chinese is preferred, the header
    names neither, or it cannot be read. Ties keep the header's order."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        tag = tag.strip().lower()
        if weight > 0 and (tag.startswith("en") or tag.startswith("zh")):
            ranked.append((-weight, position, tag))
    if not ranked:
        return CHINESE
    return ENGLISH if min(ranked)[2].startswith("en") else CHINESE


def chosen(cookie: str | None, accept_language: str | None) -> str:
    """The reviewer's language: the switch's cookie, else the browser's preference, else Chinese."""
    if cookie in (CHINESE, ENGLISH):
        return cookie
    return from_accept_language(accept_language or "")


def html_lang() -> str:
    """The ``<html lang>`` of the page being rendered."""
    return HTML_LANG[language()]


def other_language() -> str:
    return ENGLISH if language() == CHINESE else CHINESE


def _cookie(headers: dict[str, str], name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value.strip().strip('"')
    return None


class LanguageMiddleware:
    """Show every console request in its reviewer's language; the device API (``/v1``) is left alone."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        token = use_language(chosen(_cookie(headers, COOKIE), headers.get("accept-language")))
        try:
            await self.app(scope, receive, send)
        finally:
            reset_language(token)
