"""Rule settings travel as JSON from head office (domain/settings.py)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from domain.settings import RuleSettings


def test_defaults_are_the_central_rules():
    s = RuleSettings()
    assert s.congress_quorum_fraction is None
    assert s.election_quorum_mode == "more_than"
    assert (s.lapse_months, s.lapse_early_warning_months) == (6, 5)
    assert s.excellent_max_fraction == Fraction(1, 3)
    assert (s.lectures_per_quarter, s.secretary_lectures_per_year, s.org_life_remind_from_month) == (1, 1, 10)
    assert s.exclusions_apply_to_ordinary_votes is False


def test_round_trip_through_json():
    s = RuleSettings(
        congress_quorum_fraction=Fraction(4, 5),
        election_quorum_mode="at_least",
        exclusions_apply_to_ordinary_votes=True,
        org_life_remind_from_month=11,
    )
    assert RuleSettings.from_json(s.to_json()) == s


@pytest.mark.parametrize(("raw", "value"), [(True, True), ("false", False), ("1", True), (0, False)])
def test_booleans_parse(raw, value):
    assert (
        RuleSettings.from_json({"exclusions_apply_to_ordinary_votes": raw}).exclusions_apply_to_ordinary_votes
        is value
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"exclusions_apply_to_ordinary_votes": "maybe"},
        {"org_life_remind_from_month": 13},
        {"election_quorum_mode": "about"},
        {"congress_quorum_fraction": "3/2"},
        {"lapse_months": -1},
    ],
)
def test_bad_values_are_refused(bad):
    with pytest.raises(ValueError):
        RuleSettings.from_json(bad)
