"""The matrix and record lists as Excel (.xlsx) and CSV (UTF-8 with BOM), with the filters shown.

Both formats start with the same heading lines (what was exported, with which filters, when and
by whom), then a blank line and the table, so a sheet printed or mailed later still says what it
is. CSV gets a byte-order mark: Excel and WPS on Chinese Windows otherwise read UTF-8 as GBK.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from domain.i18n import N_, listing, t
from sync.server.console.matrix import COLUMNS, Matrix, columns, state_label
from sync.server.console.records import RecordLine, decision_label

Table = tuple[list[str], list[list[str]]]
_FILLS = {"done": "C8E6C9", "due": "FFE0B2", "overdue": "FFCDD2"}


def matrix_table(matrix: Matrix) -> Table:
    head = [t("上级组织"), t("支部"), *[heading for _, heading in columns()], t("未计入记录"), t("需升级客户端"),
            t("距上次同步（天）")]
    rows = []
    for row in matrix.rows:
        not_counted = t("；").join(f"{k}:{v}" for k, v in sorted(row.not_counted.items()))
        rows.append([
            " / ".join(row.path), row.unit.name,
            *[f"{row.cells[key].label} {row.cells[key].text}".strip() for key, _ in COLUMNS],
            not_counted, str(row.result.unreadable) if row.result.unreadable else "",
            t("从未同步") if row.silent_days is None else str(row.silent_days),
        ])
    return head, rows


def records_table(lines: Sequence[RecordLine]) -> Table:
    # Branch id and record id together name a record (record ids are per branch).
    head = [t(word) for word in (N_("支部"), N_("日期"), N_("类型"), N_("名称"), N_("状态"), N_("审核"), N_("标记"),
                                 N_("支部编号"), N_("记录编号"))]
    rows = []
    for line in lines:
        review = decision_label(line.decision) if line.decision else ""
        rows.append([line.branch_name, line.event_date or "", line.type_label, line.shown_title, line.status_label,
                     review, listing(text for _, text in line.flags), line.branch_id, line.record_id])
    return head, rows


def to_csv(heading: Sequence[tuple[str, str]], table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for label, value in heading:
        writer.writerow([label, value])
    writer.writerow([])
    head, rows = table
    writer.writerow(head)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(title: str, heading: Sequence[tuple[str, str]], table: Table) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    bold = Font(bold=True)
    for label, value in heading:
        sheet.append([label, value])
        sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([])
    head, rows = table
    sheet.append(head)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            text = str(cell.value or "")
            for state in ("done", "due", "overdue"):
                if text.startswith(state_label(state)):
                    cell.fill = PatternFill("solid", fgColor=_FILLS[state])
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    for index, width in enumerate((24, 22, *([14] * (len(head) - 2))), start=1):
        sheet.column_dimensions[sheet.cell(row=header_row, column=index).column_letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
