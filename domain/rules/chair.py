"""Who may chair a meeting, and who recorded it (domain.md §3.2, §9.4).

* 党员大会 and 支委会: the 支部书记; if the 书记 cannot attend, a 副书记 or 委员 entrusted by the
  书记 (条例 第十四条).
* 党小组会: the 组长 of that 党小组 (same article).
* Every other activity: anyone; a 党课 names its lecturer separately.

Severity: the record must say what actually happened, so a chair who does not fit the rule is a
**warning** (the clerk and head office see it; the minutes can still be saved and printed). An id
that is not on the roster is an **error**, because it is a broken reference, not a fact. A missing
chair or recorder is a completeness error (code ends in ``missing``): a draft saves with it as a
warning, 定稿 is refused (domain.md §9.5; ``domain.validation.validate_record``).
"""

from __future__ import annotations

import datetime as dt

from domain.context import RuleContext
from domain.enums import AttendanceStatus, BranchPost, MeetingType
from domain.i18n import pt, t
from domain.records import Meeting, Member
from domain.rules.messages import error, warning
from domain.rules.standing import COMMITTEE_POSTS, is_member_on
from domain.violations import Violation

_ENTRUSTABLE: frozenset[BranchPost] = COMMITTEE_POSTS - {BranchPost.SECRETARY}
_SECRETARY_CHAIRED: frozenset[MeetingType] = frozenset({MeetingType.PARTY_CONGRESS, MeetingType.COMMITTEE})


def may_chair(member: Member, meeting: Meeting) -> bool:
    """Whether ``member`` fits the chairing rule of ``meeting`` (entrustment taken from the record)."""
    return not _chair_problems(member, meeting)


def check_chair(meeting: Meeting, ctx: RuleContext) -> list[Violation]:
    """Chair and recorder of a meeting: present on the roster, fit for the role, not marked absent."""
    out: list[Violation] = []
    day = meeting.starts_at.date()
    chair_id = meeting.chair_member_id
    if not chair_id and not meeting.chair_name:
        out.append(error("chair_member_id", "chair.missing", "未填写（会议记录须写明主持人）"))
    elif chair_id:
        chair = ctx.members.get(chair_id)
        if chair is None:
            if ctx.members:
                out.append(error("chair_member_id", "chair.unknown_member", "不在本支部党员名册中"))
        else:
            out.extend(_role_holder_checks(meeting, chair_id, chair, day, "chair", pt("field", "主持人")))
            out.extend(_chair_problems(chair, meeting))
    elif meeting.meeting_type in _SECRETARY_CHAIRED | {MeetingType.GROUP} and ctx.members:
        out.append(
            warning(
                "chair_name",
                "chair.not_on_roster",
                "{chair_name}不在党员名册中，无法核对是否有权主持", chair_name=meeting.chair_name,
            )
        )

    recorder_id = meeting.recorder_member_id
    if not recorder_id and not meeting.recorder_name:
        out.append(error("recorder_member_id", "recorder.missing", "未填写（会议记录须写明记录人）"))
    elif recorder_id:
        recorder = ctx.members.get(recorder_id)
        if recorder is None:
            if ctx.members:
                out.append(error("recorder_member_id", "recorder.unknown_member", "不在本支部党员名册中"))
        else:
            out.extend(_role_holder_checks(meeting, recorder_id, recorder, day, "recorder", pt("field", "记录人")))
    return out


def _role_holder_checks(
    meeting: Meeting, member_id: str, member: Member, day: dt.date, key: str, role: str
) -> list[Violation]:
    """The chair or recorder must belong to the branch that day and must not be marked absent."""
    out: list[Violation] = []
    path = f"{key}_member_id"
    if not is_member_on(member, day):
        out.append(warning(path, f"{key}.not_member_on_date", "{name}在会议当日不在本支部", name=member.name))
    for entry in meeting.attendance:
        if entry.member_id == member_id and entry.status is not AttendanceStatus.PRESENT:
            out.append(
                warning(
                    path,
                    f"{key}.not_present",
                    "{name}在出席情况中登记为{status}，不能担任{role}",
                    name=member.name, status=entry.status, role=role,
                )
            )
            break
    return out


def _chair_problems(member: Member, meeting: Meeting) -> list[Violation]:
    posts = set(member.posts)
    if meeting.meeting_type in _SECRETARY_CHAIRED:
        if BranchPost.SECRETARY in posts:
            return []
        if posts & _ENTRUSTABLE:
            if meeting.chair_entrusted:
                return []
            return [
                warning(
                    "chair_entrusted",
                    "chair.not_entrusted",
                    "{name}不是支部书记，主持{meeting_type}须受书记委托，请注明委托",
                    name=member.name, meeting_type=meeting.meeting_type,
                )
            ]
        return [
            warning(
                "chair_member_id",
                "chair.not_eligible",
                "{meeting_type}应由支部书记主持，或由书记委托副书记、委员主持（{name}无支委职务）",
                meeting_type=meeting.meeting_type, name=member.name,
            )
        ]
    if meeting.meeting_type is MeetingType.GROUP:
        if BranchPost.GROUP_LEADER in posts and member.party_group == meeting.party_group:
            return []
        return [
            warning(
                "chair_member_id",
                "chair.not_group_leader",
                "党小组会应由本党小组组长主持（{name}不是{value}组长）",
                name=member.name, value=meeting.party_group or t("该党小组"),
            )
        ]
    return []
