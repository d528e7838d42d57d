"""Routes matched last: the shipped CJK font, and an HTML 404 for any other ``/console`` path."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from resources.locate import resource_path
from sync.server.console.web import not_found, viewer

router = APIRouter()
FONTS = ("BranchLedgerSerifSC-Regular.ttf",)


@router.get("/console/fonts/{name}")
async def font(name: str) -> Response:
    """The shipped CJK face, last in the stylesheet's font list: a browser without any Chinese
    font (a bare kiosk, the test machine) still shows the console; others never fetch it."""
    path = resource_path("fonts", name)
    if name not in FONTS or not path.exists():
        raise not_found()
    return FileResponse(path, media_type="font/ttf", headers={"Cache-Control": "public, max-age=604800"})


@router.get("/console/{rest:path}")
async def unknown(request: Request, rest: str) -> Response:
    await viewer(request)
    raise not_found()
