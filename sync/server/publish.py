"""Items head office sends down: notices and roster updates, as HQ-signed revisions.

They enter the branch's ledger like any device change, so they appear in the branch's pull
stream in sequence order and are signed with head office's key (published to devices at
enrolment). Fan-out to an org subtree writes one branch per transaction, in branch-id order, so
no transaction holds many branch locks (sync-notes §6.7). Publishing identical content again is a
no-op: the content-derived rev already exists.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine

from domain.errors import LedgerError
from domain.i18n import t
from domain.validation import parse_body
from sync.protocol.errors import message_for
from sync.protocol.hlc import HybridLogicalClock
from sync.protocol.revisions import compute_rev
from sync.protocol.signatures import HQ_DEVICE_ID, SigningKey, signing_bytes
from sync.server.conflicts import decide
from sync.server.jsonlimits import bad_text
from sync.server.ledger import BranchLedger, NewRevision, body_text
from sync.server.orgs import branches_under, resolve_branch, resolve_unit

# Authors written into the records' history (data, kept in Chinese whatever language the admin reads).
HQ_AUTHOR_PREFIX = "总部:"
MERGE_AUTHOR = HQ_AUTHOR_PREFIX + "合并支部信息"


class PublishError(LedgerError, ValueError):
    """Content head office tried to send that is invalid or cannot be applied."""


@dataclass(frozen=True)
class Published:
    branch_id: str
    record_id: str
    rev: str
    seq: int | None  # None: the same content was already there


@dataclass
class Publisher:
    engine: Engine
    signing_key: SigningKey
    clock: HybridLogicalClock

    def _write(
        self,
        conn: Connection,
        branch_id: str,
        record_id: str,
        kind: str,
        body: dict[str, Any],
        status: str,
        author: str,
        *,
        deleted: bool = False,
        parents: Sequence[str] | None = None,
    ) -> Published:
        parsed, violations = parse_body(kind, body)
        if parsed is None:
            raise PublishError(t("；").join(v.message for v in violations))
        body = parsed.model_dump(mode="json")
        problem = bad_text(body)  # as for a device's change (body.py): PostgreSQL refuses NUL
        if problem:
            raise PublishError(problem)
        ledger = BranchLedger(conn, branch_id)
        head = ledger.head(record_id)
        if parents is None:
            parents = [head.current_rev] if head else []
        parents = list(parents)
        rev = compute_rev(kind=kind, body=body, parents=parents, status=status, deleted=deleted)
        if head is not None and not head.deleted and not deleted:
            current = ledger.revision_by_rev(record_id, head.current_rev)
            if current is not None and current.body == body_text(body) and current.status == status:
                return Published(branch_id, record_id, head.current_rev, None)
        decision = decide(
            head,
            record_id=record_id,
            branch_id=branch_id,
            kind=kind,
            rev=rev,
            parents=parents,
            status=status,
            deleted=deleted,
            known_revs=ledger.known_revs(record_id) if head else set(),
        )
        if decision.head is None:
            raise PublishError(message_for(decision.code or "invalid_body"))
        hlc = self.clock.now().encode()
        sig = self.signing_key.sign(
            signing_bytes(
                record_id=record_id,
                rev=rev,
                parents=parents,
                device_id=HQ_DEVICE_ID,
                author=author,
                hlc=hlc,
                kind=kind,
            )
        )
        seq = ledger.store(
            NewRevision(
                record_id=record_id,
                rev=rev,
                kind=kind,
                parents=parents,
                deleted=deleted,
                status=status,
                schema_version=1,
                body=body,
                hlc=hlc,
                device_time=dt.datetime.now(dt.UTC).isoformat(),
                author=author,
                device_id=None,
                change_id=None,
                counter=None,
                sig=sig,
            ),
            head,
            decision.head,
        )
        ledger.flush()
        return Published(branch_id, record_id, rev, seq)

    def publish_notice(
        self,
        *,
        target: str,
        title: str,
        body: str,
        issued_on: dt.date,
        issuer: str,
        requires_ack: bool,
        author: str,
    ) -> list[Published]:
        """Send a notice to one branch or every branch under an org unit (id or name)."""
        with self.engine.begin() as conn:
            unit = resolve_unit(conn, target)
            branches = [unit] if unit.is_branch else branches_under(conn, unit.id)
        if not branches:
            raise PublishError(t("“{name}”下没有支部", name=unit.name))
        notice = {
            "title": title,
            "body": body,
            "issued_on": issued_on.isoformat(),
            "issuer": issuer,
            "requires_ack": requires_ack,
        }
        out = []
        for branch in branches:
            with self.engine.begin() as conn:
                out.append(self._write(conn, branch.id, uuid.uuid4().hex, "notice", notice, "final", author))
        return out

    def push_roster(self, *, branch: str, members: Sequence[dict[str, Any]], author: str) -> list[Published]:
        """Create or update members of a branch's roster; each item may carry ``record_id``.

        All items are applied in one transaction: an invalid member refuses the whole push.
        """
        out = []
        with self.engine.begin() as conn:
            unit = resolve_branch(conn, branch)
            for index, item in enumerate(members):
                data = dict(item)
                record_id = str(data.pop("record_id", "") or uuid.uuid4().hex)
                try:
                    out.append(self._write(conn, unit.id, record_id, "member", data, "draft", author))
                except PublishError as exc:
                    raise PublishError(t("第 {number} 条：{reason}", number=index + 1, reason=exc)) from exc
        return out

    def publish_review(self, conn: Connection, *, branch_id: str, record_id: str, body: dict[str, Any],
                       author: str) -> Published:
        """Write head office's verdict on a record (one review record per reviewed record, whose
        revisions are the successive verdicts); it travels down in the branch's pull stream.

        Stored as a draft so a later verdict can follow as a new revision; devices never write
        this kind (HQ_ONLY_KINDS), so it changes only here. Runs in the caller's transaction
        (with its audit entry).
        """
        return self._write(conn, branch_id, record_id, "review", body, "draft", author)

    def merge_profiles(
        self, *, branch_id: str, canonical_id: str, body: dict[str, Any], retire: Sequence[tuple[str, list[str]]]
    ) -> None:
        """Write the branch's one profile under ``canonical_id`` and delete the duplicates in
        ``retire`` ((record id, open leaves)), all in one transaction (see sync.server.profiles)."""
        with self.engine.begin() as conn:
            self._write(conn, branch_id, canonical_id, "branch_profile", body, "draft", MERGE_AUTHOR)
            for record_id, leaves in retire:
                ledger = BranchLedger(conn, branch_id)
                head = ledger.head(record_id)
                if head is None or head.deleted or head.status == "final":
                    continue
                current = ledger.revision_by_rev(record_id, head.current_rev)
                old = json.loads(current.body) if current is not None and current.body else body
                self._write(conn, branch_id, record_id, "branch_profile", old, "draft", MERGE_AUTHOR,
                            deleted=True, parents=leaves or [head.current_rev])
