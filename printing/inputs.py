"""What the renderers take: domain bodies plus the store envelope they cannot see.

A record body (``domain.records``) deliberately holds only what the clerk typed; its status
(草稿/定稿), id, revision and recorded-at time live in the store's envelope. A printed record shows
all of them, so the caller — desktop client, CLI or head-office server — passes both, together
with the roster (names, posts, who was a 预备党员 that day) and the branch profile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from domain.compliance import ComplianceReport
from domain.enums import MeetingType, RecordStatus
from domain.late_entry import entered_later
from domain.records import (
    BranchProfile,
    Guest,
    Meeting,
    Member,
    PioneerPost,
    PostEvaluation,
    PostLogEntry,
)
from domain.settings import RuleSettings
from printing.attachments import PrintAttachment


@dataclass(frozen=True)
class MinutesInput:
    """One meeting record to print as 会议记录.

    ``members`` is the whole roster (record id → Member), including people who have since left:
    the rules judge everyone on the meeting date. ``status`` defaults to 草稿, so a caller that
    forgets to say a record is final gets the watermark, never the reverse. For an amendment
    (``meeting.amends_record_id`` set), ``original_title``/``original_date`` name the record it
    corrects. ``linked_titles`` maps record ids to titles for a 主题党日's linked records.
    ``entered_at`` is when the record was first saved (its first revision); a meeting dated
    before the branch's 台账起始日期 prints a 补录 note with that date (domain.late_entry).
    ``attachments`` are printed after the minutes (printing.attachments); pass none to leave
    them out.
    """

    meeting: Meeting
    branch: BranchProfile
    members: Mapping[str, Member] = field(default_factory=dict)
    status: RecordStatus = RecordStatus.DRAFT
    record_id: str = ""
    rev: str = ""
    recorded_at: dt.datetime | None = None
    original_title: str = ""
    original_date: dt.date | None = None
    settings: RuleSettings = field(default_factory=RuleSettings)
    linked_titles: Mapping[str, str] = field(default_factory=dict)
    entered_at: dt.datetime | None = None
    attachments: Sequence[PrintAttachment] = ()

    @property
    def entered_later(self) -> bool:
        """补录: held before this branch's records began in BranchLedger."""
        return entered_later(self.meeting.starts_at.date(), self.branch.records_since)


@dataclass(frozen=True)
class SignInInput:
    """A blank 签到表 pre-filled with the roster (domain.md §8.3).

    Who is listed: members on the roll on the meeting date; only 支委会 members for a 支委会, only
    the group's members for a 党小组会 (``party_group``). ``extra_rows`` blank rows follow for
    列席 guests and anyone not on the roll. Build one from a planned meeting with
    :meth:`for_meeting`. ``scans`` are the meeting's attachments: when one of them is a signed
    签到表 scan, its pages are printed instead of the blank sheet.
    """

    branch: BranchProfile
    members: Mapping[str, Member]
    title: str
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place: str = ""
    meeting_type: MeetingType | None = None
    party_group: str = ""
    organizer: str = ""  # 主办/组织单位; the branch name when empty
    guests: Sequence[Guest] = ()
    extra_rows: int = 3
    scans: Sequence[PrintAttachment] = ()

    @classmethod
    def for_meeting(
        cls, meeting: Meeting, branch: BranchProfile, members: Mapping[str, Member], extra_rows: int = 3,
        scans: Sequence[PrintAttachment] = (),
    ) -> SignInInput:
        return cls(
            branch=branch,
            members=members,
            title=meeting.title,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            place=meeting.place,
            meeting_type=meeting.meeting_type,
            party_group=meeting.party_group,
            guests=tuple(meeting.guests),
            extra_rows=extra_rows,
            scans=tuple(scans),
        )


@dataclass(frozen=True)
class PostReportInput:
    """One 党员先锋岗 with its work log and evaluations (domain.md §5.2, §9.8).

    ``log_entries`` and ``evaluations`` are printed in date order; pass only those of the period
    to print (``period_label`` names it, e.g. "2026年"). ``attachments`` — the post's and its log
    entries' and evaluations' (each with its ``owner`` set) — follow the report.
    """

    post: PioneerPost
    branch: BranchProfile
    members: Mapping[str, Member] = field(default_factory=dict)
    log_entries: Sequence[PostLogEntry] = ()
    evaluations: Sequence[PostEvaluation] = ()
    record_id: str = ""
    status: RecordStatus = RecordStatus.FINAL
    period_label: str = ""
    attachments: Sequence[PrintAttachment] = ()


@dataclass(frozen=True)
class LedgerInput:
    """A 台账 for one period: compliance summary, activity list, optional full minutes, 先锋岗.

    ``period`` is ``2026-11``, ``2026-Q4`` or ``2026``. ``records`` may reach beyond the period
    (the activity list keeps those dated inside it); the compliance summary is computed from all
    of them unless ``compliance`` is given — pass the store's report when the records handed in
    do not cover whole quarters and years. ``today`` is the "as of" date of that summary.
    """

    branch: BranchProfile
    period: str
    records: Sequence[MinutesInput] = ()
    members: Mapping[str, Member] = field(default_factory=dict)
    posts: Sequence[PostReportInput] = ()
    include_minutes: bool = True
    compliance: ComplianceReport | None = None
    today: dt.date | None = None
    settings: RuleSettings = field(default_factory=RuleSettings)
