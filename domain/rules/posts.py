"""党员先锋岗: post definitions, work-log entries and evaluations (domain.md §5.2, §9.8)."""

from __future__ import annotations

from domain.context import RuleContext
from domain.enums import PlaqueStatus
from domain.i18n import t
from domain.records import PioneerPost, PostEvaluation, PostLogEntry
from domain.rules.messages import error, warning
from domain.violations import Violation

# Star rating on the 100-point scale (domain.md §5.2): ≥90 五星, 80–89 四星, 70–79 三星,
# 60–69 二星, below 60 一星. Lower bounds, highest first.
_STAR_BOUNDS: tuple[tuple[int, int], ...] = ((90, 5), (80, 4), (70, 3), (60, 2))


def star_rating(score: int) -> int:
    """Stars (1–5) for a 先锋岗 score out of 100."""
    for bound, stars in _STAR_BOUNDS:
        if score >= bound:
            return stars
    return 1


def check_pioneer_post(post: PioneerPost, ctx: RuleContext) -> list[Violation]:
    out: list[Violation] = []
    start, end = post.period_start, post.period_end
    if start is not None and end is not None and end < start:
        out.append(error("period_end", "post.end_before_start", "不能早于开始日期"))
    seen: set[str] = set()
    for index, holder in enumerate(post.holder_member_ids):
        path = f"holder_member_ids.{index}"
        if holder in seen:
            out.append(error(path, "post.duplicate_holder", "同一党员重复登记"))
        elif ctx.members and holder not in ctx.members:
            out.append(error(path, "post.unknown_holder", "不在本支部党员名册中"))
        seen.add(holder)
    if post.plaque is PlaqueStatus.HUNG and not post.holder_member_ids:
        out.append(warning("holder_member_ids", "post.hung_without_holder", "已挂牌的先锋岗须有责任人"))
    for index, pledge in enumerate(post.pledges):
        path = f"pledges.{index}"
        owner = pledge.owner_member_id
        if owner and ctx.members and owner not in ctx.members:
            out.append(error(f"{path}.owner_member_id", "post.unknown_owner", "不在本支部党员名册中"))
        deadline = pledge.deadline
        if deadline is None:
            continue
        # A pledge is made for the post's period (§5.2); a deadline outside it is most likely a typo.
        if (start is not None and deadline < start) or (end is not None and deadline > end):
            period = t("{start}至{end}", start=start.isoformat() if start else "…", end=end.isoformat() if end else "…")
            out.append(
                warning(f"{path}.deadline", "post.deadline_outside_period", "不在岗位周期（{period}）内", period=period)
            )
    return out


def check_post_log(entry: PostLogEntry, ctx: RuleContext) -> list[Violation]:
    if entry.member_id and ctx.members and entry.member_id not in ctx.members:
        return [error("member_id", "post_log.unknown_member", "不在本支部党员名册中")]
    return []


def check_post_evaluation(evaluation: PostEvaluation, ctx: RuleContext) -> list[Violation]:
    """The score's 0–100 range is enforced by the schema; here only the references and dates."""
    out: list[Violation] = []
    if evaluation.member_id and ctx.members and evaluation.member_id not in ctx.members:
        out.append(error("member_id", "post_evaluation.unknown_member", "不在本支部党员名册中"))
    period_start_year = int(evaluation.period[:4])
    if evaluation.evaluated_on.year < period_start_year:
        out.append(
            warning(
                "evaluated_on",
                "post_evaluation.before_period",
                "早于评价周期（{period}）", period=evaluation.period
            )
        )
    return out
