"""One lookup for every message: rule messages translate with their parameters, printing stays Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from domain import i18n
from domain.enums import MeetingType, VoteKind
from domain.labels import field_label
from domain.rules.quorum import meeting_validity
from domain.rules.voters import voting_roll
from domain.rules.voting import vote_outcome
from domain.validation import validate_record


@pytest.fixture
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language("zh_CN")


def test_labels_come_from_the_catalog(english: None) -> None:
    assert i18n.label(MeetingType.LECTURE) == "Party lecture"
    assert i18n.label(MeetingType.LECTURE, "zh_CN") == "党课"
    assert field_label("votes.0.yes") == "Votes #1·Votes in favour"
    assert field_label("votes.0.yes", "zh_CN") == "表决情况第1项·赞成票"
    assert i18n.listing([MeetingType.LECTURE, "x"]) == "Party lecture, x"
    assert i18n.t("没有登记的中文") == "没有登记的中文"  # a source without a translation shows as written
    assert i18n.t("") == "" and i18n.pt("cli", "", "zh_CN") == ""  # not gettext's catalog header


def test_rule_messages_keep_their_parameters_and_print_in_chinese(build: Any, english: None) -> None:
    meeting = build.full_congress(absent=("f5", "f6", "f7"))  # 10 entitled, 7 present
    ctx = build.ctx()
    vote = build.vote(yes=5, no=2, entitled=9)  # the typed 应到 disagrees with the roll
    result = vote_outcome(vote, voting_roll(meeting, ctx, vote.kind), ctx)
    mismatch = next(v for v in result.violations if v.code == "vote.count_mismatch")
    assert mismatch.message == ("Votes #1·Entitled to vote: typed as 9, but the attendance gives 10; "
                                "the attendance counts: correct or clear this field")
    assert mismatch.message_in("zh_CN") == (
        "表决情况第1项·应到会有表决权人数：填写为9人，按出席情况计算为10人；以出席情况为准，请更正或清空此项"
    )
    assert result.message.startswith("表决事项 (Ordinary): 10 entitled to vote, 7 present; 5 in favour")
    assert "the counts are wrong (Votes #1·Entitled to vote: typed as 9" in result.message
    # The printed minutes: Chinese throughout, the problem included.
    assert result.message_zh.startswith("表决事项（一般表决）：应到会有表决权10人，实到7人")
    assert "人数或票数有误（表决情况第1项·应到会有表决权人数：填写为9人" in result.message_zh
    assert not any("a" <= c <= "z" for c in result.message_zh)


def test_quorum_verdict_in_the_shown_language_and_in_chinese(build: Any, english: None) -> None:
    validity = meeting_validity(build.full_congress(absent=("f5", "f6", "f7")), build.ctx(), VoteKind.ORDINARY)
    assert validity.message == ("members entitled to vote: 10; members entitled to vote present: 7; the rule "
                                "requires more than half of members entitled to vote (at least 6): the meeting is "
                                "valid.")
    assert validity.message_zh == ("应到会有表决权人数10人，实到会有表决权人数7人，"
                                   "按规定须超过应到会有表决权人数的半数（至少6人），会议有效。")


def test_schema_problems_and_dates_translate(english: None) -> None:
    _body, problems = validate_record("member", {"name": "Li", "join_date": "1988-03"})
    assert [v.message for v in problems] == ["Date of joining: incomplete date: the day is missing (e.g. 1988-03-15)"]
    i18n.set_language("zh_CN")
    _body, problems = validate_record("member", {"name": "Li", "join_date": "1988-03"})
    assert [v.message for v in problems] == ["入党日期：日期不完整：缺少日（例如 1988-03-15）"]
