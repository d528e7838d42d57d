"""``branch-ledger print …``: any record or period to a PDF file, for scripts and head-office staff.

Characters no font could draw are listed on stderr (they print as 〓), so nothing is silently
lost on paper.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app import cli_text
from desktop_app.cli_session import open_ledger
from desktop_app.cli_text import CliError
from domain.i18n import listing, pt

if TYPE_CHECKING:  # reportlab and the store: loaded by the command that runs (a fast --help)
    from printing import PrintResult


def _report(result: PrintResult, out: Path) -> int:
    print(pt("cli", "已生成 {out}（{pages} 页，{size} KB）", out=out, pages=result.pages,
             size=result.size_bytes // 1024))
    for warning in result.warnings:
        print(pt("cli", "注意：{message}", message=warning), file=sys.stderr)
    if result.missing_chars:
        print(pt("cli", "注意：以下字符字体中没有，已印为“〓”，请手工补写：{chars}",
                 chars=listing(result.missing_chars)), file=sys.stderr)
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    from desktop_app.operations.printing import PrintRequest, is_nothing_to_print, render_document

    out = cli_text.output_file(args.out)
    today = cli_text.date_option(args.today, "--today")
    with open_ledger(args) as ledger:
        try:
            if args.what == "minutes":
                request = PrintRequest.minutes(args.target)
            elif args.what == "signin":
                request = PrintRequest.signin(args.target)
            elif args.what == "post":
                request = PrintRequest.post_report(args.target, period=args.period)
            else:
                request = PrintRequest.ledger(args.target, include_minutes=not args.no_minutes)
            request = dataclasses.replace(request, attachments=not args.no_attachments)
            # The print dialog's operation: the same input, the same renderer, written atomically.
            result = render_document(ledger, request, out, today=today)
        except (LookupError, ValueError) as exc:
            if is_nothing_to_print(exc):
                raise CliError(str(exc)) from exc
            if isinstance(exc, ValueError):
                raise CliError(pt("cli", "参数不正确：{reason}", reason=exc)) from exc
            raise
    return _report(result, out)


def add_subcommands(sub: Any) -> None:
    p = sub.add_parser("print", help=pt("cli", "把一条记录或某一期间的台账打印为 PDF 文件"))
    p.add_argument("what", choices=["minutes", "signin", "ledger", "post"],
                   help=pt("cli", "minutes：会议记录；signin：签到表；ledger：某一期间的台账；post：先锋岗报告"))
    p.add_argument("target", metavar=pt("cli.metavar", "编号或期间"),
                   help=pt("cli", "记录编号（minutes/signin/post）或期间 2026-11 / 2026-Q4 / 2026（ledger）"))
    p.add_argument("--out", required=True, metavar=pt("cli.metavar", "文件"), help=pt("cli", "要写出的 PDF 文件"))
    p.add_argument("--period", metavar=pt("cli.metavar", "期间"),
                   help=pt("cli", "post：只打印这一期间的履岗记录和评价"))
    p.add_argument("--today", metavar=pt("cli.metavar", "日期"),
                   help=pt("cli", "ledger：按这一天计算完成情况（YYYY-MM-DD）"))
    p.add_argument("--no-minutes", action="store_true",
                   help=pt("cli", "ledger：只打印目录，不附每次会议的会议记录"))
    p.add_argument("--no-attachments", action="store_true",
                   help=pt("cli", "不附照片、签到表扫描件等附件；signin：打印空白签到表而不用签到后的扫描件"))
    p.set_defaults(func=cmd_print)
