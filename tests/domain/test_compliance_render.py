"""Chinese text rendering of the compliance report (domain/compliance/render.py)."""

from __future__ import annotations

import datetime as dt

from domain.compliance import MeetingFact, compliance_status, render_text
from domain.enums import MeetingType


def test_render_text_lists_every_requirement_with_windows(build):
    facts = [
        MeetingFact(MeetingType.PARTY_CONGRESS, dt.date(2026, 10, 9)),
        MeetingFact(MeetingType.COMMITTEE, dt.date(2026, 10, 3)),
    ]
    branch = build.branch(party_groups=[])
    text = render_text(compliance_status(branch, facts, "2026-Q4", dt.date(2026, 11, 22)))
    lines = text.splitlines()
    assert lines[0] == "第一林场党支部 2026年第四季度组织生活完成情况（截至2026-11-22）"
    assert "1. 支部党员大会（每季度至少1次）：已完成，已开展1次，应开展1次" in lines
    assert (
        "2. 支部委员会会议（每月至少1次）：待完成，已开展1次，应开展3次，截止2026-11-30（即将到期）" in lines
    )
    assert "    2026年10月：1/1，已完成" in lines
    assert "    2026年11月：0/1，待完成（2026-11-30截止，即将到期）" in lines
    assert "    2026年12月：0/1，未到期" in lines
    assert "3. 党小组会（每月至少1次）：不适用（支部未设党小组）" in lines
    assert "4. 主题党日（每月1次）：逾期未完成，已开展0次，应开展3次，截止2026-10-31" in lines
    assert lines[-2] == "合计：逾期未完成1项，待完成5项。"
    assert lines[-1] == "最近一次活动：2026-10-09（44天前）"


def test_render_text_without_any_activity(build):
    text = render_text(compliance_status(build.branch(), [], "2026-01", dt.date(2026, 1, 5)))
    assert text.endswith("最近一次活动：无记录")
