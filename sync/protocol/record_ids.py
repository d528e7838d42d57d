"""Record ids both ends derive instead of choosing at random, so a record exists at most once.

* The **branch profile** of a branch has one id, derived from the branch id head office assigned.
  A device re-keys its locally created profile to it at enrolment, so a second laptop of the
  branch edits the same record instead of pushing a second profile (issue 13).
* Head office's **review** of a record has one id per reviewed record; its revisions are the
  successive verdicts (已审核, later 退回修改, …), so the branch's copy always shows the latest.

UUIDv5 keeps the ids inside the wire's id pattern and length whatever the branch id looks like.
"""

from __future__ import annotations

import uuid

_PROFILE_NAMESPACE = uuid.UUID("6b0f5f0e-3a53-5c0e-9d1e-6a2f0c7d4b11")
_REVIEW_NAMESPACE = uuid.UUID("0d7b8c4e-91a2-5f3b-8e6d-2c4a9b1f7e02")


def branch_profile_id(branch_id: str) -> str:
    """The record id of ``branch_id``'s branch profile."""
    return str(uuid.uuid5(_PROFILE_NAMESPACE, branch_id))


def review_record_id(target_record_id: str) -> str:
    """The record id of head office's review of ``target_record_id``."""
    return str(uuid.uuid5(_REVIEW_NAMESPACE, target_record_id))
