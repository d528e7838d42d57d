"""``branch-ledger lapses``: members without organisational life, the list the 概览 page shows.

Both read :func:`desktop_app.compliance_query.member_lapse_warnings`, so the command line and the
window can never disagree (tests/store/test_compliance_query.py checks it on a store with
amendments, drafts and an invalid meeting). Registered on the main CLI by one line in
``desktop_app.cli``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from desktop_app.cli_text import CliError, h
from desktop_app.compliance_query import member_lapse_warnings


def add_subcommands(sub: Any) -> None:
    p = sub.add_parser("lapses", help=h("连续数月未参加组织生活的党员（与概览页相同）",
                                        "members without organisational life for months (as on the overview)"))
    p.add_argument("--today", help=h("按这一天计算（YYYY-MM-DD，默认今天）",
                                     "evaluate as of this date (YYYY-MM-DD); default today"))
    p.add_argument("--json", action="store_true", help=h("以 JSON 输出", "print JSON"))
    p.set_defaults(func=cmd_lapses)


def cmd_lapses(args: argparse.Namespace) -> int:
    from desktop_app import cli  # imported late: desktop_app.cli imports this module

    try:
        today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    except ValueError as exc:
        raise CliError(f"日期格式不正确：{args.today}（应为 2026-11-20）") from exc
    store = cli.open_store(args)
    try:
        warnings = member_lapse_warnings(store, today)
    finally:
        store.close()
    if args.json:
        print(json.dumps([w.to_json() for w in warnings], ensure_ascii=False, indent=2))
    elif not warnings:
        print("没有连续数月未参加组织生活的党员。")
    else:
        for w in warnings:
            mark = "【脱党风险】" if w.code == "attendance.lapse" else "【提醒】"
            print(f"{mark}{w.message_zh}")
    return 0
