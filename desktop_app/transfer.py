"""JSON import and export of records (the documented exchange format, docs/data-format.md).

Import is all-or-nothing: every record is validated first (members in the file count as roster for
the meetings in the file; a record marked final is checked as 定稿 checks it), and if any record
fails, nothing is written and every failure is reported with its position, field and Chinese
message. What the rules only warn about (an online election, 优秀 over ⅓, an incomplete draft) does
not stop an import but is reported the same way, record by record, as the editor would show it.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.store.record_ids import invalid_id_message, is_valid_record_id
from desktop_app.store.store import Store
from domain.errors import LedgerError
from domain.i18n import N_, t
from domain.records import HQ_ONLY_KINDS, RECORD_KINDS, Member
from domain.violations import RuleViolation, Severity, Violation

EXPORT_FORMAT = "branch-ledger-records"
EXPORT_VERSION = 1

# Records that others refer to are imported first, so references inside one file resolve.
_KIND_ORDER = ["branch_profile", "member", "pioneer_post", "meeting", "post_log", "post_evaluation"]


@dataclass
class ImportProblem:
    index: int
    kind: str
    violations: list[Violation]

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "kind": self.kind, "violations": [v.as_dict() for v in self.violations]}


@dataclass
class ImportReport:
    imported: int = 0
    problems: list[ImportProblem] = field(default_factory=list)  # errors: nothing was imported
    warnings: list[ImportProblem] = field(default_factory=list)  # imported (or would have been), to look at
    written: list[tuple[str, str]] = field(default_factory=list)  # (kind, record id) of each record written

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "imported": self.imported, "problems": [p.as_dict() for p in self.problems],
                "warnings": [w.as_dict() for w in self.warnings]}


class ImportFormatError(LedgerError, ValueError):
    """The file is not an export of this program (or not JSON at all)."""


def load_import_file(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ImportFormatError(t("无法读取导入文件：不是有效的 JSON（第 {line} 行第 {column} 列附近有误）",
                                 line=exc.lineno, column=exc.colno)) from exc
    except UnicodeDecodeError as exc:
        raise ImportFormatError(N_("无法读取导入文件：不是 UTF-8 编码的文本文件")) from exc
    except FileNotFoundError as exc:
        raise ImportFormatError(N_("无法读取导入文件：文件不存在")) from exc
    except PermissionError as exc:
        raise ImportFormatError(N_("无法读取导入文件：没有读取权限")) from exc
    except OSError as exc:  # the OS's own text is English: say it plainly
        raise ImportFormatError(N_("无法读取导入文件：这是一个文件夹，或磁盘出错")) from exc
    if isinstance(data, dict) and data.get("format") == EXPORT_FORMAT:
        if int(data.get("version", 0)) > EXPORT_VERSION:
            raise ImportFormatError(N_("导入文件的格式版本过新，请升级程序"))
        records = data.get("records")
    else:
        records = data
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ImportFormatError(N_("导入文件格式不正确：应为记录列表"))
    return records


def import_records(store: Store, records: list[dict[str, Any]], *, author: str,
                   skip_existing: bool = False) -> ImportReport:
    """Import ``records`` all or nothing. Ids are checked here, where they enter, against the wire
    format's rule, so an imported record can always sync. With ``skip_existing`` (salvage: put
    back what a restored ledger lacks) records whose id is already in the store are left out."""
    report = ImportReport()
    if skip_existing:
        records = [r for r in records if not _exists(store, r.get("id"))]
    order = sorted(
        range(len(records)),
        key=lambda i: _KIND_ORDER.index(str(records[i].get("kind"))) if records[i].get("kind") in _KIND_ORDER else 99,
    )
    # First pass: validate everything, with the file's own members visible as roster.
    file_members: dict[str, Member] = {}
    for i in order:
        entry = records[i]
        kind = entry.get("kind")
        if kind == "member" and isinstance(entry.get("id"), str) and isinstance(entry.get("body"), dict):
            with contextlib.suppress(ValueError):  # reported in the loop below
                file_members[entry["id"]] = Member.model_validate(entry["body"])
    context = store.records.rule_context(extra_members=file_members)
    seen: set[str] = set()
    for i in order:
        entry = records[i]
        kind = entry.get("kind")
        record_id = entry.get("id")
        if record_id is not None:
            if not is_valid_record_id(record_id):
                report.problems.append(ImportProblem(i, str(kind), [
                    Violation("id", "id.invalid", invalid_id_message(record_id))]))
                continue
            if record_id in seen or _exists(store, record_id):
                report.problems.append(ImportProblem(i, str(kind), [
                    Violation("id", "id.duplicate", f"记录编号“{record_id}”重复：已有相同编号的记录")]))
                continue
            seen.add(record_id)
        if kind not in RECORD_KINDS or kind in HQ_ONLY_KINDS:
            problem = Violation("kind", "kind.unknown", f"不能导入的记录类型：{kind}")
            report.problems.append(ImportProblem(i, str(kind), [problem]))
            continue
        body = entry.get("body")
        if not isinstance(body, dict):
            report.problems.append(ImportProblem(i, kind, [Violation("body", "body.missing", "缺少记录内容（body）")]))
            continue
        try:
            _, found = store.records.validate(kind, body, context, finalizing=entry.get("status") == "final")
        except RuleViolation as exc:
            report.problems.append(ImportProblem(i, kind, exc.violations))
            continue
        warnings = [v for v in found if v.severity is Severity.WARNING]
        if warnings:
            report.warnings.append(ImportProblem(i, kind, warnings))
    if report.problems:
        return report
    # Second pass: write, all in one transaction.
    with store.transaction():
        for i in order:
            entry = records[i]
            record_id = entry.get("id")
            env = store.records.create(entry["kind"], entry["body"], author=author, record_id=record_id,
                                       context=context)
            if entry.get("status") == "final":
                store.records.finalize(env.record_id, author=author)
            report.imported += 1
            report.written.append((env.kind, env.record_id))
    return report


def _exists(store: Store, record_id: object) -> bool:
    if not isinstance(record_id, str):
        return False
    return store.conn.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone() is not None


def export_records(store: Store, kinds: list[str] | None = None) -> dict[str, Any]:
    out: list[dict[str, Any]] = []
    for kind in [*_KIND_ORDER, "notice"]:
        if kinds and kind not in kinds:
            continue
        for record_id, body in store.records.iter_bodies(kind):
            env = store.records.get(record_id)
            out.append({
                "kind": kind, "id": record_id, "rev": env.rev, "status": env.status.value,
                "recorded_at": env.created_at, "updated_at": env.updated_at, "synced_at": env.synced_at,
                "body": body.model_dump(mode="json"),
            })
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "records": out}
