"""One SyncStatus: the store computes it, operations return it, the 同步 page and the CLI show it."""

from __future__ import annotations

import ast
from pathlib import Path

import desktop_app.operations.sync as ops_sync
import desktop_app.operations.types as ops_types
import desktop_app.store.sync_state as store_sync
from desktop_app.operations import Ledger
from desktop_app.operations.records import save_record
from desktop_app.operations.sync import SyncOps

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("desktop_app", "sync", "domain", "printing", "testsupport")


def test_one_class_everywhere() -> None:
    assert ops_sync.SyncStatus is store_sync.SyncStatus is ops_types.SyncStatus
    defined = [f"{path.relative_to(ROOT)}" for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.ClassDef) and node.name == "SyncStatus"]
    assert defined == ["desktop_app/store/sync_state.py"]


def test_status_of_a_ledger_not_yet_enrolled(ledger: Ledger) -> None:
    save_record(ledger, "member", {"name": "王建华"}, author="t")
    ops = SyncOps(ledger)
    status = ops.status()
    assert isinstance(status, store_sync.SyncStatus)
    assert not status.enrolled and status.base_url is None and status.branch_name is None
    assert status.pending == 1 and status.rejected == status.conflicts == status.quarantined == 0
    assert ops.report().state == status  # the CLI's sync-status reads the same fact
