"""From stored records to the shared renderer's inputs (no Qt).

The CLI and the desktop app both print through these functions, so a record is assembled for
printing in exactly one way: its envelope (status, id, revision, recorded-at), the roster as it is
now (the rules judge each person on the meeting date), the branch profile, and for an amendment
the record it corrects.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import BinaryIO

from desktop_app.compliance_query import compliance_report
from desktop_app.store import RecordFilter, Store
from desktop_app.store.envelope import RecordEnvelope
from domain.compliance.period import Period
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


class NothingToPrint(LookupError):
    """The record cannot be printed this way (wrong kind, no branch profile); message in Chinese."""


def _branch(store: Store) -> BranchProfile:
    profile = store.records.branch_profile()
    if profile is None:
        raise NothingToPrint("尚未填写支部基本信息，无法打印")
    return profile[1]


def _recorded_at(env: RecordEnvelope) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(env.updated_at)
    except ValueError:
        return None


def minutes_input(store: Store, record_id: str) -> MinutesInput:
    env = store.records.get(record_id)
    if not isinstance(env.body, Meeting):
        raise NothingToPrint("只有会议记录可以打印为会议记录")
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
        original_title=original_title,
        original_date=original_date,
        settings=store.records.rule_settings(),
        linked_titles=linked,
    )


def signin_input(store: Store, record_id: str, extra_rows: int = 3) -> SignInInput:
    env = store.records.get(record_id)
    if not isinstance(env.body, Meeting):
        raise NothingToPrint("签到表只能由会议记录生成")
    return SignInInput.for_meeting(env.body, _branch(store), store.records.members(), extra_rows=extra_rows)


def _current_meetings_in(store: Store, period: Period) -> list[str]:
    """Meetings dated in the period, an amended original replaced by its amendment."""
    rows = store.records.query(
        RecordFilter(kind="meeting", date_from=period.start, date_to=period.end), limit=1_000_000
    )
    amended = {
        r[0] for r in store.conn.execute("SELECT amends FROM records WHERE amends IS NOT NULL AND deleted = 0")
    }
    return [r.record_id for r in reversed(rows) if r.record_id not in amended]


def post_report_input(store: Store, post_id: str, period: Period | None = None) -> PostReportInput:
    env = store.records.get(post_id)
    if not isinstance(env.body, PioneerPost):
        raise NothingToPrint("只有先锋岗可以打印先锋岗报告")

    def in_period(day: dt.date) -> bool:
        return period is None or period.start <= day <= period.end

    logs = [
        body for _, body in store.records.iter_bodies("post_log")
        if isinstance(body, PostLogEntry) and body.post_id == post_id and in_period(body.date)
    ]
    evaluations = [
        body for _, body in store.records.iter_bodies("post_evaluation")
        if isinstance(body, PostEvaluation) and body.post_id == post_id and in_period(body.evaluated_on)
    ]
    return PostReportInput(
        post=env.body, branch=_branch(store), members=store.records.members(),
        log_entries=sorted(logs, key=lambda e: e.date), evaluations=sorted(evaluations, key=lambda e: e.evaluated_on),
        record_id=post_id, status=env.status, period_label=period.label_zh if period else "",
    )


def ledger_input(store: Store, period_code: str, *, today: dt.date, include_minutes: bool = True) -> LedgerInput:
    period = Period.parse(period_code)
    posts = [
        post_report_input(store, post_id, period)
        for post_id, _ in store.records.iter_bodies("pioneer_post")
    ]
    return LedgerInput(
        branch=_branch(store),
        period=period.code,
        records=[minutes_input(store, rid) for rid in _current_meetings_in(store, period)],
        members=store.records.members(),
        posts=posts,
        include_minutes=include_minutes,
        compliance=compliance_report(store, period.code, today),
        today=today,
        settings=store.records.rule_settings(),
    )


def print_minutes(store: Store, record_id: str, out: Path | BinaryIO | None) -> PrintResult:
    return render_minutes(minutes_input(store, record_id), out)


def print_signin(store: Store, record_id: str, out: Path | BinaryIO | None) -> PrintResult:
    return render_signin_sheet(signin_input(store, record_id), out)


def print_post_report(store: Store, post_id: str, out: Path | BinaryIO | None, period: str | None = None
                      ) -> PrintResult:
    return render_post_report(post_report_input(store, post_id, Period.parse(period) if period else None), out)


def print_ledger(store: Store, period: str, out: Path | BinaryIO | None, *, today: dt.date,
                 include_minutes: bool = True) -> PrintResult:
    return render_ledger(ledger_input(store, period, today=today, include_minutes=include_minutes), out)
