"""Which checks apply to which record kind."""

from __future__ import annotations

from collections.abc import Callable

from domain.context import RuleContext
from domain.records import Meeting, RecordBody
from domain.violations import Violation

Check = Callable[[RecordBody, RuleContext], list[Violation]]


def _meeting_times(body: RecordBody, context: RuleContext) -> list[Violation]:
    assert isinstance(body, Meeting)
    if body.ends_at is not None and body.ends_at < body.starts_at:
        return [Violation("ends_at", "time.end_before_start", "结束时间：不能早于开始时间")]
    return []


CHECKS: dict[str, list[Check]] = {
    "meeting": [_meeting_times],
}


def check_record(body: RecordBody, context: RuleContext) -> list[Violation]:
    out: list[Violation] = []
    for check in CHECKS.get(body.KIND, []):
        out.extend(check(body, context))
    return out
