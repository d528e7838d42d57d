"""Builders for domain-rule tests: a realistic branch roster and meetings over it.

The fixtures are session-scoped factories so hypothesis tests can use them too (hypothesis
refuses function-scoped fixtures, which would not be reset between examples).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

from domain.context import RuleContext
from domain.enums import (
    AttendanceStatus,
    BranchPost,
    ExclusionCategory,
    MeetingType,
    MembershipState,
    MemberStatus,
    RightsSuspension,
    VoteKind,
    VoteMethod,
)
from domain.records import Attendance, BranchProfile, Meeting, Member, Vote
from domain.settings import RuleSettings

MEETING_DAY = dt.datetime(2026, 6, 6, 9, 0)


class Build:
    """Factories for members, rosters, meetings and contexts."""

    day = MEETING_DAY

    @staticmethod
    def member(
        name: str,
        *,
        status: MemberStatus = MemberStatus.FULL,
        posts: tuple[BranchPost, ...] = (),
        group: str = "",
        join: dt.date | None = dt.date(2010, 7, 1),
        full: dt.date | None = None,
        suspension: RightsSuspension = RightsSuspension.NONE,
        until: dt.date | None = None,
        state: MembershipState = MembershipState.ACTIVE,
        state_date: dt.date | None = None,
    ) -> Member:
        return Member(
            name=name,
            status=status,
            posts=list(posts),
            party_group=group,
            join_date=join,
            full_member_date=full,
            suspension=suspension,
            suspension_until=until,
            state=state,
            state_date=state_date,
        )

    def roster(self) -> dict[str, Member]:
        """A branch of 12 people on the roll on 2026-06-06 (plus one who left).

        Voters: 10 正式党员 (s = secretary, d = deputy, o = organisation 委员, f1..f7 incl. two
        group leaders). Without a vote: p1 (预备党员), x1 (留党察看 until 2027). t1 was
        transferred out in 2025.
        """
        m = self.member
        return {
            "s": m("张书记", posts=(BranchPost.SECRETARY,), group="第一党小组"),
            "d": m("李副书记", posts=(BranchPost.DEPUTY_SECRETARY,), group="第一党小组"),
            "o": m("王委员", posts=(BranchPost.ORGANIZATION,), group="第二党小组"),
            "f1": m("赵一", posts=(BranchPost.GROUP_LEADER,), group="第一党小组"),
            "f2": m("钱二", posts=(BranchPost.GROUP_LEADER,), group="第二党小组"),
            "f3": m("孙三", group="第一党小组"),
            "f4": m("周四", group="第一党小组"),
            "f5": m("吴五", group="第二党小组"),
            "f6": m("郑六", group="第二党小组"),
            "f7": m("冯七", group="第二党小组"),
            "p1": m(
                "陈预备", status=MemberStatus.PROBATIONARY, join=dt.date(2026, 1, 10), group="第一党小组"
            ),
            "x1": m(
                "褚察看",
                suspension=RightsSuspension.PROBATION_DISCIPLINE,
                until=dt.date(2027, 3, 1),
                group="第二党小组",
            ),
            "t1": m(
                "卫转出",
                state=MembershipState.TRANSFERRED_OUT,
                state_date=dt.date(2025, 9, 1),
                group="第二党小组",
            ),
        }

    @staticmethod
    def branch(**kw: Any) -> BranchProfile:
        data: dict[str, Any] = {
            "name": "第一林场党支部",
            "has_committee": True,
            "party_groups": ["第一党小组", "第二党小组"],
        }
        data.update(kw)
        return BranchProfile(**data)

    def ctx(
        self,
        members: Mapping[str, Member] | None = None,
        settings: RuleSettings | None = None,
        branch: BranchProfile | None = None,
    ) -> RuleContext:
        return RuleContext(
            members=self.roster() if members is None else members,
            branch=branch if branch is not None else self.branch(),
            settings=settings or RuleSettings(),
        )

    @staticmethod
    def att(member_id: str, status: AttendanceStatus = AttendanceStatus.PRESENT, **kw: Any) -> Attendance:
        if status in (AttendanceStatus.LEAVE, AttendanceStatus.ABSENT):
            kw.setdefault("reason", "森林防火值班")
        return Attendance(member_id=member_id, status=status, **kw)

    def meeting(
        self,
        meeting_type: MeetingType = MeetingType.PARTY_CONGRESS,
        *,
        present: tuple[str, ...] = (),
        leave: tuple[str, ...] = (),
        attendance: list[Attendance] | None = None,
        votes: list[Vote] | None = None,
        **kw: Any,
    ) -> Meeting:
        """A meeting chaired by the secretary and recorded by the 组织委员 unless told otherwise."""
        rows = list(attendance or [])
        rows += [self.att(mid) for mid in present]
        rows += [self.att(mid, AttendanceStatus.LEAVE) for mid in leave]
        data: dict[str, Any] = {
            "meeting_type": meeting_type,
            "title": "2026年第二季度支部党员大会",
            "starts_at": self.day,
            "ends_at": self.day + dt.timedelta(hours=2),
            "place": "党员活动室",
            "chair_member_id": "s",
            "recorder_member_id": "o",
            "attendance": rows,
            "votes": votes or [],
        }
        data.update(kw)
        return Meeting(**data)

    def full_congress(self, absent: tuple[str, ...] = ()) -> Meeting:
        """A 党员大会 listing every one of the 12 members, ``absent`` ones on leave."""
        everyone = ("s", "d", "o", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "p1", "x1")
        return self.meeting(
            present=tuple(m for m in everyone if m not in absent),
            leave=tuple(m for m in everyone if m in absent),
        )

    @staticmethod
    def vote(kind: VoteKind = VoteKind.ORDINARY, **kw: Any) -> Vote:
        data: dict[str, Any] = {"subject": "表决事项", "kind": kind}
        if kind is not VoteKind.ORDINARY:
            data["method"] = VoteMethod.SECRET_BALLOT
        data.update(kw)
        return Vote(**data)

    @staticmethod
    def excluded(
        member_id: str, category: ExclusionCategory, approval: str = "林党委〔2026〕3号"
    ) -> Attendance:
        return Attendance(
            member_id=member_id,
            status=AttendanceStatus.EXCLUDED,
            exclusion=category,
            exclusion_approval=approval,
        )


@pytest.fixture(scope="session")
def build() -> Build:
    return Build()


def codes(violations: Any) -> set[str]:
    """The set of violation codes, for compact assertions."""
    return {v.code for v in violations}


@pytest.fixture(scope="session")
def codes_of() -> Any:
    return codes
