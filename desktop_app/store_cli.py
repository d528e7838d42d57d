"""``branch-ledger backup`` / ``restore`` / ``recovery-key`` / ``salvage`` / ``refused``: keeping the
ledger safe from the command line (docs/cli.md). Registered on the main CLI by one line in
``desktop_app.cli``; every message in the language of this run (Chinese by default), every failure a store error with
its message.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app import cli_session
from desktop_app.cli_session import open_ledger, read_passphrase
from desktop_app.cli_text import CliError, output_file
from domain.i18n import listing, pt

if TYPE_CHECKING:  # the operations import the store: loaded by the command that runs (a fast --help)
    from desktop_app.operations.types import RefusedEdit


class CommandError(CliError):
    """A refusal of this module's commands (a ``LedgerError``: ``desktop_app.cli.main`` tells it)."""


def _data_dir(args: argparse.Namespace) -> Path:
    return cli_session.data_dir(args)


def _confirm(args: argparse.Namespace, question: str) -> None:
    if args.yes:
        return
    if not sys.stdin.isatty():
        raise CommandError(pt("cli", "{question} 请加上 --yes 确认（没有终端可以提问）", question=question))
    if input(pt("cli", "{question} 输入 yes 确认：", question=question)).strip().lower() != "yes":
        raise CommandError(pt("cli", "已取消，未做任何修改"))


# ---------------------------------------------------------------------------------------- backup


def cmd_backup_now(args: argparse.Namespace) -> int:
    from desktop_app.operations.backups import back_up_now

    with open_ledger(args) as ledger:
        info = back_up_now(ledger)
    print(pt("cli", "已备份：{path}（{size} KB）", path=info.path, size=info.size // 1024))
    return 0


def cmd_backup_list(args: argparse.Namespace) -> int:
    """No passphrase needed: backups are found by the key file's public key id."""
    from desktop_app.operations import opening

    data_dir = _data_dir(args)
    found = opening.list_backups(data_dir)
    config = opening.backup_config(data_dir)
    if args.json:
        print(json.dumps({"location": str(config.root(data_dir)), "keep": config.keep, "backups": [
            {"name": b.name, "path": str(b.path), "created_at": b.created_at.isoformat(), "reason": b.reason,
             "size": b.size, "schema_version": b.schema_version} for b in found]}, ensure_ascii=False, indent=2))
        return 0
    print(pt("cli", "备份位置：{location}（保留最近 {keep} 个）", location=config.root(data_dir), keep=config.keep))
    if not found:
        print(pt("cli", "还没有备份"))
    for info in found:
        print(f"  {info.name}  {info.describe()}")
    return 0


def cmd_backup_config(args: argparse.Namespace) -> int:
    from desktop_app.operations import opening

    data_dir = _data_dir(args)
    config = opening.backup_config(data_dir)
    changed = False
    if args.location is not None:
        location = args.location.strip()
        if location and not Path(location).expanduser().is_dir():
            raise CommandError(pt("cli", "备份位置 {location} 不存在（U 盘没有插入？）", location=location))
        config.location, changed = location, True
    if args.keep is not None:
        config.keep, changed = args.keep, True
    if args.on_close is not None:
        config.on_close, changed = args.on_close == "yes", True
    if changed:
        opening.save_backup_config(data_dir, config)
    print(json.dumps(asdict(config), ensure_ascii=False) if args.json else
          pt("cli", "备份位置：{location}；保留 {keep} 个；关闭时备份：{on_close}", location=config.root(data_dir),
             keep=config.keep, on_close=pt("cli", "是") if config.on_close else pt("cli", "否")))
    return 0


# ---------------------------------------------------------------------------------------- restore


def cmd_restore(args: argparse.Namespace) -> int:
    from desktop_app.operations import opening

    data_dir = _data_dir(args)
    info = opening.find_backup(data_dir, args.backup)
    _confirm(args, pt("cli", "将用 {backup} 的备份替换当前数据（当前文件会移到 aside/ 保存）。",
                      backup=info.describe()))
    ledger = opening.restore_ledger(data_dir, info, read_passphrase(args))
    try:
        print(pt("cli", "已恢复到 {backup} 的备份。下次同步时将从上级党委重新读取全部记录，"
                 "并补传上级党委缺少的本机修改。", backup=info.describe()))
    finally:
        cli_session.close(ledger, backup=False)
    return 0


# ---------------------------------------------------------------------------------------- recovery key


def _print_key(key: str) -> None:
    print(pt("cli", "恢复密钥（请抄写或打印后妥善保管；旧的恢复密钥已不能使用）："))
    print(key, flush=True)


def cmd_recovery_key_reissue(args: argparse.Namespace) -> int:
    from desktop_app.operations.settings import confirm_recovery_key, reissue_recovery_key

    with open_ledger(args) as ledger:
        key = reissue_recovery_key(ledger)
        _print_key(key)
        confirm_recovery_key(ledger)  # printed: it leaves the database
    return 0


def cmd_recovery_key_show(args: argparse.Namespace) -> int:
    from desktop_app.operations.settings import confirm_recovery_key, opening_notices

    with open_ledger(args, quiet=True) as ledger:
        key = opening_notices(ledger).pending_recovery_key
        if key is None:
            print(pt("cli", "没有尚未确认的恢复密钥（恢复密钥只在新建或重新生成时显示一次；"
                     "如已遗失，请用 recovery-key reissue 重新生成）"))
            return 0
        _print_key(key)
        confirm_recovery_key(ledger)
    return 0


# ---------------------------------------------------------------------------------------- salvage


def cmd_salvage_export(args: argparse.Namespace) -> int:
    from desktop_app.operations import opening

    data_dir = _data_dir(args)
    out = output_file(args.out)
    if opening.damaged_set(data_dir) is None:
        raise opening.NothingToSalvage()
    report = opening.salvage_export(data_dir, read_passphrase(args), out)
    if report.unreadable:
        print(pt("cli", "已导出 {readable} 条可读取的记录到 {out}；{unreadable} 条无法读取", readable=report.readable,
                 out=args.out, unreadable=report.unreadable))
    else:
        print(pt("cli", "已导出 {readable} 条可读取的记录到 {out}", readable=report.readable, out=args.out))
    return 0


def cmd_salvage_fresh(args: argparse.Namespace) -> int:
    from desktop_app.operations import opening
    from desktop_app.operations.sync import SyncOps

    _confirm(args, pt("cli", "将新建一个空的数据文件（密码不变），下次同步时从上级党委重新下载全部记录。"))
    ledger = opening.salvage_fresh(_data_dir(args), read_passphrase(args))
    try:
        enrolled = SyncOps(ledger).status().enrolled
    finally:
        cli_session.close(ledger, backup=False)
    if enrolled:
        print(pt("cli", "已新建数据文件。请运行 branch-ledger sync 从上级党委重新下载。"))
    else:
        print(pt("cli", "已新建数据文件。本机注册信息无法读取，请向上级党委申请新的注册码后运行 branch-ledger enrol。"))
    return 0


# ---------------------------------------------------------------------------------------- refused edits


def cmd_refused_list(args: argparse.Namespace) -> int:
    from desktop_app.operations.refused import list_refused

    with open_ledger(args) as ledger:
        found = list_refused(ledger)
    edits: list[RefusedEdit] = [row["edit"] for row in found.edits]
    pulled = found.pulled
    if args.json:
        print(json.dumps({"edits": [asdict(e) for e in edits], "pulled": pulled}, ensure_ascii=False, indent=2))
        return 0
    if not edits and not pulled:
        print(pt("cli", "没有被拒绝或无法同步的修改"))
    for e in edits:
        actions = listing(a for a, ok in (("amend", e.can_amend), ("reapply", e.can_reapply),
                                          ("retry", e.can_retry), ("dismiss", True)) if ok)
        print(pt("cli", "{change_id}  {title}：{message}（可用操作：{actions}）", change_id=e.change_id,
                 title=e.title or e.record_id, message=e.message, actions=actions))
    for p in pulled:
        print(pt("cli", "未接收（来自上级党委）：{record_id}：{message}", record_id=p["record_id"],
                 message=p["message"]))
    return 0


def cmd_refused_act(args: argparse.Namespace) -> int:
    """The 未送达的修改 panel's buttons, through the same operation."""
    from desktop_app.operations.refused import act_on_refused

    if args.action == "amend" and not args.reason:
        raise CommandError(pt("cli", "请用 --reason 说明更正原因"))
    with open_ledger(args) as ledger:
        acted = act_on_refused(ledger, args.change_id, args.action, reason=args.reason or "", author=args.author)
    if args.action == "amend":
        print(pt("cli", "已作为更正记录保存：{record_id}，下次同步时发送", record_id=acted.record_id))
    elif args.action == "reapply":
        print(pt("cli", "已重新保存到当前版本，下次同步时发送"))
    elif args.action == "retry":
        print(pt("cli", "下次同步时重新发送"))
    else:
        print(pt("cli", "已不再显示（内容仍保存在本机）"))
    return 0


def add_subcommands(sub: Any) -> None:
    """Register ``backup``, ``restore``, ``recovery-key``, ``salvage`` and ``refused`` (help in the
    language of this run, as in :mod:`desktop_app.cli`)."""
    action = pt("cli.metavar", "操作")
    json_help = pt("cli", "以 JSON 输出")
    p = sub.add_parser("backup", help=pt("cli", "加密备份：立即备份、列出备份、备份设置"))
    backup = p.add_subparsers(dest="backup_command", metavar=action, required=True)
    q = backup.add_parser("now", help=pt("cli", "立即备份"))
    q.set_defaults(func=cmd_backup_now)
    q = backup.add_parser("list", help=pt("cli", "列出本台账的备份（不需要密码）"))
    q.add_argument("--json", action="store_true", help=json_help)
    q.set_defaults(func=cmd_backup_list)
    q = backup.add_parser("config", help=pt("cli", "查看或设置备份位置和保留个数"))
    q.add_argument("--location", metavar=pt("cli.metavar", "文件夹"),
                   help=pt("cli", "备份到这个文件夹，例如 U 盘上的文件夹（'' 表示数据目录下的 backups/）"))
    q.add_argument("--keep", type=int, metavar=pt("cli.metavar", "个数"),
                   help=pt("cli", "保留最近几个备份（默认 10）"))
    q.add_argument("--on-close", choices=("yes", "no"),
                   help=pt("cli", "有修改时，关闭程序时自动备份（yes 或 no）"))
    q.add_argument("--json", action="store_true", help=json_help)
    q.set_defaults(func=cmd_backup_config)

    p = sub.add_parser("restore", help=pt("cli", "用备份替换当前数据（当前文件移到 aside/ 保存）"))
    p.add_argument("backup", metavar=pt("cli.metavar", "备份"),
                   help=pt("cli", "备份名（backup list 列出的名称）或备份所在的文件夹"))
    p.add_argument("--yes", action="store_true", help=pt("cli", "不再询问，直接执行"))
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("recovery-key", help=pt("cli", "重新生成恢复密钥，或显示尚未确认的恢复密钥"))
    rk = p.add_subparsers(dest="recovery_command", metavar=action, required=True)
    q = rk.add_parser("reissue", help=pt("cli", "生成新的恢复密钥（旧的随即失效）"))
    q.set_defaults(func=cmd_recovery_key_reissue)
    q = rk.add_parser("show", help=pt("cli", "显示从未确认的恢复密钥（新建台账时被中断）"))
    q.set_defaults(func=cmd_recovery_key_show)

    p = sub.add_parser("salvage", help=pt("cli", "数据损坏后：导出仍可读取的记录，或从上级党委重新下载"))
    sv = p.add_subparsers(dest="salvage_command", metavar=action, required=True)
    q = sv.add_parser("export", help=pt("cli", "把损坏数据中所有可读取的记录导出为 JSON"))
    q.add_argument("--out", required=True, metavar=pt("cli.metavar", "文件"),
                   help=pt("cli", "要写出的 JSON 文件"))
    q.set_defaults(func=cmd_salvage_export)
    q = sv.add_parser("fresh", help=pt("cli", "新建空的数据文件，下次同步时从上级党委重新下载本支部的记录"))
    q.add_argument("--yes", action="store_true", help=pt("cli", "不再询问，直接执行"))
    q.set_defaults(func=cmd_salvage_fresh)

    p = sub.add_parser("refused", help=pt("cli", "被上级党委拒收或无法发送的修改"))
    rf = p.add_subparsers(dest="refused_command", metavar=action, required=True)
    q = rf.add_parser("list", help=pt("cli", "列出这些修改"))
    q.add_argument("--json", action="store_true", help=json_help)
    q.set_defaults(func=cmd_refused_list)
    for name, text in (("amend", pt("cli", "把被拒收的内容另存为定稿的更正记录")),
                       ("reapply", pt("cli", "把被拒收的内容重新保存到当前草稿上")),
                       ("retry", pt("cli", "下次同步时重新发送")),
                       ("dismiss", pt("cli", "不再显示（内容仍保存在本机）"))):
        q = rf.add_parser(name, help=text)
        q.add_argument("change_id", metavar=pt("cli.metavar", "修改编号"),
                       help=pt("cli", "refused list 列出的修改编号"))
        if name == "amend":
            q.add_argument("--reason", metavar=pt("cli.metavar", "原因"), help=pt("cli", "更正原因"))
        q.set_defaults(func=cmd_refused_act, action=name)
