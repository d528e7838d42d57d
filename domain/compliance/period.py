"""Calendar periods the compliance calendar reports on: a year, a quarter or a month.

Text codes are the ones clerks and head office already use in file names and on the wire:
``2026``, ``2026-Q4``, ``2026-11`` (the same shapes as ``PostEvaluation.period``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from domain.i18n import CHINESE, t


class PeriodKind(StrEnum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"


_QUARTER_ZH = ("", "第一季度", "第二季度", "第三季度", "第四季度")
_YEAR_RE = re.compile(r"^(\d{4})$")
_QUARTER_RE = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class Period:
    """One calendar year, quarter or month. ``number`` is the quarter (1–4) or month (1–12), 0 for a year."""

    kind: PeriodKind
    year: int
    number: int = 0

    def __post_init__(self) -> None:
        limit = {PeriodKind.YEAR: 0, PeriodKind.QUARTER: 4, PeriodKind.MONTH: 12}[self.kind]
        valid = self.number == 0 if limit == 0 else 1 <= self.number <= limit
        if not valid or not 1 <= self.year <= 9998:
            raise ValueError(f"无效的期间：{self.kind} {self.year} {self.number}")

    # ------------------------------------------------------------------ construction

    @classmethod
    def parse(cls, text: str) -> Period:
        """``"2026"`` → year, ``"2026-Q4"`` → quarter, ``"2026-11"`` → month."""
        code = text.strip()
        if match := _YEAR_RE.match(code):
            return cls(PeriodKind.YEAR, int(match[1]))
        if match := _QUARTER_RE.match(code):
            return cls(PeriodKind.QUARTER, int(match[1]), int(match[2]))
        if (match := _MONTH_RE.match(code)) and 1 <= int(match[2]) <= 12:
            return cls(PeriodKind.MONTH, int(match[1]), int(match[2]))
        raise ValueError(t("无法识别的期间：{text}（应为 2026、2026-Q4 或 2026-11 这样的格式）", text=text))

    @classmethod
    def containing(cls, day: dt.date, kind: PeriodKind) -> Period:
        """The year, quarter or month that ``day`` falls in."""
        if kind is PeriodKind.YEAR:
            return cls(kind, day.year)
        if kind is PeriodKind.QUARTER:
            return cls(kind, day.year, (day.month - 1) // 3 + 1)
        return cls(kind, day.year, day.month)

    # ------------------------------------------------------------------ calendar

    @property
    def start(self) -> dt.date:
        if self.kind is PeriodKind.YEAR:
            return dt.date(self.year, 1, 1)
        if self.kind is PeriodKind.QUARTER:
            return dt.date(self.year, 3 * self.number - 2, 1)
        return dt.date(self.year, self.number, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period (inclusive)."""
        if self.kind is PeriodKind.YEAR:
            last_month = 12
        elif self.kind is PeriodKind.QUARTER:
            last_month = 3 * self.number
        else:
            last_month = self.number
        if last_month == 12:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, last_month + 1, 1) - dt.timedelta(days=1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def subperiods(self, kind: PeriodKind) -> tuple[Period, ...]:
        """The periods of ``kind`` that make up this one (a year's 12 months, a quarter's 3 ...).

        Asking for a longer kind than this period returns the one period of that kind containing
        it (the quarter of a month), so callers can ask every requirement the same way.
        """
        if _LENGTH[kind] >= _LENGTH[self.kind]:
            return (Period.containing(self.start, kind),)
        out: list[Period] = []
        day = self.start
        while day <= self.end:
            period = Period.containing(day, kind)
            out.append(period)
            day = period.end + dt.timedelta(days=1)
        return tuple(out)

    # ------------------------------------------------------------------ names

    @property
    def code(self) -> str:
        if self.kind is PeriodKind.YEAR:
            return f"{self.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year}-Q{self.number}"
        return f"{self.year}-{self.number:02d}"

    @property
    def label_zh(self) -> str:
        """The period as printed: 2026年, 2026年第四季度, 2026年11月."""
        return self.label_in(CHINESE)

    @property
    def label(self) -> str:
        """The period in the shown language (the window, the CLI)."""
        return self.label_in(None)

    def label_in(self, lang: str | None) -> str:
        if self.kind is PeriodKind.YEAR:
            return t("{year}年", lang, year=self.year)
        if self.kind is PeriodKind.QUARTER:
            return t("{year}年{quarter}", lang, year=self.year, quarter=_QUARTER_ZH[self.number], n=self.number)
        return t("{year}年{month}月", lang, year=self.year, month=self.number)

    def __str__(self) -> str:
        return self.code


_LENGTH: dict[PeriodKind, int] = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}
