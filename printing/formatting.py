"""How dates, times, people and numbers are written on paper.

domain.md §4.1: time is written as year-month-day, 上午/下午/晚上, from hh:mm to hh:mm
("2025年6月6日 上午9:00 至 11:00", §8.2). Names come from the roster by record id, with the
person's branch post in brackets, the way a clerk writes "×××（支部书记）".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from domain.enums import BranchPost
from domain.records import Member

_WEEKDAYS = "一二三四五六日"
# Post order on paper: 书记 first, then 副书记, the 委员, the 组长 (domain.md §2).
POST_ORDER: tuple[BranchPost, ...] = (
    BranchPost.SECRETARY,
    BranchPost.DEPUTY_SECRETARY,
    BranchPost.ORGANIZATION,
    BranchPost.PROPAGANDA,
    BranchPost.DISCIPLINE,
    BranchPost.COMMITTEE_MEMBER,
    BranchPost.GROUP_LEADER,
)


def date_zh(day: dt.date, weekday: bool = False) -> str:
    """2025年6月6日 (optionally followed by （星期五）)."""
    text = f"{day.year}年{day.month}月{day.day}日"
    if weekday:
        text += f"（星期{_WEEKDAYS[day.weekday()]}）"
    return text


def date_iso(day: dt.date) -> str:
    """2025-06-06: the compact form used inside table cells."""
    return day.isoformat()


def month_zh(code: str) -> str:
    """'2025-06' → 2025年6月; anything else is returned as it is."""
    try:
        year, month = code.split("-")
        return f"{int(year)}年{int(month)}月"
    except ValueError:
        return code


def day_period(moment: dt.datetime | dt.time) -> str:
    """上午 before noon, 中午 12:00–12:59, 下午 until 18:00, 晚上 after."""
    hour = moment.hour
    if hour < 12:
        return "上午"
    if hour == 12:
        return "中午"
    if hour < 18:
        return "下午"
    return "晚上"


def clock(moment: dt.datetime | dt.time) -> str:
    """12-hour clock as written after 上午/中午/下午/晚上: 9:00, 2:30 (14:30), 12:15."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d}"


def time_range_zh(start: dt.datetime, end: dt.datetime | None) -> str:
    """'2025年6月6日 上午9:00 至 11:00'; the period word is repeated only when it changes."""
    text = f"{date_zh(start.date())} {day_period(start)}{clock(start)}"
    if end is None:
        return text
    if end.date() != start.date():
        return f"{text} 至 {date_zh(end.date())} {day_period(end)}{clock(end)}"
    if day_period(end) != day_period(start):
        return f"{text} 至 {day_period(end)}{clock(end)}"
    return f"{text} 至 {clock(end)}"


def datetime_zh(moment: dt.datetime) -> str:
    return f"{date_zh(moment.date())} {moment.hour:02d}:{moment.minute:02d}"


def decimal_zh(value: Decimal) -> str:
    """2.0 → '2', 1.5 → '1.5', 120.00 → '120'; never scientific notation."""
    text = format(value.normalize(), "f")
    return text


def money_zh(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}元"


def posts_zh(member: Member) -> str:
    """The member's posts in paper order, joined with 、 ('' when none)."""
    posts = sorted(member.posts, key=POST_ORDER.index)
    return "、".join(post.label for post in posts)


def post_rank(member: Member) -> int:
    """Sort key: the member's highest post (书记 = 0), members without a post last."""
    return min((POST_ORDER.index(p) for p in member.posts), default=len(POST_ORDER))


def person_zh(members: Mapping[str, Member], member_id: str, name: str = "", role: str = "") -> str:
    """'张三（支部书记）' from the roster, or the typed name and role for someone not on it."""
    member = members.get(member_id) if member_id else None
    shown = name or (member.name if member is not None else member_id)
    post = role or (posts_zh(member) if member is not None else "")
    if not shown:
        return ""
    return f"{shown}（{post}）" if post else shown


def name_of(members: Mapping[str, Member], member_id: str) -> str:
    member = members.get(member_id)
    return member.name if member is not None else member_id


def stars_zh(stars: int) -> str:
    """★★★★☆ for 4 of 5."""
    stars = max(0, min(5, stars))
    return "★" * stars + "☆" * (5 - stars)
