"""Dates and times the way Chinese clerks write them, read strictly.

One reader for every place a date is typed or imported — the desktop forms, roster sheets
(CSV/Excel), JSON imports and the record schemas themselves — so ``1988-03-15``, ``1988/3/15``,
``1988.3.15``, ``19880315`` and ``1988年3月15日`` mean the same everywhere (full-width digits and
punctuation as typed by a Chinese IME included).

Strict means: a partial date (``1988-03``, ``1988年``) or an impossible one (``1988-02-30``,
``1988-13-01``, a two-digit year) is refused with a Chinese reason. Nothing is ever completed or
corrected silently — a form keeps the clerk's text and shows the reason at the field.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from domain.errors import LedgerError
from domain.i18n import N_, t

MIN_YEAR = 1900
MAX_YEAR = 2100
EXAMPLE = N_("例如 1988-03-15")
TIME_EXAMPLE = N_("例如 2026-04-10 09:00")


class DateTextError(LedgerError, ValueError):
    """Text that is not a complete, possible date (or time); ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_SEP = r"\s*[-/.]\s*"
_FULL = [
    re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_MONTH_ONLY = [
    re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
]
_YEAR_ONLY = re.compile(r"^(\d{4})\s*年?$")
_SHORT_YEAR = re.compile(rf"^(\d{{2}})(?:{_SEP}|\s*年\s*)(\d{{1,2}})(?:{_SEP}|\s*月\s*)(\d{{1,2}})\s*[日号]?$")
_TIME = re.compile(
    r"^(?P<half>上午|早上|中午|下午|晚上)?\s*(?P<h>\d{1,2})\s*(?:[:：]|时|点)\s*(?P<m>\d{1,2})?\s*分?"
    r"(?:\s*[:：]\s*(?P<s>\d{1,2}))?$"
)
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$")


def normalize(text: str) -> str:
    """Full-width digits and punctuation to ASCII (``１９８８／３／１５`` → ``1988/3/15``), trimmed."""
    return unicodedata.normalize("NFKC", text).strip().replace("—", "-").replace("－", "-")


def parse_date(text: str) -> dt.date:
    """The date written in ``text``, or :class:`DateTextError` saying in Chinese what is wrong."""
    raw = normalize(str(text))
    if not raw:
        raise DateTextError(t("请填写日期（{example}）", example=t(EXAMPLE)))
    for pattern in _FULL:
        match = pattern.match(raw)
        if match:
            return _make(int(match[1]), int(match[2]), int(match[3]), raw)
    if _SHORT_YEAR.match(raw):
        raise DateTextError(t("请写四位年份（{example}）", example=t(EXAMPLE)))
    for pattern in _MONTH_ONLY:
        match = pattern.match(raw)
        if match:
            _check_year(int(match[1]))
            if not 1 <= int(match[2]) <= 12:
                raise DateTextError(t("月份应为 1–12（{example}）", example=t(EXAMPLE)))
            raise DateTextError(t("日期不完整：缺少日（{example}）", example=t(EXAMPLE)))
    if _YEAR_ONLY.match(raw):
        raise DateTextError(t("日期不完整：缺少月和日（{example}）", example=t(EXAMPLE)))
    raise DateTextError(t("不是可识别的日期（{example}）", example=t(EXAMPLE)))


def parse_time(text: str) -> dt.time:
    """``9:00``, ``09:30``, ``9点``, ``14时30分``, ``下午2:30`` → a time; otherwise DateTextError."""
    raw = normalize(text)
    match = _TIME.match(raw)
    if not match:
        raise DateTextError(t("不是可识别的时间（{time_example}）", time_example=t(TIME_EXAMPLE)))
    hour, minute = int(match["h"]), int(match["m"] or 0)
    second = int(match["s"] or 0)
    half = match["half"]
    if half in ("下午", "晚上") and 1 <= hour < 12:
        hour += 12
    if half == "中午" and hour < 11:
        hour += 12
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        raise DateTextError(t("没有这个时刻：{raw}（{time_example}）", raw=raw, time_example=t(TIME_EXAMPLE)))
    return dt.time(hour, minute, second)


def parse_datetime(text: str, *, default_date: dt.date | None = None) -> dt.datetime:
    """A date followed by a time (``2026/4/10 9:00``, ``2026年4月10日 下午2点``, ISO).

    With ``default_date``, a time alone (``11:00``) is on that day — how an end time is usually
    written. A date without a time is refused: midnight would be a silent guess.
    """
    raw = normalize(text)
    if not raw:
        raise DateTextError(t("请填写日期和时间（{time_example}）", time_example=t(TIME_EXAMPLE)))
    if _ISO_DATETIME.match(raw):
        try:
            return dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            pass  # e.g. 2026-02-30T09:00: the split below names the problem
    date_part, time_part = _split(raw)
    if not date_part:
        if default_date is None:
            raise DateTextError(t("请同时填写日期（{time_example}）", time_example=t(TIME_EXAMPLE)))
        return dt.datetime.combine(default_date, parse_time(time_part))
    day = parse_date(date_part)
    if not time_part:
        raise DateTextError(t("请填写时间（{time_example}）", time_example=t(TIME_EXAMPLE)))
    return dt.datetime.combine(day, parse_time(time_part))


def _split(raw: str) -> tuple[str, str]:
    """Split typed text into its date part and its time part (either may be empty)."""
    if _TIME.match(raw) and not re.match(r"^\d{4}", raw):
        return "", raw
    match = re.match(r"^(.*?[日号])\s*(.*)$", raw)
    if match and re.match(r"^\d{4}\s*年", raw):
        return match[1], match[2]
    for sep in ("T", " "):
        if sep in raw:
            head, tail = raw.split(sep, 1)
            return head.strip(), tail.strip()
    match = re.match(r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})(?!\d)(.+)$", raw)
    if match:
        return match[1], match[2].strip()
    return raw, ""


def format_date(day: dt.date) -> str:
    return day.isoformat()


def format_datetime(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M")


def coerce_date(value: Any) -> Any:
    """For schemas (pydantic ``BeforeValidator``): text in any accepted form becomes a date;
    anything that is not text is left to the schema. Raises ValueError with the Chinese reason."""
    if isinstance(value, str):
        if not value.strip():
            return None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass  # 2026-02-30: parse_date names it
        if _ISO_DATETIME.match(value.strip()):
            return value  # a timestamp: the schema decides (it accepts one with a zero time)
        return parse_date(value)
    return value


def coerce_datetime(value: Any) -> Any:
    """Like :func:`coerce_date` for date-times; ISO text is left to the schema unchanged."""
    if isinstance(value, str):
        if not value.strip():
            return None
        text = value.strip()
        if _ISO_DATETIME.match(text) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return value
        return parse_datetime(text)
    return value


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateTextError(t("年份 {year} 不在 {min_year}–{max_year} 之间", year=year, min_year=MIN_YEAR,
                              max_year=MAX_YEAR))


def _make(year: int, month: int, day: int, raw: str) -> dt.date:
    _check_year(year)
    if not 1 <= month <= 12:
        raise DateTextError(t("月份应为 1–12：{raw}", raw=raw))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateTextError(t("没有这一天：{year}年{month}月{day}日", year=year, month=month, day=day)) from None
