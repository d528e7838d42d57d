"""Which records count towards the compliance calendar, and why the others do not (issue 13).

A head-office figure is only worth trusting if it counts what really happened and was signed
off: a 草稿 is not a record yet, a 党员大会 without its quorum (会议无效) decided nothing, a record
head office returned for correction (退回修改) is not accepted until corrected, and a record that
was corrected by a finalized amendment (更正) is replaced by it. A record this software version
cannot read (written by a newer client, ``schema_version`` higher than ours) is never guessed at
and never silently dropped: it is reported as 需升级客户端.

The verdict for each record is a :class:`CountState`; :func:`count_states` takes the whole set
of a branch's meeting records, because a record's standing depends on its amendments.

It is the one rule for both ends and for every fact built on meetings: head office's calendar and
matrix, and on the laptop the 概览, ``branch-ledger compliance``/``lapses`` and the printed 台账
(``desktop_app.compliance_query``), for the calendar *and* the lapse warnings. The laptop is the
clerk's working ledger, so there (``drafts_count=True``) a meeting recorded but not yet finalized
counts, and a correction being drafted already replaces its original; a finalized record that
was returned or whose meeting was invalid counts on neither end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from domain.context import RuleContext
from domain.i18n import N_
from domain.records import Meeting
from domain.rules.quorum import meeting_validity


class CountState(StrEnum):
    COUNTED = "counted"
    DRAFT = "draft"
    INVALID = "invalid"
    RETURNED = "returned"
    SUPERSEDED = "superseded"
    UNREADABLE = "unreadable"
    NO_EVIDENCE = "no_evidence"  # head office requires a photo / 签到表 it does not hold (evidence.py)

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def counts(self) -> bool:
        return self is CountState.COUNTED


# Chinese sources (shown in the clerk's language with ``t(state.label)``, domain.i18n).
_LABELS: dict[CountState, str] = {
    CountState.COUNTED: N_("计入"),
    CountState.DRAFT: N_("草稿（未定稿，不计入）"),
    CountState.INVALID: N_("会议无效（不计入）"),
    CountState.RETURNED: N_("已退回修改（不计入）"),
    CountState.SUPERSEDED: N_("已被更正记录取代"),
    CountState.UNREADABLE: N_("需升级客户端"),
    CountState.NO_EVIDENCE: N_("缺少佐证材料（不计入）"),
}


@dataclass(frozen=True)
class RecordStanding:
    """What counting needs to know about one meeting record (no body needed)."""

    record_id: str
    final: bool  # 定稿
    valid: bool  # the meeting met its quorum (True when no quorum rule applies)
    returned: bool  # head office's latest verdict on it is 退回修改
    amends_record_id: str = ""  # the record this one corrects
    readable: bool = True  # False: a body from a newer schema this version cannot parse
    evidence_ok: bool = True  # False: head office requires attachments (photo, 签到表) it does not hold


def meeting_is_valid(meeting: Meeting, ctx: RuleContext) -> bool:
    """会议是否有效, judged with the roster (``ctx.members``) on the meeting date."""
    return meeting_validity(meeting, ctx).valid


def count_states(records: Iterable[RecordStanding], *, drafts_count: bool = False) -> dict[str, CountState]:
    """The count state of every record in ``records`` (one branch's live meeting records).

    Only a *finalized* amendment replaces the record it corrects: a correction still being drafted
    leaves the original standing as it was (and the draft itself does not count either). With
    ``drafts_count`` (the branch's own working view) drafts count — unless they lack the evidence head
    office requires (a finalized record's attachments are frozen, so the clerk is told while they can
    still be added) — and any live amendment replaces its original, so a meeting is never counted twice.
    """
    items = list(records)
    superseded = {r.amends_record_id for r in items
                  if r.amends_record_id and (r.final or drafts_count) and r.readable}
    out: dict[str, CountState] = {}
    for r in items:
        if not r.readable:
            out[r.record_id] = CountState.UNREADABLE
        elif r.record_id in superseded:
            out[r.record_id] = CountState.SUPERSEDED
        elif not r.final:
            if not drafts_count:
                out[r.record_id] = CountState.DRAFT
            else:  # the branch's working view: a draft counts if it carries the evidence required
                out[r.record_id] = CountState.COUNTED if r.evidence_ok else CountState.NO_EVIDENCE
        elif r.returned:
            out[r.record_id] = CountState.RETURNED
        elif not r.valid:
            out[r.record_id] = CountState.INVALID
        elif not r.evidence_ok:
            out[r.record_id] = CountState.NO_EVIDENCE
        else:
            out[r.record_id] = CountState.COUNTED
    return out
