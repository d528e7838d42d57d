"""Sync from the app against a real local head office (uvicorn on 127.0.0.1, SQLite).

Enrolment and 立即同步 from the 同步 page, notices and roster updates from head office, a real
conflict resolved side by side, and automatic sync on a schedule and after head office returns.
The address and code are typed, buttons and rows are clicked, head office's refusal is read in
its real message box and closed with its own button (tests/ui/clerk.py). The program runs in
English here (the status lines are compared word for word).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QRadioButton

from desktop_app.operations.sync import app_version
from desktop_app.store import KdfParams, Store
from desktop_app.store.sync_state import StoreSyncState, enrol_store
from desktop_app.ui.pages.overview import OverviewPage
from desktop_app.ui.pages.sync import SyncPage
from desktop_app.ui.session import Session
from desktop_app.ui.shell import ShellWindow
from desktop_app.ui.sync.conflict_dialog import ConflictDialog
from desktop_app.ui.sync.controller import SyncController
from desktop_app.ui.workspace import Workspace
from sync.client.backoff import RetryPolicy
from sync.client.engine import SyncEngine, SyncStats
from sync.server import devices as device_store
from sync.server import reports
from sync.server.app import create_app
from tests.sync.hq import FAST_RETRY, HeadOfficeFixture, meeting
from tests.sync.net import ServerThread
from tests.ui.clerk import Clerk, wait_until
from tests.ui.conftest import PASSPHRASE
from tests.ui.steps import go_to, toolbar_button

SYNC_TIMEOUT = 20_000
LOAD_TIMEOUT = 5_000


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HeadOfficeFixture]:
    fixture = HeadOfficeFixture.start(f"sqlite:///{tmp_path / 'hq.sqlite3'}", backend="sqlite")
    try:
        yield fixture
    finally:
        fixture.stop()


class OtherLaptop:
    """A second device of the same branch: an encrypted store synced by the engine directly."""

    def __init__(self, hq: HeadOfficeFixture, path: Path) -> None:
        self.store, _ = Store.create(path, PASSPHRASE, kdf=KdfParams.fast_for_tests())
        enrol_store(self.store, hq.base_url, hq.enrol_code(), device_name="B")
        self.state = StoreSyncState(self.store)

    def sync(self) -> SyncStats:
        engine = SyncEngine(self.state, retry=FAST_RETRY)
        try:
            return engine.sync_once()
        finally:
            engine.close()


@pytest.fixture
def laptop(hq: HeadOfficeFixture, tmp_path: Path) -> Iterator[OtherLaptop]:
    other = OtherLaptop(hq, tmp_path / "laptop-b")
    yield other
    other.store.close()


def workspace_of(shell: ShellWindow) -> Workspace:
    assert shell.workspace is not None
    shell.workspace.sync_controller.ops.retry = FAST_RETRY
    return shell.workspace


def settle(page: SyncPage, qtbot: Any) -> None:
    """Wait until the page has loaded the store's current sync state (it loads in a worker)."""
    qtbot.waitUntil(lambda: page.idle, timeout=LOAD_TIMEOUT)


def sync_page(clerk: Clerk, shell: ShellWindow, qtbot: Any) -> SyncPage:
    """Click 同步 (Sync) in the navigation."""
    workspace_of(shell)
    page = go_to(clerk, shell, "Sync")
    assert isinstance(page, SyncPage)
    settle(page, qtbot)
    return page


def mark_conflicted(session: Session, kind: str = "branch_profile") -> None:
    """Flag a record as conflicted (its one version is then "in conflict"), no head office needed."""
    with session.lock, session.store.transaction() as conn:
        conn.execute("UPDATE records SET conflicted = 1 WHERE kind = ?", (kind,))


def enrol_from_page(clerk: Clerk, page: SyncPage, hq: HeadOfficeFixture, qtbot: Any) -> None:
    """Type the address and code, press 注册: enrolment is followed by a first sync."""
    clerk.fill(page.url, hq.base_url)
    clerk.fill(page.code, hq.enrol_code())
    with qtbot.waitSignal(page.controller.synced, timeout=SYNC_TIMEOUT):
        clerk.click(page.enrol_button)
    settle(page, qtbot)


def sync_now(clerk: Clerk, page: SyncPage, qtbot: Any) -> SyncStats:
    """Click 立即同步 (Sync now) — on the 同步 page, gone to first if another is showing — and wait
    for the result."""
    if not page.isVisible():
        window = page.window()
        assert isinstance(window, ShellWindow)
        assert go_to(clerk, window, "Sync") is page
    with qtbot.waitSignal(page.controller.synced, timeout=SYNC_TIMEOUT) as blocker:
        clerk.click(page.sync_button)
    settle(page, qtbot)
    stats = blocker.args[0]
    assert isinstance(stats, SyncStats)
    return stats


def head_office_records(hq: HeadOfficeFixture) -> dict[str, dict[str, Any]]:
    return {r["record_id"]: r for r in hq.office.call(reports.list_records, "b1")}


def test_enrol_sync_and_items_from_head_office(
    shell: ShellWindow, session: Session, roster: dict[str, str], hq: HeadOfficeFixture, qtbot: Any,
    clerk: Clerk,
) -> None:
    page = sync_page(clerk, shell, qtbot)
    assert page.enrol_box.isVisible() and not page.sync_button.isEnabled()
    # A wrong code: head office's refusal is shown in Chinese, nothing is enrolled.
    clerk.fill(page.url, hq.base_url)
    clerk.fill(page.code, "WRONG-CODE")
    with clerk.on_dialog(clerk.press("OK"), timeout_ms=SYNC_TIMEOUT):
        clerk.click(page.enrol_button)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in clerk.dialogs_seen[-1]), clerk.dialogs_seen
    assert page.enrol_box.isVisible() and not page.sync_button.isEnabled()
    assert hq.office.call(device_store.list_devices) == []

    enrol_from_page(clerk, page, hq, qtbot)
    assert not page.enrol_box.isVisible() and page.sync_button.isEnabled()
    assert "第一支部" in page.status_label.text() and "0 changes waiting" in page.status_label.text()
    # Enrolled through the store's enrol_store: head office knows this computer and the app's version.
    devices = hq.office.call(device_store.list_devices)
    assert app_version() and [(d.name, d.app_version) for d in devices] == [(socket.gethostname(), app_version())]
    assert len(head_office_records(hq)) == 1 + len(roster)  # the branch profile and the roster

    hq.publish_notice("b1", title="关于开展冬季防火主题党日的通知")
    hq.publisher().push_roster(
        branch="b1", members=[{"name": "吴新调入", "party_group": "第一党小组"}], author="总部:test"
    )
    progress: list[tuple[int, int, int]] = []
    page.controller.progress.connect(lambda *args: progress.append(args))
    stats = sync_now(clerk, page, qtbot)
    assert stats.pulled == 2 and progress
    assert "Last successful sync: never" not in page.status_label.text()

    workspace = workspace_of(shell)
    overview = go_to(clerk, shell, "Overview")
    assert isinstance(overview, OverviewPage)
    qtbot.waitUntil(lambda: overview.notices_model.total == 1, timeout=5_000)
    notice = overview.notices_model.summary(0)
    assert notice is not None and notice.title == "关于开展冬季防火主题党日的通知"
    cell = overview.notices.visualRect(overview.notices_model.index(0, 0)).center()
    clerk.double_click(overview.notices.viewport(), cell)
    wait_until(lambda: workspace.notice_view is not None and workspace.notice_view.isVisible(), 3000, "the notice")
    assert workspace.notice_view is not None
    workspace.notice_view.close()
    members = go_to(clerk, shell, "Members")
    names = {members.model.summary(r).title for r in range(members.model.rowCount())}  # type: ignore[attr-defined]
    assert "吴新调入" in names and members.model.total == len(roster) + 1  # type: ignore[attr-defined]


def test_conflict_resolved_side_by_side_reaches_head_office_and_the_other_laptop(
    shell: ShellWindow, session: Session, roster: dict[str, str], hq: HeadOfficeFixture, laptop: OtherLaptop,
    qtbot: Any, clerk: Clerk,
) -> None:
    page = sync_page(clerk, shell, qtbot)
    enrol_from_page(clerk, page, hq, qtbot)
    base = meeting(place="会议室", discussion="研究防火工作")
    with session.lock:
        record_id = session.store.records.create("meeting", base, author="A").record_id
    sync_now(clerk, page, qtbot)
    laptop.sync()
    # Both edit the same meeting offline; the other laptop syncs first.
    with session.lock:
        session.store.records.update(
            record_id, {**base, "place": "瞭望塔", "discussion": "A：巡山安排"}, author="A"
        )
    laptop.store.records.update(
        record_id, {**base, "place": "场部会议室", "title": "第四季度支部党员大会（补）", "discussion": "B：物资清点"},
        author="B",
    )
    laptop.sync()
    stats = sync_now(clerk, page, qtbot)
    assert stats.conflicts == 1
    assert page.conflicts_model.rowCount() == 1 and "1 records in conflict" in page.status_label.text()

    clerk.click(page.conflicts.viewport(), page.conflicts.visualRect(page.conflicts_model.index(0, 1)).center())
    clerk.click(page.resolve_button)
    dialog = page.conflict_dialog
    assert isinstance(dialog, ConflictDialog) and dialog.isVisible()
    assert set(dialog.differing_fields()) == {"title", "place", "discussion"}
    assert "meeting_type" in dialog.rows and not dialog.rows["meeting_type"].row.differs
    laptop_version = next(i for i, v in enumerate(dialog.versions) if v.body and v.body["place"] == "场部会议室")
    ours = 1 - laptop_version
    for key, version in (("place", laptop_version), ("title", ours)):
        radio = dialog.rows[key].group.button(version)
        assert isinstance(radio, QRadioButton)
        clerk.click(radio)
        assert radio.isChecked()
    merged = dialog.rows["discussion"].merged
    assert isinstance(merged, QLineEdit | QPlainTextEdit)
    clerk.fill(merged, "A：巡山安排；B：物资清点")  # both texts, merged by hand
    clerk.click(dialog.only_differences)
    assert dialog.only_differences.isChecked()
    assert not dialog.rows["meeting_type"].merged.isVisibleTo(dialog)
    controller: SyncController = page.controller
    with qtbot.waitSignal(controller.synced, timeout=SYNC_TIMEOUT):  # the resolution syncs by itself
        clerk.click(dialog.resolve_button)
    settle(page, qtbot)
    assert page.conflicts_model.rowCount() == 0 and "0 records in conflict" in page.status_label.text()

    merged = session.read(lambda s: s.records.get(record_id))
    body = merged.body.model_dump()
    assert (body["place"], body["title"], body["discussion"]) == (
        "场部会议室", "第四季度支部党员大会", "A：巡山安排；B：物资清点"
    )
    assert not merged.conflicted
    head = head_office_records(hq)[record_id]
    assert head["current_rev"] == merged.rev and not head["conflicted"]
    laptop.sync()
    theirs = laptop.store.records.get(record_id)
    assert theirs.rev == merged.rev and not theirs.conflicted
    assert theirs.body.model_dump()["discussion"] == "A：巡山安排；B：物资清点"


def restart_on_same_port(hq: HeadOfficeFixture) -> None:
    """Bring head office back at the address the device enrolled with."""
    port = hq.server.port
    server = ServerThread(create_app(hq.office, hq.settings))
    server.sock.close()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    server.sock, server.port = sock, port
    server.thread = threading.Thread(target=server.server.run, kwargs={"sockets": [sock]}, daemon=True)
    hq.server = server.start()


def test_automatic_sync_on_a_schedule_and_when_head_office_returns(
    shell: ShellWindow, session: Session, hq: HeadOfficeFixture, clean_settings: Any, qtbot: Any, clerk: Clerk
) -> None:
    page = sync_page(clerk, shell, qtbot)
    enrol_from_page(clerk, page, hq, qtbot)
    auto = workspace_of(shell).auto_sync
    clean_settings.auto_sync = True
    auto.policy = RetryPolicy(base=0.05, cap=0.2)
    auto.min_probe_ms = 20
    auto.reconfigure(interval_ms=300)

    def pending() -> int:
        return session.read(lambda s: s.outbox_pending_count())

    with session.lock:
        session.store.records.create("meeting", meeting(title="定时同步的会议"), author="A")
    qtbot.waitUntil(lambda: pending() == 0, timeout=SYNC_TIMEOUT)  # the schedule sent it

    hq.server.stop()
    with session.lock:
        session.store.records.create("meeting", meeting(title="断网时记录的会议"), author="A")
    qtbot.waitUntil(lambda: auto.offline and auto.probes >= 2, timeout=SYNC_TIMEOUT)
    settle(page, qtbot)
    assert pending() == 1
    assert "网络连接失败" in page.error_label.text() and "unreachable" in page.auto_label.text()

    restart_on_same_port(hq)
    qtbot.waitUntil(lambda: not auto.offline and pending() == 0, timeout=SYNC_TIMEOUT)
    settle(page, qtbot)
    assert not page.error_label.isVisible()
    titles = {r["title"] for r in head_office_records(hq).values()}
    assert {"定时同步的会议", "断网时记录的会议"} <= titles
    auto.stop()


def refused_edit_of_a_draft_finalized_elsewhere(
    clerk: Clerk, shell: ShellWindow, session: Session, hq: HeadOfficeFixture, laptop: OtherLaptop, qtbot: Any,
    edit: dict[str, Any],
) -> tuple[SyncPage, str]:
    """Enrol this window, let the other laptop finalize a 支委会 both have, then sync ``edit`` of this
    window's stale draft: head office refuses it (the record is 定稿). Returns the page and the record id."""
    page = sync_page(clerk, shell, qtbot)
    enrol_from_page(clerk, page, hq, qtbot)
    chair = laptop.store.records.create("member", {"name": "王书记", "posts": ["secretary"]}, author="B").record_id
    recorder = laptop.store.records.create("member", {"name": "李记录"}, author="B").record_id
    complete = meeting(meeting_type="committee", title="支委会", ends_at="2026-10-15T10:00:00", place="会议室",
                       chair_member_id=chair, recorder_member_id=recorder,
                       attendance=[{"member_id": chair}, {"member_id": recorder}])
    record_id = laptop.store.records.create("meeting", complete, author="B").record_id
    laptop.sync()
    sync_now(clerk, page, qtbot)
    laptop.store.records.finalize(record_id, author="B")
    laptop.sync()
    with session.lock:  # typed offline into the draft this laptop still had
        session.store.records.update(record_id, {**complete, **edit}, author="A")
    assert sync_now(clerk, page, qtbot).rejected == 1
    return page, record_id


def test_refused_changes_are_listed_with_head_offices_reason(
    shell: ShellWindow, session: Session, hq: HeadOfficeFixture, laptop: OtherLaptop, qtbot: Any, clerk: Clerk
) -> None:
    page, _ = refused_edit_of_a_draft_finalized_elsewhere(clerk, shell, session, hq, laptop, qtbot,
                                                          {"place": "旧稿上的修改"})
    assert page.rejected_box.isVisible() and page.rejected_model.rowCount() == 1
    reason = page.rejected_model.index(0, 2).data()
    assert "定稿" in reason and "1 changes refused" in page.status_label.text()


def test_double_click_or_enter_opens_one_conflict_dialog(
    shell: ShellWindow, session: Session, qtbot: Any, clerk: Clerk
) -> None:
    mark_conflicted(session)
    page = sync_page(clerk, shell, qtbot)
    assert page.conflicts_model.rowCount() == 1 and "1 records in conflict" in page.status_label.text()
    index = page.conflicts_model.index(0, 1)
    cell = page.conflicts.visualRect(index).center()
    clerk.double_click(page.conflicts.viewport(), cell)
    dialogs = page.findChildren(ConflictDialog)
    assert len(dialogs) == 1 and dialogs[0] is page.conflict_dialog and dialogs[0].isVisible()
    clerk.click_button(dialogs[0], "Cancel")  # deletes itself
    qtbot.waitUntil(lambda: not page.findChildren(ConflictDialog), timeout=LOAD_TIMEOUT)

    clerk.click(page.conflicts.viewport(), cell)  # the row is current; Enter opens it
    clerk.key(Qt.Key.Key_Return)
    dialogs = page.findChildren(ConflictDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    clerk.click_button(dialogs[0], "Cancel")


def test_double_click_or_enter_opens_a_recent_record_once(
    shell: ShellWindow, session: Session, qtbot: Any, clerk: Clerk
) -> None:
    workspace = workspace_of(shell)
    overview = go_to(clerk, shell, "Overview")
    assert isinstance(overview, OverviewPage)
    qtbot.waitUntil(lambda: overview.recent.count() > 0, timeout=LOAD_TIMEOUT)
    item = overview.recent.item(0)
    kind, record_id = item.data(Qt.ItemDataRole.UserRole)
    assert kind == "branch_profile"
    clerk.double_click(overview.recent.viewport(), overview.recent.visualItemRect(item).center())
    wait_until(lambda: len(workspace.editors) == 1, 3000, "the editor")
    qtbot.wait(100)
    assert [(e.KIND, e.record_id) for e in workspace.editors] == [(kind, record_id)]  # one window, not two
    editor = workspace.editors[0]
    clerk.click(toolbar_button(editor, "Close"))
    wait_until(lambda: not workspace.editors, 3000, "the editor to close")
    clerk.click(overview.recent.viewport(), overview.recent.visualItemRect(item).center())
    clerk.key(Qt.Key.Key_Return)
    wait_until(lambda: len(workspace.editors) == 1, 3000, "the editor")
    qtbot.wait(100)
    assert [(e.KIND, e.record_id) for e in workspace.editors] == [(kind, record_id)]
    clerk.click(toolbar_button(workspace.editors[0], "Close"))


def test_sync_page_reads_conflicts_in_a_worker_once_per_burst_of_refreshes(
    shell: ShellWindow, session: Session, qtbot: Any, monkeypatch: pytest.MonkeyPatch, clerk: Clerk
) -> None:
    """The page's reloads are asked for by the program (a sync, a resolution, another page's
    change), not by a person: they are called directly here; the visits are clicks."""
    mark_conflicted(session)
    page = sync_page(clerk, shell, qtbot)
    bridge = page.controller.ops
    read = bridge.conflicts
    on_ui_thread: list[bool] = []
    gate = threading.Event()
    gate.set()

    def conflicts() -> Any:
        on_ui_thread.append(threading.current_thread() is threading.main_thread())
        assert gate.wait(LOAD_TIMEOUT / 1000)
        return read()

    monkeypatch.setattr(bridge, "conflicts", conflicts)
    # What one resolution or sync asks for: the controller's signal, every page told to reload, a visit.
    page.refresh()
    page.controller.status_changed.emit()
    session.notify("")
    go_to(clerk, shell, "Overview")
    go_to(clerk, shell, "Sync")
    assert on_ui_thread in ([], [False])  # nothing read on the UI thread (the worker may have read already)
    settle(page, qtbot)
    # One load for the burst; on a loaded machine the clicks can outlast the coalescing delay, and
    # the visit's request then follows as a second load (never alongside the first).
    assert on_ui_thread in ([False], [False, False]) and page.conflicts_model.rowCount() == 1
    reads = len(on_ui_thread)

    # Requests while a load runs do not start a second one alongside: one more load follows it.
    gate.clear()
    page.refresh()
    qtbot.waitUntil(lambda: len(on_ui_thread) == reads + 1, timeout=LOAD_TIMEOUT)
    assert page.loading
    for _ in range(3):
        page.refresh()
    qtbot.wait(3 * 100)  # longer than the coalescing delay: still only the running load
    assert len(on_ui_thread) == reads + 1 and not page.idle
    gate.set()
    settle(page, qtbot)
    assert on_ui_thread == [False] * (reads + 2) and page.conflicts_model.rowCount() == 1


def test_a_full_attachment_quota_at_head_office_is_told_on_the_sync_page(
    shell: ShellWindow, session: Session, roster: dict[str, str], hq: HeadOfficeFixture, qtbot: Any,
    clerk: Clerk,
) -> None:
    """Head office's per-branch attachment quota is reached: the meeting still goes up, the page's log
    says why the photo did not (head office's Chinese message), and the next sync after the quota is
    raised sends it."""
    import dataclasses

    from desktop_app.operations.records import save_record
    from domain.attachments import AttachmentRole
    from tests.sync.blobsupport import noisy_jpeg, storage

    hq.office.limits = dataclasses.replace(hq.office.limits, max_branch_blob_bytes=50_000)
    page = sync_page(clerk, shell, qtbot)
    enrol_from_page(clerk, page, hq, qtbot)
    photo = noisy_jpeg(120_000, seed=46)
    with session.lock:
        ref = session.store.blobs.put_bytes(photo, "合影.jpg", downscale=False, role=AttachmentRole.PHOTO)
    record = save_record(session.ledger, "meeting", meeting("主题党日", attachments=[ref.model_dump(mode="json")]),
                         author="t").envelope.record_id
    stats = sync_now(clerk, page, qtbot)
    assert stats.accepted >= 1 and record in head_office_records(hq)
    log = [page.history.item(i).text() for i in range(page.history.count())]
    assert any("Attachments not sent" in line and "附件存储配额已用完" in line for line in log), log
    assert not storage(hq).files()

    hq.office.limits = dataclasses.replace(hq.office.limits, max_branch_blob_bytes=10 * 1024 * 1024)
    sync_now(clerk, page, qtbot)
    assert storage(hq).path("b1", ref.sha256).read_bytes() == photo
