"""Closed vocabularies of the domain, with the Chinese labels users see.

Enum values are stable ASCII codes (they travel on the wire and sit in the database);
labels are for display and print only.
"""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry a Chinese display label."""

    @property
    def label(self) -> str:
        return _LABELS[type(self).__name__][self.value]

    @classmethod
    def from_label(cls, label: str) -> LabelledEnum:
        """Parse either the code or the Chinese label (for CSV/JSON imports typed by people)."""
        for member in cls:
            if label in (member.value, member.label):
                return member
        raise ValueError(label)


class MeetingType(LabelledEnum):
    PARTY_CONGRESS = "party_congress"  # 支部党员大会
    COMMITTEE = "committee"  # 支部委员会会议
    GROUP = "group"  # 党小组会
    LECTURE = "lecture"  # 党课
    THEME_DAY = "theme_day"  # 主题党日
    ORG_LIFE = "org_life"  # 组织生活会
    APPRAISAL = "appraisal"  # 民主评议党员
    TALK = "talk"  # 谈心谈话
    OTHER = "other"  # 其他支部会议


class MeetingFormat(LabelledEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class AttendanceStatus(LabelledEnum):
    PRESENT = "present"
    LEAVE = "leave"  # 请假 (absent with leave)
    ABSENT = "absent"  # 缺席 (absent without leave)
    EXCLUDED = "excluded"  # not counted in 应到 (one of the six approved categories, domain.md §3.3)


class ExclusionCategory(LabelledEnum):
    """The six categories a member may be left out of 应到会 for, domain.md §3.3."""

    ILLNESS = "illness"
    ABROAD = "abroad"
    SENTENCE = "sentence"
    INFIRM = "infirm"
    AWAY_UNTRANSFERRED = "away_untransferred"
    RETIRED_HOMETOWN = "retired_hometown"  # elections only


class Gender(LabelledEnum):
    MALE = "male"
    FEMALE = "female"


class MemberStatus(LabelledEnum):
    FULL = "full"  # 正式党员
    PROBATIONARY = "probationary"  # 预备党员


class MembershipState(LabelledEnum):
    ACTIVE = "active"
    TRANSFERRED_OUT = "transferred_out"
    REMOVED = "removed"
    DECEASED = "deceased"


class RightsSuspension(LabelledEnum):
    """Why a full member temporarily has no 表决权/选举权/被选举权 (domain.md §3.3)."""

    NONE = "none"
    PROBATION_DISCIPLINE = "probation_discipline"  # 留党察看
    DETAINED = "detained"  # 留置
    ARRESTED = "arrested"  # 逮捕


class BranchPost(LabelledEnum):
    SECRETARY = "secretary"
    DEPUTY_SECRETARY = "deputy_secretary"
    ORGANIZATION = "organization"
    PROPAGANDA = "propaganda"
    DISCIPLINE = "discipline"
    COMMITTEE_MEMBER = "committee_member"
    GROUP_LEADER = "group_leader"


class VoteKind(LabelledEnum):
    ORDINARY = "ordinary"  # 一般表决
    ADMISSION = "admission"  # 接收预备党员
    FULL_MEMBERSHIP = "full_membership"  # 预备党员转正
    ELECTION = "election"  # 选举 (换届/补选)


class VoteMethod(LabelledEnum):
    SHOW_OF_HANDS = "show_of_hands"
    SECRET_BALLOT = "secret_ballot"


class AppraisalGrade(LabelledEnum):
    EXCELLENT = "excellent"
    QUALIFIED = "qualified"
    BASICALLY_QUALIFIED = "basically_qualified"
    UNQUALIFIED = "unqualified"


class PostCategory(LabelledEnum):
    FIRE_PREVENTION = "fire_prevention"
    PATROL = "patrol"
    WATCHTOWER = "watchtower"
    CHECKPOINT = "checkpoint"
    PUBLICITY = "publicity"
    FIREFIGHTING = "firefighting"
    PEST_CONTROL = "pest_control"
    RESTORATION = "restoration"
    DEGRADED_FOREST = "degraded_forest"
    OTHER = "other"


class PostType(LabelledEnum):
    INDIVIDUAL = "individual"
    COLLECTIVE = "collective"


class PlaqueStatus(LabelledEnum):
    NOT_HUNG = "not_hung"
    HUNG = "hung"
    REMOVED = "removed"


class ReviewDecision(LabelledEnum):
    """Head office's verdict on a finalized record (domain.md §9.9: approve or return with a reason)."""

    APPROVED = "approved"
    RETURNED = "returned"


class RecordStatus(LabelledEnum):
    """Lifecycle of a stored record: drafts change freely; 定稿 records never change again."""

    DRAFT = "draft"
    FINAL = "final"


_LABELS: dict[str, dict[str, str]] = {
    "MeetingType": {
        "party_congress": "支部党员大会",
        "committee": "支部委员会会议",
        "group": "党小组会",
        "lecture": "党课",
        "theme_day": "主题党日",
        "org_life": "组织生活会",
        "appraisal": "民主评议党员",
        "talk": "谈心谈话",
        "other": "其他支部会议",
    },
    "MeetingFormat": {"in_person": "现场", "online": "线上", "hybrid": "线上线下结合"},
    "AttendanceStatus": {"present": "出席", "leave": "请假", "absent": "缺席", "excluded": "不计入应到"},
    "ExclusionCategory": {
        "illness": "患病无法表达意志",
        "abroad": "自费出国半年以上",
        "sentence": "正在服刑",
        "infirm": "年老体弱卧床不起",
        "away_untransferred": "外出半年以上未转组织关系",
        "retired_hometown": "退休回原籍未转组织关系",
    },
    "Gender": {"male": "男", "female": "女"},
    "MemberStatus": {"full": "正式党员", "probationary": "预备党员"},
    "MembershipState": {"active": "在册", "transferred_out": "已转出", "removed": "已除名", "deceased": "已去世"},
    "RightsSuspension": {"none": "无", "probation_discipline": "留党察看", "detained": "留置", "arrested": "逮捕"},
    "BranchPost": {
        "secretary": "支部书记",
        "deputy_secretary": "副书记",
        "organization": "组织委员",
        "propaganda": "宣传委员",
        "discipline": "纪检委员",
        "committee_member": "支部委员",
        "group_leader": "党小组组长",
    },
    "VoteKind": {
        "ordinary": "一般表决",
        "admission": "接收预备党员",
        "full_membership": "预备党员转正",
        "election": "选举",
    },
    "VoteMethod": {"show_of_hands": "举手表决", "secret_ballot": "无记名投票"},
    "AppraisalGrade": {
        "excellent": "优秀",
        "qualified": "合格",
        "basically_qualified": "基本合格",
        "unqualified": "不合格",
    },
    "PostCategory": {
        "fire_prevention": "森林防火",
        "patrol": "巡护",
        "watchtower": "瞭望值守",
        "checkpoint": "卡口检查登记",
        "publicity": "宣传",
        "firefighting": "扑火/应急",
        "pest_control": "有害生物防治",
        "restoration": "造林/修复",
        "degraded_forest": "退化林修复",
        "other": "其他",
    },
    "PostType": {"individual": "个人岗", "collective": "集体岗"},
    "PlaqueStatus": {"not_hung": "未挂牌", "hung": "已挂牌", "removed": "已摘牌"},
    "RecordStatus": {"draft": "草稿", "final": "定稿"},
    "ReviewDecision": {"approved": "已审核", "returned": "退回修改"},
}
