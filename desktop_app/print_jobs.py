"""From stored records to the shared renderer's inputs (no Qt).

The CLI and the desktop app both print through these functions, so a record is assembled for
printing in exactly one way: its envelope (status, id, revision, recorded-at), the roster as it is
now (the rules judge each person on the meeting date), the branch profile, and for an amendment
the record it corrects.

The 台账 and the 先锋岗 report read many records. They take an optional ``lock`` (a reusable
context manager; the app passes its session guard) around each bounded step — a listing, one
meeting's minutes, a batch of log entries — so the window's paging and autosave get in between.
The CLI passes none. Between steps the store may change: a record deleted meanwhile is left out.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, BinaryIO

from desktop_app.compliance_query import compliance_report
from desktop_app.store import RecordFilter, RecordNotFound, Store
from desktop_app.store.atomic import atomic_output
from desktop_app.store.blobs import AttachmentDamaged, AttachmentMissing
from desktop_app.store.envelope import RecordEnvelope
from domain.attachments import AttachmentRef
from domain.compliance.period import Period
from domain.errors import LedgerError
from domain.i18n import N_
from domain.records import BranchProfile, Meeting, PioneerPost, PostEvaluation, PostLogEntry
from printing import (
    LedgerInput,
    MinutesInput,
    PostReportInput,
    PrintResult,
    SignInInput,
    render_ledger,
    render_minutes,
    render_post_report,
    render_signin_sheet,
)
from printing.attachments import AttachmentUnavailable, PrintAttachment

StoreLock = AbstractContextManager[Any]
READ_STEP = 50  # records read per lock step


class NothingToPrint(LedgerError, LookupError):
    """The record cannot be printed this way (wrong kind, no branch profile); message in Chinese."""


def _no_lock(lock: StoreLock | None) -> StoreLock:
    return lock if lock is not None else contextlib.nullcontext()


def _live(store: Store, record_id: str) -> RecordEnvelope | None:
    """The record as stored now; None if it was deleted since it was listed."""
    try:
        env = store.records.get(record_id)
    except RecordNotFound:
        return None
    return None if env.deleted else env


def _read(store: Store, record_ids: list[str], lock: StoreLock) -> Iterator[RecordEnvelope]:
    """The records still there, ``READ_STEP`` of them per lock step."""
    for start in range(0, len(record_ids), READ_STEP):
        with lock:
            batch = [_live(store, rid) for rid in record_ids[start:start + READ_STEP]]
        yield from (env for env in batch if env is not None)


def _branch(store: Store) -> BranchProfile:
    profile = store.records.branch_profile()
    if profile is None:
        raise NothingToPrint(N_("尚未填写支部基本信息，无法打印"))
    return profile[1]


def _recorded_at(env: RecordEnvelope) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(env.updated_at)
    except ValueError:
        return None


def _entered_at(env: RecordEnvelope) -> dt.datetime | None:
    """When the record was first saved: the date a 补录 note prints."""
    try:
        return dt.datetime.fromisoformat(env.created_at)
    except ValueError:
        return None


def _load_blob(store: Store, lock: StoreLock, ref: AttachmentRef) -> bytes:
    """The verified bytes of ``ref``, read under ``lock`` when the renderer asks for them."""
    with lock:
        try:
            return store.blobs.read_all(ref.sha256, name=ref.name)
        except AttachmentMissing as exc:
            raise AttachmentUnavailable("未下载到本机") from exc
        except AttachmentDamaged as exc:
            raise AttachmentUnavailable("已损坏（校验未通过）") from exc


def print_attachments(store: Store, refs: list[AttachmentRef], lock: StoreLock | None = None,
                      owner: str = "") -> tuple[PrintAttachment, ...]:
    """``refs`` for the renderer: each loads its bytes only when the page is laid out (one file at a
    time in memory), taking ``lock`` for the read — the layout itself runs outside the lock."""
    guard = _no_lock(lock)
    return tuple(PrintAttachment.from_ref(ref, functools.partial(_load_blob, store, guard, ref), owner)
                 for ref in refs)


def minutes_input(store: Store, record_id: str, *, attachments: bool = False,
                  lock: StoreLock | None = None) -> MinutesInput:
    """A meeting's minutes; with ``attachments``, its attachments follow (read later under ``lock``)."""
    return _minutes(store, store.records.get(record_id), attachments, lock)


def _minutes(store: Store, env: RecordEnvelope, attachments: bool = False,
             lock: StoreLock | None = None) -> MinutesInput:
    if not isinstance(env.body, Meeting):
        raise NothingToPrint(N_("只有会议记录可以打印为会议记录"))
    meeting = env.body
    original_title, original_date = "", None
    if meeting.amends_record_id:
        original = store.records.get(meeting.amends_record_id)
        if isinstance(original.body, Meeting):
            original_title, original_date = original.body.title, original.body.starts_at.date()
    linked: dict[str, str] = {}
    if meeting.theme_day is not None:
        for linked_id in meeting.theme_day.linked_record_ids:
            title = store.records.title_of(linked_id)
            if title is not None:
                linked[linked_id] = title
    return MinutesInput(
        meeting=meeting,
        branch=_branch(store),
        members=store.records.members(),
        status=env.status,
        record_id=env.record_id,
        rev=env.rev,
        recorded_at=_recorded_at(env),
        entered_at=_entered_at(env),
        original_title=original_title,
        original_date=original_date,
        settings=store.records.rule_settings(),
        linked_titles=linked,
        attachments=print_attachments(store, list(meeting.attachments), lock) if attachments else (),
    )


def signin_input(store: Store, record_id: str, extra_rows: int = 3, *, use_scan: bool = False,
                 lock: StoreLock | None = None) -> SignInInput:
    """The blank 签到表; with ``use_scan``, the meeting's signed 签到表 scan is printed instead when
    it has one."""
    env = store.records.get(record_id)
    if not isinstance(env.body, Meeting):
        raise NothingToPrint(N_("签到表只能由会议记录生成"))
    scans = [ref for ref in env.body.attachments if ref.role == "sign_in_sheet"] if use_scan else []
    return SignInInput.for_meeting(env.body, _branch(store), store.records.members(), extra_rows=extra_rows,
                                   scans=print_attachments(store, scans, lock))


def _current_meetings_in(store: Store, period: Period) -> list[str]:
    """Meetings dated in the period, an amended original replaced by its amendment."""
    rows = store.records.query(
        RecordFilter(kind="meeting", date_from=period.start, date_to=period.end), limit=1_000_000
    )
    amended = {
        r[0] for r in store.conn.execute("SELECT amends FROM records WHERE amends IS NOT NULL AND deleted = 0")
    }
    return [r.record_id for r in reversed(rows) if r.record_id not in amended]


def _post_entry_ids(store: Store, kind: str, post_id: str, period: Period | None) -> list[str]:
    """A post's log entries or evaluations dated in ``period`` (the index keeps a post's id in
    ``party_group`` and the entry's date in ``event_date``), oldest first."""
    flt = RecordFilter(kind=kind, party_group=post_id, date_from=period.start if period else None,
                       date_to=period.end if period else None)
    return [r.record_id for r in reversed(store.records.query(flt, limit=1_000_000))]


def post_report_input(store: Store, post_id: str, period: Period | None = None, *,
                      lock: StoreLock | None = None, attachments: bool = False) -> PostReportInput:
    lock = _no_lock(lock)
    with lock:
        env = store.records.get(post_id)
    return _post_report(store, env, period, lock, attachments)


def _post_report(store: Store, env: RecordEnvelope, period: Period | None, lock: StoreLock,
                 attachments: bool = False) -> PostReportInput:
    if not isinstance(env.body, PioneerPost):
        raise NothingToPrint(N_("只有先锋岗可以打印先锋岗报告"))
    post_id = env.record_id

    def in_period(day: dt.date) -> bool:
        return period is None or period.start <= day <= period.end

    with lock:
        branch, members = _branch(store), store.records.members()
        log_ids = _post_entry_ids(store, "post_log", post_id, period)
        evaluation_ids = _post_entry_ids(store, "post_evaluation", post_id, period)
    # Checked again on the bodies: an entry may have been edited since it was listed.
    logs = [
        (e.record_id, e.body) for e in _read(store, log_ids, lock)
        if isinstance(e.body, PostLogEntry) and e.body.post_id == post_id and in_period(e.body.date)
    ]
    evaluations = [
        (e.record_id, e.body) for e in _read(store, evaluation_ids, lock)
        if isinstance(e.body, PostEvaluation) and e.body.post_id == post_id and in_period(e.body.evaluated_on)
    ]
    log_bodies = [body for _, body in sorted(logs, key=lambda p: (p[1].date, p[0]))]
    evaluation_bodies = [body for _, body in sorted(evaluations, key=lambda p: (p[1].evaluated_on, p[0]))]
    files: tuple[PrintAttachment, ...] = ()
    if attachments:
        files += print_attachments(store, list(env.body.attachments), lock, "岗位")
        for log in log_bodies:
            files += print_attachments(store, list(log.attachments), lock, f"{log.date.isoformat()}工作记录")
        for evaluation in evaluation_bodies:
            files += print_attachments(store, list(evaluation.attachments), lock,
                                       f"{evaluation.evaluated_on.isoformat()}评价")
    return PostReportInput(
        post=env.body, branch=branch, members=members,
        log_entries=log_bodies, evaluations=evaluation_bodies,
        record_id=post_id, status=env.status, period_label=period.label_zh if period else "",
        attachments=files,
    )


def ledger_input(store: Store, period_code: str, *, today: dt.date, include_minutes: bool = True,
                 lock: StoreLock | None = None, attachments: bool = False) -> LedgerInput:
    """The 台账 of a period: ``lock`` is taken per step (see the module note), never for the whole.
    With ``attachments`` (and the minutes), each record's attachments follow its minutes."""
    period = Period.parse(period_code)
    lock = _no_lock(lock)
    with lock:
        branch, members, settings = _branch(store), store.records.members(), store.records.rule_settings()
        post_ids = [
            r[0] for r in store.conn.execute(
                "SELECT id FROM records WHERE kind = 'pioneer_post' AND deleted = 0 ORDER BY event_date, id"
            )
        ]
    with lock:
        meeting_ids = _current_meetings_in(store, period)
    records: list[MinutesInput] = []
    for record_id in meeting_ids:
        with lock:
            env = _live(store, record_id)
            if env is not None:
                records.append(_minutes(store, env, attachments and include_minutes, lock))
    posts = [_post_report(store, env, period, lock, attachments and include_minutes)
             for env in _read(store, post_ids, lock)]
    with lock:
        compliance = compliance_report(store, period.code, today)
    return LedgerInput(
        branch=branch,
        period=period.code,
        records=records,
        members=members,
        posts=posts,
        include_minutes=include_minutes,
        compliance=compliance,
        today=today,
        settings=settings,
    )


def render_to(render: Callable[[Any, Any], PrintResult], data: Any, out: Path | BinaryIO | None) -> PrintResult:
    """Render ``data`` to ``out``; a path is written atomically (temp file, fsync, rename), so a
    full disk or a crash mid-print never leaves a truncated PDF where a good one was."""
    if not isinstance(out, str | Path):
        return render(data, out)
    path = Path(out)
    with atomic_output(path) as fh:
        result = render(data, fh)
    return dataclasses.replace(result, path=path, size_bytes=path.stat().st_size)


def print_minutes(store: Store, record_id: str, out: Path | BinaryIO | None) -> PrintResult:
    return render_to(render_minutes, minutes_input(store, record_id), out)


def print_signin(store: Store, record_id: str, out: Path | BinaryIO | None) -> PrintResult:
    return render_to(render_signin_sheet, signin_input(store, record_id), out)


def print_post_report(store: Store, post_id: str, out: Path | BinaryIO | None, period: str | None = None
                      ) -> PrintResult:
    return render_to(render_post_report,
                     post_report_input(store, post_id, Period.parse(period) if period else None), out)


def print_ledger(store: Store, period: str, out: Path | BinaryIO | None, *, today: dt.date,
                 include_minutes: bool = True) -> PrintResult:
    return render_to(render_ledger, ledger_input(store, period, today=today, include_minutes=include_minutes), out)
