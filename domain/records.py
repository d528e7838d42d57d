"""Schemas of every record kind a branch keeps (domain.md §2, §4, §5).

Bodies are pydantic models so the same schema validates a clerk's form, an imported JSON file,
and a change arriving at head office. A body holds only what the clerk entered: identity,
revision, finalization and the recorded-at / synced-at times belong to the store's envelope,
which keeps the meeting time apart from both (domain.md §9.9).

Numbers that may be fractional (学时, 党费) are Decimal, never float, so canonical JSON and
revision hashes are identical on every machine.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field, StringConstraints

from domain.attachments import AttachmentRef
from domain.base import DomainModel, ShortText
from domain.dates import coerce_date, coerce_datetime
from domain.enums import (
    AppraisalGrade,
    AttendanceStatus,
    BranchPost,
    ExclusionCategory,
    Gender,
    MeetingFormat,
    MeetingType,
    MembershipState,
    MemberStatus,
    PlaqueStatus,
    PostCategory,
    PostType,
    ReviewDecision,
    RightsSuspension,
    VoteKind,
    VoteMethod,
)

# The body schema version this code reads (the wire's ``schema_version``). A body with a higher
# number comes from a newer client: it is kept verbatim, never guessed at (issue 13). Version 2 added
# ``attachments``; a body is *written* with the lowest version that describes it
# (:func:`body_schema_version`), so a body without attachments stays version 1, byte for byte.
SCHEMA_VERSION = 2
ATTACHMENTS_SCHEMA_VERSION = 2

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200_000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
RecordRef = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
Count = Annotated[int, Field(ge=0, le=100_000)]
# Dates as clerks type them (1988/3/15, 1988年3月15日 …) are read by domain.dates, strictly: a
# partial or impossible date is refused with a Chinese reason, never completed. Empty text of an
# optional date means "not filled in".
Date = Annotated[dt.date, BeforeValidator(coerce_date)]
OptionalDate = Annotated[dt.date | None, BeforeValidator(coerce_date)]
DateTime = Annotated[dt.datetime, BeforeValidator(coerce_datetime)]
OptionalDateTime = Annotated[dt.datetime | None, BeforeValidator(coerce_datetime)]


def _no_attachments(value: list[AttachmentRef]) -> bool:
    return not value


class RecordBody(DomainModel):
    """A kind of record the store keeps; ``KIND`` is its stable wire name.

    ``attachments`` (签到表 scans, photos, 讲稿; issue 14) are references by content digest, so the
    revision hash covers the files' digests. The field is left out of every dump while it is empty:
    a body without attachments serializes byte for byte as before the field existed, so no existing
    revision id changes (tests/domain/test_attachment_field.py).
    """

    KIND: ClassVar[str]

    attachments: list[AttachmentRef] = Field(default_factory=list, exclude_if=_no_attachments)


# ---------------------------------------------------------------- branch and roster


class BranchProfile(RecordBody):
    """The branch itself (one per installation)."""

    KIND: ClassVar[str] = "branch_profile"

    name: Name
    org_code: ShortText = ""
    parent_org: ShortText = ""
    has_committee: bool = False
    party_groups: list[Name] = Field(default_factory=list)
    is_village_or_community: bool = False  # 村/社区 branches: 5-year terms (domain.md §2)
    # 台账起始日期: the day the branch began keeping its records here (by default the day the
    # store was made). Before it, a missing record proves nothing, so the compliance calendar and
    # the lapse warnings never count months before it; meetings entered for earlier dates (补录)
    # still count.
    records_since: OptionalDate = None


class Member(RecordBody):
    """One person on the branch roster."""

    KIND: ClassVar[str] = "member"

    name: Name = Field(min_length=1)
    gender: Gender | None = None
    birth_date: OptionalDate = None
    status: MemberStatus = MemberStatus.FULL
    join_date: OptionalDate = None  # 入党日期 = date of the admission vote
    full_member_date: OptionalDate = None  # 转正日期
    party_group: Name = ""
    posts: list[BranchPost] = Field(default_factory=list)
    suspension: RightsSuspension = RightsSuspension.NONE
    suspension_until: OptionalDate = None
    state: MembershipState = MembershipState.ACTIVE
    state_date: OptionalDate = None  # when transferred out / removed
    unit: ShortText = ""  # 职务/单位, printed on sign-in sheets
    phone: ShortText = ""
    is_leading_cadre: bool = False  # 双重组织生活 (domain.md §3.1)
    note: ShortText = ""


# ---------------------------------------------------------------- meetings


class Attendance(DomainModel):
    member_id: RecordRef
    status: AttendanceStatus = AttendanceStatus.PRESENT
    reason: ShortText = ""  # absence reason, required for leave/absent
    written_opinion: bool = False  # absent voter who submitted a written opinion in advance
    exclusion: ExclusionCategory | None = None
    exclusion_approval: ShortText = ""  # reference of the higher organisation's consent


class Guest(DomainModel):
    """列席: attends without a vote (积极分子, 群众代表, a visiting leader)."""

    name: Name = Field(min_length=1)
    role: ShortText = ""


class AgendaItem(DomainModel):
    title: ShortText = Field(min_length=1)


class Speech(DomainModel):
    """What one person said; ``member_id`` is empty when the speaker is not on the roster."""

    speaker: Name = Field(min_length=1)
    member_id: RecordRef = ""
    agenda_index: int | None = Field(default=None, ge=0)
    content: Text = ""


class Vote(DomainModel):
    """One motion or one candidate voted on (candidates are voted on separately, domain.md §3.3).

    ``entitled`` and ``present`` may be left empty: the rules then count them from the
    attendance list and the roster. When given, they are the counts the chair announced.
    """

    subject: ShortText = Field(min_length=1)
    kind: VoteKind = VoteKind.ORDINARY
    method: VoteMethod = VoteMethod.SHOW_OF_HANDS
    candidate_member_id: RecordRef = ""
    entitled: Count | None = None  # 应到会有表决权人数
    present: Count | None = None  # 实到会有表决权人数
    written_opinions: Count = 0  # 书面意见票 (counted for admission / full membership)
    yes: Count = 0
    no: Count = 0
    abstain: Count = 0
    ballots_issued: Count | None = None  # elections
    ballots_returned: Count | None = None


class Resolution(DomainModel):
    text: Text = Field(min_length=1)
    vote_index: int | None = Field(default=None, ge=0)


class LectureDetails(DomainModel):
    """党课 specifics (domain.md §4.5)."""

    lecturer: Name = ""
    lecturer_member_id: RecordRef = ""
    lecturer_role: ShortText = ""
    topic: ShortText = ""
    hours: Decimal = Field(default=Decimal("0"), ge=0, le=100, max_digits=5, decimal_places=1)
    delivery: ShortText = ""  # 现场/线上/微党课/观看视频
    is_integrity_lecture: bool = False  # 廉政党课


THEME_DAY_REQUIRED_ACTIONS: tuple[str, ...] = ("交纳党费", "诵读党章", "佩戴党徽", "重温入党誓词")


class ThemeDayDetails(DomainModel):
    """主题党日 specifics (domain.md §4.6)."""

    month: Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] | None = None
    theme: ShortText = ""
    required_actions: dict[str, bool] = Field(default_factory=dict)
    optional_actions: Text = ""
    dues_count: Count | None = None
    dues_amount: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    follow_up: Text = ""
    linked_record_ids: list[RecordRef] = Field(default_factory=list)


class AppraisalEntry(DomainModel):
    """One member's grade in 民主评议 (domain.md §3.6)."""

    member_id: RecordRef
    grade: AppraisalGrade | None = None  # None: not graded (预备党员)
    comment: ShortText = ""


class Meeting(RecordBody):
    """Any branch meeting or 三会一课 activity."""

    KIND: ClassVar[str] = "meeting"

    meeting_type: MeetingType
    title: ShortText = Field(min_length=1)  # 会议名称/届次
    starts_at: DateTime
    ends_at: OptionalDateTime = None
    place: ShortText = ""
    format: MeetingFormat = MeetingFormat.IN_PERSON
    party_group: Name = ""  # which 党小组 (党小组会)
    chair_member_id: RecordRef = ""
    chair_name: Name = ""  # when the chair is not on the roster
    chair_entrusted: bool = False  # chaired on the secretary's entrustment (条例 第十四条)
    recorder_member_id: RecordRef = ""
    recorder_name: Name = ""
    attendance: list[Attendance] = Field(default_factory=list)
    guests: list[Guest] = Field(default_factory=list)
    agenda: list[AgendaItem] = Field(default_factory=list)
    speeches: list[Speech] = Field(default_factory=list)
    discussion: Text = ""  # free-form minutes when not split by speaker
    votes: list[Vote] = Field(default_factory=list)
    resolutions: list[Resolution] = Field(default_factory=list)
    open_issues: Text = ""  # 遗留问题
    lecture: LectureDetails | None = None
    theme_day: ThemeDayDetails | None = None
    appraisal: list[AppraisalEntry] = Field(default_factory=list)
    rectification: list[ShortText] = Field(default_factory=list)  # 组织生活会 整改清单
    attachments_note: ShortText = ""  # 签到表、照片、讲稿 kept on paper
    amends_record_id: RecordRef = ""  # set on an amendment of a finalized record
    amends_rev: ShortText = ""
    amendment_reason: Text = ""


# ---------------------------------------------------------------- 先锋岗


class Pledge(DomainModel):
    content: ShortText = Field(min_length=1)
    deadline: OptionalDate = None
    owner_member_id: RecordRef = ""
    fulfilled: bool = False
    note: ShortText = ""


class PioneerPost(RecordBody):
    """A 党员先锋岗 / 示范岗 / 责任区 definition (domain.md §5.2)."""

    KIND: ClassVar[str] = "pioneer_post"

    name: ShortText = Field(min_length=1)
    category: PostCategory = PostCategory.OTHER
    post_type: PostType = PostType.INDIVIDUAL
    holder_member_ids: list[RecordRef] = Field(default_factory=list)
    scope: ShortText = ""  # area or equipment the post is responsible for
    duties: list[ShortText] = Field(default_factory=list)
    annual_tasks: list[ShortText] = Field(default_factory=list)
    pledges: list[Pledge] = Field(default_factory=list)
    period_start: OptionalDate = None
    period_end: OptionalDate = None
    plaque: PlaqueStatus = PlaqueStatus.NOT_HUNG


class PostLogEntry(RecordBody):
    """A dated piece of work done at a 先锋岗."""

    KIND: ClassVar[str] = "post_log"

    post_id: RecordRef = Field(min_length=1)
    member_id: RecordRef = ""
    date: Date
    category: PostCategory = PostCategory.OTHER
    hours: Decimal = Field(default=Decimal("0"), ge=0, le=1000, max_digits=6, decimal_places=1)
    place: ShortText = ""
    description: Text = Field(min_length=1)
    outcome: Text = ""


class PostEvaluation(RecordBody):
    """A periodic assessment (述职/评岗) of a post on the 100-point scale."""

    KIND: ClassVar[str] = "post_evaluation"

    post_id: RecordRef = Field(min_length=1)
    member_id: RecordRef = ""
    period: Annotated[str, StringConstraints(pattern=r"^\d{4}(-Q[1-4]|-H[12]|-(0[1-9]|1[0-2]))?$")]
    evaluated_on: Date
    score: int = Field(ge=0, le=100)
    evaluators: ShortText = ""
    comment: Text = ""


# ---------------------------------------------------------------- sent down by head office


class Notice(RecordBody):
    """A notice published by head office; read-only on branch devices."""

    KIND: ClassVar[str] = "notice"

    title: ShortText = Field(min_length=1)
    body: Text = ""
    issued_on: dt.date
    issuer: ShortText = ""
    requires_ack: bool = False


class Review(RecordBody):
    """Head office's review of one finalized record: 已审核 or 退回修改 with a comment.

    Head office never edits a branch's record; its verdict is a record of its own, one per
    reviewed record (``review_record_id`` in sync.protocol.identity), whose revisions are the
    successive verdicts. A returned record is corrected at the branch by an amendment (更正),
    which head office then reviews in turn.
    """

    KIND: ClassVar[str] = "review"

    target_record_id: RecordRef = Field(min_length=1)
    target_rev: ShortText = ""  # the revision that was reviewed
    target_title: ShortText = ""  # for the branch's list, which may not hold the record yet
    decision: ReviewDecision
    comment: Text = ""
    reviewer: Name = ""
    reviewed_at: dt.datetime


class NoticeReceipt(RecordBody):
    """A branch's 确认已读 of a notice that asked for acknowledgement; written once, on the device."""

    KIND: ClassVar[str] = "notice_receipt"

    notice_id: RecordRef = Field(min_length=1)
    acknowledged_by: Name = ""
    acknowledged_at: dt.datetime


def body_schema_version(body: dict[str, Any]) -> int:
    """The schema version a body (JSON form) is written with: 2 when it carries attachments, else 1.

    An older client or head office (reading version 1) keeps a version-2 body verbatim and unread,
    as it keeps every body from a newer schema; every other body stays readable to it.
    """
    return ATTACHMENTS_SCHEMA_VERSION if body.get("attachments") else 1


Kind = Literal[
    "branch_profile", "member", "meeting", "pioneer_post", "post_log", "post_evaluation", "notice", "review",
    "notice_receipt",
]

RECORD_KINDS: dict[str, type[RecordBody]] = {
    cls.KIND: cls
    for cls in (
        BranchProfile, Member, Meeting, PioneerPost, PostLogEntry, PostEvaluation, Notice, Review, NoticeReceipt,
    )
}

# Kinds only head office may write; the server refuses them from devices.
HQ_ONLY_KINDS: frozenset[str] = frozenset({"notice", "review"})
