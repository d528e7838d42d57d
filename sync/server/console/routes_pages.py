"""Reading pages: the compliance matrix, a branch, a record (and its PDF), search, exports.

Every handler: who is asking (:func:`web.viewer`), bring the derived index of the branches it
reads up to date, read in one transaction, render. Anything outside the user's subtree is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from domain.compliance import Period
from domain.enums import MeetingType
from domain.i18n import label, t
from sync.server.compliance import BadPeriod, parse_period
from sync.server.console import audit, exports, indexer, pdf
from sync.server.console.branch_view import branch_page
from sync.server.console.matrix import SILENT_DAYS, build_matrix, columns, state_class, state_label
from sync.server.console.record_view import record_page
from sync.server.console.records import LISTED_KINDS, STATUS_FILTERS, RecordFilter, kind_label, list_records, search
from sync.server.console.scope import OutOfScope
from sync.server.console.web import (
    ConsoleError,
    Viewer,
    client_address,
    not_found,
    office_of,
    render,
    run,
    settings_of,
    viewer,
)

router = APIRouter(prefix="/console")
PAGE_ROWS = 100
MEETING_TYPES = [m.value for m in MeetingType]


def _today(request: Request) -> dt.date:
    return settings_of(request).today()


def _period(request: Request) -> Period:
    params = request.query_params
    code = params.get("period")
    if not code:
        year = params.get("year") or str(_today(request).year)
        part = params.get("part", "")
        if part == "" and "year" not in params:
            today = _today(request)
            part = f"Q{(today.month - 1) // 3 + 1}"
        code = f"{year}-{part}" if part else year
    try:
        return parse_period(code)
    except BadPeriod as exc:
        raise ConsoleError(400, t("期间格式不正确：{code}（应为 2026、2026-Q4 或 2026-11）", code=code)) from exc


def _date(value: str | None, label: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ConsoleError(400, t("{field}格式不正确（应为 {format}）", field=label, format="YYYY-MM-DD")) from exc


def _filter(request: Request) -> RecordFilter:
    params = request.query_params
    kind = params.get("kind") or None
    if kind and kind not in LISTED_KINDS:
        raise ConsoleError(400, t("记录类型不正确"))
    meeting_type = params.get("type") or None
    if meeting_type and meeting_type not in set(MEETING_TYPES):
        raise ConsoleError(400, t("会议类型不正确"))
    status = params.get("status") or None
    if status and status not in STATUS_FILTERS:
        raise ConsoleError(400, t("状态不正确"))
    return RecordFilter(kind=kind, meeting_type=meeting_type, status=status,
                        date_from=_date(params.get("from"), t("起始日期")),
                        date_to=_date(params.get("to"), t("截止日期")),
                        text=(params.get("q") or "")[:200])


def _page(request: Request) -> int:
    try:
        return max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        return 1


async def _refresh(request: Request, branch_ids: list[str] | None) -> None:
    await run_in_threadpool(indexer.refresh, office_of(request).engine, branch_ids)


def _years(today: dt.date) -> list[int]:
    return list(range(today.year + 1, today.year - 6, -1))


# ---------------------------------------------------------------------------------- matrix


def _matrix(request: Request, who: Viewer) -> tuple[Any, str | None]:
    period = _period(request)
    root = request.query_params.get("org") or None
    if root is not None:
        try:
            who.scope.unit(root)
        except OutOfScope as exc:
            raise not_found() from exc
    return period, root


@router.get("/matrix")
async def matrix_page(request: Request) -> Response:
    who = await viewer(request)
    period, root = _matrix(request, who)
    branch_ids = [b.id for b in (who.scope.under(root) if root else who.scope.branches)]
    await _refresh(request, branch_ids)
    matrix = await run(request, build_matrix, who.scope, root, period, _today(request))
    only = request.query_params.get("only", "")
    rows = matrix.rows
    if only == "behind":
        rows = [r for r in rows if r.behind]
    elif only == "silent":
        rows = [r for r in rows if r.silent]
    page = _page(request)
    shown = rows[(page - 1) * PAGE_ROWS: page * PAGE_ROWS]
    params = {k: v for k, v in request.query_params.items() if k != "page"}
    return render(request, "matrix.html", {
        "nav": "matrix", "matrix": matrix, "rows": shown, "total": len(rows), "page": page,
        "pages": max(1, -(-len(rows) // PAGE_ROWS)), "columns": columns(), "state_class": state_class,
        "state_label": state_label,
        "only": only, "root": root, "silent_days": SILENT_DAYS, "years": _years(_today(request)),
        "year": period.start.year, "part": period.code[5:] if len(period.code) > 4 else "",
        "units": [u for u in who.scope.units if not u.is_branch], "query": urlencode(params),
        "behind_count": sum(1 for r in matrix.rows if r.behind),
    }, who=who)


@router.get("/matrix.{fmt}")
async def matrix_export(request: Request, fmt: str) -> Response:
    who = await viewer(request)
    if fmt not in ("xlsx", "csv"):
        raise not_found()
    period, root = _matrix(request, who)
    branch_ids = [b.id for b in (who.scope.under(root) if root else who.scope.branches)]
    await _refresh(request, branch_ids)
    matrix = await run(request, build_matrix, who.scope, root, period, _today(request))
    scope_name = who.scope.unit(root).name if root else t("全部")
    heading = [(t("三会一课完成情况"), period.label), (t("范围"), scope_name),
               (t("判断日期"), _today(request).isoformat()),
               (t("导出人"), who.user.display_name), (t("导出时间"), dt.datetime.now().strftime("%Y-%m-%d %H:%M"))]
    table = exports.matrix_table(matrix)
    await run(request, audit.record, who.user.name, "export", f"matrix {period.code}",
              {"format": fmt, "org": root or "", "rows": len(table[1])}, client_address(request))
    return _download(fmt, t("三会一课完成情况-{period}", period=period.code), heading, table)


def _download(fmt: str, name: str, heading: list[tuple[str, str]], table: exports.Table) -> Response:
    from urllib.parse import quote

    if fmt == "xlsx":
        data = exports.to_xlsx(name, heading, table)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data = exports.to_csv(heading, table)
        media = "text/csv; charset=utf-8"
    disposition = f"attachment; filename=\"export.{fmt}\"; filename*=UTF-8''{quote(name)}.{fmt}"
    return Response(data, media_type=media, headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})


# ---------------------------------------------------------------------------------- branch


@router.get("/branches/{branch_id}")
async def branch(request: Request, branch_id: str) -> Response:
    who = await viewer(request)
    try:
        who.scope.branch(branch_id)
    except OutOfScope as exc:
        raise not_found() from exc
    flt = _filter(request)
    page = _page(request)
    await _refresh(request, [branch_id])
    data = await run(request, branch_page, who.scope, branch_id, flt, _today(request), limit=PAGE_ROWS,
                     offset=(page - 1) * PAGE_ROWS)
    params = {k: v for k, v in request.query_params.items() if k != "page"}
    return render(request, "branch.html", {
        "nav": "matrix", "b": data, "flt": flt, "kinds": [(k, kind_label(k)) for k in LISTED_KINDS],
        "types": [(m, label(MeetingType(m))) for m in MEETING_TYPES],
        "statuses": [(k, t(v)) for k, v in STATUS_FILTERS.items()], "page": page,
        "pages": max(1, -(-data.total // PAGE_ROWS)), "query": urlencode(params), "today": _today(request),
    }, who=who)


@router.get("/branches/{branch_id}/records.{fmt}")
async def branch_export(request: Request, branch_id: str, fmt: str) -> Response:
    who = await viewer(request)
    if fmt not in ("xlsx", "csv"):
        raise not_found()
    try:
        unit = who.scope.branch(branch_id)
    except OutOfScope as exc:
        raise not_found() from exc
    flt = _filter(request)
    await _refresh(request, [branch_id])
    lines, _total = await run(request, list_records, [unit], flt, limit=100_000)
    heading = [(t("记录列表"), unit.name), *flt.describe(), (t("导出人"), who.user.display_name),
               (t("导出时间"), dt.datetime.now().strftime("%Y-%m-%d %H:%M"))]
    await run(request, audit.record, who.user.name, "export", f"records {branch_id}",
              {"format": fmt, "filters": dict(flt.describe()), "rows": len(lines)}, client_address(request))
    return _download(fmt, t("记录列表-{branch}", branch=unit.name), heading, exports.records_table(lines))


# ---------------------------------------------------------------------------------- record


def _visible_branch(who: Viewer, branch_id: str) -> None:
    """A record's page names its branch: out of scope (or not a branch) → 404, before any read."""
    try:
        who.scope.branch(branch_id)
    except OutOfScope as exc:
        raise not_found() from exc


@router.get("/branches/{branch_id}/records/{record_id}")
async def record(request: Request, branch_id: str, record_id: str) -> Response:
    who = await viewer(request)
    _visible_branch(who, branch_id)
    await _refresh(request, [branch_id])
    data = await run(request, record_page, who.scope, branch_id, record_id, who.user.can("reviewer"))
    return render(request, "record.html", {"nav": "matrix", "r": data, "message": request.query_params.get("done", "")},
                  who=who)


@router.get("/branches/{branch_id}/records/{record_id}/pdf")
async def record_pdf(request: Request, branch_id: str, record_id: str) -> Response:
    who = await viewer(request)
    _visible_branch(who, branch_id)
    await _refresh(request, [branch_id])
    try:
        data = await run(request, pdf.minutes_input, who.scope, branch_id, record_id)
    except pdf.NotPrintable as exc:
        raise ConsoleError(400, str(exc)) from exc
    result = await run_in_threadpool(pdf.render, data)
    await run(request, audit.record, who.user.name, "print", audit.record_target(branch_id, record_id),
              {"title": data.meeting.title}, client_address(request))
    from urllib.parse import quote

    name = quote(f"{data.branch.name}-{data.meeting.title}.pdf")
    return Response(result.data or b"", media_type="application/pdf", headers={
        "Content-Disposition": f"inline; filename=\"record.pdf\"; filename*=UTF-8''{name}",
        "Cache-Control": "no-store"})


# ---------------------------------------------------------------------------------- search and review queue


@router.get("/search")
async def search_page(request: Request) -> Response:
    who = await viewer(request)
    text = (request.query_params.get("q") or "").strip()[:200]
    lines = []
    if text:
        await _refresh(request, who.scope.branch_ids)
        lines = await run(request, search, who.scope, text)
    return render(request, "search.html", {"nav": "search", "q": text, "lines": lines}, who=who)


@router.get("/reviews")
async def review_queue(request: Request) -> Response:
    who = await viewer(request)
    status = request.query_params.get("status", "unreviewed")
    if status not in ("unreviewed", "returned", "approved"):
        status = "unreviewed"
    await _refresh(request, who.scope.branch_ids)
    lines, total = await run(request, list_records, who.scope.branches,
                             RecordFilter(kind="meeting", status=status), limit=300)
    return render(request, "reviews.html", {"nav": "reviews", "lines": lines, "total": total, "status": status},
                  who=who)
