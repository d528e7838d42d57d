"""A meeting record as the console shows it: the printed minutes' sections, in the same words.

The wording comes from the same places the PDF's does — ``printing.formatting`` for dates, times
and people, ``domain.rules`` (through ``printing.minutes_sections``) for 应到/实到, 会议有效性 and
every 表决情况 line — so screen and paper never disagree. This module only arranges them as data
for the template: fields (label, value), sections of paragraphs, numbered lists and tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.context import RuleContext
from domain.enums import AttendanceStatus, MeetingType
from domain.records import THEME_DAY_REQUIRED_ACTIONS, Meeting, Member
from domain.rules import meeting_validity, meeting_vote_outcomes, voting_roll
from domain.violations import Severity
from printing.formatting import date_zh, decimal_zh, money_zh, month_zh, name_of, person_zh, time_range_zh
from printing.minutes import document_title
from printing.minutes_sections import verdict_zh
from printing.wording import absentees_zh, appraisal_rows, excluded_zh, vote_lines

_VOTING_TYPES = frozenset({MeetingType.PARTY_CONGRESS, MeetingType.COMMITTEE})


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    numbered: list[str] = field(default_factory=list)
    speeches: list[tuple[str, str, str]] = field(default_factory=list)  # (议题, speaker, text)
    table_head: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # 核对提示


@dataclass
class MinutesView:
    title: str
    amendment: list[str]
    fields: list[tuple[str, str]]
    valid: bool
    validity_applies: bool
    validity_text: str
    sections: list[Section]
    vote_results: list[tuple[str, str, bool]]  # (subject, verdict, passed)


def _fields(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(label, value) for label, value in pairs if value]


def build(meeting: Meeting, members: Mapping[str, Member], ctx: RuleContext, branch_name: str,
          original_title: str = "", original_date_text: str = "") -> MinutesView:
    roll = voting_roll(meeting, ctx)
    validity = meeting_validity(meeting, ctx)
    outcomes = meeting_vote_outcomes(meeting, ctx)
    kind = meeting.meeting_type.label
    if meeting.meeting_type is MeetingType.GROUP and meeting.party_group:
        kind += f"（{meeting.party_group}）"
    chair = person_zh(members, meeting.chair_member_id, meeting.chair_name)
    if chair and meeting.chair_entrusted:
        chair += "，受支部书记委托主持"
    recorder = person_zh(members, meeting.recorder_member_id, meeting.recorder_name)
    pairs = [
        ("会议名称", meeting.title),
        ("会议类型", kind),
        ("形式", meeting.format.label),
        ("时间", time_range_zh(meeting.starts_at, meeting.ends_at)),
        ("地点", meeting.place),
        ("主持人", chair),
        ("记录人", recorder),
    ]
    if roll.expected_total or roll.excluded_ids:
        expected = f"{roll.expected_total}人"
        if meeting.meeting_type in _VOTING_TYPES or meeting.votes:
            expected += f"（其中有表决权{roll.entitled}人）"
        pairs += [("应到", expected), ("实到", f"{roll.present_total}人"), ("缺席", f"{roll.absent_total}人")]
        absentees = absentees_zh(meeting, members, roll)
        excluded = excluded_zh(meeting, members, roll)
        present = [name_of(members, a.member_id) for a in meeting.attendance if a.status is AttendanceStatus.PRESENT]
        pairs += [("出席人员", "、".join(present)), ("缺席人员及原因", "、".join(absentees)),
                  ("不计入应到人员", "、".join(excluded))]
    if validity.applies:
        pairs.append(("会议有效性", validity.message_zh))
    guests = "、".join(f"{g.name}（{g.role}）" if g.role.strip() else g.name for g in meeting.guests)
    pairs.append(("列席人员", guests))
    if meeting.lecture is not None:
        lecture = meeting.lecture
        pairs += [
            ("授课人", person_zh(members, lecture.lecturer_member_id, lecture.lecturer, lecture.lecturer_role)),
            ("党课题目", lecture.topic),
            ("学时", f"{decimal_zh(lecture.hours)}学时" if lecture.hours else ""),
            ("授课形式", lecture.delivery),
            ("党课类别", "廉政党课" if lecture.is_integrity_lecture else ""),
        ]
    if meeting.theme_day is not None:
        details = meeting.theme_day
        actions = list(THEME_DAY_REQUIRED_ACTIONS) + [
            a for a in details.required_actions if a not in THEME_DAY_REQUIRED_ACTIONS]
        dues = []
        if details.dues_count is not None:
            dues.append(f"收缴{details.dues_count}人")
        if details.dues_amount is not None:
            dues.append(f"合计{money_zh(details.dues_amount)}")
        pairs += [
            ("活动月份", month_zh(details.month) if details.month else ""),
            ("党费", "，".join(dues)),
            ("活动主题", details.theme),
            ("规定动作", "　".join(f"{'☑' if details.required_actions.get(a) else '☐'}{a}" for a in actions)),
            ("自选动作", details.optional_actions),
        ]
    sections: list[Section] = []
    items = [item.title for item in meeting.agenda if item.title.strip()]
    if items:
        sections.append(Section("会议议题", numbered=items))
    speeches = [s for s in meeting.speeches if s.content.strip() or s.speaker.strip()]
    if speeches or meeting.discussion.strip():
        content = Section("主要内容" if meeting.meeting_type is MeetingType.LECTURE else "会议内容")
        content.paragraphs = [p for p in meeting.discussion.splitlines() if p.strip()]
        for speech in speeches:
            topic = ""
            if speech.agenda_index is not None and speech.agenda_index < len(meeting.agenda):
                topic = f"议题{speech.agenda_index + 1}：{meeting.agenda[speech.agenda_index].title}"
            content.speeches.append((topic, person_zh(members, speech.member_id, speech.speaker), speech.content))
        sections.append(content)
    if meeting.appraisal:
        sections.append(_appraisal(meeting, members))
    results: list[tuple[str, str, bool]] = []
    if meeting.votes:
        votes = Section("表决情况")
        for number, (vote, outcome) in enumerate(zip(meeting.votes, outcomes, strict=True), start=1):
            head, counts = vote_lines(number, vote, outcome)
            verdict = verdict_zh(outcome)
            votes.paragraphs += [head, counts, f"表决结果：{verdict}。"]
            errors = [v.message for v in outcome.violations if v.severity is Severity.ERROR]
            if errors:
                votes.notes.append(f"表决第{number}项核对提示：" + "；".join(errors))
            results.append((vote.subject, verdict, outcome.passed))
        sections.append(votes)
    if meeting.resolutions:
        texts = []
        for resolution in meeting.resolutions:
            text = resolution.text.strip()
            index = resolution.vote_index
            if index is not None and index < len(outcomes):
                text += f"（见表决第{index + 1}项，{verdict_zh(outcomes[index])}）"
            texts.append(text)
        sections.append(Section("决议", numbered=texts))
    if meeting.theme_day is not None and meeting.theme_day.follow_up.strip():
        sections.append(Section("议定事项落实情况", paragraphs=meeting.theme_day.follow_up.splitlines()))
    rectification = [item.strip() for item in meeting.rectification if item.strip()]
    if rectification:
        sections.append(Section("整改清单", numbered=rectification))
    if meeting.open_issues.strip():
        sections.append(Section("遗留问题", paragraphs=meeting.open_issues.splitlines()))
    if meeting.attachments_note.strip():
        sections.append(Section("附", paragraphs=[meeting.attachments_note]))
    amendment: list[str] = []
    if meeting.amends_record_id:
        original = f"《{original_title}》" if original_title else "原记录"
        if original_date_text:
            original = original_date_text + original
        version = f"，版本 {meeting.amends_rev}" if meeting.amends_rev else ""
        reference = f"记录编号 {meeting.amends_record_id}{version}"
        amendment.append(f"本记录是对{original}（{reference}）的更正记录，原记录保持不变。")
        if meeting.amendment_reason.strip():
            amendment.append(f"更正原因：{meeting.amendment_reason.strip()}")
    title = branch_name + document_title(meeting) + ("（更正）" if meeting.amends_record_id else "")
    return MinutesView(title, amendment, _fields(pairs), validity.valid, validity.applies, validity.message_zh,
                       sections, results)


def _appraisal(meeting: Meeting, members: Mapping[str, Member]) -> Section:
    rows, summary = appraisal_rows(meeting, members)
    return Section("民主评议结果", paragraphs=[summary], table_head=["序号", "姓名", "党员类别", "评议等次", "备注"],
                   table_rows=rows)


__all__ = ["MinutesView", "Section", "build", "date_zh"]
