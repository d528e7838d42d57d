"""The little the compliance calendar needs to know about a meeting.

The store keeps an index of meetings; feeding the calendar from that index must not require
parsing every encrypted body, so a meeting is reduced to a :class:`MeetingFact`. Feed one fact
per meeting as it stands now: an amendment replaces its original, it is not a second meeting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from domain.enums import BranchPost, MeetingType
from domain.records import Meeting, Member


@dataclass(frozen=True)
class MeetingFact:
    meeting_type: MeetingType
    date: dt.date
    party_group: str = ""  # the 党小组 of a 党小组会
    is_lecture_by_secretary: bool = False  # a 党课 given by the 书记 (domain.md §3.1, §9.1)
    includes_appraisal: bool = False  # 民主评议 held within this meeting (e.g. with the 组织生活会)
    counts_for_month: str | None = None  # "YYYY-MM": a 主题党日 moved across a month boundary (§4.6)

    @property
    def counted_on(self) -> dt.date:
        """The date the calendar files this meeting under.

        A 主题党日 may be moved by up to a week around a holiday (domain.md §4.6); when its record
        says which month it belongs to, it counts for that month.
        """
        if self.counts_for_month:
            year, month = (int(part) for part in self.counts_for_month.split("-"))
            if (year, month) != (self.date.year, self.date.month):
                return dt.date(year, month, 1)
        return self.date

    @classmethod
    def from_meeting(cls, meeting: Meeting, members: Mapping[str, Member] | None = None) -> MeetingFact:
        """Reduce a full meeting body to its fact (for callers that have the body at hand)."""
        lecture = meeting.lecture
        by_secretary = False
        if meeting.meeting_type is MeetingType.LECTURE and lecture is not None:
            lecturer = (members or {}).get(lecture.lecturer_member_id) if lecture.lecturer_member_id else None
            if lecturer is not None:
                by_secretary = BranchPost.SECRETARY in lecturer.posts
            else:
                by_secretary = is_secretary_role(lecture.lecturer_role)
        month = None
        if meeting.meeting_type is MeetingType.THEME_DAY and meeting.theme_day is not None:
            month = meeting.theme_day.month
        return cls(
            meeting_type=meeting.meeting_type,
            date=meeting.starts_at.date(),
            party_group=meeting.party_group,
            is_lecture_by_secretary=by_secretary,
            includes_appraisal=any(entry.grade is not None for entry in meeting.appraisal),
            counts_for_month=month,
        )


def is_secretary_role(role: str) -> bool:
    """'支部书记', '党委书记' and the like count; '副书记' does not."""
    text = role.replace(" ", "")
    return "书记" in text and "副书记" not in text
