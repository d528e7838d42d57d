"""``branch-ledger``: the GUI when run without a subcommand, headless subcommands otherwise.

For scripts, OS schedulers and administrators. The passphrase comes from ``--passphrase-file``,
the ``BRANCH_LEDGER_PASSPHRASE`` environment variable, or a prompt — never from the command line,
where other users could read it in the process list.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import getpass
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from branch_ledger import version_line
from desktop_app import attachments_cli, cli_text, ledger_cli, logs, print_cli, store_cli, sync_cli
from desktop_app.cli_session import PASSPHRASE_ENV, open_ledger, read_passphrase
from desktop_app.cli_session import close as close_ledger
from desktop_app.cli_text import CliError, h
from desktop_app.operations import opening
from desktop_app.operations.errors import DiskFull, ReadOnlyMedia, StoreDamaged
from desktop_app.operations.errors import medium_error as translate
from desktop_app.operations.files import atomic_write_text
from desktop_app.operations.records import save_record
from desktop_app.operations.settings import change_passphrase, confirm_recovery_key
from desktop_app.operations.transfer import (
    ImportFormatError,
    ImportProblem,
    export_records,
    import_records,
    load_import_file,
)
from desktop_app.operations.types import RecordFilter
from desktop_app.paths import default_data_dir
from domain.errors import LedgerError

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2

__all__ = ["PASSPHRASE_ENV", "build_parser", "main", "open_ledger", "read_passphrase"]




def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


# ---------------------------------------------------------------- commands


def cmd_create(args: argparse.Namespace) -> int:
    passphrase = read_passphrase(args, prompt="设置密码（至少 8 个字符）: ", confirm=True)
    ledger, recovery_key = opening.create_ledger(Path(args.data_dir), passphrase)
    try:
        print(f"已创建加密台账：{args.data_dir}")
        print("恢复密钥（只显示这一次，请抄写或打印后妥善保管）：")
        print(recovery_key, flush=True)
        # Shown: it leaves the database. Killed before this line, the next open says to run
        # `recovery-key show`, which shows it again (it never existed only in a lost terminal).
        confirm_recovery_key(ledger)
        if args.branch_name:
            since = args.records_since or dt.date.today().isoformat()  # 台账起始日期
            save_record(ledger, "branch_profile", {"name": args.branch_name, "records_since": since},
                        author=args.author)
    finally:
        close_ledger(ledger)
    return EXIT_OK


def cmd_unlock(args: argparse.Namespace) -> int:
    with open_ledger(args) as ledger:
        summary = opening.ledger_summary(ledger)
    print(f"密码正确。记录数：{summary.records}，待同步：{summary.pending}")
    return EXIT_OK


def cmd_change_passphrase(args: argparse.Namespace) -> int:
    current = read_passphrase(args)
    with open_ledger(args, passphrase=current) as ledger:
        if args.new_passphrase_file:
            try:
                new = Path(args.new_passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
            except OSError as exc:
                raise CliError(f"无法读取新密码文件：{cli_text.os_reason(exc)}") from exc
        elif sys.stdin.isatty():
            new = getpass.getpass("新密码: ")
            if getpass.getpass("再次输入新密码: ") != new:
                raise CliError("两次输入的密码不一致")
        else:
            raise CliError("需要新密码：请使用 --new-passphrase-file")
        change_passphrase(ledger, current, new)
    print("密码已修改。")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    try:
        records = load_import_file(Path(args.file))
    except ImportFormatError as exc:
        raise CliError(str(exc)) from exc
    with open_ledger(args) as ledger:
        report = import_records(ledger, records, author=args.author, skip_existing=args.skip_existing).report
    if args.json:
        _print_json(report.as_dict())
        return EXIT_OK if report.ok else EXIT_ERROR
    if report.ok:
        print(f"已导入 {report.imported} 条记录。")
    else:
        print(f"导入失败，未写入任何记录。共 {len(report.problems)} 条记录有问题：", file=sys.stderr)
        _print_problems(report.problems, "")
    if report.warnings:
        print(f"请注意：{len(report.warnings)} 条记录有提醒（不影响导入）：", file=sys.stderr)
        _print_problems(report.warnings, "提醒：")
    return EXIT_OK if report.ok else EXIT_ERROR


def _print_problems(problems: list[ImportProblem], prefix: str) -> None:
    for problem in problems:
        kind = cli_text.kind_label(problem.kind)
        for v in problem.violations:
            print(f"  第 {problem.index + 1} 条（{kind}）：{prefix}{v.message}", file=sys.stderr)


def cmd_export(args: argparse.Namespace) -> int:
    out = cli_text.output_file(args.out) if args.out and args.out != "-" else None
    with open_ledger(args) as ledger:
        data = export_records(ledger, args.kind or None)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if out is not None:
        atomic_write_text(out, text)  # yesterday's export stays whole until this one is
        print(f"已导出 {len(data['records'])} 条记录到 {args.out}", file=sys.stderr)
    else:
        print(text)
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from desktop_app.operations.records import list_records

    with open_ledger(args) as ledger:
        flt = RecordFilter(kind=args.kind, text=" ".join(args.text))
        hits = list_records(ledger, flt, limit=args.limit, with_total=False).rows
    if args.json:
        _print_json([hit.__dict__ for hit in hits])
    else:
        for hit in hits:
            kind = cli_text.kind_label(hit.kind)
            print(f"{hit.event_date or '':10}  {kind}  {hit.status.label}  {hit.title}  [{hit.record_id}]")
        print(f"共 {len(hits)} 条", file=sys.stderr)
    return EXIT_OK


def cmd_compliance(args: argparse.Namespace) -> int:
    from desktop_app.operations.compliance import NoBranchProfile, compliance_report, lacking_evidence
    from domain.compliance.render import render_text

    today = cli_text.date_option(args.today, "--today")
    with open_ledger(args) as ledger:
        try:
            report = compliance_report(ledger, args.period, today)
        except NoBranchProfile as exc:
            raise CliError(f"{exc}，请先在程序中填写支部信息或导入 branch_profile 记录") from exc
        except ValueError as exc:
            raise CliError(f"期间格式不正确：{args.period}（应为 2026-11、2026-Q4 或 2026）") from exc
        lacking = lacking_evidence(ledger, args.period)
    if args.json:
        _print_json(report.to_json())
    else:
        print(render_text(report))
        if lacking:  # head office requires a 签到表/photo these meetings lack: they do not count
            print("\n缺少佐证材料（不计入）：")
            for item in lacking:
                print(f"  {item.message_zh}  [{item.record_id}]")
    return EXIT_OK


def cmd_gui(argv: list[str]) -> int:
    """Open the desktop app; ``--data-dir`` and ``--lang`` pass through to it."""
    from desktop_app.app import run_gui

    return run_gui(["branch-ledger", *argv])


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    """The parser, with help in the language chosen by :func:`cli_text.install` (Chinese by default)."""
    parser = argparse.ArgumentParser(
        prog="branch-ledger",
        description=h(
            "支部台账 BranchLedger —— 不带子命令运行时打开桌面程序。",
            "支部台账 BranchLedger — run without a subcommand to open the desktop app.",
        ),
    )
    # Python 3.11's argparse does not translate the version action's own help: given here.
    parser.add_argument("--version", action="version", version=version_line("branch-ledger"),
                        help=h("显示版本号并退出", "show program's version number and exit"))
    parser.add_argument("--data-dir", default=str(default_data_dir()), metavar=h("文件夹", "DIR"),
                        help=h("数据目录（默认：%(default)s；也可用环境变量 BRANCH_LEDGER_DATA_DIR）",
                               "data directory (default: %(default)s; env BRANCH_LEDGER_DATA_DIR)"))
    parser.add_argument("--passphrase-file", metavar=h("文件", "FILE"),
                        help=h(f"从这个文件读取密码（或设置环境变量 {PASSPHRASE_ENV}）",
                               f"read the passphrase from this file (or set {PASSPHRASE_ENV})"))
    parser.add_argument("--author", default=os.environ.get("USER", "clerk"), metavar=h("姓名", "NAME"),
                        help=h("记入修改历史的姓名", "name recorded in history"))
    parser.add_argument("--lang", choices=("zh_CN", "en"),
                        help=h("本次运行的语言（桌面程序和命令行帮助）", "language of this run (desktop app and help)"))
    parser.add_argument("--verbose", action="store_true",
                        help=h("出错时显示技术细节", "show technical details of errors"))
    parser.add_argument("--smoke-exit-after", type=float, metavar=h("秒数", "SECONDS"),
                        help=h("打开程序，显示当前界面名称，过这么多秒后正常退出（用于安装包测试）",
                               "open the app, print which screen it shows, quit after SECONDS (packaging tests)"))
    sub = parser.add_subparsers(dest="command", metavar=h("命令", "COMMAND"))

    p = sub.add_parser("create", help=h("新建加密台账并显示恢复密钥",
                                        "create a new encrypted store and print its recovery key"))
    p.add_argument("--branch-name", metavar=h("名称", "NAME"), help=h("支部名称", "name of the branch"))
    p.add_argument("--records-since", metavar=h("日期", "DATE"),
                   help=h("台账起始日期（如 2026-01-01）：从这一天起检查规定活动；默认今天",
                          "first day of the ledger (YYYY-MM-DD): compliance is checked from this day; default today"))
    p.set_defaults(func=cmd_create)

    p = sub.add_parser("unlock", help=h("检查密码并显示简要情况", "check the passphrase and print a short summary"))
    p.set_defaults(func=cmd_unlock)

    p = sub.add_parser("change-passphrase", help=h("修改密码", "rewrap the database key under a new passphrase"))
    p.add_argument("--new-passphrase-file", metavar=h("文件", "FILE"),
                   help=h("从这个文件读取新密码", "read the new passphrase from this file"))
    p.set_defaults(func=cmd_change_passphrase)

    p = sub.add_parser("import", help=h("从 JSON 文件导入记录（要么全部导入，要么一条不导入）",
                                        "import records from a JSON file (all or nothing)"))
    p.add_argument("file", metavar=h("文件", "FILE"), help=h("要导入的 JSON 文件", "the JSON file to import"))
    p.add_argument("--json", action="store_true", help=h("以 JSON 输出结果", "print the report as JSON"))
    p.add_argument("--skip-existing", action="store_true",
                   help=h("跳过台账中已有编号的记录（用于放回抢救出的记录）",
                          "leave out records whose id is already in the ledger (putting back salvaged records)"))
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help=h("把记录导出为 JSON", "export records as JSON"))
    p.add_argument("--out", metavar=h("文件", "FILE"),
                   help=h("输出文件（默认：标准输出）", "output file (default: stdout)"))
    p.add_argument("--kind", action="append", metavar=h("类别", "KIND"),
                   help=h("只导出这类记录（可重复）：member、meeting、pioneer_post …",
                          "only this kind (repeatable): member, meeting, pioneer_post …"))
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("search", help=h("全文搜索（可搜中文词语）", "full-text search (Chinese substrings work)"))
    p.add_argument("text", nargs="+", metavar=h("文字", "TEXT"), help=h("要搜索的文字", "text to search for"))
    p.add_argument("--kind", metavar=h("类别", "KIND"), help=h("只搜这类记录", "only records of this kind"))
    p.add_argument("--limit", type=int, default=50, metavar=h("条数", "N"),
                   help=h("最多显示几条（默认 50）", "at most this many (default 50)"))
    p.add_argument("--json", action="store_true", help=h("以 JSON 输出", "print JSON"))
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("compliance", help=h("某一期间规定活动的完成、待完成和逾期情况",
                                            "required activities done / due / overdue for a period"))
    p.add_argument("--period", required=True, metavar=h("期间", "PERIOD"),
                   help=h("期间：2026-11（月）、2026-Q4（季度）或 2026（年）",
                          "2026-11 (month), 2026-Q4 (quarter) or 2026 (year)"))
    p.add_argument("--today", metavar=h("日期", "DATE"), help=h("按这一天计算（YYYY-MM-DD，默认今天）",
                                                              "evaluate as of this date (YYYY-MM-DD); default today"))
    p.add_argument("--json", action="store_true", help=h("以 JSON 输出", "print JSON"))
    p.set_defaults(func=cmd_compliance)

    print_cli.add_subcommands(sub)
    sync_cli.add_subcommands(sub)
    store_cli.add_subcommands(sub)
    ledger_cli.add_subcommands(sub)
    attachments_cli.add_subcommands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    cli_text.install(cli_text.cli_language(argv))
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return cmd_gui(argv)
    logs.setup("cli")
    try:
        status = int(args.func(args))
        logs.log.info("command %s: exit %d", args.command, status)
        return status
    except LedgerError as exc:  # store, sync, rules, printing, operations, this CLI: one way to tell
        return _tell(exc, args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        return _report_failure(exc, args.verbose)


def _tell(exc: LedgerError, args: argparse.Namespace) -> int:
    """A failure the user can act on: its user message (one ``错误：`` line per line of it), the
    technical detail only with ``--verbose``."""
    logs.log.info("command %s failed: %s", args.command, type(exc).__name__)
    for line in exc.user_message().splitlines() or [""]:
        print(f"错误：{line}", file=sys.stderr)
    if isinstance(exc, StoreDamaged):  # what to run next, in this program's commands
        if exc.aside:
            print(f"原文件保存在：{exc.aside}", file=sys.stderr)
        print("可以：branch-ledger salvage export --out 文件（导出仍可读取的记录）、branch-ledger backup list 后"
              " branch-ledger restore 备份名（从备份恢复）、branch-ledger salvage fresh（从上级党委重新下载）",
              file=sys.stderr)
    if exc.detail and args.verbose:  # technical (often a library's English): only on request
        print(f"（{exc.detail}）", file=sys.stderr)
    return EXIT_ERROR


def _report_failure(exc: Exception, verbose: bool) -> int:
    """Anything the commands did not turn into a message: the medium (a full disk, read-only
    media, a vanished USB stick), a file, or a bug — a plain message in the clerk's language
    either way, the technical details only with ``--verbose``, and a crash report for a bug."""
    translated = translate(exc)
    # A file or folder named on the command line that is missing, or a folder where a file is
    # wanted, says so — not "the disk may be pulled" (as in the app's dialogs).
    named_file = (isinstance(exc, OSError) and getattr(exc, "filename", None)
                  and not isinstance(translated, (DiskFull, ReadOnlyMedia))
                  and exc.errno not in (errno.EIO, errno.ENXIO, errno.ENODEV))
    if translated is not None and not named_file:
        print(f"错误：{translated.message}", file=sys.stderr)
    elif isinstance(exc, OSError):
        name = f"（{exc.filename}）" if getattr(exc, "filename", None) else ""
        print(h("错误：", "error: ") + cli_text.os_reason(exc) + name, file=sys.stderr)
    else:
        report = logs.write_crash_report(type(exc), exc, exc.__traceback__)
        print(h("错误：程序出现意外错误。加 --verbose 可显示技术细节，请告知上级党委。",
                "error: something unexpected went wrong; run with --verbose for details."), file=sys.stderr)
        if report is not None:
            print(h(f"错误报告：{report}", f"error report: {report}"), file=sys.stderr)
    if verbose:
        traceback.print_exc()
    return EXIT_ERROR


if __name__ == "__main__":
    # `python -m desktop_app.cli` runs this file as __main__; subcommand modules import
    # desktop_app.cli, whose CliError would then be another class than the one main() catches.
    from desktop_app.cli import main as canonical_main

    raise SystemExit(canonical_main())
