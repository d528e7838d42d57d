"""Printing benchmark: ``python -m bench print [--json] [--repeat N]``.

Figures (seconds and kilobytes):

* ``fonts_load_s`` — registering the bundled fonts once per process (cold start);
* ``minutes_1page_s`` / ``minutes_1page_kb`` — a one-page 会议记录, fonts already loaded
  (targets ≤ 0.3 s and ≤ 150 KB), with ``minutes_1page_pages`` to prove it is one page;
* ``minutes_3page_s`` / ``minutes_3page_kb`` — the §8.2 example record (3 pages at 3号);
* ``signin_s`` — a 12-member 签到表;
* ``ledger_100_s`` / ``ledger_100_kb`` / ``ledger_100_pages`` — a year's 台账 with 100 activities
  and every record's full minutes (target ≤ 5 s);
* ``ledger_100_summary_s`` — the same without the minutes (the baseline of the summary pages).

Times are the best of ``--repeat`` runs (default 3), output goes to memory, fonts are the
bundled ones so the numbers do not depend on what the machine has installed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from domain.enums import AttendanceStatus, MeetingType, RecordStatus
from domain.records import Attendance, Meeting, Resolution, Speech
from printing.fonts import bundled_fonts
from printing.inputs import LedgerInput, MinutesInput
from printing.ledger import render_ledger
from printing.minutes import render_minutes
from printing.signin import render_signin_sheet
from testsupport import print_samples as samples

_KINDS = (
    MeetingType.COMMITTEE,
    MeetingType.GROUP,
    MeetingType.THEME_DAY,
    MeetingType.PARTY_CONGRESS,
    MeetingType.LECTURE,
)


def one_page_meeting() -> Meeting:
    """A short 支委会 record that fits one page at 3号."""
    ids = ["m01", "m02", "m03", "m04", "m05"]
    return Meeting(
        meeting_type=MeetingType.COMMITTEE,
        title="2025年7月支部委员会会议",
        starts_at=dt.datetime(2025, 7, 2, 15, 0),
        ends_at=dt.datetime(2025, 7, 2, 16, 0),
        place="林场办公室",
        chair_member_id="m01",
        recorder_member_id="m03",
        attendance=[Attendance(member_id=i) for i in ids],
        speeches=[Speech(speaker="王建国", member_id="m01", content="部署七月防火值守排班和主题党日安排。")],
        resolutions=[Resolution(text="七月主题党日定于7月25日在防火检查站举行。")],
    )


def year_of_records(count: int = 100) -> list[MinutesInput]:
    """``count`` activities spread over 2025, cycling through the usual kinds."""
    base = samples.congress()
    group_ids = [mid for mid, m in samples.MEMBERS.items() if m.party_group == "第一党小组"]
    records = []
    for index in range(count):
        kind = _KINDS[index % len(_KINDS)]
        day = dt.date(2025, 1, 1) + dt.timedelta(days=index * 365 // count)
        start = dt.datetime.combine(day, dt.time(9, 0))
        update: dict[str, Any] = {
            "meeting_type": kind,
            "title": f"{day.month}月{kind.label}（第{index + 1}次）",
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=2),
        }
        if kind is not MeetingType.PARTY_CONGRESS:
            update["votes"] = []
            update["resolutions"] = [Resolution(text="按会议讨论意见抓好落实。")]
        if kind is MeetingType.GROUP:
            update["party_group"] = "第一党小组"
            update["chair_member_id"] = "m06"
            update["attendance"] = [Attendance(member_id=i) for i in group_ids]
        if kind is MeetingType.COMMITTEE:
            update["attendance"] = [
                Attendance(member_id=i, status=AttendanceStatus.PRESENT) for i in ("m01", "m02", "m03", "m04", "m05")
            ]
        if kind is MeetingType.LECTURE:
            update["lecture"] = samples.lecture().lecture
        if kind is MeetingType.THEME_DAY:
            update["theme_day"] = samples.theme_day().theme_day
        meeting = base.model_copy(update=update)
        status = RecordStatus.DRAFT if index % 10 == 9 else RecordStatus.FINAL
        records.append(samples.minutes_input(meeting, status, record_id=f"bench-{index:03d}"))
    return records


def _best(repeat: int, action: Callable[[], Any]) -> tuple[float, Any]:
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result


def run(args: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench print")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args(args)
    repeat = max(1, options.repeat)

    start = time.perf_counter()
    fonts = bundled_fonts()
    fonts_load = time.perf_counter() - start

    short = samples.minutes_input(one_page_meeting())
    one_s, one = _best(repeat, lambda: render_minutes(short, None, fonts=fonts))
    congress = samples.minutes_input(samples.congress())
    three_s, three = _best(repeat, lambda: render_minutes(congress, None, fonts=fonts))
    signin_s, _ = _best(repeat, lambda: render_signin_sheet(samples.signin_input(), None, fonts=fonts))

    records = year_of_records(100)
    ledger = LedgerInput(
        branch=samples.BRANCH,
        period="2025",
        records=records,
        members=samples.MEMBERS,
        posts=[samples.post_report_input()],
        today=dt.date(2025, 12, 31),
    )
    ledger_s, full = _best(repeat, lambda: render_ledger(ledger, None, fonts=fonts))
    summary = dataclasses.replace(ledger, include_minutes=False)
    summary_s, _ = _best(repeat, lambda: render_ledger(summary, None, fonts=fonts))

    return {
        "fonts_load_s": round(fonts_load, 3),
        "minutes_1page_s": round(one_s, 3),
        "minutes_1page_kb": round(one.size_bytes / 1024, 1),
        "minutes_1page_pages": one.pages,
        "minutes_3page_s": round(three_s, 3),
        "minutes_3page_kb": round(three.size_bytes / 1024, 1),
        "signin_s": round(signin_s, 3),
        "ledger_100_s": round(ledger_s, 3),
        "ledger_100_kb": round(full.size_bytes / 1024, 1),
        "ledger_100_pages": full.pages,
        "ledger_100_summary_s": round(summary_s, 3),
    }
