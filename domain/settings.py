"""Thresholds of the rule engine.

Defaults are the central minimum (domain.md §0: "keep the central minimum as the default and
let the head office override thresholds in configuration"). Stricter local rules are settings,
never copies of the engine (style.md §14).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from fractions import Fraction
from typing import Any


@dataclass(frozen=True, slots=True)
class RuleSettings:
    # 党课 per quarter for the branch (central text sets none; most local rules: 1 per quarter)
    lectures_per_quarter: int = 1
    # Optional stricter local rule: every 党员大会 needs present voters > this fraction of entitled
    # (some local rules use 4/5, domain.md §3.4). None = central rule (> 1/2).
    congress_quorum_fraction: Fraction | None = None
    # Elections: "more_than" (超过 4/5, the reprinted 暂行条例) or "at_least" (不少于 4/5)
    election_quorum_mode: str = "more_than"
    # Months without organisational life before the 自行脱党 warning (党章 第九条)
    lapse_months: int = 6
    # Months without organisational life before the early warning on the 概览 page
    lapse_early_warning_months: int = 5
    # 民主评议: share of graded members that may be 优秀 (normally ≤ 1/3)
    excellent_max_fraction: Fraction = Fraction(1, 3)
    # Warn early ("silent branch", domain.md §9.1): days before a period ends to flag it as due
    due_soon_days: int = 10
    # 书记讲党课 per year (domain.md §3.1, §9.1: the 书记 gives ≥1 党课 a year)
    secretary_lectures_per_year: int = 1
    # Month from which a missing 组织生活会 is shown as due (条例: "normally in Q4", domain.md §3.1)
    org_life_remind_from_month: int = 10
    # The six 不计入应到 categories apply to elections and admission/转正 votes only (domain.md §3.3).
    # Some units also apply them to ordinary votes; True makes that a local setting.
    exclusions_apply_to_ordinary_votes: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, Fraction) else value
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RuleSettings:
        """Build settings from a stored or HQ-sent mapping.

        Unknown keys are ignored (older clients keep working); bad values raise ValueError.
        """
        result = cls()
        for f in fields(cls):
            if f.name not in data or data[f.name] is None:
                continue
            raw = data[f.name]
            default = getattr(result, f.name)
            if f.name in ("congress_quorum_fraction", "excellent_max_fraction"):
                value: Any = Fraction(str(raw))
                if not 0 < value <= 1:
                    raise ValueError(f"{f.name} must be in (0, 1]")
            elif isinstance(default, bool):
                value = _parse_bool(f.name, raw)
            elif isinstance(default, int):
                value = int(raw)
                if value < 0:
                    raise ValueError(f"{f.name} must be ≥ 0")
            else:
                value = str(raw)
            result = replace(result, **{f.name: value})
        if result.election_quorum_mode not in ("more_than", "at_least"):
            raise ValueError("election_quorum_mode must be more_than or at_least")
        if not 1 <= result.org_life_remind_from_month <= 12:
            raise ValueError("org_life_remind_from_month must be 1–12")
        return result


def _parse_bool(name: str, raw: Any) -> bool:
    # bool is a subclass of int, so it needs its own branch: int("false") would raise and
    # bool("false") would be True.
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "1", "yes"):
        return True
    if isinstance(raw, str) and raw.strip().lower() in ("false", "0", "no"):
        return False
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    raise ValueError(f"{name} must be true or false")
