"""JSON import and export through operations.transfer, on a real encrypted store."""

from __future__ import annotations

from desktop_app.operations import Ledger
from desktop_app.operations.records import list_records
from desktop_app.operations.transfer import export_records, import_records
from desktop_app.operations.types import RecordFilter

MEMBER = {"kind": "member", "id": "0190a0a0-0000-7000-8000-000000000001", "body": {"name": "王建华"}}


def test_an_import_returns_what_it_wrote(ledger: Ledger) -> None:
    imported = import_records(ledger, [MEMBER], author="t")
    assert imported.report.ok and imported.report.imported == 1
    assert imported.changes.record_ids == {MEMBER["id"]} and imported.changes.touches("member")
    [row] = export_records(ledger, ["member"])["records"]
    assert row["id"] == MEMBER["id"] and row["body"]["name"] == "王建华"


def test_a_refused_import_writes_nothing_and_changes_nothing(ledger: Ledger) -> None:
    bad = {"kind": "meeting", "body": {"meeting_type": "party_congress", "title": "", "starts_at": "x"}}
    imported = import_records(ledger, [MEMBER, bad], author="t")
    assert not imported.report.ok and imported.report.imported == 0 and not imported.changes
    assert list_records(ledger, RecordFilter(kind="member")).rows == []
