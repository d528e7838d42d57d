"""Roster import through the operation: all rows or none, on a real encrypted store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop_app.operations import Ledger
from desktop_app.operations.records import branch_profile, members, save_record
from desktop_app.operations.roster import import_roster, write_roster
from domain.roster_sheet import parse_roster


def _sheet(tmp_path: Path, rows: int, group: str = "第九党小组") -> Path:
    sheet = tmp_path / "roster.csv"
    sheet.write_text("姓名,党员类别,入党日期,党小组\n" + "".join(
        f"党员{n:02d},正式党员,2001-07-01,{group}\n" for n in range(rows)
    ), encoding="utf-8")
    return sheet


def test_import_writes_members_and_groups(ledger: Ledger, tmp_path: Path) -> None:
    save_record(ledger, "branch_profile", {"name": "毕拉河林场党支部"})
    result = import_roster(ledger, _sheet(tmp_path, 3))
    assert result.ok and result.written == 3
    assert len(members(ledger)) == 3
    assert result.changes.kinds == {"member", "branch_profile"}
    assert set(members(ledger)) <= result.changes.record_ids
    profile = branch_profile(ledger)
    assert profile is not None and "第九党小组" in profile[1].party_groups


def test_a_wrong_row_writes_nothing(ledger: Ledger, tmp_path: Path) -> None:
    sheet = tmp_path / "roster.csv"
    sheet.write_text("姓名,党员类别,入党日期\n王建华,正式党员,2001-07-01\n,正式党员,2001-07-01\n", encoding="utf-8")
    result = import_roster(ledger, sheet)
    assert not result.ok and result.written == 0 and not result.changes
    assert result.parsed.problems and result.parsed.problems[0][0] == 3  # the line number
    assert members(ledger) == {}


def test_roster_write_failing_half_way_leaves_nothing(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store error on row 40 of 60 rolls back the 39 before it (a re-import must not duplicate)."""
    parsed = parse_roster(_sheet(tmp_path, 60))
    assert parsed.ok and len(parsed.rows) == 60
    records = ledger.store.records
    real_create, calls = records.create, []

    def failing_create(kind: str, data: Any, **kwargs: Any) -> Any:
        calls.append(kind)
        if len(calls) == 40:
            raise OSError("disk full")
        return real_create(kind, data, **kwargs)

    monkeypatch.setattr(records, "create", failing_create)
    with pytest.raises(OSError):
        write_roster(ledger, parsed, author="t")
    monkeypatch.undo()
    assert members(ledger) == {}
    profile = branch_profile(ledger)
    assert profile is None or "第九党小组" not in profile[1].party_groups
    assert write_roster(ledger, parsed, author="t").written == 60
    assert len(members(ledger)) == 60
