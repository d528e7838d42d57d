"""Sync with a real local head office (uvicorn on 127.0.0.1), and a conflict resolved side by side."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QRadioButton

from desktop_app.store import KdfParams, Store
from desktop_app.store.sync_state import StoreSyncState, enrol_store
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.sync.conflict_dialog import ConflictDialog
from sync.client.engine import SyncEngine
from sync.server import reports
from tests.sync.hq import FAST_RETRY, HeadOfficeFixture
from tests.ui.clerk import Clerk, wait_until
from tests.ui.conftest import PASSPHRASE
from tests.ui.steps import button, go_to, open_from_list, save

SYNC_MS = 30_000


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HeadOfficeFixture]:
    office = HeadOfficeFixture.start(f"sqlite:///{tmp_path / 'hq.sqlite3'}", backend="sqlite")
    try:
        yield office
    finally:
        office.stop()


def sync_other(store: Store) -> None:
    engine = SyncEngine(StoreSyncState(store), retry=FAST_RETRY)
    try:
        engine.sync_once()
    finally:
        engine.close()


def test_sync_and_a_conflict_resolved_side_by_side(
    window: ShellWindow, branch: tuple[Session, dict[str, str]], hq: HeadOfficeFixture, clerk: Clerk,
    tmp_path: Path,
) -> None:
    session, _ids = branch
    assert window.workspace is not None
    window.workspace.sync_controller.ops.retry = FAST_RETRY
    page: Any = go_to(clerk, window, "同步")
    wait_until(lambda: page.idle and page.enrol_box.isVisible(), 5000, "the sync page")
    # Enrol: type head office's address and the one-time code, 登记本机 — then a first sync.
    clerk.click(page.url)
    clerk.type(hq.base_url)
    clerk.click(page.code)
    clerk.type(hq.enrol_code())
    clerk.click(button(page, "登记本机"))
    wait_until(lambda: session.read(lambda s: s.outbox_pending_count()) == 0 and page.idle, SYNC_MS, "enrolment")
    wait_until(lambda: "已连接" in page.status_label.text() and "0 条修改待发送" in page.status_label.text(), 5000)
    at_hq = {r["title"] for r in hq.office.call(reports.list_records, "b1")}
    assert "毕拉河林场党支部" in at_hq and "王书记" in at_hq

    # A second laptop of the branch gets everything, then both edit the same meeting offline.
    other, _key = Store.create(tmp_path / "laptop-b", PASSPHRASE, kdf=KdfParams.fast_for_tests())
    try:
        enrol_store(other, hq.base_url, hq.enrol_code(), device_name="B")
        sync_other(other)
        meetings = go_to(clerk, window, "会议记录")
        summary = meetings.model.summary(0)
        assert summary is not None
        record_id = summary.record_id
        body = other.records.get(record_id).body.model_dump(mode="json")
        other.records.update(record_id, {**body, "place": "场部会议室", "discussion": "B：清点扑火物资"}, author="B")
        sync_other(other)
        editor = open_from_list(clerk, window, meetings.table, summary.title)
        clerk.fill(editor.place, "瞭望塔值班室")  # type: ignore[attr-defined]
        clerk.fill(editor.discussion, "A：安排巡山轮班")  # type: ignore[attr-defined]
        save(clerk, editor)
        editor.close()
        page = go_to(clerk, window, "同步")
        clerk.click(button(page, "立即同步"))
        wait_until(lambda: page.conflicts_model.rowCount() == 1, SYNC_MS, "the conflict")
        assert "1 条记录存在冲突" in page.status_label.text()

        # Compare side by side: keep B's place, merge both texts by hand.
        index = page.conflicts_model.index(0, 1)
        clerk.double_click(page.conflicts.viewport(), page.conflicts.visualRect(index).center())
        dialog = page.conflict_dialog
        assert isinstance(dialog, ConflictDialog) and dialog.isVisible()
        assert {"place", "discussion"} <= set(dialog.differing_fields())
        clerk.click(dialog.only_differences)
        laptop = next(i for i, v in enumerate(dialog.versions) if v.body and v.body["place"] == "场部会议室")
        radio = dialog.rows["place"].group.button(laptop)
        assert isinstance(radio, QRadioButton)
        clerk.click(radio)
        merged = dialog.rows["discussion"].merged
        assert isinstance(merged, QLineEdit | QPlainTextEdit)
        clerk.fill(merged, "A：安排巡山轮班；B：清点扑火物资")
        clerk.click(dialog.resolve_button)
        wait_until(lambda: page.conflicts_model.rowCount() == 0 and page.idle, SYNC_MS, "the resolution")
        wait_until(lambda: session.read(lambda s: s.outbox_pending_count()) == 0, SYNC_MS, "the resolution to sync")
        resolved = session.read(lambda s: s.records.get(record_id))
        assert not resolved.conflicted
        assert resolved.body.place == "场部会议室"  # type: ignore[attr-defined]
        assert resolved.body.discussion == "A：安排巡山轮班；B：清点扑火物资"  # type: ignore[attr-defined]
        head = {r["record_id"]: r for r in hq.office.call(reports.list_records, "b1")}[record_id]
        assert head["current_rev"] == resolved.rev and not head["conflicted"]
        sync_other(other)
        theirs = other.records.get(record_id)
        assert theirs.rev == resolved.rev and theirs.body.discussion == resolved.body.discussion  # type: ignore[attr-defined]
    finally:
        other.close()
