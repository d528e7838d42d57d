"""Whether a meeting had enough voting members present to be valid (会议是否有效).

Sources (domain.md §3.3, §3.4, §9.2):

* 支部党员大会: present voting members must be **more than half** of those entitled
  (条例 第十一条). A local setting may demand a stricter fraction for every 党员大会
  (``congress_quorum_fraction``, e.g. 4/5); the central 4/5 applies only to elections.
* Elections: present voting members must exceed **4/5** of those entitled (基层组织选举工作条例);
  "超过" (default) or "不少于" per ``election_quorum_mode`` because reprints differ (§3.4).
* 接收预备党员 / 转正: same as an ordinary vote (§3.3).
* 支委会: more than half of the committee members present (条例 第十二条).
* 党小组会, 党课, 主题党日 and the rest: no quorum rule, unless a vote is held there, in which case
  the 党员大会 rule applies to it (only the 党员大会 and the 支委会 decide by vote).

The denominator is always members *with voting rights* (§3.4: "半数以上的党员" is loose wording).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from domain.context import RuleContext
from domain.enums import MeetingType, VoteKind
from domain.i18n import CHINESE, t
from domain.records import Meeting
from domain.rules.voters import VotingRoll, governing_vote_kind, voting_roll
from domain.settings import RuleSettings

HALF = Fraction(1, 2)
ELECTION_FRACTION = Fraction(4, 5)



def _fraction_words(fraction: Fraction, lang: str | None) -> str:
    """半数, 三分之二 … in ``lang``; other fractions as n/d."""
    words = {
        Fraction(1, 2): t("半数", lang),
        Fraction(2, 3): t("三分之二", lang),
        Fraction(3, 4): t("四分之三", lang),
        Fraction(4, 5): t("五分之四", lang),
    }
    return words.get(fraction, f"{fraction.numerator}/{fraction.denominator}")


@dataclass(frozen=True)
class Threshold:
    """ "超过" (``inclusive=False``) or "不少于" (``inclusive=True``) a fraction of a total."""

    fraction: Fraction
    inclusive: bool = False

    def minimum(self, total: int) -> int:
        """The smallest whole count that satisfies the threshold for ``total``.

        More than half of 10 is 6, of 11 also 6; at least 4/5 of 10 is 8, more than 4/5 of 10 is 9.
        """
        exact = self.fraction * total
        if self.inclusive:
            return math.ceil(exact)
        return math.floor(exact) + 1

    def is_met(self, count: int, total: int) -> bool:
        return count >= self.minimum(total)

    def describe(self, basis: str, lang: str | None = None) -> str:
        """'超过应到会有表决权人数的半数' and the like, in ``lang`` (default: the shown language)."""
        fraction = _fraction_words(self.fraction, lang)
        if self.inclusive:
            return t("不少于{basis}的{fraction}", lang, basis=basis, fraction=fraction)
        return t("超过{basis}的{fraction}", lang, basis=basis, fraction=fraction)

    def describe_zh(self, basis: str) -> str:
        return self.describe(basis, CHINESE)


@dataclass(frozen=True)
class Validity:
    """The quorum verdict for one meeting (and vote kind), with the numbers behind it."""

    applies: bool  # False: this meeting type has no quorum rule; ``valid`` is then True
    valid: bool
    present: int  # 实到会有表决权人数 (or committee members present)
    entitled: int  # 应到会有表决权人数 (or committee members)
    required: int  # minimum ``present`` for a valid meeting (0 when no rule applies)
    threshold: Threshold | None
    basis_zh: str  # what ``entitled`` counts, e.g. "应到会有表决权人数"
    rule_zh: str  # the rule in words, e.g. "实到会有表决权人数须超过应到会有表决权人数的半数"
    message_zh: str  # the verdict as the chair would announce it (Chinese: printed minutes)
    message: str  # the same verdict in the shown language (the window, the CLI)


def quorum_thresholds(
    meeting_type: MeetingType, vote_kind: VoteKind | None, settings: RuleSettings
) -> list[Threshold]:
    """Every threshold that must hold; empty when the meeting type has no quorum rule.

    ``vote_kind`` None means no vote is held. More than one threshold can apply (an election
    under a local 4/5-for-every-党员大会 rule); all must be met.
    """
    if meeting_type is MeetingType.COMMITTEE:
        return [Threshold(HALF)]  # 条例 第十二条, whatever is decided
    if meeting_type is not MeetingType.PARTY_CONGRESS and vote_kind is None:
        return []
    congress = Threshold(settings.congress_quorum_fraction or HALF)  # §3.4: stricter local rule is opt-in
    if vote_kind is VoteKind.ELECTION:
        election = Threshold(ELECTION_FRACTION, inclusive=settings.election_quorum_mode == "at_least")
        return [election, congress] if settings.congress_quorum_fraction else [election]
    return [congress]


def assess_quorum(
    meeting_type: MeetingType,
    vote_kind: VoteKind | None,
    present: int,
    entitled: int,
    settings: RuleSettings,
) -> Validity:
    """Judge validity from counts alone (the UI's live indicator, or counts typed by the clerk)."""
    thresholds = quorum_thresholds(meeting_type, vote_kind, settings)
    committee = meeting_type is MeetingType.COMMITTEE
    if not thresholds:
        return Validity(
            applies=False,
            valid=True,
            present=present,
            entitled=entitled,
            required=0,
            threshold=None,
            basis_zh=_basis(committee, CHINESE),
            rule_zh=t("{meeting_type}无法定到会人数要求", CHINESE, meeting_type=meeting_type),
            message_zh=t("{meeting_type}无法定到会人数要求。", CHINESE, meeting_type=meeting_type),
            message=t("{meeting_type}无法定到会人数要求。", meeting_type=meeting_type),
        )
    # The binding threshold is the one asking for most people; on a tie the first (the
    # election rule) is named, since that is the rule the chair announces.
    binding = max(thresholds, key=lambda t: t.minimum(entitled))
    required = max(1, binding.minimum(entitled))
    valid = entitled != 0 and present >= required
    verdict = _Verdict(committee, binding, present, entitled, required, valid)
    return Validity(
        applies=True,
        valid=valid,
        present=present,
        entitled=entitled,
        required=required,
        threshold=binding,
        basis_zh=_basis(committee, CHINESE),
        rule_zh=verdict.rule(CHINESE),
        message_zh=verdict.text(CHINESE),
        message=verdict.text(None),
    )


def _basis(committee: bool, lang: str | None) -> str:
    """What ``entitled`` counts."""
    return t("支部委员总数", lang) if committee else t("应到会有表决权人数", lang)


def _counted(committee: bool, lang: str | None) -> str:
    """What ``present`` counts."""
    return t("到会支部委员", lang) if committee else t("实到会有表决权人数", lang)


@dataclass(frozen=True)
class _Verdict:
    """The words of a quorum verdict, phrased in any language from the same numbers."""

    committee: bool
    binding: Threshold
    present: int
    entitled: int
    required: int
    valid: bool

    def rule(self, lang: str | None) -> str:
        basis = _basis(self.committee, lang)
        return t("{counted}须{rule}", lang, counted=_counted(self.committee, lang),
                 rule=self.binding.describe(basis, lang))

    def text(self, lang: str | None) -> str:
        basis = _basis(self.committee, lang)
        if self.entitled == 0:
            return t("{basis}为0，无法判定会议有效，不能进行表决。", lang, basis=basis)
        params = {"basis": basis, "entitled": self.entitled, "counted": _counted(self.committee, lang),
                  "present": self.present, "rule": self.binding.describe(basis, lang), "required": self.required}
        if self.valid:
            return t("{basis}{entitled}人，{counted}{present}人，按规定须{rule}（至少{required}人），会议有效。",
                     lang, **params)
        return t("{basis}{entitled}人，{counted}{present}人，按规定须{rule}（至少{required}人），"
                 "会议无效（未达到法定人数）。", lang, **params)


def meeting_validity(
    meeting: Meeting, ctx: RuleContext, vote_kind: VoteKind | None = None, roll: VotingRoll | None = None
) -> Validity:
    """Whether ``meeting`` is valid for ``vote_kind``, counted from its attendance and the roster.

    ``vote_kind`` None takes the strictest vote recorded at the meeting, or "no vote" when none
    was recorded (so a 党小组会 without votes is valid, and a 党员大会 without votes is judged by
    the ordinary rule). Pass ``roll`` if already computed for the same kind.
    """
    kind = vote_kind
    if kind is None and meeting.votes:
        kind = governing_vote_kind(meeting)
    if roll is None:
        roll = voting_roll(meeting, ctx, kind)
    return assess_quorum(meeting.meeting_type, kind, roll.present_voters, roll.entitled, ctx.settings)
