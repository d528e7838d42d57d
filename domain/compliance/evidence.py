"""Evidence head office may require per kind of activity (全程纪实, issue 14): "needs photo / needs 签到表".

Inspections of 三会一课 look for the signed 签到表 and photos of the activity. Head office decides, per
meeting type, which attachment roles a finalized record must carry to count in the compliance
calendar; by default nothing is required (the central rules require no attachments, and a branch
keeping its evidence on paper — ``attachments_note`` — is not penalised unless head office asks).
An attachment counts as evidence only once head office holds it completely (verified), so a photo
still on the laptop does not yet make the record count: it shows 附件未上传完 / 缺少佐证材料.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.attachments import AttachmentRole
from domain.enums import MeetingType


@dataclass(frozen=True)
class EvidencePolicy:
    """Meeting type → the attachment roles a record of that type must carry."""

    required: Mapping[MeetingType, frozenset[AttachmentRole]] = field(default_factory=dict)

    def needs(self, meeting_type: MeetingType | str) -> frozenset[AttachmentRole]:
        try:
            return self.required.get(MeetingType(meeting_type), frozenset())
        except ValueError:
            return frozenset()

    def missing(self, meeting_type: MeetingType | str, held_roles: Iterable[str]) -> list[AttachmentRole]:
        """The required roles not among ``held_roles``, in a stable order."""
        held = set(held_roles)
        return sorted((r for r in self.needs(meeting_type) if r.value not in held), key=lambda r: r.value)

    @property
    def meeting_types(self) -> list[str]:
        return sorted(t.value for t, roles in self.required.items() if roles)

    def to_json(self) -> dict[str, list[str]]:
        return {t.value: sorted(r.value for r in roles) for t, roles in sorted(self.required.items()) if roles}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> EvidencePolicy:
        """Build from stored/sent JSON; raises ValueError on an unknown type or role."""
        required: dict[MeetingType, frozenset[AttachmentRole]] = {}
        for key, roles in (data or {}).items():
            if not isinstance(roles, list):
                raise ValueError(f"evidence for {key} must be a list of roles")
            wanted = frozenset(AttachmentRole(r) for r in roles)
            if wanted:
                required[MeetingType(key)] = wanted
        return cls(required)

    def describe_missing(self, missing: Iterable[AttachmentRole]) -> str:
        return "缺少" + "、".join(r.label for r in missing)
