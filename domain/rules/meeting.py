"""Checks on a meeting record that are not about votes or chairing (domain.md §4, §9.3, §9.5).

Votes are judged in :mod:`domain.rules.voting`, chair and recorder in :mod:`domain.rules.chair`,
民主评议 grades in :mod:`domain.rules.appraisal`.

Severity: impossible or broken data (end before start, an exclusion without approval, a 党小组 the
branch does not have) are errors. Required contents of the record (domain.md §9.5: end time, place,
attendance, absence reasons, a 党课's lecturer and topic) are errors whose code ends in
``missing``: ``validate_record`` shows them as warnings on a draft and refuses 定稿 until they are
filled in. Local practice (主题党日 规定动作) only ever warns.
"""

from __future__ import annotations

import datetime as dt

from domain.context import RuleContext
from domain.enums import AttendanceStatus, ExclusionCategory, MeetingType
from domain.i18n import listing
from domain.records import THEME_DAY_REQUIRED_ACTIONS, Meeting
from domain.rules.messages import error, warning
from domain.rules.voters import exclusion_applies, governing_vote_kind, names_zh, voting_roll
from domain.violations import Violation

# A 主题党日 may be moved by up to a week around a holiday (domain.md §4.6).
THEME_DAY_SHIFT = dt.timedelta(days=7)


# Activities whose record lists who took part (应到/实到/缺席, domain.md §4.1, §9.5).
_ATTENDANCE_REQUIRED: frozenset[MeetingType] = frozenset(MeetingType) - {MeetingType.TALK, MeetingType.OTHER}


def check_times(meeting: Meeting, ctx: RuleContext) -> list[Violation]:
    """Start and end (§4.1: "from hh:mm to hh:mm") and the place (§9.5)."""
    out: list[Violation] = []
    if not meeting.place:
        out.append(error("place", "place.missing", "未填写"))
    start, end = meeting.starts_at, meeting.ends_at
    if end is None:
        out.append(error("ends_at", "time.end_missing", "未填写"))
        return out
    if (start.tzinfo is None) != (end.tzinfo is None):
        out.append(error("ends_at", "time.mixed_timezone", "开始和结束时间须同时带或同时不带时区"))
    elif end < start:
        out.append(error("ends_at", "time.end_before_start", "不能早于开始时间"))
    elif end - start > dt.timedelta(hours=24):
        out.append(warning("ends_at", "time.too_long", "会议时长超过24小时，请核对"))
    return out


def check_attendance(meeting: Meeting, ctx: RuleContext) -> list[Violation]:
    """Reasons for absence (§4.2), the six exclusions and their approval (§3.3, §9.3), roster coverage."""
    roll = voting_roll(meeting, ctx)
    out: list[Violation] = list(roll.violations)
    if not meeting.attendance and meeting.meeting_type in _ATTENDANCE_REQUIRED:
        out.append(error("attendance", "attendance.missing", "未登记参加人员"))
    kind = governing_vote_kind(meeting)
    for index, entry in enumerate(meeting.attendance):
        path = f"attendance.{index}"
        if entry.status in (AttendanceStatus.LEAVE, AttendanceStatus.ABSENT) and not entry.reason:
            out.append(
                error(f"{path}.reason", "attendance.reason_missing", "{status}须写明原因", status=entry.status)
            )
        if entry.status is AttendanceStatus.EXCLUDED:
            if entry.exclusion is None:
                out.append(
                    error(
                        f"{path}.exclusion", "attendance.exclusion_missing", "不计入应到须注明属于哪一种情形"
                    )
                )
            if not entry.exclusion_approval:
                out.append(
                    error(
                        f"{path}.exclusion_approval",
                        "attendance.exclusion_approval_missing",
                        "不计入应到须经上级党组织同意和党员大会通过，请填写同意文号",
                    )
                )
            if entry.exclusion is not None and not exclusion_applies(entry.exclusion, kind, ctx.settings):
                scope = (
                    "选举"
                    if entry.exclusion is ExclusionCategory.RETIRED_HOMETOWN
                    else "选举和接收、转正表决"
                )
                out.append(
                    warning(
                        f"{path}.exclusion",
                        "attendance.exclusion_not_applicable",
                        "“{exclusion}”仅适用于{scope}，本次会议按缺席计入应到", exclusion=entry.exclusion, scope=scope,
                    )
                )
        elif entry.exclusion is not None:
            out.append(
                warning(
                    f"{path}.exclusion",
                    "attendance.exclusion_ignored",
                    "仅在“不计入应到”时填写，当前将被忽略",
                )
            )
        if entry.written_opinion and entry.status is AttendanceStatus.PRESENT:
            out.append(
                warning(
                    f"{path}.written_opinion", "attendance.written_while_present", "到会党员不需提交书面意见"
                )
            )
        if entry.member_id in roll.not_on_roll_ids:
            out.append(
                warning(
                    f"{path}.member_id",
                    "attendance.not_member_on_date",
                    "{names_zh}在会议当日不在本支部（已转出或尚未入党），不计入应到",
                    names_zh=names_zh([entry.member_id], ctx),
                )
            )
    if roll.unlisted_ids:
        out.append(
            warning(
                "attendance",
                "attendance.unlisted_members",
                "以下党员未登记出席情况，已按缺席计入应到：{names_zh}", names_zh=names_zh(roll.unlisted_ids, ctx),
            )
        )
    return out


def check_lecture(meeting: Meeting, ctx: RuleContext) -> list[Violation]:
    """A 党课 names its lecturer and its topic (domain.md §4.5)."""
    if meeting.meeting_type is not MeetingType.LECTURE:
        return []
    lecture = meeting.lecture
    if lecture is None:
        return [error("lecture", "lecture.missing", "党课须填写授课人和党课题目")]
    out: list[Violation] = []
    if not lecture.lecturer and not lecture.lecturer_member_id:
        out.append(error("lecture.lecturer", "lecture.lecturer_missing", "必须填写"))
    if lecture.lecturer_member_id and ctx.members and lecture.lecturer_member_id not in ctx.members:
        out.append(error("lecture.lecturer_member_id", "lecture.unknown_member", "不在本支部党员名册中"))
    if not lecture.topic:
        out.append(error("lecture.topic", "lecture.topic_missing", "必须填写"))
    return out


def check_theme_day(meeting: Meeting, ctx: RuleContext) -> list[Violation]:
    """主题党日: theme, the 规定动作 checklist (domain.md §4.6) and the month it belongs to."""
    if meeting.meeting_type is not MeetingType.THEME_DAY:
        return []
    details = meeting.theme_day
    if details is None:
        return [warning("theme_day", "theme_day.missing", "未填写主题党日的主题和规定动作")]
    out: list[Violation] = []
    if not details.theme:
        out.append(warning("theme_day.theme", "theme_day.theme_missing", "未填写"))
    unknown = [key for key in details.required_actions if key not in THEME_DAY_REQUIRED_ACTIONS]
    if unknown:
        out.append(
            error(
                "theme_day.required_actions",
                "theme_day.unknown_action",
                "“{value}”不是规定动作（规定动作为：{value2}），其他内容请填写在自选动作中",
                value=listing(unknown), value2=listing(THEME_DAY_REQUIRED_ACTIONS),
            )
        )
    # The required actions are local practice, not the 条例, so a missing one is a warning.
    missing = [key for key in THEME_DAY_REQUIRED_ACTIONS if not details.required_actions.get(key, False)]
    if missing:
        out.append(
            warning(
                "theme_day.required_actions", "theme_day.actions_missing", "未完成：{value}", value=listing(missing)
            )
        )
    if details.month is not None:
        year, month = (int(part) for part in details.month.split("-"))
        first = dt.date(year, month, 1)
        last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        day = meeting.starts_at.date()
        if not first - THEME_DAY_SHIFT <= day <= last + THEME_DAY_SHIFT:
            out.append(
                warning(
                    "theme_day.month",
                    "theme_day.month_mismatch",
                    "{month}的主题党日在{value}举行，调整一般不超过一周，请核对",
                    month=details.month, value=day.isoformat(),
                )
            )
    return out


def check_party_group(meeting: Meeting, ctx: RuleContext) -> list[Violation]:
    """A 党小组会 names its group, and the group must be one of the branch's (domain.md §3.5, §4.4)."""
    out: list[Violation] = []
    if meeting.meeting_type is MeetingType.GROUP and not meeting.party_group:
        out.append(error("party_group", "group.missing", "党小组会须注明是哪个党小组"))
    branch = ctx.branch
    if meeting.party_group and branch is not None:
        if branch.party_groups and meeting.party_group not in branch.party_groups:
            out.append(
                error(
                    "party_group",
                    "group.unknown",
                    "“{party_group}”不是本支部的党小组（现有：{value}）",
                    party_group=meeting.party_group, value=listing(branch.party_groups),
                )
            )
        elif not branch.party_groups:
            out.append(warning("party_group", "group.branch_has_none", "支部信息中尚未登记党小组"))
    return out


def check_amendment(meeting: Meeting, ctx: RuleContext) -> list[Violation]:
    """A correction of a 定稿 record names the original and says why (design.md: amendments)."""
    out: list[Violation] = []
    if meeting.amends_record_id and not meeting.amendment_reason:
        out.append(error("amendment_reason", "amendment.reason_missing", "更正已定稿的记录须写明更正原因"))
    if not meeting.amends_record_id and (meeting.amendment_reason or meeting.amends_rev):
        out.append(
            error("amends_record_id", "amendment.no_target", "填写了更正信息，但未指明被更正的原记录")
        )
    return out
