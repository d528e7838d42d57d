"""domain.dates: the date forms Chinese clerks type, read strictly (partial/impossible refused)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.dates import DateTextError, parse_date, parse_datetime, parse_time
from domain.validation import validate_record


@pytest.mark.parametrize(
    "text",
    ["1988-03-15", "1988/3/15", "1988.3.15", "19880315", "1988年3月15日", "1988年3月15号", " 1988 / 03 / 15 ",
     "１９８８年３月１５日", "１９８８－０３－１５"],
)
def test_every_common_way_of_writing_a_date(text: str) -> None:
    assert parse_date(text) == dt.date(1988, 3, 15)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1988-03", "缺少日"),
        ("1988年3月", "缺少日"),
        ("198803", "缺少日"),
        ("1988", "缺少月和日"),
        ("1988-02-30", "没有这一天"),
        ("1988-13-01", "月份"),
        ("88-3-15", "四位年份"),
        ("1850-01-01", "年份"),
        ("三月十五", "不是可识别的日期"),
        ("", "请填写日期"),
    ],
)
def test_partial_or_impossible_dates_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(DateTextError) as caught:
        parse_date(text)
    assert reason in caught.value.message


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_each_form_reads_back_the_same_day(day: dt.date) -> None:
    for text in (day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day.year}.{day.month}.{day.day}",
                 day.strftime("%Y%m%d"), f"{day.year}年{day.month}月{day.day}日"):
        assert parse_date(text) == day


def test_times_and_date_times() -> None:
    assert parse_time("9:00") == dt.time(9, 0)
    assert parse_time("下午2:30") == dt.time(14, 30)
    assert parse_time("14时30分") == dt.time(14, 30)
    assert parse_datetime("2026/4/10 9:00") == dt.datetime(2026, 4, 10, 9, 0)
    assert parse_datetime("2026年4月10日 下午2点") == dt.datetime(2026, 4, 10, 14, 0)
    assert parse_datetime("11:00", default_date=dt.date(2026, 4, 10)) == dt.datetime(2026, 4, 10, 11, 0)
    with pytest.raises(DateTextError, match="请填写时间"):
        parse_datetime("2026/4/10")  # midnight would be a guess
    with pytest.raises(DateTextError, match="没有这个时刻"):
        parse_datetime("2026-04-10 25:00")


def test_record_schemas_read_the_same_forms_and_name_the_field() -> None:
    body, problems = validate_record("member", {"name": "李组织", "join_date": "1988年3月15日", "birth_date": ""})
    assert body is not None and body.join_date == dt.date(1988, 3, 15) and body.birth_date is None  # type: ignore[attr-defined]
    body, problems = validate_record("member", {"name": "李组织", "join_date": "1988-03"})
    assert body is None and [p.message for p in problems] == ["入党日期：日期不完整：缺少日（例如 1988-03-15）"]
    body, problems = validate_record(
        "meeting", {"meeting_type": "committee", "title": "支委会", "starts_at": "2026/4/10 9:00"}
    )
    assert body is not None and body.starts_at == dt.datetime(2026, 4, 10, 9, 0)  # type: ignore[attr-defined]
