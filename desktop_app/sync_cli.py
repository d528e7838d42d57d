"""``branch-ledger enrol`` / ``sync`` / ``sync-status``: head-office sync from the command line.

Added to the main CLI by ``desktop_app.cli`` through :func:`add_subcommands`. The same engine the
GUI runs in a worker thread runs here in the foreground, so a scheduled task can sync a branch
laptop unattended.
"""

from __future__ import annotations

import argparse
import json
import logging
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from desktop_app.cli_session import open_ledger
from desktop_app.cli_text import CliError
from domain.i18n import pt

if TYPE_CHECKING:  # pydantic, requests and the store: loaded by the command that runs (a fast --help)
    from desktop_app.operations.sync import SyncOps
    from sync.client.engine import SyncProgress

log = logging.getLogger("branch_ledger.sync")


def _enrol_field_message(field: str) -> str:
    """What is wrong with a field of the enrolment request, in the clerk's words."""
    if field == "code":
        return pt("cli", "注册码格式不正确：应为上级党委给出的 4–64 位注册码")
    if field == "device_name":
        return pt("cli", "设备名称不正确：应为 1–100 个字")
    return pt("cli", "{field} 不正确", field=field)


@contextmanager
def _open(args: argparse.Namespace) -> Iterator[SyncOps]:
    """The sync operations of the opened ledger (the same object the 同步 page's controller holds)."""
    from desktop_app.operations.sync import SyncOps

    with open_ledger(args) as ledger:
        yield SyncOps(ledger)


def cmd_enrol(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    code = args.code or input(pt("cli", "注册码: ")).strip()
    with _open(args) as ops:
        try:  # a SyncError is told by desktop_app.cli.main, as every LedgerError
            creds = ops.enrol(args.server, code, args.ca_bundle, device_name=args.device_name)
        except ValidationError as exc:  # the request's own limits (a mistyped code), before anything is sent
            fields = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
            raise CliError(pt("cli", "；").join(_enrol_field_message(f) for f in sorted(fields))) from exc
    print(pt("cli", "已注册到 {branch_name}（{branch_id}），设备编号 {device_id}", branch_name=creds.branch_name,
             branch_id=creds.branch_id, device_id=creds.device_id))
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from sync.client.errors import SyncError

    def show(progress: SyncProgress) -> None:
        if not args.json:
            line = pt("cli", "第 {page} 页：上传 {pushed}，下载 {pulled}，待传 {pending}", page=progress.page,
                      pushed=progress.pushed, pulled=progress.pulled, pending=progress.pending)
            print(line, file=sys.stderr)

    with _open(args) as ops:
        try:
            stats = ops.sync(show).stats  # a SyncError is told by desktop_app.cli.main
        except SyncError as exc:
            log.warning("sync failed: %s", type(exc).__name__)
            raise
        status = ops.report().state
    log.info("sync: pushed %d (accepted %d, conflicts %d, rejected %d), pulled %d, %d requests", stats.pushed,
             stats.accepted, stats.conflicts, stats.rejected, stats.pulled, stats.requests)
    if args.json:
        print(json.dumps({"stats": asdict(stats), "status": asdict(status)}, ensure_ascii=False, indent=2))
        return 0
    print(pt("cli", "同步完成：上传 {pushed}（接受 {accepted}，重复 {duplicates}，冲突 {conflicts}，拒绝 {rejected}），"
             "下载 {pulled}；{requests} 次请求，上行 {bytes_up} 字节，下行 {bytes_down} 字节", **asdict(stats)))
    if stats.blobs is not None and stats.blobs.error:  # records went up; the files wait for a later sync
        print(pt("cli", "附件未上传完：{error}", error=stats.blobs.error), file=sys.stderr)
    if stats.checksum_ok is False:
        print(pt("cli", "警告：与总部的数据校验不一致，请联系管理员"), file=sys.stderr)
    if status.conflicts:
        print(pt("cli", "有 {count} 条记录存在冲突，请在“同步”页面处理", count=status.conflicts))
    if status.rejected:
        print(pt("cli", "有 {count} 条修改被总部拒绝，详见 sync-status", count=status.rejected))
    return 0


def cmd_sync_status(args: argparse.Namespace) -> int:
    with _open(args) as ops:
        report = ops.report()
    status, rejected, pulled, conflicts = report.state, report.rejected, report.quarantined_pulls, report.conflicts
    if args.json:
        print(json.dumps({"status": asdict(status), "rejected": rejected, "quarantined_pulls": pulled,
                          "conflicts": [asdict(c) for c in conflicts]}, ensure_ascii=False, indent=2))
        return 0
    if not status.enrolled:
        print(pt("cli", "本设备尚未注册到总部（branch-ledger enrol --server URL --code 注册码）"))
    else:
        print(pt("cli", "所属支部：{branch_name}", branch_name=status.branch_name))
    print(pt("cli", "最近成功同步：{when}", when=status.last_success or pt("cli", "从未")))
    if status.last_error:
        print(pt("cli", "最近错误：{error}", error=status.last_error))
    print(pt("cli", "待上传：{pending}  被拒绝：{rejected}  无法同步：{quarantined}  冲突：{conflicts}",
             pending=status.pending, rejected=status.rejected, quarantined=status.quarantined,
             conflicts=status.conflicts))
    if status.full_resync:
        print(pt("cli", "下次同步将从上级党委重新读取全部记录（本机数据曾恢复到较早的状态）"))
    for item in rejected:
        label = pt("cli", "无法同步") if item.get("state") == "quarantined" else pt("cli", "被拒绝")
        print(pt("cli", "  {label}：{title}：{message}", label=label, title=item["title"] or item["record_id"],
                 message=item["message"]))
    for item in pulled:
        print(pt("cli", "  未接收（来自上级党委）：{record_id}：{message}", record_id=item["record_id"],
                 message=item["message"]))
    for conflict in conflicts:
        print(pt("cli", "  冲突：{title}（{count} 个版本）", title=conflict.title or conflict.record_id,
                 count=len(conflict.versions)))
    return 0


def add_subcommands(subparsers: Any) -> None:
    """Register ``enrol``, ``sync`` and ``sync-status`` on the main CLI's subparsers."""
    p = subparsers.add_parser("enrol", help=pt("cli", "用一次性登记码把本机登记到上级党委"))
    p.add_argument("--server", required=True, metavar=pt("cli.metavar", "地址"),
                   help=pt("cli", "上级党委服务器地址，如 https://hq.example.cn"))
    p.add_argument("--code", metavar=pt("cli.metavar", "登记码"), help=pt("cli", "一次性登记码（不填时会提示输入）"))
    p.add_argument("--device-name", default=socket.gethostname(), metavar=pt("cli.metavar", "名称"),
                   help=pt("cli", "上级党委看到的本机名称"))
    p.add_argument("--ca-bundle", metavar=pt("cli.metavar", "文件"),
                   help=pt("cli", "上级党委自建 CA 的证书文件（PEM）"))
    p.set_defaults(func=cmd_enrol)

    p = subparsers.add_parser("sync", help=pt("cli", "立即与上级党委同步（上传并下载）"))
    p.add_argument("--json", action="store_true", help=pt("cli", "以 JSON 输出"))
    p.set_defaults(func=cmd_sync)

    p = subparsers.add_parser("sync-status", help=pt("cli", "上次同步、待上传、被拒收和冲突的记录"))
    p.add_argument("--json", action="store_true", help=pt("cli", "以 JSON 输出"))
    p.set_defaults(func=cmd_sync_status)
