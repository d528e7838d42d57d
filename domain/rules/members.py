"""Checks on a roster entry (domain.md §2, §3.3, §3.5).

Dates that contradict each other are errors; facts that only look unusual (a probation shorter
than a year, a 预备党员 holding a committee post) are warnings, because the roster must be able to
hold what the paper file says while the clerk finds out why.
"""

from __future__ import annotations

import datetime as dt

from domain.context import RuleContext
from domain.enums import BranchPost, MembershipState, MemberStatus, RightsSuspension
from domain.i18n import listing
from domain.records import Member
from domain.rules.messages import error, warning
from domain.rules.standing import COMMITTEE_POSTS
from domain.violations import Violation


def check_member(member: Member, ctx: RuleContext) -> list[Violation]:
    out: list[Violation] = []
    out.extend(_dates(member))
    out.extend(_rights(member))
    out.extend(_posts_and_group(member, ctx))
    if member.state is not MembershipState.ACTIVE and member.state_date is None:
        out.append(warning("state_date", "member.state_date_missing", "{state}须注明日期", state=member.state))
    return out


def _dates(member: Member) -> list[Violation]:
    out: list[Violation] = []
    joined, full = member.join_date, member.full_member_date
    if member.birth_date is not None and joined is not None and joined <= member.birth_date:
        out.append(error("join_date", "member.join_before_birth", "不能早于出生日期"))
    if member.status is MemberStatus.PROBATIONARY and full is not None:
        out.append(error("full_member_date", "member.probationary_with_full_date", "预备党员不应有转正日期"))
    if joined is not None and full is not None:
        if full < joined:
            out.append(error("full_member_date", "member.full_before_join", "不能早于入党日期"))
        elif full < _one_year_after(joined):
            # Probation lasts one year from the admission vote and may be extended, never shortened
            # (domain.md §3.3).
            out.append(
                warning("full_member_date", "member.short_probation", "距入党日期不足一年（预备期为一年）")
            )
    return out


def _rights(member: Member) -> list[Violation]:
    if member.suspension_until is not None and member.suspension is RightsSuspension.NONE:
        return [
            error(
                "suspension_until", "member.until_without_suspension", "未选择权利暂停情形，不应填写截止日期"
            )
        ]
    return []


def _posts_and_group(member: Member, ctx: RuleContext) -> list[Violation]:
    out: list[Violation] = []
    posts = set(member.posts)
    if member.status is MemberStatus.PROBATIONARY and posts & COMMITTEE_POSTS:
        # 预备党员 have no 被选举权 (domain.md §3.3), so cannot hold an elected committee post.
        out.append(
            warning("posts", "member.probationary_committee", "预备党员没有被选举权，不能担任支部委员")
        )
    if member.status is MemberStatus.PROBATIONARY and BranchPost.GROUP_LEADER in posts:
        # Low-reliability source (domain.md §3.5), hence a warning.
        out.append(warning("posts", "member.probationary_group_leader", "预备党员一般不担任党小组组长"))
    if BranchPost.GROUP_LEADER in posts and not member.party_group:
        out.append(warning("party_group", "member.leader_without_group", "党小组组长须注明所在党小组"))
    branch = ctx.branch
    groups = branch.party_groups if branch is not None else []
    if member.party_group and groups and member.party_group not in groups:
        out.append(
            error(
                "party_group",
                "member.unknown_group",
                "“{party_group}”不是本支部的党小组（现有：{value}）",
                party_group=member.party_group, value=listing(groups),
            )
        )
    return out


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)
