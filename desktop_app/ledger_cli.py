"""``branch-ledger show`` / ``history`` / ``finalize`` / ``lapses`` / ``conflicts`` / ``roster``: what
the window's buttons do, from the command line, through the same operations
(:mod:`desktop_app.operations`) — so a reviewer or a script sees a meeting's validity and vote
outcomes, the lapse warnings of the 概览, and can resolve a conflict or import a roster without the
GUI. Registered on the main CLI by one line in ``desktop_app.cli``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app import cli_text
from desktop_app.cli_session import open_ledger
from desktop_app.cli_text import CliError
from domain.i18n import N_, listing, pt, t

if TYPE_CHECKING:  # the operations import the store: loaded by the command that runs (a fast --help)
    from desktop_app.operations.record_view import RecordView

EXIT_OK, EXIT_ERROR = 0, 1


class CommandError(CliError):
    """A refusal of this module's commands (a ``LedgerError``: ``desktop_app.cli.main`` tells it)."""


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _today(args: argparse.Namespace) -> dt.date:
    try:
        return dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    except ValueError as exc:
        raise CommandError(pt("cli", "日期格式不正确：{today}（应为 YYYY-MM-DD）", today=args.today)) from exc


# ---------------------------------------------------------------------------------------- show


def _show_text(view: RecordView) -> None:
    from domain.violations import Severity

    env = view.envelope
    print(pt("cli", "{kind}：{title}", kind=cli_text.kind_label(env.kind),
             title=getattr(env.body, "title", "") or getattr(env.body, "name", "")))
    conflicted = pt("cli", "  （冲突）") if env.conflicted else ""
    print(pt("cli", "  编号 {record_id}  版本 {rev}  状态 {status}{conflicted}", record_id=env.record_id, rev=env.rev,
             status=env.status, conflicted=conflicted))
    if view.validity is not None and view.validity.applies:
        if view.validity.valid:
            print(pt("cli", "  会议有效：{message}", message=view.validity.message))
        else:
            print(pt("cli", "  会议无效：{message}", message=view.validity.message))
    for index, outcome in enumerate(view.outcomes, start=1):
        if outcome.void:
            verdict = pt("cli", "无效")
        else:
            verdict = pt("cli", "通过") if outcome.passed else pt("cli", "未通过")
        print(pt("cli", "  表决 {index}（{kind}）：{verdict} —— {message}", index=index, kind=outcome.kind,
                 verdict=verdict, message=outcome.message))
    for amendment in view.amendments:
        print(pt("cli", "  更正记录：{title} [{record_id}]", title=amendment.title, record_id=amendment.record_id))
    if not view.violations:
        print(pt("cli", "  规则检查：没有问题"))
    for v in view.violations:
        mark = pt("cli", "错误") if v.severity is Severity.ERROR else pt("cli", "提示")
        print(pt("cli", "  {mark}：{message}", mark=mark, message=v.message))


def cmd_show(args: argparse.Namespace) -> int:
    from desktop_app.operations.record_view import show_record

    with open_ledger(args) as ledger:
        view = show_record(ledger, args.record_id)
    if args.json:
        _print_json(view.to_json())
    else:
        _show_text(view)
    return EXIT_OK


# What each history entry's ``op`` (a stable code, kept as it is in ``--json``) means to a clerk.
HISTORY_OPS: dict[str, str] = {
    "create": N_("新建"),
    "update": N_("修改"),
    "finalize": N_("定稿"),
    "delete": N_("删除"),
    "merge": N_("合并冲突"),
    "sync": N_("从上级党委同步"),
    "restore": N_("从备份恢复"),
}


def _op_label(op: str) -> str:
    chinese = HISTORY_OPS.get(op)
    return op if chinese is None else t(chinese)


def cmd_history(args: argparse.Namespace) -> int:
    from desktop_app.operations.records import record_history

    with open_ledger(args) as ledger:
        entries = record_history(ledger, args.record_id)
    if args.json:
        _print_json([e.__dict__ for e in entries])
        return EXIT_OK
    for e in entries:
        print(pt("cli", "{at}  {op}  {author}  {before} → {after}  （设备 {device_id}）", at=e.at, op=_op_label(e.op),
                 author=e.author, before=e.before_rev or "-", after=e.after_rev or "-", device_id=e.device_id))
    return EXIT_OK


def cmd_finalize(args: argparse.Namespace) -> int:
    from desktop_app.operations.records import finalize_record

    with open_ledger(args) as ledger:
        saved = finalize_record(ledger, args.record_id, author=args.author)
    print(pt("cli", "已定稿：{record_id}（版本 {rev}）", record_id=saved.envelope.record_id, rev=saved.envelope.rev))
    for v in saved.envelope.warnings:
        print(pt("cli", "提示：{message}", message=v.message), file=sys.stderr)
    return EXIT_OK


# ---------------------------------------------------------------------------------------- lapses


def cmd_lapses(args: argparse.Namespace) -> int:
    from desktop_app.operations.compliance import lapse_warnings
    from domain.violations import Severity

    today = _today(args)
    with open_ledger(args) as ledger:
        warnings = lapse_warnings(ledger, today)
    if args.json:
        _print_json([w.to_json(shown=True) for w in warnings])  # messages in the language of this run
        return EXIT_OK
    if not warnings:
        print(pt("cli", "没有长期未参加组织生活的党员"))
    for w in warnings:
        mark = pt("cli", "错误") if w.severity is Severity.ERROR else pt("cli", "提示")
        print(pt("cli", "{mark}：{message}", mark=mark, message=w.message))
    return EXIT_OK


# ---------------------------------------------------------------------------------------- conflicts


def cmd_conflicts_list(args: argparse.Namespace) -> int:
    from desktop_app.operations.conflicts import field_rows, list_conflicts

    with open_ledger(args) as ledger:
        conflicts = list_conflicts(ledger)
    if args.json:
        _print_json([{"record_id": c.record_id, "kind": c.kind, "title": c.title,
                      "versions": [v.__dict__ for v in c.versions]} for c in conflicts])
        return EXIT_OK
    if not conflicts:
        print(pt("cli", "没有冲突的记录"))
    for c in conflicts:
        print(pt("cli", "{kind}：{title} [{record_id}]", kind=cli_text.kind_label(c.kind), title=c.title,
                 record_id=c.record_id))
        differ = [row.label for row in field_rows(c.kind, [v.body for v in c.versions]) if row.differs]
        if differ:
            print(pt("cli", "  不同的内容：{fields}", fields=listing(differ)))
        for v in c.versions:
            where = pt("cli", "上级党委当前版本") if v.is_server_current else pt("cli", "本机或其他设备")
            state = pt("cli", "（已删除）") if v.deleted else ""
            print(pt("cli", "  版本 {rev}{state}：{author}，{device_time}（{where}）", rev=v.rev, state=state,
                     author=v.author, device_time=v.device_time, where=where))
    return EXIT_OK


def cmd_conflicts_resolve(args: argparse.Namespace) -> int:
    from desktop_app.operations.conflicts import list_conflicts, resolve_conflict

    with open_ledger(args) as ledger:
        if args.body_file:
            try:
                body = json.loads(Path(args.body_file).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(pt("cli", "无法读取合并内容文件：{exc}", exc=exc)) from exc
            if not isinstance(body, dict):
                raise CommandError(pt("cli", "合并内容文件应是一条记录的 JSON 对象"))
        else:
            conflict = next((c for c in list_conflicts(ledger) if c.record_id == args.record_id), None)
            if conflict is None:
                raise CommandError(pt("cli", "记录 {record_id} 没有冲突", record_id=args.record_id))
            version = next((v for v in conflict.versions if v.rev == args.keep), None)
            if version is None or version.body is None:
                revs = listing(v.rev for v in conflict.versions)
                raise CommandError(pt("cli", "没有可保留的版本 {keep}（可选：{revs}）", keep=args.keep, revs=revs))
            body = version.body
        resolved = resolve_conflict(ledger, args.record_id, body, author=args.author)
    if args.json:
        _print_json({"record_id": resolved.record_id, "rev": resolved.rev, "changes": resolved.changes.to_json()})
    else:
        print(pt("cli", "冲突已解决：{record_id}（合并版本 {rev}），下次同步时发送",
                 record_id=resolved.record_id, rev=resolved.rev))
    return EXIT_OK


# ---------------------------------------------------------------------------------------- roster


def cmd_roster_import(args: argparse.Namespace) -> int:
    from desktop_app.operations.roster import import_roster
    from domain.roster_sheet import RosterFormatError

    with open_ledger(args) as ledger:
        try:
            result = import_roster(ledger, Path(args.file), author=args.author)
        except RosterFormatError as exc:
            raise CommandError(str(exc)) from exc
    problems = [{"line": line, "message": message} for line, message in result.parsed.problems]
    if args.json:
        _print_json({"ok": result.ok, "imported": result.written, "problems": problems})
    elif result.ok:
        print(pt("cli", "已导入 {written} 名党员。", written=result.written))
    else:
        print(pt("cli", "导入失败，未写入任何记录。共 {count} 处问题：", count=len(problems)), file=sys.stderr)
        for p in problems:
            print(pt("cli", "  第 {line} 行：{message}", line=p["line"], message=p["message"]), file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_ERROR


# ---------------------------------------------------------------------------------------- parser


def add_subcommands(sub: Any) -> None:
    json_help = pt("cli", "以 JSON 输出")

    p = sub.add_parser("show", help=pt("cli", "显示一条记录：会议是否有效、每项表决的结果、规则检查的问题"))
    p.add_argument("record_id", metavar=pt("cli.metavar", "记录编号"), help=pt("cli", "记录编号"))
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("history", help=pt("cli", "一条记录的修改历史"))
    p.add_argument("record_id", metavar=pt("cli.metavar", "记录编号"), help=pt("cli", "记录编号"))
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("finalize", help=pt("cli", "定稿一条记录（之后只能更正）"))
    p.add_argument("record_id", metavar=pt("cli.metavar", "记录编号"), help=pt("cli", "记录编号"))
    p.set_defaults(func=cmd_finalize)

    p = sub.add_parser("lapses", help=pt("cli", "长期未参加组织生活的党员（与概览页相同）"))
    p.add_argument("--today", metavar=pt("cli.metavar", "日期"), help=pt("cli", "按这一天计算（YYYY-MM-DD，默认今天）"))
    p.add_argument("--json", action="store_true", help=json_help)
    p.set_defaults(func=cmd_lapses)

    p = sub.add_parser("conflicts", help=pt("cli", "同步冲突：列出、解决"))
    cs = p.add_subparsers(dest="conflicts_command", required=True, metavar=pt("cli.metavar", "操作"))
    q = cs.add_parser("list", help=pt("cli", "列出冲突的记录及其各个版本"))
    q.add_argument("--json", action="store_true", help=json_help)
    q.set_defaults(func=cmd_conflicts_list)
    q = cs.add_parser("resolve", help=pt("cli", "保留一个版本或写入合并后的内容"))
    q.add_argument("record_id", metavar=pt("cli.metavar", "记录编号"), help=pt("cli", "记录编号"))
    how = q.add_mutually_exclusive_group(required=True)
    how.add_argument("--keep", metavar=pt("cli.metavar", "版本"), help=pt("cli", "保留这个版本的内容"))
    how.add_argument("--body-file", metavar=pt("cli.metavar", "文件"),
                     help=pt("cli", "合并后内容的 JSON 文件"))
    q.add_argument("--json", action="store_true", help=json_help)
    q.set_defaults(func=cmd_conflicts_resolve)

    p = sub.add_parser("roster", help=pt("cli", "党员名册：从 CSV 或 Excel 导入"))
    rs = p.add_subparsers(dest="roster_command", required=True, metavar=pt("cli.metavar", "操作"))
    q = rs.add_parser("import", help=pt("cli", "导入名册（有任何一行错误就一名也不导入）"))
    q.add_argument("file", metavar=pt("cli.metavar", "文件"),
                   help=pt("cli", "CSV 或 Excel 文件"))
    q.add_argument("--json", action="store_true", help=json_help)
    q.set_defaults(func=cmd_roster_import)
