"""签到表: pre-filled roll, 预备党员 marked, blank signature and counts, header and footer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from domain.enums import MeetingType, MembershipState
from printing.fonts import FontSet
from printing.inputs import SignInInput
from printing.signin import render_signin_sheet
from testsupport import print_samples as samples

from .pdf import has_row, norm, pdf_text


def test_congress_sheet_lists_every_member_on_the_roll(tmp_path: Path, fonts: FontSet) -> None:
    path = tmp_path / "s.pdf"
    result = render_signin_sheet(samples.signin_input(), path, fonts=fonts)
    text = norm(pdf_text(path, tmp_path))
    for expected in [
        "毕拉河林业局第一林场党支部",
        "支部党员大会签到表",
        "会议名称：2025年第二季度支部党员大会",
        "时间：2025年6月6日上午9:00至11:00",
        "地点：第一林场党员活动室",
        "组织单位：毕拉河林业局第一林场党支部",
        "应到：＿＿＿人",
        "实到：＿＿＿人",
        "缺席：＿＿＿人",
        "负责人（签字）：",
        f"第1页共{result.pages}页",
    ]:
        assert expected in text, expected
    for row in [
        ["序号", "姓名", "党小组/职务", "签名", "签到时间", "备注"],
        ["1", "王建国", "第一党小组/支部书记"],
        ["6", "冯雪", "第一党小组", "预备党员"],
        ["12", "何磊", "第二党小组", "预备党员"],
        ["13", "高明", "入党积极分子", "列席"],
    ]:
        assert has_row(text, row), row
    for member in samples.MEMBERS.values():
        assert member.name in text
    # nothing is written in the signature column: each row goes from the post straight to the remark
    layout = pdf_text(path, tmp_path, layout=True)
    first_row = next(line for line in layout.splitlines() if "王建国" in line)
    assert norm(first_row) == "1王建国第一党小组/支部书记"


def test_committee_and_group_sheets_list_only_their_people(tmp_path: Path, fonts: FontSet) -> None:
    committee = SignInInput.for_meeting(samples.committee(), samples.BRANCH, samples.MEMBERS, extra_rows=0)
    render_signin_sheet(committee, tmp_path / "c.pdf", fonts=fonts)
    text = norm(pdf_text(tmp_path / "c.pdf", tmp_path))
    assert "支部委员会会议签到表" in text
    assert all(name in text for name in ("王建国", "李红梅", "张伟", "刘芳", "陈刚"))
    assert "孙丽" not in text and "冯雪" not in text

    group = SignInInput.for_meeting(samples.group_meeting(), samples.BRANCH, samples.MEMBERS)
    render_signin_sheet(group, tmp_path / "g.pdf", fonts=fonts)
    text = norm(pdf_text(tmp_path / "g.pdf", tmp_path))
    assert "赵志强" in text and "冯雪" in text and "刘芳" not in text


def test_members_who_left_are_not_listed(tmp_path: Path, fonts: FontSet) -> None:
    members = dict(samples.MEMBERS)
    members["m09"] = members["m09"].model_copy(
        update={"state": MembershipState.TRANSFERRED_OUT, "state_date": dt.date(2025, 5, 1)}
    )
    data = SignInInput(
        branch=samples.BRANCH,
        members=members,
        title="临时会议",
        starts_at=dt.datetime(2025, 6, 30, 15, 0),
        meeting_type=MeetingType.OTHER,
    )
    render_signin_sheet(data, tmp_path / "s.pdf", fonts=fonts)
    text = norm(pdf_text(tmp_path / "s.pdf", tmp_path))
    assert "吴敏" not in text and "郑国庆" in text
    assert "会议签到表" in text and "地点" not in text  # empty place: no empty label


def test_the_signature_lines_never_stand_alone_on_a_page(tmp_path: Path, fonts: FontSet) -> None:
    """The defect: with a roll that just filled page 1, the counts and the 负责人 line spilled
    alone onto page 2. Whatever the roll's length, the last page also carries rows of the table."""
    base = samples.signin_input()
    members = dict(base.members)
    template = next(iter(members.values()))
    for extra in range(0, 26):
        roll = {**members}
        for n in range(extra):
            roll[f"x{n:02d}"] = template.model_copy(update={"name": f"补充{n:02d}", "status": template.status})
        data = SignInInput(**{**base.__dict__, "members": roll})
        path = tmp_path / f"s{extra}.pdf"
        result = render_signin_sheet(data, path, fonts=fonts)
        last = norm(pdf_text(path, tmp_path, page=result.pages))
        assert "负责人（签字）" in last
        others = [line for line in pdf_text(path, tmp_path, page=result.pages).splitlines() if line.strip()]
        assert any(line.strip().isdigit() for line in others), (extra, result.pages, last[:200])
