"""The head-office web console: server-rendered pages for reviewers (issue 13).

Mounted on the head-office FastAPI app by :func:`mount` (one call in ``sync.server.app``): same
process, same database. Modules by concern — ``users``/``sessions``/``audit``/``scope`` (people
and what they may see), ``indexer``/``search`` (derived rows the pages read), ``matrix``,
``records``, ``record_view``/``minutes_view``, ``branch_view``, ``notices`` (what the pages
show), ``review``, ``roster_upload``, ``pdf``, ``exports`` (what they do), ``web`` and
``routes_*`` (HTTP). Templates and CSS live in ``resources/console``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from sync.server.console.web import ConsoleSettings


def mount(app: FastAPI, settings: ConsoleSettings | None = None) -> None:
    """Add the console's routes, static files and error pages to ``app``."""
    from starlette.staticfiles import StaticFiles

    from resources.locate import resource_path
    from sync.server.console import errors, routes_actions, routes_attachments, routes_auth, routes_pages, routes_tail
    from sync.server.console.language import LanguageMiddleware
    from sync.server.console.web import ConsoleSettings

    app.state.console = settings or ConsoleSettings()
    app.mount("/console/static", StaticFiles(directory=str(resource_path("console", "static"))), name="console-static")
    # Pages and forms for people, not API: they stay out of the published OpenAPI document,
    # which describes the device and admin API under /v1 only.
    for router in (routes_auth.router, routes_pages.router, routes_actions.router, routes_attachments.router,
                   routes_tail.router):  # tail last: its catch-all must not shadow the pages
        app.include_router(router, include_in_schema=False)
    errors.install(app)
    app.add_middleware(LanguageMiddleware)  # each reviewer's language (issue 12; language.py)
