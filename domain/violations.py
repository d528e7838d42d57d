"""Structured rule results: every problem names its field and carries a Chinese message.

The UI shows ``message`` next to ``field``; the CLI prints both; the server returns them in
per-change results. ``severity`` separates what blocks saving (error) from what is only worth
telling the clerk (warning), e.g. an election held online.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from domain.errors import LedgerError


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Violation:
    field: str  # dotted path into the body, e.g. "votes.0.yes" or "attendance"
    code: str  # stable machine code, e.g. "quorum.not_met"
    message: str  # in the shown language (domain.i18n), names the field in the user's words
    severity: Severity = Severity.ERROR
    # How ``message`` was phrased (domain.rules.messages), so it can be shown in another language:
    # printing is Chinese whatever the window shows (:meth:`message_in`).
    template: str = dataclasses.field(default="", compare=False)
    params: tuple[tuple[str, object], ...] = dataclasses.field(default=(), compare=False)

    def message_in(self, lang: str) -> str:
        """The message in ``lang`` ("zh_CN" or "en"); ``message`` itself when it has no template."""
        if not self.template:
            return self.message
        from domain.rules.messages import text_for

        return text_for(self.field, self.template, lang, **dict(self.params))

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message, "severity": self.severity.value}


class RuleViolation(LedgerError):
    """Raised when a write is refused because of error-level violations; nothing was saved.

    ``message`` is every violation's message, one per line (what a dialog shows); ``detail`` and
    ``str()`` add the field paths (the CLI's ``--verbose``, logs)."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        self.message = "\n".join(v.message for v in violations) or "内容不符合规则，未保存"
        self.detail = "；".join(f"{v.field}: {v.message}" for v in violations)
        Exception.__init__(self, self.detail)


def errors_only(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.severity is Severity.ERROR]
