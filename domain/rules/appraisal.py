"""民主评议党员 results (domain.md §3.3, §3.6, §9.7).

* Four grades: 优秀 / 合格 / 基本合格 / 不合格 (the enum holds exactly these).
* 优秀 normally at most 1/3 of the members graded (``excellent_max_fraction``). "Normally" is the
  source's word, so exceeding it is a warning, not a block.
* A 预备党员 takes part but is **not graded**: a grade given to one is an error.
"""

from __future__ import annotations

from domain.context import RuleContext
from domain.enums import AppraisalGrade
from domain.records import Meeting
from domain.rules.messages import error, warning
from domain.rules.standing import is_probationary_on
from domain.violations import Violation


def max_excellent(graded: int, ctx: RuleContext) -> int:
    """How many of ``graded`` members may be 优秀 under the setting (1/3 of 9 → 3, of 10 → 3)."""
    fraction = ctx.settings.excellent_max_fraction
    return (fraction.numerator * graded) // fraction.denominator


def check_appraisal(meeting: Meeting, ctx: RuleContext) -> list[Violation]:
    out: list[Violation] = []
    if not meeting.appraisal:
        return out
    day = meeting.starts_at.date()
    seen: set[str] = set()
    graded = 0
    excellent = 0
    for index, entry in enumerate(meeting.appraisal):
        path = f"appraisal.{index}"
        if entry.member_id in seen:
            out.append(error(f"{path}.member_id", "appraisal.duplicate", "同一党员重复评定"))
            continue
        seen.add(entry.member_id)
        member = ctx.members.get(entry.member_id)
        if member is None and ctx.members:
            out.append(error(f"{path}.member_id", "appraisal.unknown_member", "不在本支部党员名册中"))
            continue
        if member is not None and is_probationary_on(member, day):
            if entry.grade is not None:
                out.append(
                    error(
                        f"{path}.grade",
                        "appraisal.probationary_graded",
                        "{name}是预备党员，参加评议但不评定等次", name=member.name,
                    )
                )
            continue
        if entry.grade is None:
            name = member.name if member is not None else entry.member_id
            out.append(warning(f"{path}.grade", "appraisal.not_graded", "正式党员{name}未评定等次", name=name))
            continue
        graded += 1
        excellent += entry.grade is AppraisalGrade.EXCELLENT
    limit = max_excellent(graded, ctx)
    if excellent > limit:
        fraction = ctx.settings.excellent_max_fraction
        out.append(
            warning(
                "appraisal",
                "appraisal.too_many_excellent",
                "评为优秀{excellent}人，超过评定等次党员（{graded}人）的{numerator}/{denominator}（一般不超过{limit}人）",
                excellent=excellent,
                graded=graded,
                numerator=fraction.numerator,
                denominator=fraction.denominator,
                limit=limit,
            )
        )
    return out
