"""Periods of the compliance calendar (domain/compliance/period.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.compliance import Period, PeriodKind


@pytest.mark.parametrize(
    ("code", "kind", "start", "end", "label"),
    [
        ("2026", PeriodKind.YEAR, dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2026年"),
        ("2026-Q4", PeriodKind.QUARTER, dt.date(2026, 10, 1), dt.date(2026, 12, 31), "2026年第四季度"),
        ("2026-Q1", PeriodKind.QUARTER, dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2026年第一季度"),
        ("2026-11", PeriodKind.MONTH, dt.date(2026, 11, 1), dt.date(2026, 11, 30), "2026年11月"),
        ("2028-02", PeriodKind.MONTH, dt.date(2028, 2, 1), dt.date(2028, 2, 29), "2028年2月"),
        ("2026-12", PeriodKind.MONTH, dt.date(2026, 12, 1), dt.date(2026, 12, 31), "2026年12月"),
    ],
)
def test_parse_and_calendar(code, kind, start, end, label):
    period = Period.parse(code)
    assert (period.kind, period.start, period.end, period.label_zh) == (kind, start, end, label)
    assert str(period) == code


def test_lenient_spellings():
    assert Period.parse(" 2026q3 ") == Period(PeriodKind.QUARTER, 2026, 3)
    assert Period.parse("2026-3") == Period(PeriodKind.MONTH, 2026, 3)


@pytest.mark.parametrize("bad", ["", "26", "2026-Q5", "2026-13", "2026-00", "2026/11", "二〇二六"])
def test_bad_codes_are_refused_in_chinese(bad):
    with pytest.raises(ValueError, match="无法识别的期间"):
        Period.parse(bad)


def test_invalid_construction_is_refused():
    with pytest.raises(ValueError):
        Period(PeriodKind.MONTH, 2026, 13)
    with pytest.raises(ValueError):
        Period(PeriodKind.YEAR, 2026, 1)


def test_subperiods_break_down_and_look_up():
    year = Period.parse("2026")
    assert [p.code for p in year.subperiods(PeriodKind.QUARTER)] == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
    ]
    assert len(year.subperiods(PeriodKind.MONTH)) == 12
    assert [p.code for p in Period.parse("2026-Q2").subperiods(PeriodKind.MONTH)] == [
        "2026-04",
        "2026-05",
        "2026-06",
    ]
    assert Period.parse("2026-11").subperiods(PeriodKind.QUARTER) == (Period.parse("2026-Q4"),)
    assert Period.parse("2026-11").subperiods(PeriodKind.YEAR) == (Period.parse("2026"),)


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(list(PeriodKind)),
)
def test_containing_contains(day, kind):
    period = Period.containing(day, kind)
    assert period.contains(day)
    assert Period.parse(period.code) == period
    assert not period.contains(period.end + dt.timedelta(days=1))
    assert not period.contains(period.start - dt.timedelta(days=1))
