"""A made-up forestry branch with one record of every kind, for sample prints, the benchmark and tests.

Everything here is fictional. It exists so that ``scripts/render_samples.py``, ``bench/print.py``
and the tests print the same realistic records (a long branch name, 预备党员 on the roll, an
absentee on fire-watch duty, an admission vote with a written opinion) without a store.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from domain.enums import (
    AppraisalGrade,
    AttendanceStatus,
    BranchPost,
    MeetingFormat,
    MeetingType,
    MemberStatus,
    PlaqueStatus,
    PostCategory,
    RecordStatus,
    VoteKind,
    VoteMethod,
)
from domain.records import (
    AgendaItem,
    AppraisalEntry,
    Attendance,
    BranchProfile,
    Guest,
    LectureDetails,
    Meeting,
    Member,
    PioneerPost,
    Pledge,
    PostEvaluation,
    PostLogEntry,
    Resolution,
    Speech,
    ThemeDayDetails,
    Vote,
)
from printing.inputs import MinutesInput, PostReportInput, SignInInput

BRANCH = BranchProfile(
    name="毕拉河林业局第一林场党支部",
    org_code="NMSG-BLH-01",
    parent_org="毕拉河林业局党委",
    has_committee=True,
    party_groups=["第一党小组", "第二党小组"],
)


def _member(name: str, group: str, *posts: BranchPost, probationary: bool = False, unit: str = "") -> Member:
    return Member(
        name=name,
        party_group=group,
        posts=list(posts),
        status=MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
        join_date=dt.date(2025, 3, 1) if probationary else dt.date(2005, 7, 1),
        unit=unit,
    )


MEMBERS: dict[str, Member] = {
    "m01": _member("王建国", "第一党小组", BranchPost.SECRETARY, unit="林场场长"),
    "m02": _member("李红梅", "第一党小组", BranchPost.DEPUTY_SECRETARY),
    "m03": _member("张伟", "第一党小组", BranchPost.ORGANIZATION),
    "m04": _member("刘芳", "第二党小组", BranchPost.PROPAGANDA),
    "m05": _member("陈刚", "第二党小组", BranchPost.DISCIPLINE, BranchPost.GROUP_LEADER),
    "m06": _member("赵志强", "第一党小组", BranchPost.GROUP_LEADER, unit="护林员"),
    "m07": _member("孙丽", "第一党小组", unit="瞭望员"),
    "m08": _member("周海涛", "第二党小组", unit="护林员"),
    "m09": _member("吴敏", "第二党小组", unit="营林技术员"),
    "m10": _member("郑国庆", "第二党小组", unit="护林员"),
    "m11": _member("冯雪", "第一党小组", probationary=True, unit="营林技术员"),
    "m12": _member("何磊", "第二党小组", probationary=True, unit="护林员"),
}

_DAY = dt.date(2025, 6, 6)


def _at(hour: int, minute: int = 0, day: dt.date = _DAY) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute)


def _attendance(absent: dict[str, tuple[AttendanceStatus, str]], ids: list[str] | None = None) -> list[Attendance]:
    out = []
    for member_id in ids or list(MEMBERS):
        status, reason = absent.get(member_id, (AttendanceStatus.PRESENT, ""))
        out.append(Attendance(member_id=member_id, status=status, reason=reason))
    return out


def congress() -> Meeting:
    """The §8.2 example: 12 on the roll, 11 with a vote... here 10 voters, two absent."""
    attendance = _attendance(
        {
            "m08": (AttendanceStatus.LEAVE, "森林防火值班"),
            "m10": (AttendanceStatus.LEAVE, "病假"),
        }
    )
    attendance[7] = attendance[7].model_copy(update={"written_opinion": True})
    return Meeting(
        meeting_type=MeetingType.PARTY_CONGRESS,
        title="2025年第二季度支部党员大会",
        starts_at=_at(9),
        ends_at=_at(11),
        place="第一林场党员活动室",
        format=MeetingFormat.IN_PERSON,
        chair_member_id="m01",
        recorder_member_id="m03",
        attendance=attendance,
        guests=[Guest(name="高明", role="入党积极分子"), Guest(name="林業成", role="上级党委组织部，指导")],
        agenda=[
            AgendaItem(title="传达上级党委关于森林防火工作的部署"),
            AgendaItem(title="讨论接收吴小兰同志为中共预备党员"),
        ],
        speeches=[
            Speech(
                speaker="王建国",
                member_id="m01",
                agenda_index=0,
                content="传达了上级党委森林防火工作会议精神，要求全体党员在防火期内带头落实瞭望值守和卡口检查登记制度。",
            ),
            Speech(
                speaker="张伟",
                member_id="m03",
                agenda_index=1,
                content="介绍了发展对象吴小兰同志的培养考察情况和支委会审查意见。\n支委会认为该同志具备入党条件。",
            ),
            Speech(
                speaker="赵志强",
                member_id="m06",
                agenda_index=1,
                content="同意接收。该同志在春季防火中表现突出。",
            ),
        ],
        votes=[
            Vote(
                subject="接收吴小兰同志为中共预备党员",
                kind=VoteKind.ADMISSION,
                method=VoteMethod.SECRET_BALLOT,
                written_opinions=1,
                yes=9,
                no=0,
                abstain=0,
            )
        ],
        resolutions=[Resolution(text="同意接收吴小兰同志为中共预备党员，报上级党委审批。", vote_index=0)],
        attachments_note="签到表、现场照片",
    )


def committee() -> Meeting:
    committee_ids = ["m01", "m02", "m03", "m04", "m05"]
    return Meeting(
        meeting_type=MeetingType.COMMITTEE,
        title="2025年6月支部委员会会议",
        starts_at=_at(14, 30, dt.date(2025, 6, 3)),
        ends_at=_at(16, 0, dt.date(2025, 6, 3)),
        place="林场办公室",
        chair_member_id="m01",
        recorder_member_id="m03",
        attendance=_attendance({"m04": (AttendanceStatus.LEAVE, "外出培训")}, committee_ids),
        agenda=[
            AgendaItem(title="研究第二季度党员大会议程"),
            AgendaItem(title="审查发展对象吴小兰的入党材料"),
        ],
        discussion="与会委员逐项审查了发展对象的政审、培训和公示材料，一致同意提交支部党员大会讨论。",
        votes=[Vote(subject="同意将吴小兰同志提交党员大会讨论", yes=4, no=0, abstain=0)],
        resolutions=[Resolution(text="6月6日召开支部党员大会，讨论接收吴小兰同志为预备党员。", vote_index=0)],
    )


def group_meeting() -> Meeting:
    ids = [mid for mid, m in MEMBERS.items() if m.party_group == "第一党小组"]
    return Meeting(
        meeting_type=MeetingType.GROUP,
        title="第一党小组6月党小组会",
        party_group="第一党小组",
        starts_at=_at(19, 0, dt.date(2025, 6, 12)),
        ends_at=_at(20, 30, dt.date(2025, 6, 12)),
        place="一号瞭望塔值班室",
        format=MeetingFormat.HYBRID,
        chair_member_id="m06",
        recorder_member_id="m07",
        attendance=_attendance({"m11": (AttendanceStatus.ABSENT, "巡护途中无信号")}, ids),
        speeches=[
            Speech(
                speaker="赵志强",
                member_id="m06",
                content="学习了《中国共产党支部工作条例（试行）》第十三条。",
            ),
            Speech(
                speaker="孙丽",
                member_id="m07",
                content="汇报了本月瞭望值守情况，共发现可疑烟点两处，均已核实排除。",
            ),
        ],
    )


def lecture() -> Meeting:
    return Meeting(
        meeting_type=MeetingType.LECTURE,
        title="2025年第二季度党课",
        starts_at=_at(9, 0, dt.date(2025, 6, 20)),
        ends_at=_at(10, 30, dt.date(2025, 6, 20)),
        place="第一林场党员活动室",
        chair_member_id="m02",
        recorder_member_id="m03",
        attendance=_attendance({"m05": (AttendanceStatus.LEAVE, "扑火备勤")}),
        lecture=LectureDetails(
            lecturer_member_id="m01",
            topic="守护绿水青山，争当护林先锋",
            hours=Decimal("1.5"),
            delivery="现场",
            is_integrity_lecture=False,
        ),
        discussion="王建国同志结合林场实际，讲述了老一辈务林人艰苦创业的事迹。\n党员们围绕如何在森林防火中发挥先锋作用进行了交流。",
    )


def theme_day() -> Meeting:
    return Meeting(
        meeting_type=MeetingType.THEME_DAY,
        title="6月主题党日：重温入党誓词，争当防火先锋",
        starts_at=_at(8, 30, dt.date(2025, 6, 27)),
        ends_at=_at(11, 30, dt.date(2025, 6, 27)),
        place="第一林场防火检查站",
        chair_member_id="m01",
        recorder_member_id="m04",
        attendance=_attendance({"m09": (AttendanceStatus.LEAVE, "病假")}),
        guests=[Guest(name="高明", role="入党积极分子")],
        theme_day=ThemeDayDetails(
            month="2025-06",
            theme="重温入党誓词，争当防火先锋",
            required_actions={"交纳党费": True, "诵读党章": True, "佩戴党徽": True, "重温入党誓词": True},
            optional_actions="到卡口开展森林防火宣传，发放宣传单200余份。",
            dues_count=11,
            dues_amount=Decimal("1320.00"),
            follow_up="防火宣传点每周轮值安排已张贴。",
        ),
        discussion="全体党员佩戴党徽，在书记带领下重温入党誓词。",
    )


def org_life() -> Meeting:
    return Meeting(
        meeting_type=MeetingType.ORG_LIFE,
        title="2025年度组织生活会",
        starts_at=_at(9, 0, dt.date(2025, 12, 10)),
        ends_at=_at(12, 0, dt.date(2025, 12, 10)),
        place="第一林场党员活动室",
        chair_member_id="m01",
        recorder_member_id="m03",
        attendance=_attendance({}),
        speeches=[
            Speech(speaker="王建国", member_id="m01", content="代表支委会作对照检查，带头开展批评和自我批评。"),
            Speech(speaker="李红梅", member_id="m02", content="对照职责查摆了理论学习不够深入的问题。"),
        ],
        rectification=["党员理论学习每月不少于4学时，由组织委员登记", "防火期党员责任区每周巡查记录上墙"],
    )


def appraisal() -> Meeting:
    grades = {
        "m01": AppraisalGrade.EXCELLENT,
        "m02": AppraisalGrade.QUALIFIED,
        "m03": AppraisalGrade.EXCELLENT,
        "m04": AppraisalGrade.QUALIFIED,
        "m05": AppraisalGrade.QUALIFIED,
        "m06": AppraisalGrade.EXCELLENT,
        "m07": AppraisalGrade.QUALIFIED,
        "m08": AppraisalGrade.QUALIFIED,
        "m09": AppraisalGrade.BASICALLY_QUALIFIED,
        "m10": AppraisalGrade.QUALIFIED,
    }
    entries = [AppraisalEntry(member_id=mid, grade=grades.get(mid)) for mid in MEMBERS]
    return Meeting(
        meeting_type=MeetingType.APPRAISAL,
        title="2025年度民主评议党员大会",
        starts_at=_at(14, 0, dt.date(2025, 12, 10)),
        ends_at=_at(17, 0, dt.date(2025, 12, 10)),
        place="第一林场党员活动室",
        chair_member_id="m01",
        recorder_member_id="m03",
        attendance=_attendance({}),
        discussion="按照个人自评、党员互评、民主测评的程序进行。",
        appraisal=entries,
    )


def all_meetings() -> list[Meeting]:
    return [congress(), committee(), group_meeting(), lecture(), theme_day(), org_life(), appraisal()]


def minutes_input(meeting: Meeting, status: RecordStatus = RecordStatus.FINAL, record_id: str = "") -> MinutesInput:
    return MinutesInput(
        meeting=meeting,
        branch=BRANCH,
        members=MEMBERS,
        status=status,
        record_id=record_id or "0197a3c2-5e1f-7d20-9b11-2f4c6a8e0d31",
        rev="3-8f2c1a",
        recorded_at=dt.datetime.combine(meeting.starts_at.date(), dt.time(16, 45)),
    )


def signin_input() -> SignInInput:
    return SignInInput.for_meeting(congress(), BRANCH, MEMBERS)


def post() -> PioneerPost:
    return PioneerPost(
        name="一号瞭望塔党员先锋岗",
        category=PostCategory.WATCHTOWER,
        holder_member_ids=["m06", "m07"],
        scope="一号瞭望塔及周边15公里林区",
        duties=["防火期每日瞭望值守不少于12小时", "发现烟点10分钟内报告"],
        annual_tasks=["全年无漏报、迟报", "带动护林员开展防火宣传4次"],
        pledges=[
            Pledge(
                content="防火期24小时在岗，做到早发现、早报告",
                deadline=dt.date(2025, 10, 31),
                owner_member_id="m06",
                fulfilled=True,
            ),
            Pledge(content="培训新瞭望员2名", deadline=dt.date(2025, 12, 31), owner_member_id="m07"),
        ],
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        plaque=PlaqueStatus.HUNG,
    )


def post_report_input() -> PostReportInput:
    logs = [
        PostLogEntry(
            post_id="p01",
            member_id="m07",
            date=dt.date(2025, 5, 14),
            category=PostCategory.WATCHTOWER,
            hours=Decimal("12"),
            place="一号瞭望塔",
            description="发现东北方向可疑烟点，10分钟内上报",
            outcome="核实为农户烧荒，已劝阻",
        ),
        PostLogEntry(
            post_id="p01",
            member_id="m06",
            date=dt.date(2025, 4, 2),
            category=PostCategory.PUBLICITY,
            hours=Decimal("4"),
            place="林场卡口",
            description="清明期间卡口检查登记进山人员并发放宣传单",
        ),
    ]
    evaluations = [
        PostEvaluation(
            post_id="p01",
            member_id="m06",
            period="2025-Q2",
            evaluated_on=dt.date(2025, 7, 5),
            score=92,
            evaluators="支委会、群众代表",
            comment="履岗到位",
        ),
        PostEvaluation(
            post_id="p01",
            member_id="m07",
            period="2025-Q2",
            evaluated_on=dt.date(2025, 7, 5),
            score=78,
            comment="值守认真，宣传次数偏少",
        ),
    ]
    return PostReportInput(
        post=post(),
        branch=BRANCH,
        members=MEMBERS,
        log_entries=logs,
        evaluations=evaluations,
        record_id="p01",
        period_label="2025年",
    )
