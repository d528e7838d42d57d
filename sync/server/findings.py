"""Rule findings head office keeps with each revision, judged with the branch's own roster.

The device already refused error-level violations when the clerk saved; head office re-runs the
rules so an auditor sees what the record looks like *with the roster head office holds* (every
member record the branch synced, as it stands when the revision arrives; the rules then judge
each person on the meeting date). Without the roster every meeting with a vote carried false
errors such as "应到会有表决权人数为0" (issue 13).

The roster and profile are read once per pushed page and read again only when a member or the
profile changed in the meantime (a page often carries the roster before the meetings). Issue 15:
within a page the roster can only change through the page's own writes (the push holds the
branch lock, and every writer takes it), so the ledger's count of roster revisions it staged tells
whether to look again, instead of one query per change; and the context built from the roster is
kept per process, keyed by the branch's roster marker, so a page whose branch's roster has not
moved since the last page costs one small query instead of three.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections import OrderedDict
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, bindparam, func, select

from domain.context import RuleContext
from domain.records import Member, RecordBody
from domain.validation import validate_record
from domain.violations import Severity
from sync.server.ledger import ROSTER_KINDS
from sync.server.profiles import current_profile
from sync.server.tables import heads, revisions

_ROSTER_KINDS = ROSTER_KINDS  # the same kinds the ledger reads the marker of
# ledger → (roster revisions it had staged, context); weak, so a finished push leaves nothing behind.
_cache: weakref.WeakKeyDictionary[Any, tuple[int, RuleContext]] = weakref.WeakKeyDictionary()
# branch → (roster marker, context), across transactions; a bounded LRU (a context holds the
# branch's roster as parsed models, so 20 000 branches' worth would not fit).
SHARED_CONTEXTS = 512
_shared: OrderedDict[str, tuple[tuple[int, int], RuleContext]] = OrderedDict()
_shared_lock = threading.Lock()
# Every change to a member or profile head gives it the branch's next seq (ledger.store), so the
# highest such seq and the count move whenever the roster does.
_MARKER = select(func.coalesce(func.max(heads.c.updated_seq), 0), func.count()).where(
    heads.c.branch_id == bindparam("branch_id"), heads.c.kind.in_(_ROSTER_KINDS)
)


def _marker(conn: Connection, branch_id: str) -> tuple[int, int]:
    row = conn.execute(_MARKER, {"branch_id": branch_id}).one()
    return int(row[0]), int(row[1])


def branch_members(conn: Connection, branch_id: str) -> dict[str, Member]:
    """The branch's roster as head office holds it: every member record, current revision, all
    states (people who left are kept: the rules judge the meeting date)."""
    rows = conn.execute(
        select(heads.c.record_id, revisions.c.body)
        .join(revisions, (revisions.c.branch_id == heads.c.branch_id) & (revisions.c.record_id == heads.c.record_id)
              & (revisions.c.rev == heads.c.current_rev))
        .where(heads.c.branch_id == branch_id, heads.c.kind == "member", heads.c.deleted.is_(False))
    ).all()
    members: dict[str, Member] = {}
    for record_id, body in rows:
        if not body:
            continue
        try:
            members[record_id] = Member.model_validate(json.loads(body))
        except ValidationError:
            continue  # a newer schema: that person is unknown here, as on an older client
    return members


def branch_context(conn: Connection, branch_id: str) -> RuleContext:
    profile, _count = current_profile(conn, branch_id)
    return RuleContext(members=branch_members(conn, branch_id), branch=profile)


def _shared_context(conn: Connection, branch_id: str, *, own_roster_writes: bool,
                    marker: tuple[int, int] | None = None) -> RuleContext:
    """The branch's context, from the shared cache when the roster has not moved since.

    A context that includes this transaction's own roster writes is never shared: the transaction
    may still roll back, and a later one could reach the same marker with different members.
    ``marker``: the branch's marker as read under the branch lock (``PageView.roster_marker``);
    without own roster writes nothing can have moved it since.
    """
    if own_roster_writes:
        return branch_context(conn, branch_id)
    if marker is None:
        marker = _marker(conn, branch_id)
    with _shared_lock:
        found = _shared.get(branch_id)
        if found is not None and found[0] == marker:
            _shared.move_to_end(branch_id)
            return found[1]
    context = branch_context(conn, branch_id)
    with _shared_lock:
        _shared[branch_id] = (marker, context)
        _shared.move_to_end(branch_id)
        while len(_shared) > SHARED_CONTEXTS:
            _shared.popitem(last=False)
    return context


def _context_for(ledger: Any) -> RuleContext:
    if ledger.has_staged(_ROSTER_KINDS):
        ledger.write_staged()  # members pushed earlier in this page are part of the roster
    roster_writes = sum(ledger.stored_kinds[kind] for kind in _ROSTER_KINDS)
    cached = _cache.get(ledger)
    if cached is not None and cached[0] == roster_writes:
        return cached[1]
    view = getattr(ledger, "view", None)
    context = _shared_context(ledger.conn, ledger.branch_id, own_roster_writes=roster_writes > 0,
                              marker=view.roster_marker if view is not None else None)
    _cache[ledger] = (roster_writes, context)
    return context


def rule_findings(ledger: Any, kind: str, parsed: RecordBody, *, final: bool = False) -> list[dict[str, str]]:
    """Errors and warnings for ``parsed`` in the context of ``ledger``'s branch (for the audit view);
    a 定稿 revision is judged as the device judged it when finalizing (completeness included)."""
    _, findings = validate_record(kind, parsed, _context_for(ledger), finalizing=final)
    return [v.as_dict() for v in findings if v.severity in (Severity.ERROR, Severity.WARNING)]
