"""Edits that did not make it, and what the clerk can do with each (issue 11).

An offline edit of a record another device finalized meanwhile is refused by head office
(``finalized``), and the record on this device then shows the final version: the edit used to
survive only in the outbox, which no screen showed. Here every refused or unsendable local edit
is listed with its text and the reason, and the clerk can

* **file it as an amendment (更正)** of the final version — the only way a finalized record
  changes (repository.amend); the refused text becomes a new record pointing at the original;
* **apply it again** on the current version when the record is still a draft (e.g. refused
  because it was based on a version head office does not know);
* **retry** one that head office failed on (a server error), or **dismiss** it.

Nothing is deleted: the outbox entry stays, marked with what was done (``resolution``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop_app.store.codec import unpack
from desktop_app.store.envelope import RecordEnvelope
from desktop_app.store.errors import RecordNotFound, StoreError
from desktop_app.store.rows import RefusedRow
from desktop_app.store.writes import close_outbox_entry, set_outbox_state
from domain.i18n import N_, t
from domain.records import Meeting

if TYPE_CHECKING:
    from desktop_app.store.store import Store

OPEN_STATES = ("rejected", "quarantined")
RETRYABLE = ("server_error", "request_refused", "unknown_base")


class NotRefused(StoreError):
    message = N_("这条修改不在被拒绝的列表中（可能已处理）")


@dataclass(frozen=True)
class RefusedEdit:
    change_id: str
    record_id: str
    kind: str
    title: str
    state: str  # rejected (by head office) | quarantined (could not be sent)
    code: str
    message: str  # the reason, in Chinese
    rev: str
    body: dict[str, Any] | None  # the refused text
    author: str
    device_time: str
    current_status: str  # the record's status now: final / draft ("" when it is gone)
    current_deleted: bool

    @property
    def can_amend(self) -> bool:
        """The record was finalized meanwhile and its kind takes amendments (会议记录)."""
        return self.current_status == "final" and self.kind == "meeting" and self.body is not None

    @property
    def can_reapply(self) -> bool:
        return self.current_status == "draft" and not self.current_deleted and self.body is not None

    @property
    def can_retry(self) -> bool:
        return self.code in RETRYABLE


class RefusedEdits:
    def __init__(self, store: Store) -> None:
        self.store = store

    def edits(self) -> list[RefusedEdit]:
        rows = self.store.conn.execute(
            "SELECT o.change_id, o.record_id, coalesce(r.kind, v.kind), coalesce(r.title, ''), o.state,"
            " coalesce(o.code, ''), coalesce(o.message, ''), o.rev, v.body, coalesce(v.author, ''),"
            " coalesce(v.device_time, ''), coalesce(r.status, ''), coalesce(r.deleted, 0)"
            " FROM outbox o LEFT JOIN records r ON r.id = o.record_id"
            " LEFT JOIN revisions v ON v.record_id = o.record_id AND v.rev = o.rev"
            f" WHERE o.state IN {OPEN_STATES} ORDER BY o.counter"
        ).fetchall()
        edits = []
        for row in rows:
            r = RefusedRow(*row)
            edits.append(RefusedEdit(
                r.change_id, r.record_id, r.kind or "", r.title, r.state, r.code, r.message, r.rev,
                unpack(r.body) if r.body is not None else None, r.author, r.device_time, r.current_status,
                bool(r.current_deleted),
            ))
        return edits

    def differences(self, edit: RefusedEdit) -> list[tuple[str, Any, Any]]:
        """(field, the refused text's value, the current version's value) for each top-level field
        that differs — what the clerk compares before filing an amendment."""
        if edit.body is None:
            return []
        try:
            current = self.store.records.get(edit.record_id).body.model_dump(mode="json")
        except RecordNotFound:
            current = {}
        keys = [k for k in edit.body if k in current or edit.body[k] not in (None, "", [], {})]
        keys += [k for k in current if k not in edit.body]
        return [(k, edit.body.get(k), current.get(k)) for k in keys if edit.body.get(k) != current.get(k)]

    def get(self, change_id: str) -> RefusedEdit:
        for edit in self.edits():
            if edit.change_id == change_id:
                return edit
        raise NotRefused(detail=change_id)

    def file_as_amendment(self, change_id: str, *, reason: str, author: str) -> RecordEnvelope:
        """The refused text as an amendment (更正) of the record's final version."""
        edit = self.get(change_id)
        if not edit.can_amend or edit.body is None:
            raise StoreError(t("这条修改不能作为更正提交：原记录不是已定稿的会议记录"))
        if not reason.strip():
            raise StoreError(t("请填写更正原因"))
        body = Meeting.model_validate(edit.body)
        with self.store.transaction():
            env = self.store.records.amend(edit.record_id, body, reason=reason.strip(), author=author)
            self._resolve(change_id, f"amended:{env.record_id}")
        return env

    def reapply(self, change_id: str, *, author: str) -> RecordEnvelope:
        """The refused text saved again over the record's current (draft) version."""
        edit = self.get(change_id)
        if not edit.can_reapply or edit.body is None:
            raise StoreError(t("这条修改不能重新应用：原记录已定稿或已删除"))
        with self.store.transaction():
            env = self.store.records.update(edit.record_id, edit.body, author=author)
            self._resolve(change_id, f"reapplied:{env.rev}")
        return env

    def retry(self, change_id: str) -> None:
        """Send it again with the next sync (head office failed on it, or may take it now)."""
        edit = self.get(change_id)
        if not edit.can_retry:
            raise StoreError(t("这条修改被明确拒绝，重试不会改变结果；可作为更正提交或不再显示"))
        with self.store.transaction():
            set_outbox_state(self.store.conn, change_id, "pending", None, None)

    def dismiss(self, change_id: str) -> None:
        """Stop showing it (the entry and its text stay in the database)."""
        self.get(change_id)
        with self.store.transaction():
            self._resolve(change_id, "dismissed")

    def _resolve(self, change_id: str, resolution: str) -> None:
        state = "dismissed" if resolution == "dismissed" else "resolved"
        close_outbox_entry(self.store.conn, change_id, state, resolution,
                           dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    # ------------------------------------------------------------------ pulled changes set aside

    def pulled(self) -> list[dict[str, Any]]:
        rows = self.store.conn.execute(
            "SELECT id, record_id, kind, code, message, received_at FROM quarantine WHERE state = 'open' ORDER BY id"
        ).fetchall()
        keys = ("id", "record_id", "kind", "code", "message", "received_at")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def dismiss_pulled(self, quarantine_id: int) -> None:
        with self.store.transaction():
            cur = self.store.conn.execute("UPDATE quarantine SET state = 'dismissed' WHERE id = ? AND state = 'open'",
                                          (quarantine_id,))
            if cur.rowcount == 0:
                raise RecordNotFound(detail=str(quarantine_id))
