"""Edits that did not reach head office (refused, or unsendable) and pulled changes set aside — the
同步 page's 未送达的修改 panel and ``branch-ledger refused``. The work is
:class:`desktop_app.store.refused.RefusedEdits`; these functions add the guard and the change set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from desktop_app.operations.ledger import Ledger, OpChanges
from desktop_app.store.refused import RefusedEdits

Action = Literal["amend", "reapply", "retry", "dismiss"]


@dataclass(frozen=True)
class RefusedList:
    edits: list[dict[str, Any]]  # each with its RefusedEdit ("edit") and "differences" from the current text
    pulled: list[dict[str, Any]]  # changes from head office this device could not accept


def list_refused(ledger: Ledger) -> RefusedList:
    with ledger.guard() as store:
        refused = RefusedEdits(store)
        rows = [{"kind": e.kind, "title": e.title, "record_id": e.record_id, "message": e.message, "edit": e,
                 "differences": refused.differences(e)} for e in refused.edits()]
        return RefusedList(rows, refused.pulled())


@dataclass(frozen=True)
class Acted:
    record_id: str  # the record written: the amendment for "amend", else the refused edit's record
    changes: OpChanges


def act_on_refused(ledger: Ledger, change_id: str, action: Action, *, reason: str = "",
                   author: str | None = None) -> Acted:
    """File a refused edit as an amendment (更正), apply it again over a draft, send it again, or
    dismiss it (it stays in the database)."""
    with ledger.guard() as store:
        who = author or ledger.author
        refused = RefusedEdits(store)
        edit = refused.get(change_id)
        if action == "amend":
            env = refused.file_as_amendment(change_id, reason=reason, author=who)
            return Acted(env.record_id, OpChanges.of(env.kind, env.record_id, edit.record_id))
        if action == "reapply":
            refused.reapply(change_id, author=who)
        elif action == "retry":
            refused.retry(change_id)
        else:
            refused.dismiss(change_id)
    return Acted(edit.record_id, OpChanges.of(edit.kind, edit.record_id))
