"""先锋岗 checks and star rating (domain.md §5.2; domain/rules/posts.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.enums import PlaqueStatus
from domain.records import PioneerPost, Pledge, PostEvaluation, PostLogEntry
from domain.rules.posts import check_pioneer_post, check_post_evaluation, check_post_log, star_rating
from domain.violations import Severity


@pytest.mark.parametrize(
    ("score", "stars"),
    [(100, 5), (90, 5), (89, 4), (80, 4), (79, 3), (70, 3), (69, 2), (60, 2), (59, 1), (0, 1)],
)
def test_star_rating_boundaries(score, stars):
    assert star_rating(score) == stars


def post(**kw):
    data = {
        "name": "3号瞭望塔先锋岗",
        "holder_member_ids": ["f1"],
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 12, 31),
    }
    data.update(kw)
    return PioneerPost(**data)


def test_valid_post_passes(build):
    pledges = [Pledge(content="防火期零火情", deadline=dt.date(2026, 10, 31), owner_member_id="f1")]
    assert not check_pioneer_post(post(pledges=pledges), build.ctx())


def test_period_end_before_start_is_an_error(build):
    [error] = check_pioneer_post(post(period_end=dt.date(2025, 12, 31)), build.ctx())
    assert error.field == "period_end" and error.severity is Severity.ERROR


def test_pledge_deadline_outside_period_warns(build):
    pledges = [
        Pledge(content="a", deadline=dt.date(2027, 3, 1)),
        Pledge(content="b", deadline=dt.date(2025, 3, 1)),
    ]
    warnings = check_pioneer_post(post(pledges=pledges), build.ctx())
    assert [(v.field, v.severity) for v in warnings] == [
        ("pledges.0.deadline", Severity.WARNING),
        ("pledges.1.deadline", Severity.WARNING),
    ]
    assert not check_pioneer_post(post(period_end=None, pledges=pledges[:1]), build.ctx())


def test_holders_and_owners_must_be_on_the_roster(build):
    bad = post(
        holder_member_ids=["f1", "f1", "ghost"], pledges=[Pledge(content="a", owner_member_id="ghost")]
    )
    assert {(v.field, v.code) for v in check_pioneer_post(bad, build.ctx())} == {
        ("holder_member_ids.1", "post.duplicate_holder"),
        ("holder_member_ids.2", "post.unknown_holder"),
        ("pledges.0.owner_member_id", "post.unknown_owner"),
    }


def test_hung_plaque_needs_a_holder(build):
    [warning] = check_pioneer_post(post(holder_member_ids=[], plaque=PlaqueStatus.HUNG), build.ctx())
    assert warning.code == "post.hung_without_holder"


def test_log_and_evaluation_references(build):
    log = PostLogEntry(post_id="p", member_id="ghost", date=dt.date(2026, 5, 1), description="巡护")
    assert [v.field for v in check_post_log(log, build.ctx())] == ["member_id"]
    evaluation = PostEvaluation(
        post_id="p", member_id="ghost", period="2026-Q2", evaluated_on=dt.date(2025, 7, 1), score=88
    )
    assert {v.code for v in check_post_evaluation(evaluation, build.ctx())} == {
        "post_evaluation.unknown_member",
        "post_evaluation.before_period",
    }
