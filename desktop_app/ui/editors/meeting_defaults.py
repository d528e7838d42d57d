"""What a new meeting record starts with, so the clerk types only what is new (no Qt here).

A 支部党员大会 on paper takes the clerk minutes of copying names; here the form starts with what is
almost always true and the clerk corrects the exceptions:

* the title the branch would write (2026年第二季度支部党员大会), kept in step with the type and date
  until the clerk types her own;
* today's date, the place of the last meeting, the 书记 (or the group's 组长) in the chair, the
  clerk herself as recorder;
* everyone who should attend — the whole roll, the committee, or the group — listed as 出席;
* "the same again": a copy of an earlier meeting (last month's 支委会) with its people, place and
  agenda, dated today, without what was said or decided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from domain.enums import BranchPost, MeetingType
from domain.i18n import t
from domain.records import Member
from domain.rules.standing import is_member_on

COMMITTEE_POSTS = frozenset(
    {
        BranchPost.SECRETARY,
        BranchPost.DEPUTY_SECRETARY,
        BranchPost.ORGANIZATION,
        BranchPost.PROPAGANDA,
        BranchPost.DISCIPLINE,
        BranchPost.COMMITTEE_MEMBER,
    }
)
# What a repeat keeps of the earlier meeting; everything said, voted or decided starts empty.
REPEAT_KEEPS = ("meeting_type", "place", "format", "party_group", "chair_member_id", "chair_name",
                "chair_entrusted", "recorder_member_id", "recorder_name", "agenda")


def quarter_name(month: int) -> str:
    return "一二三四"[(month - 1) // 3]


def suggested_title(kind: str, when: dt.date, group: str = "") -> str:
    """The title a branch writes for this kind of meeting at this date ("" for other meetings)."""
    # Templates of the catalog (domain.i18n): the English window suggests English titles.
    p: dict[str, Any] = {"y": when.year, "m": when.month, "q": quarter_name(when.month), "n": (when.month - 1) // 3 + 1}
    titles = {
        MeetingType.PARTY_CONGRESS.value: t("{y}年第{q}季度支部党员大会", **p),
        MeetingType.COMMITTEE.value: t("{y}年{m}月支部委员会会议", **p),
        MeetingType.GROUP.value: (t("{y}年{m}月{group}党小组会", group=group.removesuffix("党小组"), **p) if group
                                  else t("{y}年{m}月党小组会", **p)),
        MeetingType.LECTURE.value: t("{y}年第{q}季度党课", **p),
        MeetingType.THEME_DAY.value: t("{y}年{m}月主题党日", **p),
        MeetingType.ORG_LIFE.value: t("{y}年度组织生活会", **p),
        MeetingType.APPRAISAL.value: t("{y}年度民主评议党员", **p),
        MeetingType.TALK.value: t("{y}年{m}月谈心谈话", **p),
    }
    return titles.get(kind, "")


def expected_members(kind: str, members: Mapping[str, Member], group: str, day: dt.date) -> list[str]:
    """Who should be at this meeting (all listed as present by default), sorted by name.

    A 支委会 expects the committee (everyone, if no committee posts are recorded); a 党小组会 the
    members of its group; a 谈心谈话 nobody in particular; the rest the whole roll that day.
    """
    on_roll = sorted(
        ((mid, m) for mid, m in members.items() if is_member_on(m, day)), key=lambda kv: kv[1].name
    )
    if kind == MeetingType.TALK.value:
        return []
    if kind == MeetingType.COMMITTEE.value:
        committee = [mid for mid, m in on_roll if COMMITTEE_POSTS.intersection(m.posts)]
        return committee or [mid for mid, _m in on_roll]
    if kind == MeetingType.GROUP.value and group:
        return [mid for mid, m in on_roll if m.party_group == group]
    return [mid for mid, _m in on_roll]


def default_chair(kind: str, members: Mapping[str, Member], group: str, day: dt.date) -> str:
    """The member who normally chairs (条例 第十四条): the 书记, or the group's 组长 ("" if none)."""
    on_roll = {mid: m for mid, m in members.items() if is_member_on(m, day)}
    if kind == MeetingType.GROUP.value:
        leaders = [mid for mid, m in on_roll.items() if BranchPost.GROUP_LEADER in m.posts and m.party_group == group]
        return leaders[0] if len(leaders) == 1 else ""
    secretaries = [mid for mid, m in on_roll.items() if BranchPost.SECRETARY in m.posts]
    return secretaries[0] if len(secretaries) == 1 else ""


def member_named(members: Mapping[str, Member], name: str) -> str:
    """The id of the one roster member called ``name`` ("" if none or several)."""
    found = [mid for mid, m in members.items() if m.name == name.strip()]
    return found[0] if len(found) == 1 else ""


def repeat_of(data: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """A new meeting like ``data`` (an earlier meeting's body), held today at the same time.

    The people (chair, recorder, who was expected), the place and the agenda carry over; every
    attendee starts as present again; what was said, voted and resolved starts empty. A title
    that followed the usual pattern is renewed for the new date; another title is kept as it was.
    """
    out: dict[str, Any] = {key: data[key] for key in REPEAT_KEEPS if key in data}
    starts = _as_datetime(data.get("starts_at")) or dt.datetime.combine(today, dt.time(9, 0))
    new_start = dt.datetime.combine(today, starts.time())
    out["starts_at"] = new_start.strftime("%Y-%m-%dT%H:%M")
    ends = _as_datetime(data.get("ends_at"))
    if ends is not None:
        out["ends_at"] = dt.datetime.combine(today + (ends.date() - starts.date()), ends.time()).strftime(
            "%Y-%m-%dT%H:%M"
        )
    kind = str(data.get("meeting_type") or "")
    group = str(data.get("party_group") or "")
    title = str(data.get("title") or "")
    if title == suggested_title(kind, starts.date(), group) or not title:
        title = suggested_title(kind, today, group)
    out["title"] = title
    out["attendance"] = [
        {"member_id": row["member_id"], "status": "present"}
        for row in data.get("attendance") or []
        if isinstance(row, Mapping) and row.get("member_id")
    ]
    return out


def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None
