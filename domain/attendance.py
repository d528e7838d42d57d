"""Per-member attendance history: the 6-month no-organisational-life warning (domain.md §3.1, §9.6).

党章 第九条: a member who, without a proper reason, does not take part in organisational life for
6 consecutive months is considered to have left the Party (自行脱党). The app cannot judge the
reason; it only finds the members the branch must look at.

How months are counted (calendar-month granularity): a month counts as "without organisational
life" only once it has **ended** with no attendance, and counting starts after the month of the
member's last attendance (or of joining, or of the start of the records, whichever is latest).
Last attended 15 March: April–September are six such months, so the warning appears on 1 October;
the early warning (5 months) appears on 1 September, leaving all of September to act. A month
still running never counts, since the member may yet attend.

Organisational life means being **present** (出席) at a 党员大会, 支委会, 党小组会, 党课, 主题党日,
组织生活会 or 民主评议; 请假 and 缺席 do not count, nor do 谈心谈话 and other meetings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from domain.enums import AttendanceStatus, MeetingType
from domain.i18n import CHINESE, t
from domain.records import Meeting, Member
from domain.rules.standing import is_member_on
from domain.settings import RuleSettings
from domain.violations import Severity

ORGANISATIONAL_LIFE_TYPES: frozenset[MeetingType] = frozenset(
    {
        MeetingType.PARTY_CONGRESS,
        MeetingType.COMMITTEE,
        MeetingType.GROUP,
        MeetingType.LECTURE,
        MeetingType.THEME_DAY,
        MeetingType.ORG_LIFE,
        MeetingType.APPRAISAL,
    }
)


@dataclass(frozen=True)
class LapseWarning:
    member_id: str
    member_name: str
    months: int  # whole calendar months ended without organisational life
    last_attended: dt.date | None
    counted_from: dt.date  # the later of last attendance, join date and the start of the records
    severity: Severity  # ERROR at ``lapse_months`` (自行脱党风险), WARNING at the early threshold
    code: str  # "attendance.lapse" or "attendance.lapse_early"
    message_zh: str  # Chinese (printing, head office)
    message: str = ""  # the same in the shown language (the window, the CLI)

    def to_json(self, shown: bool = False) -> dict[str, Any]:
        """``message`` in Chinese (head office), or with ``shown`` in the shown language (the CLI)."""
        return {
            "member_id": self.member_id,
            "member_name": self.member_name,
            "months": self.months,
            "last_attended": self.last_attended.isoformat() if self.last_attended else None,
            "counted_from": self.counted_from.isoformat(),
            "severity": self.severity.value,
            "code": self.code,
            "message": (self.message or self.message_zh) if shown else self.message_zh,
        }


def organisational_life_events(meetings: Iterable[Meeting]) -> Iterator[tuple[str, dt.date]]:
    """(member_id, date) for every member present at an organisational-life meeting."""
    for meeting in meetings:
        if meeting.meeting_type not in ORGANISATIONAL_LIFE_TYPES:
            continue
        day = meeting.starts_at.date()
        for entry in meeting.attendance:
            if entry.status is AttendanceStatus.PRESENT:
                yield entry.member_id, day


def months_without(counted_from: dt.date, today: dt.date) -> int:
    """Calendar months that have ended after the month of ``counted_from`` and before ``today``'s month."""
    return max(0, _month_index(today) - _month_index(counted_from) - 1)


def lapse_warnings(
    members: Mapping[str, Member],
    attendance_events: Iterable[tuple[str, dt.date]],
    today: dt.date,
    settings: RuleSettings | None = None,
    records_since: dt.date | None = None,
) -> list[LapseWarning]:
    """Members on the roll today who have gone ``lapse_months`` (or the early-warning number) of
    months without organisational life, worst first.

    ``attendance_events`` are (member_id, date) of organisational life, e.g. from
    :func:`organisational_life_events`; events after ``today`` are ignored. ``records_since`` is
    when the branch started keeping records in the app: before it, absence of records proves
    nothing, so counting never starts earlier. A member with no join date, no attendance and no
    ``records_since`` cannot be judged and is left out. A setting of 0 turns that warning off.
    """
    settings = settings or RuleSettings()
    last: dict[str, dt.date] = {}
    for member_id, day in attendance_events:
        if day <= today and (member_id not in last or day > last[member_id]):
            last[member_id] = day

    out: list[LapseWarning] = []
    for member_id, member in members.items():
        if not is_member_on(member, today):
            continue
        starts = [d for d in (last.get(member_id), member.join_date, records_since) if d is not None]
        if not starts:
            continue
        counted_from = max(starts)
        months = months_without(counted_from, today)
        warning = _classify(member_id, member, months, last.get(member_id), counted_from, today, settings)
        if warning is not None:
            out.append(warning)
    out.sort(key=lambda w: (-w.months, w.member_name, w.member_id))
    return out


def _classify(
    member_id: str,
    member: Member,
    months: int,
    last_attended: dt.date | None,
    counted_from: dt.date,
    today: dt.date,
    settings: RuleSettings,
) -> LapseWarning | None:
    lapse, early = settings.lapse_months, settings.lapse_early_warning_months
    first = _add_months(counted_from, 1)
    final = _add_months(today, -1)

    def span(lang: str | None) -> str:
        return t("{y1}年{m1}月至{y2}年{m2}月", lang, y1=first.year, m1=first.month, y2=final.year, m2=final.month)

    def seen(lang: str | None) -> str:
        if last_attended:
            return t("最近一次参加：{day}", lang, day=last_attended.isoformat())
        return t("无参加记录", lang)

    if lapse > 0 and months >= lapse:

        def lapsed(lang: str | None) -> str:
            return t("{name}已连续{months}个月（{span}）未参加组织生活（{seen}），存在自行脱党风险（党章第九条），"
                     "请核实是否有正当理由", lang, name=member.name, months=months, span=span(lang), seen=seen(lang))

        return LapseWarning(
            member_id,
            member.name,
            months,
            last_attended,
            counted_from,
            Severity.ERROR,
            "attendance.lapse",
            lapsed(CHINESE),
            lapsed(None),
        )
    if early > 0 and months >= early and (lapse <= 0 or early < lapse):

        def early_text(lang: str | None) -> str:
            if lapse > 0:
                return t("{name}已连续{months}个月（{span}）未参加组织生活（{seen}），"
                         "连续{lapse}个月将构成自行脱党情形，请及时安排参加", lang,
                         name=member.name, months=months, span=span(lang), seen=seen(lang), lapse=lapse)
            return t("{name}已连续{months}个月（{span}）未参加组织生活（{seen}），请及时安排参加", lang,
                     name=member.name, months=months, span=span(lang), seen=seen(lang))

        return LapseWarning(
            member_id,
            member.name,
            months,
            last_attended,
            counted_from,
            Severity.WARNING,
            "attendance.lapse_early",
            early_text(CHINESE),
            early_text(None),
        )
    return None


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = _month_index(day) + months
    return dt.date(index // 12, index % 12 + 1, 1)
