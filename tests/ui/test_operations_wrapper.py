"""The window's one way to run an operation (desktop_app/ui/operations.py): on a worker or at once,
a failure shown in the error dialog, the change set broadcast to every page."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from desktop_app.operations import Ledger
from desktop_app.operations.records import Saved, save_record
from desktop_app.ui.operations import UiOp
from desktop_app.ui.session import Session
from desktop_app.ui.workers import running_count
from tests.ui.clerk import Clerk

pytestmark = [pytest.mark.usefixtures("chinese")]  # dialogs are real everywhere now


def test_success_broadcasts_the_changes(session: Session, qtbot: Any) -> None:
    kinds: list[str] = []
    changes: list[Any] = []
    session.records_changed.connect(kinds.append)
    session.changed.connect(changes.append)
    results: list[Saved] = []
    parent = QWidget()
    qtbot.addWidget(parent)
    UiOp(parent, session, lambda ledger: save_record(ledger, "member", {"name": "钱党员"})).success(
        results.append).run_in_background()
    qtbot.waitUntil(lambda: bool(results) and running_count() == 0, timeout=10_000)
    assert kinds == ["member"]
    assert changes[0].record_ids == {results[0].envelope.record_id}


def test_a_failure_is_shown_and_nothing_is_broadcast(session: Session, qtbot: Any, clerk: Clerk) -> None:
    kinds: list[str] = []
    session.records_changed.connect(kinds.append)
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()  # the dialog is a child of the window the clerk is looking at
    texts: list[str] = []

    def answer(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        texts.append(box.text())
        clerk.click(next(b for b in box.findChildren(QPushButton) if b.isVisible()))

    with clerk.on_dialog(answer):  # the rules refuse a member without a name: the dialog says so
        result = UiOp(parent, session, lambda ledger: save_record(ledger, "member", {"name": ""})).run_now()
    assert result is None and kinds == []
    assert texts and "姓名" in texts[0]


def test_a_locked_ledger_is_not_an_error(session: Session, qtbot: Any) -> None:
    failures: list[Exception] = []
    parent = QWidget()
    qtbot.addWidget(parent)
    session.close()

    def op(ledger: Ledger) -> None:
        with ledger.guard():
            pass

    assert UiOp(parent, session, op).failure(failures.append).run_now() is None
    assert failures == []  # dropped: the clerk locked the ledger, nothing to tell


def test_the_daily_backup_runs_on_its_timer(session: Session, qtbot: Any) -> None:
    """The schedule's timer runs operations.backups.daily_backup through the wrapper: a backup is
    written (something changed since none was made), and a second check finds nothing to do."""
    from desktop_app.store import backups
    from desktop_app.ui.backup_schedule import BackupSchedule

    with session.guard() as store:  # the last backup is a day old, and a record changed since
        store.meta.set("backup.last", {"at": "2026-01-01T00:00:00+00:00"})
    save_record(session.ledger, "member", {"name": "钱党员"})
    schedule = BackupSchedule(session, interval_ms=50)
    made: list[Any] = []
    failed: list[str] = []
    schedule.backed_up.connect(made.append)
    schedule.failed.connect(failed.append)
    schedule.start()
    qtbot.waitUntil(lambda: bool(made or failed), timeout=20_000)
    assert failed == []
    schedule.stop()
    qtbot.waitUntil(lambda: running_count() == 0, timeout=10_000)
    assert made[0].path.exists() and made[0].reason == "daily"
    assert not schedule.running
    with session.guard() as store:
        assert backups.backup_if_changed(store, "daily", older_than=backups.DAILY) is None  # done for today


def test_an_operation_without_a_parent_still_reports(session: Session, qtbot: Any) -> None:
    """Qt holds bound-method slots weakly: an operation nobody keeps a reference to must still
    deliver its result (it keeps itself alive until its worker is done)."""
    results: list[Any] = []
    UiOp(None, session, lambda ledger: save_record(ledger, "member", {"name": "孙党员"})).success(
        results.append).run_in_background()
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    assert results[0].envelope.body.name == "孙党员"
