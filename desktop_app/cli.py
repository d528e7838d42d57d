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
from typing import TYPE_CHECKING, Any

from branch_ledger import version_line
from desktop_app import attachments_cli, cli_text, ledger_cli, logs, print_cli, store_cli, sync_cli
from desktop_app.cli_session import PASSPHRASE_ENV, open_ledger, read_passphrase
from desktop_app.cli_session import close as close_ledger
from desktop_app.cli_text import CliError
from desktop_app.paths import default_data_dir
from domain.errors import LedgerError
from domain.i18n import label, pt

if TYPE_CHECKING:
    from desktop_app.operations.transfer import ImportProblem

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2

__all__ = ["PASSPHRASE_ENV", "build_parser", "main", "open_ledger", "read_passphrase"]




def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


# ---------------------------------------------------------------- commands


def cmd_create(args: argparse.Namespace) -> int:
    from desktop_app.operations import opening
    from desktop_app.operations.records import save_record
    from desktop_app.operations.settings import confirm_recovery_key

    passphrase = read_passphrase(args, prompt=pt("cli", "设置密码（至少 8 个字符）: "), confirm=True)
    ledger, recovery_key = opening.create_ledger(Path(args.data_dir), passphrase)
    try:
        print(pt("cli", "已创建加密台账：{data_dir}", data_dir=args.data_dir))
        print(pt("cli", "恢复密钥（只显示这一次，请抄写或打印后妥善保管）："))
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
    from desktop_app.operations import opening

    with open_ledger(args) as ledger:
        summary = opening.ledger_summary(ledger)
    print(pt("cli", "密码正确。记录数：{records}，待同步：{pending}", records=summary.records,
             pending=summary.pending))
    return EXIT_OK


def cmd_change_passphrase(args: argparse.Namespace) -> int:
    from desktop_app.operations.settings import change_passphrase

    current = read_passphrase(args)
    with open_ledger(args, passphrase=current) as ledger:
        if args.new_passphrase_file:
            try:
                new = Path(args.new_passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
            except OSError as exc:
                raise CliError(pt("cli", "无法读取新密码文件：{reason}", reason=cli_text.os_reason(exc))) from exc
        elif sys.stdin.isatty():
            new = getpass.getpass(pt("cli", "新密码: "))
            if getpass.getpass(pt("cli", "再次输入新密码: ")) != new:
                raise CliError(pt("cli", "两次输入的密码不一致"))
        else:
            raise CliError(pt("cli", "需要新密码：请使用 --new-passphrase-file"))
        change_passphrase(ledger, current, new)
    print(pt("cli", "密码已修改。"))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from desktop_app.operations.transfer import ImportFormatError, import_records, load_import_file

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
        print(pt("cli", "已导入 {count} 条记录。", count=report.imported))
    else:
        print(pt("cli", "导入失败，未写入任何记录。共 {count} 条记录有问题：", count=len(report.problems)),
              file=sys.stderr)
        _print_problems(report.problems, warning=False)
    if report.warnings:
        print(pt("cli", "请注意：{count} 条记录有提醒（不影响导入）：", count=len(report.warnings)), file=sys.stderr)
        _print_problems(report.warnings, warning=True)
    return EXIT_OK if report.ok else EXIT_ERROR


def _print_problems(problems: list[ImportProblem], *, warning: bool) -> None:
    for problem in problems:
        kind = cli_text.kind_label(problem.kind)
        for v in problem.violations:
            if warning:
                line = pt("cli", "  第 {number} 条（{kind}）：提醒：{message}", number=problem.index + 1, kind=kind,
                          message=v.message)
            else:
                line = pt("cli", "  第 {number} 条（{kind}）：{message}", number=problem.index + 1, kind=kind,
                          message=v.message)
            print(line, file=sys.stderr)


def cmd_export(args: argparse.Namespace) -> int:
    from desktop_app.operations.files import atomic_write_text
    from desktop_app.operations.transfer import export_records

    out = cli_text.output_file(args.out) if args.out and args.out != "-" else None
    with open_ledger(args) as ledger:
        data = export_records(ledger, args.kind or None)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if out is not None:
        atomic_write_text(out, text)  # yesterday's export stays whole until this one is
        print(pt("cli", "已导出 {count} 条记录到 {out}", count=len(data["records"]), out=args.out), file=sys.stderr)
    else:
        print(text)
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from desktop_app.operations.records import list_records
    from desktop_app.operations.types import RecordFilter

    with open_ledger(args) as ledger:
        flt = RecordFilter(kind=args.kind, text=" ".join(args.text))
        hits = list_records(ledger, flt, limit=args.limit, with_total=False).rows
    if args.json:
        _print_json([hit.__dict__ for hit in hits])
    else:
        for hit in hits:
            kind = cli_text.kind_label(hit.kind)
            print(f"{hit.event_date or '':10}  {kind}  {label(hit.status)}  {hit.title}  [{hit.record_id}]")
        print(pt("cli", "共 {count} 条", count=len(hits)), file=sys.stderr)
    return EXIT_OK


def cmd_compliance(args: argparse.Namespace) -> int:
    from desktop_app.operations.compliance import NoBranchProfile, compliance_report, lacking_evidence
    from domain.compliance.render import render_text

    today = cli_text.date_option(args.today, "--today")
    with open_ledger(args) as ledger:
        try:
            report = compliance_report(ledger, args.period, today)
        except NoBranchProfile as exc:
            raise CliError(pt("cli", "{reason}，请先在程序中填写支部信息或导入 branch_profile 记录",
                              reason=exc)) from exc
        except ValueError as exc:
            raise CliError(pt("cli", "期间格式不正确：{period}（应为 2026-11、2026-Q4 或 2026）",
                              period=args.period)) from exc
        lacking = lacking_evidence(ledger, args.period)
    if args.json:
        _print_json(report.to_json(shown=True))  # labels in the language of this run; keys and codes as ever
    else:
        print(render_text(report))
        if lacking:  # head office requires a 签到表/photo these meetings lack: they do not count
            print("\n" + pt("cli", "缺少佐证材料（不计入）："))
            for item in lacking:
                print(f"  {item.message}  [{item.record_id}]")
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
        description=pt("cli", "支部台账 BranchLedger —— 不带子命令运行时打开桌面程序。"),
    )
    # Python 3.11's argparse does not translate the version action's own help: given here.
    parser.add_argument("--version", action="version", version=version_line("branch-ledger"),
                        help=pt("cli", "显示版本号并退出"))
    parser.add_argument("--data-dir", default=str(default_data_dir()), metavar=pt("cli.metavar", "文件夹"),
                        help=pt("cli", "数据目录（默认：%(default)s；也可用环境变量 BRANCH_LEDGER_DATA_DIR）"))
    parser.add_argument("--passphrase-file", metavar=pt("cli.metavar", "文件"),
                        help=pt("cli", "从这个文件读取密码（或设置环境变量 {passphrase_env}）",
                                passphrase_env=PASSPHRASE_ENV))
    parser.add_argument("--author", default=os.environ.get("USER", "clerk"), metavar=pt("cli.metavar", "姓名"),
                        help=pt("cli", "记入修改历史的姓名"))
    parser.add_argument("--lang", choices=("zh_CN", "en"),
                        help=pt("cli", "本次运行的语言（桌面程序和命令行帮助）"))
    parser.add_argument("--verbose", action="store_true",
                        help=pt("cli", "出错时显示技术细节"))
    parser.add_argument("--smoke-exit-after", type=float, metavar=pt("cli.metavar", "秒数"),
                        help=pt("cli", "打开程序，显示当前界面名称，过这么多秒后正常退出（用于安装包测试）"))
    sub = parser.add_subparsers(dest="command", metavar=pt("cli.metavar", "命令"))

    p = sub.add_parser("create", help=pt("cli", "新建加密台账并显示恢复密钥"))
    p.add_argument("--branch-name", metavar=pt("cli.metavar", "名称"), help=pt("cli", "支部名称"))
    p.add_argument("--records-since", metavar=pt("cli.metavar", "日期"),
                   help=pt("cli", "台账起始日期（如 2026-01-01）：从这一天起检查规定活动；默认今天"))
    p.set_defaults(func=cmd_create)

    p = sub.add_parser("unlock", help=pt("cli", "检查密码并显示简要情况"))
    p.set_defaults(func=cmd_unlock)

    p = sub.add_parser("change-passphrase", help=pt("cli", "修改密码"))
    p.add_argument("--new-passphrase-file", metavar=pt("cli.metavar", "文件"),
                   help=pt("cli", "从这个文件读取新密码"))
    p.set_defaults(func=cmd_change_passphrase)

    p = sub.add_parser("import", help=pt("cli", "从 JSON 文件导入记录（要么全部导入，要么一条不导入）"))
    p.add_argument("file", metavar=pt("cli.metavar", "文件"), help=pt("cli", "要导入的 JSON 文件"))
    p.add_argument("--json", action="store_true", help=pt("cli", "以 JSON 输出结果"))
    p.add_argument("--skip-existing", action="store_true",
                   help=pt("cli", "跳过台账中已有编号的记录（用于放回抢救出的记录）"))
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help=pt("cli", "把记录导出为 JSON"))
    p.add_argument("--out", metavar=pt("cli.metavar", "文件"),
                   help=pt("cli", "输出文件（默认：标准输出）"))
    p.add_argument("--kind", action="append", metavar=pt("cli.metavar", "类别"),
                   help=pt("cli", "只导出这类记录（可重复）：member、meeting、pioneer_post …"))
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("search", help=pt("cli", "全文搜索（可搜中文词语）"))
    p.add_argument("text", nargs="+", metavar=pt("cli.metavar", "文字"), help=pt("cli", "要搜索的文字"))
    p.add_argument("--kind", metavar=pt("cli.metavar", "类别"), help=pt("cli", "只搜这类记录"))
    p.add_argument("--limit", type=int, default=50, metavar=pt("cli.metavar", "条数"),
                   help=pt("cli", "最多显示几条（默认 50）"))
    p.add_argument("--json", action="store_true", help=pt("cli", "以 JSON 输出"))
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("compliance", help=pt("cli", "某一期间规定活动的完成、待完成和逾期情况"))
    p.add_argument("--period", required=True, metavar=pt("cli.metavar", "期间"),
                   help=pt("cli", "期间：2026-11（月）、2026-Q4（季度）或 2026（年）"))
    p.add_argument("--today", metavar=pt("cli.metavar", "日期"), help=pt("cli", "按这一天计算（YYYY-MM-DD，默认今天）"))
    p.add_argument("--json", action="store_true", help=pt("cli", "以 JSON 输出"))
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
    from desktop_app.operations.errors import StoreDamaged

    logs.log.info("command %s failed: %s", args.command, type(exc).__name__)
    for line in exc.user_message().splitlines() or [""]:
        print(pt("cli", "错误：{message}", message=line), file=sys.stderr)
    if isinstance(exc, StoreDamaged):  # what to run next, in this program's commands
        if exc.aside:
            print(pt("cli", "原文件保存在：{aside}", aside=exc.aside), file=sys.stderr)
        print(pt("cli", "可以：branch-ledger salvage export --out 文件（导出仍可读取的记录）、"
                 "branch-ledger backup list 后 branch-ledger restore 备份名（从备份恢复）、"
                 "branch-ledger salvage fresh（从上级党委重新下载）"),
              file=sys.stderr)
    if exc.detail and args.verbose:  # technical (often a library's English): only on request
        print(pt("cli", "（{detail}）", detail=exc.detail), file=sys.stderr)
    return EXIT_ERROR


def _report_failure(exc: Exception, verbose: bool) -> int:
    """Anything the commands did not turn into a message: the medium (a full disk, read-only
    media, a vanished USB stick), a file, or a bug — a plain message in the clerk's language
    either way, the technical details only with ``--verbose``, and a crash report for a bug."""
    from desktop_app.operations.errors import DiskFull, ReadOnlyMedia
    from desktop_app.operations.errors import medium_error as translate

    translated = translate(exc)
    # A file or folder named on the command line that is missing, or a folder where a file is
    # wanted, says so — not "the disk may be pulled" (as in the app's dialogs).
    named_file = (isinstance(exc, OSError) and getattr(exc, "filename", None)
                  and not isinstance(translated, (DiskFull, ReadOnlyMedia))
                  and exc.errno not in (errno.EIO, errno.ENXIO, errno.ENODEV))
    if translated is not None and not named_file:
        print(pt("cli", "错误：{message}", message=translated.user_message()), file=sys.stderr)
    elif isinstance(exc, OSError):
        name = pt("cli", "（{detail}）", detail=exc.filename) if getattr(exc, "filename", None) else ""
        print(pt("cli", "错误：") + cli_text.os_reason(exc) + name, file=sys.stderr)
    else:
        report = logs.write_crash_report(type(exc), exc, exc.__traceback__)
        print(pt("cli", "错误：程序出现意外错误。加 --verbose 可显示技术细节，请告知上级党委。"), file=sys.stderr)
        if report is not None:
            print(pt("cli", "错误报告：{report}", report=report), file=sys.stderr)
    if verbose:
        traceback.print_exc()
    return EXIT_ERROR


if __name__ == "__main__":
    # `python -m desktop_app.cli` runs this file as __main__; subcommand modules import
    # desktop_app.cli, whose CliError would then be another class than the one main() catches.
    from desktop_app.cli import main as canonical_main

    raise SystemExit(canonical_main())
