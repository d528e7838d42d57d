"""Chinese names of record fields, so every message names the field in the clerk's words."""

from __future__ import annotations

from domain.i18n import pt

FIELD_LABELS: dict[str, str] = {
    # branch / member
    "name": "名称/姓名",
    "org_code": "组织代码",
    "parent_org": "上级党组织",
    "has_committee": "是否设支委会",
    "party_groups": "党小组",
    "records_since": "台账起始日期",
    "gender": "性别",
    "birth_date": "出生日期",
    "status": "党员类别",
    "join_date": "入党日期",
    "full_member_date": "转正日期",
    "party_group": "党小组",
    "posts": "支部职务",
    "suspension": "权利暂停情形",
    "suspension_until": "权利暂停截止日期",
    "state": "组织关系状态",
    "state_date": "状态变更日期",
    "unit": "职务/单位",
    "phone": "联系电话",
    # meeting
    "meeting_type": "会议类型",
    "title": "会议名称",
    "starts_at": "开始时间",
    "ends_at": "结束时间",
    "place": "地点",
    "format": "形式",
    "chair_member_id": "主持人",
    "chair_name": "主持人",
    "recorder_member_id": "记录人",
    "recorder_name": "记录人",
    "attendance": "出席情况",
    "member_id": "党员",
    "reason": "缺席原因",
    "exclusion": "不计入应到的情形",
    "exclusion_approval": "上级党组织同意文号",
    "guests": "列席人员",
    "role": "身份",
    "agenda": "会议议题",
    "speeches": "发言记录",
    "speaker": "发言人",
    "content": "内容",
    "discussion": "会议内容",
    "votes": "表决情况",
    "subject": "表决事项",
    "kind": "表决类型",
    "method": "表决方式",
    "entitled": "应到会有表决权人数",
    "present": "实到会有表决权人数",
    "written_opinions": "书面意见票",
    "yes": "赞成票",
    "no": "反对票",
    "abstain": "弃权票",
    "ballots_issued": "发出选票",
    "ballots_returned": "收回选票",
    "resolutions": "决议",
    "text": "决议内容",
    "lecture": "党课信息",
    "lecturer": "授课人",
    "topic": "党课题目",
    "hours": "学时",
    "theme_day": "主题党日信息",
    "month": "月份",
    "theme": "主题",
    "required_actions": "规定动作",
    "dues_amount": "党费金额",
    "appraisal": "民主评议结果",
    "grade": "评议等次",
    "amends_record_id": "更正的原记录",
    "amendment_reason": "更正原因",
    # 先锋岗
    "category": "类别",
    "post_type": "岗位类型",
    "holder_member_ids": "责任人",
    "duties": "岗位职责",
    "pledges": "承诺事项",
    "deadline": "完成时限",
    "period_start": "开始日期",
    "period_end": "结束日期",
    "plaque": "挂牌状态",
    "post_id": "先锋岗",
    "date": "日期",
    "description": "工作内容",
    "outcome": "成效",
    "period": "评价周期",
    "evaluated_on": "评价日期",
    "score": "得分",
    "issued_on": "发布日期",
    # added with the rule engine (domain/rules)
    "chair_entrusted": "受书记委托主持",
    "written_opinion": "书面意见",
    "candidate_member_id": "表决对象",
    "lecturer_member_id": "授课人",
    "lecturer_role": "授课人职务",
    "amends_rev": "原记录版本",
    "vote_index": "对应表决",
    "owner_member_id": "责任人",
}


# Words field_label puts around the labels (context "field", like the labels themselves).
FIELD_WORDS = ("{field}第{n}项",)


def field_label(path: str, lang: str | None = None) -> str:
    """Label for a dotted path such as ``votes.0.yes`` → 表决情况第1项·赞成票, in the shown language
    (``lang`` overrides it: printing is always Chinese)."""
    parts = path.split(".")
    out: list[str] = []
    for part in parts:
        if part.isdigit():
            if out:
                out[-1] = pt("field", "{field}第{n}项", lang, field=out[-1], n=int(part) + 1)
            continue
        label = FIELD_LABELS.get(part)
        out.append(pt("field", label, lang) if label else part)
    return "·".join(out) if out else path
