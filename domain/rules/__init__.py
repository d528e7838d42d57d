"""Domain rules (domain.md §3, §9). ``check_record`` dispatches a parsed body to its kind's checks.

Where each rule lives: who counts at a meeting — :mod:`.voters`; whether a meeting is valid —
:mod:`.quorum`; whether a vote passed — :mod:`.voting`; who may chair — :mod:`.chair`; 民主评议 —
:mod:`.appraisal`; the rest of a meeting record — :mod:`.meeting`; the roster — :mod:`.members`;
先锋岗 — :mod:`.posts`. The compliance calendar and the lapse warning work on many records at once
and live in :mod:`domain.compliance` and :mod:`domain.attendance`.
"""

from __future__ import annotations

from domain.rules.dispatch import check_record
from domain.rules.posts import star_rating
from domain.rules.quorum import Validity, meeting_validity
from domain.rules.voters import VotingRoll, voting_roll
from domain.rules.voting import VoteOutcome, meeting_vote_outcomes, vote_outcome

__all__ = [
    "Validity",
    "VoteOutcome",
    "VotingRoll",
    "check_record",
    "meeting_validity",
    "meeting_vote_outcomes",
    "star_rating",
    "vote_outcome",
    "voting_roll",
]
