"""What the rules need to know besides the record itself: the roster, the branch, the settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.records import BranchProfile, Member
from domain.settings import RuleSettings


@dataclass(frozen=True)
class RuleContext:
    members: Mapping[str, Member] = field(default_factory=dict)  # record_id -> Member
    branch: BranchProfile | None = None
    settings: RuleSettings = field(default_factory=RuleSettings)
