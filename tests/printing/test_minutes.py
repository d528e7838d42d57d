"""会议记录: every field, vote denominators and outcomes, pages, watermark, amendments — read back from the PDF."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from decimal import Decimal
from pathlib import Path

import pytest

from domain.context import RuleContext
from domain.enums import AttendanceStatus, ExclusionCategory, MeetingType, RecordStatus, VoteKind, VoteMethod
from domain.records import Attendance, Meeting, Speech, Vote
from domain.rules import meeting_validity, vote_outcome, voting_roll
from printing.fonts import PLACEHOLDER, FontSet
from printing.inputs import MinutesInput
from printing.minutes import render_minutes
from testsupport import print_samples as samples

from .pdf import big_words, body_text, norm, pdf_fonts, pdf_info, pdf_text


def validity_line(meeting: Meeting) -> str:
    """The 会议有效性 line exactly as the rule engine words it."""
    validity = meeting_validity(meeting, RuleContext(members=samples.MEMBERS, branch=samples.BRANCH))
    assert validity.applies
    return norm(f"会议有效性：{validity.message_zh}")


def render(tmp_path: Path, fonts: FontSet, data: MinutesInput, name: str = "m.pdf") -> tuple[Path, str]:
    path = tmp_path / name
    render_minutes(data, path, fonts=fonts)
    return path, norm(pdf_text(path, tmp_path))


def test_congress_prints_every_header_field(tmp_path: Path, fonts: FontSet) -> None:
    path, text = render(tmp_path, fonts, samples.minutes_input(samples.congress()))
    for expected in [
        "毕拉河林业局第一林场党支部",
        "支部党员大会会议记录",
        "会议名称：2025年第二季度支部党员大会",
        "会议类型：支部党员大会",
        "形式：现场",
        "时间：2025年6月6日上午9:00至11:00",
        "地点：第一林场党员活动室",
        "主持人：王建国（支部书记）",
        "记录人：张伟（组织委员）",
        "应到：12人（其中有表决权10人）",
        "实到：10人",
        "缺席：2人",
        "缺席人员及原因：周海涛（请假，森林防火值班，已提交书面意见）、郑国庆（请假，病假）",
        validity_line(samples.congress()),
        "列席人员：高明（入党积极分子）、林業成（上级党委组织部，指导）",
        "会议议题：1.传达上级党委关于森林防火工作的部署2.讨论接收吴小兰同志为中共预备党员",
        "议题1：传达上级党委关于森林防火工作的部署",
        "王建国（支部书记）：传达了上级党委森林防火工作会议精神",
        "张伟（组织委员）：介绍了发展对象吴小兰同志的培养考察情况和支委会审查意见。支委会认为该同志具备入党条件。",
        "赵志强（党小组组长）：同意接收。",
        "决议：1.同意接收吴小兰同志为中共预备党员，报上级党委审批。（见表决第1项，通过）",
        "（散会）",
        "主持人（签字）：",
        "记录人（签字）：",
        "附：签到表、现场照片",
    ]:
        assert expected in text, expected
    info = pdf_info(path, tmp_path)
    assert info["Title"] == "毕拉河林业局第一林场党支部支部党员大会会议记录"


def test_vote_line_uses_the_rule_engine_numbers(tmp_path: Path, fonts: FontSet) -> None:
    meeting = samples.congress()
    data = samples.minutes_input(meeting)
    ctx = RuleContext(members=samples.MEMBERS, branch=samples.BRANCH)
    outcome = vote_outcome(meeting.votes[0], voting_roll(meeting, ctx, VoteKind.ADMISSION), ctx)
    _, text = render(tmp_path, fonts, data)
    assert outcome.passed and outcome.denominator == 10 and outcome.needed == 6
    assert "1.接收吴小兰同志为中共预备党员（接收预备党员，无记名投票）" in text
    assert (
        "应到会有表决权10人，实到会有表决权8人，书面意见1份；赞成9票，反对0票，弃权0票。"
        "赞成票须超过应到会有表决权的党员（10人）的半数，即至少6票。表决结果：通过。"
    ) in text


def _with_vote(vote: Vote, absent: int = 2) -> MinutesInput:
    """The sample congress with one vote and ``absent`` voting members on leave."""
    voters = ["m01", "m02", "m03", "m04", "m05", "m06", "m07", "m08", "m09", "m10"]
    attendance = [
        Attendance(
            member_id=mid,
            status=AttendanceStatus.LEAVE if index < absent else AttendanceStatus.PRESENT,
            reason="出差" if index < absent else "",
        )
        for index, mid in enumerate(voters)
    ]
    attendance += [Attendance(member_id="m11"), Attendance(member_id="m12")]
    meeting = samples.congress().model_copy(update={"votes": [vote], "attendance": attendance, "resolutions": []})
    return samples.minutes_input(meeting)


def test_ordinary_vote_counts_against_entitled_not_present(tmp_path: Path, fonts: FontSet) -> None:
    # 5 of 8 present would pass against 实到 (the template error of domain.md §3.4); against
    # 应到 10 it needs 6.
    data = _with_vote(Vote(subject="修订支部学习制度", yes=5, no=2, abstain=1))
    _, text = render(tmp_path, fonts, data)
    assert "应到会有表决权10人，实到会有表决权8人；赞成5票，反对2票，弃权1票。" in text
    assert "赞成票须超过应到会有表决权的党员（10人）的半数，即至少6票。表决结果：未通过。" in text


def test_election_counts_against_present(tmp_path: Path, fonts: FontSet) -> None:
    vote = Vote(
        subject="选举王建国为支部委员",
        kind=VoteKind.ELECTION,
        method=VoteMethod.SECRET_BALLOT,
        candidate_member_id="m01",
        yes=5,
        no=4,
        abstain=0,
        ballots_issued=9,
        ballots_returned=9,
    )
    data = _with_vote(vote, absent=1)
    _, text = render(tmp_path, fonts, data)
    assert "选举王建国为支部委员（选举，无记名投票）" in text
    assert "应到会有表决权10人，实到会有表决权9人；发出选票9张，收回9张；赞成5票，反对4票，弃权0票。" in text
    assert "赞成票须超过实到会有表决权的党员（9人）的半数，即至少5票。表决结果：当选。" in text


def test_no_quorum_is_printed_as_not_passed(tmp_path: Path, fonts: FontSet) -> None:
    data = _with_vote(Vote(subject="调整党费收缴日期", yes=5), absent=6)
    _, text = render(tmp_path, fonts, data)
    assert validity_line(data.meeting) in text
    assert not meeting_validity(data.meeting, RuleContext(members=samples.MEMBERS)).valid
    assert "表决结果：未通过（会议未达到法定人数，表决无效）。" in text


def test_never_invalid_and_passed_on_one_page(tmp_path: Path, fonts: FontSet) -> None:
    # 5 of 10 voters present on the list, 6 typed as present: the header says 会议无效, so the vote
    # must not print 通过 (the typed count loses to the roll).
    data = _with_vote(Vote(subject="调整党费收缴日期", entitled=10, present=6, yes=6), absent=5)
    _, text = render(tmp_path, fonts, data)
    assert "会议无效" in text
    assert "表决结果：通过" not in text
    assert "表决结果：未通过（会议未达到法定人数，表决无效）。" in text


def test_impossible_counts_are_flagged_on_paper_and_in_the_result(tmp_path: Path, fonts: FontSet) -> None:
    data = _with_vote(Vote(subject="调整党费收缴日期", yes=9, no=3))
    result = render_minutes(data, tmp_path / "bad.pdf", fonts=fonts)
    text = norm(pdf_text(tmp_path / "bad.pdf", tmp_path))
    # 12 votes from 8 present: neither 通过 nor 未通过 can be right, so no result is printed.
    assert "表决结果：待核对（人数或票数有误，未判定结果）。" in text
    assert "表决结果：通过" not in text and "表决结果：未通过" not in text
    assert "核对提示：" in text
    assert result.warnings and result.warnings[0].startswith("表决第1项：")


def test_every_page_is_numbered_with_the_total(tmp_path: Path, fonts: FontSet) -> None:
    path, _ = render(tmp_path, fonts, samples.minutes_input(samples.congress()))
    pages = int(pdf_info(path, tmp_path)["Pages"])
    assert pages > 1
    for page in range(1, pages + 1):
        assert f"第{page}页共{pages}页" in norm(pdf_text(path, tmp_path, page=page))


def test_draft_has_watermark_on_every_page_and_final_has_none(tmp_path: Path, fonts: FontSet) -> None:
    draft, _ = render(tmp_path, fonts, samples.minutes_input(samples.congress(), RecordStatus.DRAFT), "d.pdf")
    final, final_text = render(tmp_path, fonts, samples.minutes_input(samples.congress()), "f.pdf")
    pages = int(pdf_info(draft, tmp_path)["Pages"])
    for page in range(1, pages + 1):
        assert sorted(big_words(draft, tmp_path, page)) == sorted("草稿")
        assert big_words(final, tmp_path, page) == []
    assert "草" not in final_text
    assert "定稿" in final_text  # the record-identity line says which state was printed


def test_missing_glyph_is_reported_and_shown_as_placeholder(tmp_path: Path, fonts: FontSet) -> None:
    members = dict(samples.MEMBERS)
    members["m08"] = members["m08"].model_copy(update={"name": "周𪚥"})
    data = MinutesInput(meeting=samples.congress(), branch=samples.BRANCH, members=members, status=RecordStatus.FINAL)
    result = render_minutes(data, tmp_path / "x.pdf", fonts=fonts)
    assert result.missing_chars == ["𪚥"]
    assert f"周{PLACEHOLDER}（请假" in norm(pdf_text(tmp_path / "x.pdf", tmp_path))


def test_symbols_and_rare_characters_come_from_fallback_fonts(tmp_path: Path, fonts: FontSet) -> None:
    meeting = samples.theme_day().model_copy(update={"title": "主题党日：䶮字测试"})
    result = render_minutes(samples.minutes_input(meeting), tmp_path / "t.pdf", fonts=fonts)
    assert result.missing_chars == []
    text = norm(pdf_text(tmp_path / "t.pdf", tmp_path))
    assert "䶮字测试" in text and "☑交纳党费" in text
    listed = pdf_fonts(tmp_path / "t.pdf", tmp_path)
    assert "BranchLedgerSymbols" in listed
    # every font is embedded as a subset
    for line in listed.splitlines()[2:]:
        if "BranchLedger" in line:
            assert re.search(r"\byes\s+yes\s+yes\b", line), line


def test_empty_optional_fields_print_cleanly(tmp_path: Path, fonts: FontSet) -> None:
    meeting = Meeting(meeting_type=MeetingType.OTHER, title="临时会议", starts_at=dt.datetime(2025, 3, 1, 19, 30))
    data = MinutesInput(meeting=meeting, branch=samples.BRANCH, status=RecordStatus.FINAL)
    path = tmp_path / "empty.pdf"
    render_minutes(data, path, fonts=fonts)
    raw = pdf_text(path, tmp_path)
    text = norm(raw)
    assert "会议名称：临时会议" in text
    assert "时间：2025年3月1日晚上7:30" in text
    for absent in (
        "None",
        "地点：",
        "主持人：",
        "记录人：",
        "应到：",
        "列席",
        "会议议题",
        "会议内容",
        "表决情况",
        "决议：",
    ):
        assert absent not in text, absent
    lines = [norm(line) for line in raw.splitlines() if norm(line)]
    assert not [line for line in lines if line.endswith("：") and "签字" not in line]
    assert "（散会）" in text and "第1页共1页" in text


def test_long_minutes_flow_over_pages_without_loss(tmp_path: Path, fonts: FontSet) -> None:
    rng = random.Random(20250606)
    alphabet = "党支部林场防火瞭望巡护群众学习讨论决定落实同志工作会议组织生活先锋岗位责任" + "0123456789"
    punctuation = "，。；：、“”（）《》！？"
    chunks: list[str] = []
    while sum(len(c) for c in chunks) < 30_000:
        sentence = "".join(rng.choice(alphabet) for _ in range(rng.randint(8, 40)))
        chunks.append(sentence + rng.choice(punctuation))
        if rng.random() < 0.05:
            chunks.append("\n")
    content = "".join(chunks)[:30_000].strip()
    assert len(content) == 30_000
    meeting = samples.congress().model_copy(
        update={
            "speeches": [Speech(speaker="王建国", member_id="m01", content=content)],
            "votes": [],
            "resolutions": [],
        }
    )
    path = tmp_path / "long.pdf"
    result = render_minutes(samples.minutes_input(meeting), path, fonts=fonts)
    assert result.pages == int(pdf_info(path, tmp_path)["Pages"]) > 10
    assert norm(content) in body_text(path, tmp_path)
    last = norm(pdf_text(path, tmp_path, page=result.pages))
    assert f"第{result.pages}页共{result.pages}页" in last


def test_amendment_names_the_original_and_the_reason(tmp_path: Path, fonts: FontSet) -> None:
    meeting = samples.congress().model_copy(
        update={
            "amends_record_id": "0197a3c2-orig",
            "amends_rev": "2-aa11",
            "amendment_reason": "缺席人员原因记录有误",
        }
    )
    data = MinutesInput(
        meeting=meeting,
        branch=samples.BRANCH,
        members=samples.MEMBERS,
        status=RecordStatus.FINAL,
        original_title="2025年第二季度支部党员大会",
        original_date=dt.date(2025, 6, 6),
    )
    _, text = render(tmp_path, fonts, data)
    assert "支部党员大会会议记录（更正）" in text
    assert (
        "更正记录：本记录是对2025年6月6日《2025年第二季度支部党员大会》（记录编号0197a3c2-orig，版本2-aa11）的更正记录"
        in text
    )
    assert "更正原因：缺席人员原因记录有误" in text


@pytest.mark.parametrize(
    ("meeting", "expected"),
    [
        (
            samples.lecture(),
            [
                "党课记录",
                "授课人：王建国（支部书记）",
                "党课题目：守护绿水青山，争当护林先锋",
                "学时：1.5学时",
                "授课形式：现场",
                "主要内容：王建国同志结合林场实际",
            ],
        ),
        (
            samples.theme_day(),
            [
                "主题党日活动记录",
                "活动月份：2025年6月",
                "党费：收缴11人，合计1320.00元",
                "活动主题：重温入党誓词，争当防火先锋",
                "规定动作：☑交纳党费☑诵读党章☑佩戴党徽☑重温入党誓词",
                "自选动作：到卡口开展森林防火宣传，发放宣传单200余份。",
                "议定事项落实情况：防火宣传点每周轮值安排已张贴。",
            ],
        ),
        (
            samples.appraisal(),
            [
                "民主评议党员会议记录",
                "参加评议12人，评定等次10人：优秀3人、合格6人、基本合格1人、不合格0人；预备党员2人参加评议，不评定等次。",
                "1王建国正式党员优秀",
                "9吴敏正式党员基本合格",
                "11冯雪预备党员不评定等次",
            ],
        ),
        (
            samples.org_life(),
            [
                "组织生活会会议记录",
                "整改清单：",
                "1党员理论学习每月不少于4学时，由组织委员登记",
                "2防火期党员责任区每周巡查记录上墙",
            ],
        ),
        (
            samples.group_meeting(),
            [
                "第一党小组会议记录",
                "会议类型：党小组会（第一党小组）",
                "形式：线上线下结合",
                "时间：2025年6月12日晚上7:00至8:30",
                "主持人：赵志强（党小组组长）",
                "缺席人员及原因：冯雪（缺席，巡护途中无信号）",
            ],
        ),
        (
            samples.committee(),
            [
                "支部委员会会议记录",
                "应到：5人（其中有表决权5人）",
                validity_line(samples.committee()),
                "赞成票须超过应到会的支部委员（5人）的半数，即至少3票。表决结果：通过。",
            ],
        ),
    ],
    ids=["lecture", "theme_day", "appraisal", "org_life", "group", "committee"],
)
def test_kind_specific_sections(tmp_path: Path, fonts: FontSet, meeting: Meeting, expected: list[str]) -> None:
    _, text = render(tmp_path, fonts, samples.minutes_input(meeting))
    for item in expected:
        assert item in text, item


def test_unchecked_required_action_and_excluded_member(tmp_path: Path, fonts: FontSet) -> None:
    details = samples.theme_day().theme_day
    assert details is not None
    details = details.model_copy(update={"required_actions": {"交纳党费": True}, "dues_amount": Decimal("80")})
    attendance = [
        *samples.congress().attendance,
    ]
    attendance[9] = Attendance(
        member_id="m10",
        status=AttendanceStatus.EXCLUDED,
        exclusion=ExclusionCategory.ABROAD,
        exclusion_approval="林党组〔2025〕12号",
    )
    meeting = samples.theme_day().model_copy(update={"theme_day": details, "attendance": attendance})
    _, text = render(tmp_path, fonts, samples.minutes_input(meeting))
    assert "规定动作：☑交纳党费☐诵读党章☐佩戴党徽☐重温入党誓词" in text
    assert "党费：收缴11人，合计80.00元" in text


def test_output_to_stream_and_to_bytes(tmp_path: Path, fonts: FontSet) -> None:
    data = samples.minutes_input(samples.committee())
    in_memory = render_minutes(data, None, fonts=fonts)
    assert in_memory.data is not None and in_memory.data.startswith(b"%PDF")
    assert in_memory.size_bytes == len(in_memory.data) and in_memory.path is None
    stream = io.BytesIO()
    streamed = render_minutes(data, stream, fonts=fonts)
    assert stream.getvalue() == in_memory.data  # reproducible: same record, same bytes
    assert streamed.pages == in_memory.pages == int(pdf_info(in_memory.data, tmp_path)["Pages"])
