"""Who counts at a meeting: the 应到/实到/缺席 totals for the record and the voting roll for votes.

Two different totals live here and must not be confused (domain.md §3.3, §8.2):

* the **attendance totals** printed on the record and the sign-in sheet (应到 X 人, 实到 Y 人,
  缺席 Z 人) count every member expected, 预备党员 included;
* the **voting roll** (应到会有表决权人数 / 实到会有表决权人数) counts only members with voting rights:
  never 预备党员, never members whose rights are suspended (留党察看/留置/逮捕), and never members
  left out of 应到会 under one of the six approved categories when that category applies to the
  kind of vote.

Everybody else who is absent still counts in 应到会 ("Anyone else who is absent still counts as
应到会", domain.md §3.3). That is why, for 党员大会, 支委会 and 党小组会, roster members the clerk did
not list are counted as absent rather than silently dropped: leaving someone off the list must not
lower the denominator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from domain.context import RuleContext
from domain.enums import AttendanceStatus, ExclusionCategory, MeetingType, VoteKind
from domain.i18n import listing, t
from domain.records import Attendance, Meeting, Member
from domain.rules.messages import error
from domain.rules.standing import (
    has_voting_rights_on,
    is_committee_member,
    is_member_on,
    no_vote_reason_zh,
)
from domain.settings import RuleSettings
from domain.violations import Violation

# Elections outrank admission votes, which outrank ordinary votes: the strictest kind on the
# agenda decides the meeting's quorum and which exclusions apply.
_KIND_RANK: dict[VoteKind, int] = {
    VoteKind.ORDINARY: 0,
    VoteKind.FULL_MEMBERSHIP: 1,
    VoteKind.ADMISSION: 2,
    VoteKind.ELECTION: 3,
}


def governing_vote_kind(meeting: Meeting) -> VoteKind:
    """The strictest vote kind recorded at the meeting, ORDINARY when there is none."""
    kinds = [vote.kind for vote in meeting.votes]
    return max(kinds, key=_KIND_RANK.__getitem__, default=VoteKind.ORDINARY)


def exclusion_applies(category: ExclusionCategory, vote_kind: VoteKind, settings: RuleSettings) -> bool:
    """Whether an approved 不计入应到 category removes the member from 应到会 for this vote kind.

    domain.md §3.3: the six categories are for elections and admission votes; the sixth
    (retired, living in the home town) for elections only. Ordinary votes keep every member in
    应到会 unless the local setting ``exclusions_apply_to_ordinary_votes`` says otherwise.
    """
    if vote_kind is VoteKind.ELECTION:
        return True
    if category is ExclusionCategory.RETIRED_HOMETOWN:
        return False
    if vote_kind is VoteKind.ORDINARY:
        return settings.exclusions_apply_to_ordinary_votes
    return True


@dataclass(frozen=True)
class VotingRoll:
    """Attendance totals and the voting roll of one meeting, for one vote kind.

    Every ``*_ids`` tuple holds member record ids in attendance order (roster order for members
    counted but not listed). Members without a vote appear in the attendance totals only.
    """

    meeting_type: MeetingType
    vote_kind: VoteKind
    meeting_date: dt.date
    # attendance totals (应到/实到/缺席 on the printed record; 预备党员 included)
    expected_ids: tuple[str, ...]
    present_ids: tuple[str, ...]
    absent_ids: tuple[str, ...]  # 请假 + 缺席 + unlisted roster members
    leave_ids: tuple[str, ...]
    unlisted_ids: tuple[str, ...]  # on the roster, expected, but missing from the attendance list
    # the voting roll (应到会有表决权 / 实到会有表决权)
    entitled_ids: tuple[str, ...]
    present_voter_ids: tuple[str, ...]
    absent_voter_ids: tuple[str, ...]
    written_opinion_ids: tuple[str, ...]  # absent voters who handed in a written opinion in advance
    non_voter_ids: tuple[str, ...]  # expected but without a vote: 预备党员, rights suspended, 列席 at 支委会
    excluded_ids: tuple[str, ...]  # left out of 应到会 under an approved category that applies here
    not_on_roll_ids: tuple[
        str, ...
    ]  # listed but not in the branch that day (transferred out, not yet admitted)
    unknown_ids: tuple[str, ...]  # listed but not on the roster at all
    listed_ids: tuple[str, ...]  # every distinct id in the attendance list, in its order
    violations: tuple[Violation, ...]

    @property
    def expected_total(self) -> int:
        """应到 on the printed record (all members expected, 预备党员 included)."""
        return len(self.expected_ids)

    @property
    def present_total(self) -> int:
        """实到 on the printed record."""
        return len(self.present_ids)

    @property
    def absent_total(self) -> int:
        """缺席 on the printed record (请假 included)."""
        return len(self.absent_ids)

    @property
    def entitled(self) -> int:
        """应到会有表决权人数."""
        return len(self.entitled_ids)

    @property
    def present_voters(self) -> int:
        """实到会有表决权人数."""
        return len(self.present_voter_ids)

    @property
    def absent_voters(self) -> int:
        return len(self.absent_voter_ids)

    @property
    def written_opinions(self) -> int:
        """书面意见 handed in by absent voters (counted in admission/转正 votes, domain.md §3.3)."""
        return len(self.written_opinion_ids)

    @property
    def has_attendance(self) -> bool:
        """False when the clerk listed nobody, so counts typed on a vote cannot be cross-checked."""
        return bool(self.listed_ids)


def _expected_roster(meeting: Meeting, ctx: RuleContext, day: dt.date) -> list[str]:
    """Roster members who are expected at this meeting whether or not the clerk listed them."""
    members = ctx.members
    if meeting.meeting_type is MeetingType.PARTY_CONGRESS:
        return [mid for mid, m in members.items() if is_member_on(m, day)]
    if meeting.meeting_type is MeetingType.COMMITTEE:
        return [mid for mid, m in members.items() if is_member_on(m, day) and is_committee_member(m)]
    if meeting.meeting_type is MeetingType.GROUP and meeting.party_group:
        return [
            mid for mid, m in members.items() if is_member_on(m, day) and m.party_group == meeting.party_group
        ]
    return []


def _has_vote_here(member: Member, meeting: Meeting, day: dt.date, committee_known: bool) -> bool:
    if not has_voting_rights_on(member, day):
        return False
    # At a 支委会 only committee members vote; others present (党小组长 and the like) attend as 列席.
    if meeting.meeting_type is MeetingType.COMMITTEE and committee_known:
        return is_committee_member(member)
    return True


def _no_vote_here_zh(member: Member, meeting: Meeting, day: dt.date) -> str:
    if not has_voting_rights_on(member, day):
        return no_vote_reason_zh(member, day)
    return t("列席支委会")


def voting_roll(meeting: Meeting, ctx: RuleContext, vote_kind: VoteKind | None = None) -> VotingRoll:
    """Count the meeting's attendance and voting roll for ``vote_kind``.

    ``vote_kind`` defaults to the strictest kind recorded at the meeting (see
    :func:`governing_vote_kind`); it matters only for which exclusion categories apply.

    Members listed in the attendance but missing from ``ctx.members`` are reported as violations
    on ``attendance.N.member_id`` when a roster is known, and counted in the attendance totals
    only (their voting rights cannot be known). With an empty roster nothing can be
    cross-checked and no such violation is raised. A member listed twice counts once.
    """
    kind = vote_kind if vote_kind is not None else governing_vote_kind(meeting)
    day = meeting.starts_at.date()
    settings = ctx.settings
    members = ctx.members
    committee_known = any(is_committee_member(m) and is_member_on(m, day) for m in members.values())

    expected: list[str] = []
    present: list[str] = []
    absent: list[str] = []
    leave: list[str] = []
    entitled: list[str] = []
    present_voters: list[str] = []
    absent_voters: list[str] = []
    written: list[str] = []
    non_voters: list[str] = []
    excluded: list[str] = []
    not_on_roll: list[str] = []
    unknown: list[str] = []
    violations: list[Violation] = []

    seen: set[str] = set()
    seen_order: list[str] = []
    for index, entry in enumerate(meeting.attendance):
        path = f"attendance.{index}.member_id"
        if entry.member_id in seen:
            violations.append(error(path, "attendance.duplicate", "同一党员重复登记"))
            continue
        seen.add(entry.member_id)
        seen_order.append(entry.member_id)
        member = members.get(entry.member_id)
        if member is None:
            if members:
                violations.append(error(path, "attendance.unknown_member", "不在本支部党员名册中"))
            unknown.append(entry.member_id)
            _count_attendance(entry, expected, present, absent, leave)
            continue
        if not is_member_on(member, day):
            not_on_roll.append(entry.member_id)
            continue
        if _is_excluded(entry, kind, settings):
            excluded.append(entry.member_id)
            continue
        _count_attendance(entry, expected, present, absent, leave)
        if not _has_vote_here(member, meeting, day, committee_known):
            non_voters.append(entry.member_id)
            if entry.written_opinion:
                # A per-person vote marker on someone without a vote here is the back door by which
                # a 预备党员's "opinion" would be counted and printed as 已提交书面意见 (§3.3).
                violations.append(
                    error(
                        f"attendance.{index}.written_opinion",
                        "attendance.written_opinion_without_vote",
                        "{name}（{no_vote_here_zh}）没有表决权，不能登记书面意见",
                        name=member.name, no_vote_here_zh=_no_vote_here_zh(member, meeting, day),
                    )
                )
            continue
        entitled.append(entry.member_id)
        if entry.status is AttendanceStatus.PRESENT:
            present_voters.append(entry.member_id)
        else:
            absent_voters.append(entry.member_id)
            if entry.written_opinion:
                written.append(entry.member_id)

    unlisted = [mid for mid in _expected_roster(meeting, ctx, day) if mid not in seen]
    for mid in unlisted:
        expected.append(mid)
        absent.append(mid)
        if _has_vote_here(members[mid], meeting, day, committee_known):
            entitled.append(mid)
            absent_voters.append(mid)
        else:
            non_voters.append(mid)

    return VotingRoll(
        meeting_type=meeting.meeting_type,
        vote_kind=kind,
        meeting_date=day,
        expected_ids=tuple(expected),
        present_ids=tuple(present),
        absent_ids=tuple(absent),
        leave_ids=tuple(leave),
        unlisted_ids=tuple(unlisted),
        entitled_ids=tuple(entitled),
        present_voter_ids=tuple(present_voters),
        absent_voter_ids=tuple(absent_voters),
        written_opinion_ids=tuple(written),
        non_voter_ids=tuple(non_voters),
        excluded_ids=tuple(excluded),
        not_on_roll_ids=tuple(not_on_roll),
        unknown_ids=tuple(unknown),
        listed_ids=tuple(seen_order),
        violations=tuple(violations),
    )


def _is_excluded(entry: Attendance, kind: VoteKind, settings: RuleSettings) -> bool:
    # An exclusion counts only with its category and the higher organisation's consent
    # (domain.md §3.3, §9.3); an incomplete one is reported by the meeting checks and the member
    # stays in 应到会 as absent, the safe side for every threshold.
    return (
        entry.status is AttendanceStatus.EXCLUDED
        and entry.exclusion is not None
        and bool(entry.exclusion_approval)
        and exclusion_applies(entry.exclusion, kind, settings)
    )


def _count_attendance(
    entry: Attendance, expected: list[str], present: list[str], absent: list[str], leave: list[str]
) -> None:
    expected.append(entry.member_id)
    if entry.status is AttendanceStatus.PRESENT:
        present.append(entry.member_id)
        return
    absent.append(entry.member_id)
    if entry.status is AttendanceStatus.LEAVE:
        leave.append(entry.member_id)


def names_zh(ids: Iterable[str], ctx: RuleContext) -> str:
    """'张三、李四' for messages; ids not on the roster are shown as they are."""
    return listing(ctx.members[i].name if i in ctx.members else i for i in ids)
