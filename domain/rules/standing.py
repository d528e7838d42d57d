"""A member's standing on a given day: on the roll or not, probationary or full, rights suspended.

Meetings are often entered after the fact, so every rule asks about the member *on the meeting
date*, not today: someone who became a 正式党员 last month was still a 预备党员 at a meeting
held three months ago and had no vote then.
"""

from __future__ import annotations

import datetime as dt

from domain.enums import BranchPost, MembershipState, MemberStatus, RightsSuspension
from domain.i18n import label, t
from domain.records import Member

# Posts that make a person a member of the 支部委员会 (domain.md §2: 书记, 副书记, 组织委员, 宣传委员,
# 纪检委员 and other 委员). The 党小组组长 is not a committee post.
COMMITTEE_POSTS: frozenset[BranchPost] = frozenset(
    {
        BranchPost.SECRETARY,
        BranchPost.DEPUTY_SECRETARY,
        BranchPost.ORGANIZATION,
        BranchPost.PROPAGANDA,
        BranchPost.DISCIPLINE,
        BranchPost.COMMITTEE_MEMBER,
    }
)


def is_member_on(member: Member, day: dt.date) -> bool:
    """Whether the person belonged to the branch on ``day``.

    Not yet admitted (join_date after ``day``) or already gone (transferred out, removed,
    deceased on or before ``day``) means no. A departure without a date is taken as before any
    date we are asked about: the store only knows that the person has left.
    """
    if member.join_date is not None and member.join_date > day:
        return False
    if member.state is MembershipState.ACTIVE:
        return True
    return member.state_date is not None and member.state_date > day


def is_probationary_on(member: Member, day: dt.date) -> bool:
    """预备党员 on ``day``: recorded as probationary, or made full only after ``day``."""
    if member.status is MemberStatus.PROBATIONARY:
        return True
    return member.full_member_date is not None and member.full_member_date > day


def rights_suspended_on(member: Member, day: dt.date) -> bool:
    """留党察看 / 留置 / 逮捕 in force on ``day`` (domain.md §3.3).

    ``suspension_until`` is the last day of the sanction; without it the suspension is open-ended.
    """
    if member.suspension is RightsSuspension.NONE:
        return False
    return member.suspension_until is None or day <= member.suspension_until


def has_voting_rights_on(member: Member, day: dt.date) -> bool:
    """表决权/选举权 on ``day``: a 正式党员 on the roll whose rights are not suspended (domain.md §3.3)."""
    return (
        is_member_on(member, day)
        and not is_probationary_on(member, day)
        and not rights_suspended_on(member, day)
    )


def no_vote_reason_zh(member: Member, day: dt.date) -> str:
    """Why a member has no vote on ``day``, in the words of the sign-in sheet ('' if they have one)."""
    if not is_member_on(member, day):
        return t("当日不在本支部党员名册")
    if is_probationary_on(member, day):
        return t("预备党员")
    if rights_suspended_on(member, day):
        return label(member.suspension)
    return ""


def is_committee_member(member: Member) -> bool:
    """Holds a 支委会 post. Posts carry no history, so this is the current composition."""
    return any(post in COMMITTEE_POSTS for post in member.posts)
