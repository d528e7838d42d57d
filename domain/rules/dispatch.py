"""Which checks apply to which record kind.

Each check takes the parsed body and the :class:`~domain.context.RuleContext` and returns
violations; :func:`check_record` runs every check registered for the body's kind, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from domain.context import RuleContext
from domain.records import Meeting, Member, PioneerPost, PostEvaluation, PostLogEntry, RecordBody
from domain.rules.appraisal import check_appraisal
from domain.rules.chair import check_chair
from domain.rules.meeting import (
    check_amendment,
    check_attendance,
    check_lecture,
    check_party_group,
    check_theme_day,
    check_times,
)
from domain.rules.members import check_member
from domain.rules.posts import check_pioneer_post, check_post_evaluation, check_post_log
from domain.rules.voting import check_votes
from domain.violations import Violation

Check = Callable[[RecordBody, RuleContext], list[Violation]]
B = TypeVar("B", bound=RecordBody)


def _for(kind: type[B], check: Callable[[B, RuleContext], list[Violation]]) -> Check:
    """Adapt a check written for one body class to the registry's common signature."""

    def run(body: RecordBody, context: RuleContext) -> list[Violation]:
        if not isinstance(body, kind):
            raise TypeError(f"{check.__name__} expects {kind.__name__}, got {type(body).__name__}")
        return check(body, context)

    run.__name__ = check.__name__
    return run


CHECKS: dict[str, list[Check]] = {
    "meeting": [
        _for(Meeting, check)
        for check in (
            check_times,
            check_attendance,
            check_chair,
            check_votes,
            check_appraisal,
            check_lecture,
            check_theme_day,
            check_party_group,
            check_amendment,
        )
    ],
    "member": [_for(Member, check_member)],
    "pioneer_post": [_for(PioneerPost, check_pioneer_post)],
    "post_log": [_for(PostLogEntry, check_post_log)],
    "post_evaluation": [_for(PostEvaluation, check_post_evaluation)],
}


def check_record(body: RecordBody, context: RuleContext) -> list[Violation]:
    out: list[Violation] = []
    for check in CHECKS.get(body.KIND, []):
        out.extend(check(body, context))
    return out
