"""One record as a reviewer reads it: the envelope, what the rules say about it now, and — for a
meeting — whether it was valid and what each vote decided (``branch-ledger show``).

The verdicts are the domain's own (:func:`domain.validation.validate_record`,
:func:`domain.rules.meeting_validity`, :func:`domain.rules.meeting_vote_outcomes`), the same
functions the editor's live check and the printed minutes call, so the three cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop_app.operations.ledger import Ledger
from desktop_app.store import RecordEnvelope, RecordSummary
from domain.i18n import t
from domain.records import Meeting
from domain.rules import VoteOutcome, meeting_validity, meeting_vote_outcomes
from domain.rules.quorum import Validity
from domain.validation import validate_record
from domain.violations import Severity, Violation


@dataclass(frozen=True)
class RecordView:
    envelope: RecordEnvelope
    violations: list[Violation]  # as the rules judge the record today (finalizing rules if final)
    validity: Validity | None = None  # meetings only
    outcomes: list[VoteOutcome] = field(default_factory=list)  # one per vote, in order
    amendments: list[RecordSummary] = field(default_factory=list)  # 更正 of this record

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity is Severity.ERROR]

    def to_json(self) -> dict[str, Any]:
        """``branch-ledger show --json``: stable keys and codes; the ``message`` fields in the shown
        language, as the rule violations' are (the printed minutes keep their Chinese)."""
        env = self.envelope
        out: dict[str, Any] = {
            "record_id": env.record_id,
            "kind": env.kind,
            "rev": env.rev,
            "status": env.status.value,
            "conflicted": env.conflicted,
            "created_at": env.created_at,
            "updated_at": env.updated_at,
            "synced_at": env.synced_at,
            "body": env.body.model_dump(mode="json"),
            "violations": [v.as_dict() for v in self.violations],
            "amendments": [a.record_id for a in self.amendments],
        }
        if self.validity is not None:
            v = self.validity
            out["validity"] = {"applies": v.applies, "valid": v.valid, "present": v.present,
                               "entitled": v.entitled, "required": v.required, "message": v.message or v.message_zh}
        out["votes"] = [
            {"kind": o.kind.value, "passed": o.passed, "void": o.void, "yes": o.yes, "entitled": o.entitled,
             "present": o.present, "denominator": o.denominator, "denominator_label": t(o.denominator_label),
             "needed": o.needed, "written_opinions": o.written_opinions, "message": o.message or o.message_zh}
            for o in self.outcomes
        ]
        return out


def show_record(ledger: Ledger, record_id: str) -> RecordView:
    """The record with its rule verdicts; ``RecordNotFound`` for an unknown or deleted id."""
    with ledger.guard() as store:
        env = store.records.get(record_id)
        context = store.records.rule_context()
        amendments = store.records.amendments_of(record_id) if env.kind == "meeting" else []
    _, violations = validate_record(env.kind, env.body, context, finalizing=env.is_final)
    validity, outcomes = None, []
    if isinstance(env.body, Meeting):
        validity = meeting_validity(env.body, context)
        outcomes = meeting_vote_outcomes(env.body, context)
    return RecordView(env, violations, validity, outcomes, amendments)
