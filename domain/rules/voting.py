"""The result of one vote, counted against the right denominator (domain.md §3.3, §3.4, §9.2).

* Ordinary decisions, 接收预备党员 and 预备党员转正: the motion passes when votes in favour exceed half
  of the members **entitled** to vote (应到会有表决权的党员) — not half of those present. Counting
  against 实到 is a common template error (§3.4) and is deliberately not offered as a setting.
* Elections: a candidate is elected with votes in favour above half of the voting members
  **present** (实到会有表决权的党员); the election is void if more ballots come back than were issued.

Written opinions (书面意见): a voting member who cannot attend and hands in a written opinion in
advance "is counted in the vote" (§3.3). We read that as: the opinion is one of the votes cast, so
``Vote.yes``/``no``/``abstain`` *include* the written opinions, and ``Vote.written_opinions`` says
how many of the votes cast came in writing. The denominator does not change (the member was
entitled either way); the written opinions only raise how many votes may have been cast. They do
not make the member "present" for the quorum. Elections take no written opinions: ballots are cast
in person (§3.3 election procedure).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from domain.context import RuleContext
from domain.enums import MeetingFormat, MeetingType, VoteKind, VoteMethod
from domain.i18n import CHINESE, N_, listing, t
from domain.records import Meeting, Vote
from domain.rules.messages import error, warning
from domain.rules.quorum import HALF, Threshold, Validity, assess_quorum, meeting_validity
from domain.rules.standing import has_voting_rights_on, is_probationary_on, no_vote_reason_zh
from domain.rules.voters import VotingRoll, voting_roll
from domain.violations import Severity, Violation

ENTITLED_LABEL = N_("应到会有表决权的党员")
PRESENT_LABEL = N_("实到会有表决权的党员")
_COMMITTEE_ENTITLED_LABEL = N_("应到会的支部委员")
_COMMITTEE_PRESENT_LABEL = N_("实到会的支部委员")

# 《发展党员工作细则》 第二十一条 (admission, 转正) and the election regulations: secret ballot.
SECRET_BALLOT_KINDS: frozenset[VoteKind] = frozenset(
    {VoteKind.ADMISSION, VoteKind.FULL_MEMBERSHIP, VoteKind.ELECTION}
)

_MAJORITY = Threshold(HALF)


def votes_needed(denominator: int) -> int:
    """Votes in favour needed to pass: more than half of ``denominator`` (10 → 6, 11 → 6)."""
    return _MAJORITY.minimum(denominator)


@dataclass(frozen=True)
class VoteOutcome:
    """The verdict on one vote, with the numbers the resolution must state (domain.md §3.3)."""

    kind: VoteKind
    passed: bool
    void: bool  # election void: more ballots returned than issued
    quorum: Validity
    entitled: int  # the counts used (typed on the vote, or else counted from the roll)
    present: int
    written_opinions: int  # written opinions counted among the votes cast (0 for elections)
    yes: int
    denominator: int
    denominator_label: str  # "应到会有表决权的党员" or "实到会有表决权的党员"
    needed: int  # minimum votes in favour
    message_zh: str  # the verdict in Chinese (printed minutes)
    violations: tuple[Violation, ...]
    message: str = ""  # the same verdict in the shown language (the window, the CLI)

    @property
    def quorum_met(self) -> bool:
        return self.quorum.valid

    @property
    def determined(self) -> bool:
        """False while an error (impossible or unreconciled counts) stands: the vote has no result.

        A void election (选举无效) and a vote of a meeting without quorum (表决无效) are results, so
        they are determined."""
        return self.void or not self.quorum.valid or not any(v.severity is Severity.ERROR for v in self.violations)

    @property
    def messages(self) -> tuple[str, ...]:
        """The verdict followed by every problem found, for display in one list."""
        return (self.message, *(v.message for v in self.violations))


def vote_outcome(
    vote: Vote,
    roll: VotingRoll,
    ctx: RuleContext,
    field: str = "votes.0",
    meeting_quorum: Validity | None = None,
) -> VoteOutcome:
    """Count ``vote`` against ``roll`` (see :func:`domain.rules.voters.voting_roll`).

    **The roll wins** (domain.md §3.4): when the clerk listed the attendance, the voting roll
    counted from it (with unlisted roster members as absent) is the denominator, whatever was
    typed on the vote. Typed counts that disagree are an error at the typed field
    (``vote.count_mismatch``, blocking 定稿; a draft may be saved with it) and the vote then has
    no result: it is neither 通过 nor 未通过 until the clerk reconciles the counts. Only without
    an attendance list are the typed counts (as the chair announced them) used.

    ``meeting_quorum`` is the meeting's own validity (:func:`meeting_vote_outcomes` passes it):
    a vote of a meeting that is not valid is void, so a record never says 会议无效 and 通过
    together. ``field`` is the vote's path in the meeting (``votes.N``), used to name fields in
    violations. Error-level violations (impossible counts) make ``passed`` False: a result that
    cannot be right is never reported as passed.
    """
    out: list[Violation] = []
    kind = vote.kind
    election = kind is VoteKind.ELECTION
    committee = roll.meeting_type is MeetingType.COMMITTEE

    if roll.has_attendance:
        entitled, present = roll.entitled, roll.present_voters
        _compare(out, f"{field}.entitled", vote.entitled, roll.entitled)
        _compare(out, f"{field}.present", vote.present, roll.present_voters)
    else:
        entitled = roll.entitled if vote.entitled is None else vote.entitled
        present = roll.present_voters if vote.present is None else vote.present
    if present > entitled:
        out.append(
            error(
                f"{field}.present",
                "vote.present_exceeds_entitled",
                "（{present}人）不能多于应到会有表决权人数（{entitled}人）", present=present, entitled=entitled,
            )
        )

    written = 0
    if election:
        if vote.written_opinions:
            out.append(
                error(
                    f"{field}.written_opinions",
                    "vote.written_in_election",
                    "选举须到会投票，不接受书面意见票",
                )
            )
    else:
        written = vote.written_opinions
        if written > max(entitled - present, 0):
            out.append(
                error(
                    f"{field}.written_opinions",
                    "vote.written_exceeds_absent",
                    "（{written}份）不能多于未到会的有表决权党员（{max}人）",
                    written=written, max=max(entitled - present, 0),
                )
            )
        elif roll.has_attendance and written > roll.written_opinions:
            out.append(
                warning(
                    f"{field}.written_opinions",
                    "vote.written_unrecorded",
                    "{written}份，但出席情况中只登记了{written_opinions}名党员提交书面意见",
                    written=written, written_opinions=roll.written_opinions,
                )
            )

    cast = vote.yes + vote.no + vote.abstain
    if cast > present + written:
        extra = t("（含书面意见{written}份）", written=written) if written else ""
        out.append(
            error(
                f"{field}.yes",
                "vote.too_many_votes",
                "赞成、反对、弃权合计{cast}票，超过实到会有表决权人数{present}人{extra}",
                cast=cast, present=present, extra=extra,
            )
        )

    void = False
    if election:
        void = _check_ballots(out, vote, field, present, cast)
    if kind in SECRET_BALLOT_KINDS and vote.method is not VoteMethod.SECRET_BALLOT:
        out.append(
            warning(
                f"{field}.method",
                "vote.not_secret",
                "{kind}应采用无记名投票（当前为{method}）", kind=kind, method=vote.method,
            )
        )

    quorum = assess_quorum(roll.meeting_type, kind, present, entitled, ctx.settings)
    if quorum.valid and meeting_quorum is not None and not meeting_quorum.valid:
        quorum = meeting_quorum
    if not quorum.valid:
        out.append(warning(field, "vote.no_quorum", "{verdict}表决无效", verdict=quorum.message))

    if election:
        denominator = present
        label = _COMMITTEE_PRESENT_LABEL if committee else PRESENT_LABEL
    else:
        denominator = entitled
        label = _COMMITTEE_ENTITLED_LABEL if committee else ENTITLED_LABEL
    needed = votes_needed(denominator)
    problems = [v for v in out if v.severity is Severity.ERROR]
    consistent = not problems
    passed = quorum.valid and not void and consistent and vote.yes >= needed

    return VoteOutcome(
        kind=kind,
        passed=passed,
        void=void,
        quorum=quorum,
        entitled=entitled,
        present=present,
        written_opinions=written,
        yes=vote.yes,
        denominator=denominator,
        denominator_label=label,
        needed=needed,
        message_zh=_summary(
            vote, entitled, present, written, label, denominator, needed, passed, void, quorum, problems, CHINESE
        ),
        violations=tuple(out),
        message=_summary(
            vote, entitled, present, written, label, denominator, needed, passed, void, quorum, problems, None
        ),
    )


def _check_ballots(out: list[Violation], vote: Vote, field: str, present: int, cast: int) -> bool:
    """Ballot checks of an election (domain.md §3.3); returns True when the election is void."""
    issued, returned = vote.ballots_issued, vote.ballots_returned
    if issued is None and returned is None:
        out.append(warning(f"{field}.ballots_issued", "vote.ballots_missing", "选举应登记发出和收回的选票数"))
        return False
    void = issued is not None and returned is not None and returned > issued
    if void:
        out.append(
            error(
                f"{field}.ballots_returned",
                "vote.ballots_exceed_issued",
                "（{returned}张）多于发出选票（{issued}张），选举无效", returned=returned, issued=issued,
            )
        )
    if issued is not None and issued > present:
        out.append(
            warning(
                f"{field}.ballots_issued",
                "vote.ballots_exceed_present",
                "（{issued}张）多于实到会有表决权人数（{present}人）", issued=issued, present=present,
            )
        )
    if returned is not None and cast > returned:
        out.append(
            error(
                f"{field}.yes",
                "vote.votes_exceed_ballots",
                "赞成、反对、弃权合计{cast}票，多于收回选票{returned}张", cast=cast, returned=returned,
            )
        )
    return void


def _summary(
    vote: Vote,
    entitled: int,
    present: int,
    written: int,
    label: str,
    denominator: int,
    needed: int,
    passed: bool,
    void: bool,
    quorum: Validity,
    problems: list[Violation],
    lang: str | None,
) -> str:
    """The vote's result as one sentence in ``lang`` (None: the shown language)."""
    election = vote.kind is VoteKind.ELECTION
    if written:
        head = t("{subject}（{kind}）：应到会有表决权{entitled}人，实到{present}人，书面意见{written}份", lang,
                 subject=vote.subject, kind=vote.kind, entitled=entitled, present=present, written=written)
    else:
        head = t("{subject}（{kind}）：应到会有表决权{entitled}人，实到{present}人", lang,
                 subject=vote.subject, kind=vote.kind, entitled=entitled, present=present)
    counts = t("赞成{yes}票，反对{no}票，弃权{abstain}票", lang, yes=vote.yes, no=vote.no, abstain=vote.abstain)
    rule = t("须超过{label}（{denominator}人）的半数，即至少{needed}票", lang,
             label=t(label, lang), denominator=denominator, needed=needed)
    if void:
        verdict = t("选举无效", lang)
    elif not quorum.valid:
        verdict = t("会议未达到法定人数，表决无效", lang)
    elif problems:
        # An impossible or unreconciled count has no verdict at all: printing "未通过" would be
        # as wrong as "通过" (the clerk must correct the numbers first, and is told which).
        problem = problems[0].message_in(lang) if lang else problems[0].message
        verdict = t("人数或票数有误（{problem}），请核对后再判定表决结果", lang, problem=problem)
    elif election:
        verdict = t("当选", lang) if passed else t("未当选", lang)
    else:
        verdict = t("通过", lang) if passed else t("未通过", lang)
    return t("{head}；{counts}；赞成票{rule}；{verdict}。", lang, head=head, counts=counts, rule=rule, verdict=verdict)


COUNT_MISMATCH = "vote.count_mismatch"
"""Typed 应到/实到 that disagree with the roll: an error that blocks 定稿 but not saving a draft."""


def _compare(out: list[Violation], path: str, typed: int | None, counted: int) -> None:
    if typed is not None and typed != counted:
        out.append(
            error(
                path,
                COUNT_MISMATCH,
                "填写为{typed}人，按出席情况计算为{counted}人；以出席情况为准，请更正或清空此项",
                typed=typed, counted=counted,
            )
        )


def meeting_vote_outcomes(meeting: Meeting, ctx: RuleContext) -> list[VoteOutcome]:
    """The outcome of every vote of ``meeting``, in order: the one way to count a meeting's votes.

    Each vote is counted against the roll for its own kind (exclusions differ by kind) and is void
    when the meeting itself is not valid. The rules, the editor's live verdicts, the printed
    minutes and head office all call this, so they cannot disagree.
    """
    rolls: dict[VoteKind, VotingRoll] = {}
    validity = meeting_validity(meeting, ctx) if meeting.votes else None
    outcomes: list[VoteOutcome] = []
    for index, vote in enumerate(meeting.votes):
        roll = rolls.get(vote.kind)
        if roll is None:
            roll = rolls[vote.kind] = voting_roll(meeting, ctx, vote.kind)
        outcomes.append(vote_outcome(vote, roll, ctx, f"votes.{index}", validity))
    return outcomes


# Only the 党员大会 admits and confirms members and elects the committee; the 支委会 elects its own
# 书记/副书记 (domain.md §3.3 "Secretary"), so an election there is in order too.
_CONGRESS_ONLY: frozenset[VoteKind] = frozenset(
    {VoteKind.ADMISSION, VoteKind.FULL_MEMBERSHIP, VoteKind.ELECTION}
)
# §3.7: forming a branch, elections and 发展党员 should be held at an in-person 党员大会.
_IN_PERSON_KINDS = _CONGRESS_ONLY
_PROBATION = 1  # years (domain.md §3.3: probation lasts 1 year from the admission vote)


def check_votes(meeting: Meeting, ctx: RuleContext) -> list[Violation]:
    """Every vote of a meeting, plus what only the meeting can tell (its type, format, resolutions)."""
    out: list[Violation] = []
    day = meeting.starts_at.date()
    for index, (vote, outcome) in enumerate(zip(meeting.votes, meeting_vote_outcomes(meeting, ctx), strict=True)):
        path = f"votes.{index}"
        out.extend(outcome.violations)
        allowed_here = meeting.meeting_type is MeetingType.PARTY_CONGRESS or (
            vote.kind is VoteKind.ELECTION and meeting.meeting_type is MeetingType.COMMITTEE
        )
        if vote.kind in _CONGRESS_ONLY and not allowed_here:
            out.append(
                warning(f"{path}.kind", "vote.wrong_meeting_type", "{kind}须由支部党员大会表决", kind=vote.kind)
            )
        out.extend(_candidate_checks(vote, outcome, ctx, day, path))

    if meeting.format is not MeetingFormat.IN_PERSON:
        kinds = sorted(
            {v.kind for v in meeting.votes if v.kind in _IN_PERSON_KINDS}, key=list(VoteKind).index
        )
        if kinds:
            out.append(
                warning(
                    "format",
                    "vote.not_in_person",
                    "{value}原则上应在现场召开的党员大会上进行（当前为{format}）",
                    value=listing(kinds), format=meeting.format,
                )
            )

    for index, resolution in enumerate(meeting.resolutions):
        if resolution.vote_index is not None and resolution.vote_index >= len(meeting.votes):
            out.append(
                error(
                    f"resolutions.{index}.vote_index",
                    "resolution.no_such_vote",
                    "第{value}项表决不存在", value=resolution.vote_index + 1,
                )
            )
    return out


def _candidate_checks(
    vote: Vote, outcome: VoteOutcome, ctx: RuleContext, day: dt.date, path: str
) -> list[Violation]:
    """The member voted on: known, probationary for 转正, 入党日期 equal to the admission vote."""
    cid = vote.candidate_member_id
    if not cid:
        return []
    field = f"{path}.candidate_member_id"
    candidate = ctx.members.get(cid)
    if candidate is None:
        if ctx.members and vote.kind is not VoteKind.ADMISSION:
            # A 发展对象 is not on the roster until admitted, so only other kinds need a known id.
            return [error(field, "vote.unknown_candidate", "不在本支部党员名册中")]
        return []
    if vote.kind is VoteKind.FULL_MEMBERSHIP:
        if not is_probationary_on(candidate, day):
            return [
                warning(field, "vote.candidate_not_probationary", "{name}在会议当日不是预备党员", name=candidate.name)
            ]
        if candidate.join_date is not None and day < _add_years(candidate.join_date, _PROBATION):
            return [warning(field, "vote.probation_not_served", "{name}于{joined}入党，预备期未满一年",
                            name=candidate.name, joined=candidate.join_date.isoformat())]
    if vote.kind is VoteKind.ELECTION and not has_voting_rights_on(candidate, day):
        # 预备党员 and suspended members have no 被选举权 (domain.md §3.3).
        reason = no_vote_reason_zh(candidate, day)
        return [warning(field, "vote.candidate_not_eligible", "{name}（{reason}）没有被选举权",
        name=candidate.name, reason=reason)]
    joined = candidate.join_date
    if vote.kind is VoteKind.ADMISSION and outcome.passed and joined is not None and joined != day:
        # domain.md §3.3: the 入党 date is the date of the 支部大会 vote.
        return [warning(field, "vote.join_date_mismatch", "入党日期应为支部大会通过之日（{day}），名册中为{joined}",
                        day=day.isoformat(), joined=joined.isoformat())]
    return []


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
