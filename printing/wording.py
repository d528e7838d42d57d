"""The sentences of a 会议记录 that do not depend on the page: shared by the PDF and the console.

The head-office console shows a record "as the printed minutes word it"; both build these lines
here, so paper and screen cannot drift apart (the layout around them is each one's own).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from domain.enums import AppraisalGrade, AttendanceStatus, VoteKind
from domain.records import Meeting, Member, Vote
from domain.rules import VoteOutcome, VotingRoll
from domain.rules.standing import is_probationary_on
from printing.formatting import name_of


def absentees_zh(meeting: Meeting, members: Mapping[str, Member], roll: VotingRoll) -> list[str]:
    """缺席人员及原因: each absentee with 请假/缺席 and the reason; unlisted roster members say so."""
    entries = {a.member_id: a for a in meeting.attendance}
    out = []
    for member_id in roll.absent_ids:
        entry = entries.get(member_id)
        name = name_of(members, member_id)
        if entry is None:
            out.append(f"{name}（未登记出席情况）")
            continue
        status = entry.status.label if entry.status is not AttendanceStatus.PRESENT else ""
        reason = "，".join(p for p in (status, entry.reason.strip()) if p)
        if entry.written_opinion:
            reason += "，已提交书面意见"
        out.append(f"{name}（{reason}）" if reason else name)
    return out


def excluded_zh(meeting: Meeting, members: Mapping[str, Member], roll: VotingRoll) -> list[str]:
    """不计入应到人员: each with the category and the higher organisation's approval reference."""
    entries = {a.member_id: a for a in meeting.attendance}
    out = []
    for member_id in roll.excluded_ids:
        entry = entries[member_id]
        why = entry.exclusion.label if entry.exclusion is not None else ""
        approval = f"上级党组织同意文号：{entry.exclusion_approval}" if entry.exclusion_approval else ""
        detail = "，".join(p for p in (why, approval) if p)
        name = name_of(members, member_id)
        out.append(f"{name}（{detail}）" if detail else name)
    return out


def vote_lines(number: int, vote: Vote, outcome: VoteOutcome) -> tuple[str, str]:
    """(heading, counts and rule) of one 表决情况 item, worded from the rule engine's outcome."""
    head = f"{number}. {vote.subject}（{vote.kind.label}，{vote.method.label}）"
    counts = f"应到会有表决权{outcome.entitled}人，实到会有表决权{outcome.present}人"
    if outcome.written_opinions:
        counts += f"，书面意见{outcome.written_opinions}份"
    if vote.kind is VoteKind.ELECTION and (vote.ballots_issued is not None or vote.ballots_returned is not None):
        issued = "—" if vote.ballots_issued is None else str(vote.ballots_issued)
        returned = "—" if vote.ballots_returned is None else str(vote.ballots_returned)
        counts += f"；发出选票{issued}张，收回{returned}张"
    counts += f"；赞成{vote.yes}票，反对{vote.no}票，弃权{vote.abstain}票。"
    rule = f"赞成票须超过{outcome.denominator_label}（{outcome.denominator}人）的半数，即至少{outcome.needed}票。"
    return head, counts + rule


def appraisal_rows(meeting: Meeting, members: Mapping[str, Member]) -> tuple[list[list[str]], str]:
    """民主评议 table rows (序号, 姓名, 党员类别, 评议等次, 备注) and the summary sentence; a 预备党员
    takes part but is not graded (domain.md §3.3, §3.6)."""
    day = meeting.starts_at.date()
    rows: list[list[str]] = []
    grades: Counter[AppraisalGrade] = Counter()
    probationary = 0
    for number, entry in enumerate(meeting.appraisal, start=1):
        member = members.get(entry.member_id)
        is_probationary = member is not None and is_probationary_on(member, day)
        category = "" if member is None else ("预备党员" if is_probationary else "正式党员")
        if is_probationary:
            probationary += 1
            grade = "不评定等次"
        elif entry.grade is None:
            grade = "未评定"
        else:
            grades[entry.grade] += 1
            grade = entry.grade.label
        rows.append([str(number), name_of(members, entry.member_id), category, grade, entry.comment])
    summary = f"参加评议{len(meeting.appraisal)}人，评定等次{sum(grades.values())}人：" + "、".join(
        f"{g.label}{grades[g]}人" for g in AppraisalGrade
    )
    if probationary:
        summary += f"；预备党员{probationary}人参加评议，不评定等次"
    return rows, summary + "。"
