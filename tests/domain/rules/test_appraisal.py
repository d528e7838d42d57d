"""民主评议 grades (domain.md §3.3, §3.6, §9.7; domain/rules/appraisal.py)."""

from __future__ import annotations

from fractions import Fraction

from domain.enums import AppraisalGrade, MeetingType
from domain.records import AppraisalEntry
from domain.rules.appraisal import check_appraisal, max_excellent
from domain.settings import RuleSettings
from domain.violations import Severity

E, Q = AppraisalGrade.EXCELLENT, AppraisalGrade.QUALIFIED
VOTERS = ("s", "d", "o", "f1", "f2", "f3", "f4", "f5", "f6", "f7")


def appraisal(build, grades):
    entries = [AppraisalEntry(member_id=mid, grade=grade) for mid, grade in grades.items()]
    return build.meeting(MeetingType.APPRAISAL, appraisal=entries)


def test_excellent_limit_is_a_third_of_graded_members(build):
    ctx = build.ctx()
    assert max_excellent(9, ctx) == 3
    assert max_excellent(10, ctx) == 3
    assert max_excellent(2, ctx) == 0
    grades = dict.fromkeys(VOTERS, Q) | {"s": E, "d": E, "o": E}
    assert not check_appraisal(appraisal(build, grades), ctx)
    [warning] = check_appraisal(appraisal(build, grades | {"f1": E}), ctx)
    assert warning.code == "appraisal.too_many_excellent" and warning.severity is Severity.WARNING
    assert "评为优秀4人" in warning.message and "一般不超过3人" in warning.message


def test_excellent_limit_is_configurable(build):
    ctx = build.ctx(settings=RuleSettings(excellent_max_fraction=Fraction(1, 2)))
    grades = dict.fromkeys(VOTERS, Q) | dict.fromkeys(("s", "d", "o", "f1", "f2"), E)
    assert not check_appraisal(appraisal(build, grades), ctx)


def test_probationary_member_is_not_graded(build):
    [error] = check_appraisal(appraisal(build, {"s": Q, "p1": Q}), build.ctx())
    assert error.field == "appraisal.1.grade" and error.severity is Severity.ERROR
    assert "预备党员" in error.message
    assert not check_appraisal(appraisal(build, {"s": Q, "p1": None}), build.ctx())


def test_probationers_do_not_count_towards_the_third(build):
    # 3 graded full members may have 1 优秀; the ungraded 预备党员 does not raise the limit.
    grades = {"s": E, "d": E, "o": Q, "p1": None}
    assert {v.code for v in check_appraisal(appraisal(build, grades), build.ctx())} == {
        "appraisal.too_many_excellent"
    }


def test_full_member_left_ungraded_warns(build):
    [warning] = check_appraisal(appraisal(build, {"s": Q, "d": None}), build.ctx())
    assert warning.code == "appraisal.not_graded" and warning.severity is Severity.WARNING


def test_duplicate_and_unknown_entries_are_errors(build):
    entries = [AppraisalEntry(member_id="s", grade=Q), AppraisalEntry(member_id="s", grade=Q)]
    entries.append(AppraisalEntry(member_id="ghost", grade=Q))
    meeting = build.meeting(MeetingType.APPRAISAL, appraisal=entries)
    assert {(v.field, v.code) for v in check_appraisal(meeting, build.ctx())} == {
        ("appraisal.1.member_id", "appraisal.duplicate"),
        ("appraisal.2.member_id", "appraisal.unknown_member"),
    }
