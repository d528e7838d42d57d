"""补录: only a meeting dated before 台账起始日期 is entered later (docs/rules.md)."""

from __future__ import annotations

import datetime as dt

from domain.late_entry import entered_later

SINCE = dt.date(2026, 1, 1)


def test_before_the_ledger_began_is_entered_later() -> None:
    assert entered_later(dt.date(2025, 12, 31), SINCE)


def test_on_or_after_the_day_or_without_a_day_is_not() -> None:
    assert not entered_later(SINCE, SINCE)
    assert not entered_later(dt.date(2026, 3, 5), SINCE)
    assert not entered_later(dt.date(2020, 1, 1), None)  # no 台账起始日期: never marked
    assert not entered_later(None, SINCE)
