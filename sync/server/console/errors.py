"""The console's own error handling: HTML pages, and the login page for a missing session."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from sync.server.console.web import ConsoleError, NeedLogin, Viewer, login_redirect, render, viewer


async def _login(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NeedLogin)
    return login_redirect(exc.next_url)


async def _error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ConsoleError)
    try:  # keep the navigation for a signed-in user, so the way back is one click
        who: Viewer | None = await viewer(request)
    except (NeedLogin, ConsoleError):
        who = None
    return render(request, "error.html", {"status": exc.status, "message": exc.message}, who=who,
                  status=exc.status)


def install(app: FastAPI) -> None:
    app.add_exception_handler(NeedLogin, _login)
    app.add_exception_handler(ConsoleError, _error)
