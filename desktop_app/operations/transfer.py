"""JSON import and export of records (docs/data-format.md): ``branch-ledger import`` / ``export``.

The work is :mod:`desktop_app.transfer` (all-or-nothing validation, then one transaction); these
functions give it the ledger's guard for the whole unit and return what the import wrote. Reading
and parsing the file needs no store, so it runs outside the lock (:func:`load_import_file`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop_app import transfer
from desktop_app.operations.ledger import Ledger, OpChanges
from desktop_app.transfer import ImportFormatError, ImportProblem, ImportReport, load_import_file

__all__ = ["ImportFormatError", "ImportProblem", "ImportReport", "Imported", "export_records", "import_records",
           "load_import_file"]


@dataclass(frozen=True)
class Imported:
    """The import's report (errors, warnings, how many were written) and the records it wrote."""

    report: ImportReport
    changes: OpChanges


def import_records(ledger: Ledger, records: list[dict[str, Any]], *, author: str | None = None,
                   skip_existing: bool = False) -> Imported:
    """Import ``records`` all or nothing (nothing is written when any record has an error)."""
    with ledger.guard() as store:
        report = transfer.import_records(store, records, author=author or ledger.author,
                                         skip_existing=skip_existing)
    return Imported(report, OpChanges.of_records(report.written))


def export_records(ledger: Ledger, kinds: list[str] | None = None) -> dict[str, Any]:
    """Every record (or those of ``kinds``) in the export format, read in one guarded step."""
    with ledger.guard() as store:
        return transfer.export_records(store, kinds)
