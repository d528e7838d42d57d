"""``branch-ledger attachments add / list / export / remove / verify``: a record's attachments (签到表
scans, photos, 讲稿) from the command line, through the same operations the editor panel calls
(:mod:`desktop_app.operations.attachments`). Registered on the main CLI by one line in
``desktop_app.cli``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.cli_session import open_ledger as _ledger
from desktop_app.ledger_cli import EXIT_ERROR, EXIT_OK, CommandError
from domain import i18n
from domain.i18n import label, pt, t

if TYPE_CHECKING:  # the operations import the store: loaded by the command that runs (a fast --help)
    from desktop_app.operations import attachments as ops
    from desktop_app.operations.ledger import Ledger
    from domain.attachments import AttachmentRef


class _RoleChoices:
    """The ``--role`` choices, read from :class:`domain.attachments.AttachmentRole` only when
    argparse checks or shows them (``attachments add --role x``, ``attachments add --help``): that
    module brings pydantic, which ``branch-ledger --help`` need not load."""

    def __iter__(self) -> Iterator[str]:
        from domain.attachments import AttachmentRole

        return iter([r.value for r in AttachmentRole])

    def __contains__(self, value: object) -> bool:
        return value in list(self)


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def _pick(listing: list[ops.AttachmentListing], which: str) -> list[ops.AttachmentListing]:
    """Attachments named by ``which``: a digest, a digest prefix of 8+ characters, or a file name."""
    if not which:
        return listing
    found = [a for a in listing if a.ref.name == which or (len(which) >= 8 and a.ref.sha256.startswith(which))]
    if not found:
        raise CommandError(pt("cli", "这条记录没有附件“{which}”", which=which))
    if len({a.ref.sha256 for a in found}) > 1:
        raise CommandError(pt("cli", "“{which}”对应多个附件，请给出更长的摘要", which=which))
    return found[:1]


def cmd_add(args: argparse.Namespace) -> int:
    from desktop_app.operations import attachments as ops
    from desktop_app.operations.errors import RecordFinalized
    from desktop_app.operations.records import get_record
    from domain.attachments import AttachmentRole

    role = AttachmentRole(args.role) if args.role else None
    with _ledger(args) as ledger:
        if get_record(ledger, args.record_id).status.value != "draft":  # before anything is stored
            raise RecordFinalized(t("已定稿的记录附件不能再改动；请用“更正”新建一个版本来添加或替换附件"))
        result = ops.attach_files(ledger, [Path(f) for f in args.files], downscale=not args.keep_original,
                                  role=role, caption=args.caption or "")
        saved = ops.add_to_draft(ledger, args.record_id, result.attached) if result.attached else None
    if args.json:
        _print_json({"attached": [r.model_dump(mode="json") for r in result.attached],
                     "refused": [{"name": r.name, "code": r.code, "message": str(r)} for r in result.refused],
                     "rev": saved.envelope.rev if saved else None})
    else:
        for ref in result.attached:
            print(pt("cli", "已添加：{name}（{label}，{size_text}）", name=ref.name, label=label(ref.role),
                     size_text=_size(ref.size), value=ref.role.value))
        for refused in result.refused:
            print(pt("cli", "错误：{refused}", refused=refused, name=refused.name, code=refused.code), file=sys.stderr)
    return EXIT_OK if not result.refused else EXIT_ERROR


def cmd_list(args: argparse.Namespace) -> int:
    from desktop_app.operations import attachments as ops

    with _ledger(args) as ledger:
        listing = ops.record_attachments(ledger, args.record_id)
    if args.json:
        _print_json([{**a.ref.model_dump(mode="json"), "state": a.state} for a in listing])
        return EXIT_OK
    if not listing:
        print(pt("cli", "这条记录没有附件。"))
    for a in listing:
        caption = f"  {a.ref.caption}" if a.ref.caption else ""
        print(f"{a.ref.sha256[:12]}  {t(a.ref.role.label)}  {a.ref.name}  {_size(a.ref.size)}  "
              f"{t(a.state_label)}{caption}")
    return EXIT_OK


def _free_name(folder: Path, name: str, taken: set[str]) -> Path:
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, n = name, 2
    while candidate in taken or (folder / candidate).exists():
        candidate, n = pt("cli", "{stem}（{n}）{suffix}", stem=stem, n=n, suffix=suffix), n + 1
    taken.add(candidate)
    return folder / candidate


def _export(ledger: Ledger, chosen: list[ops.AttachmentListing], out: Path) -> list[Path]:
    from desktop_app.operations import attachments as ops

    if len(chosen) == 1 and not out.is_dir():
        return [ops.export_attachment(ledger, chosen[0].ref.sha256, out, name=chosen[0].ref.name)]
    if not out.is_dir():
        raise CommandError(pt("cli", "导出多个附件时 --out 须是已有的文件夹：{out}", out=out))
    taken: set[str] = set()
    return [ops.export_attachment(ledger, a.ref.sha256, _free_name(out, a.ref.name, taken), name=a.ref.name)
            for a in chosen]


def cmd_export(args: argparse.Namespace) -> int:
    from desktop_app.operations import attachments as ops

    with _ledger(args) as ledger:
        chosen = _pick(ops.record_attachments(ledger, args.record_id), args.which or "")
        if not chosen:
            raise CommandError(pt("cli", "这条记录没有附件"))
        missing = [a.ref.name for a in chosen if a.state != "local"]
        if missing:
            raise CommandError(pt("cli", "附件尚未下载到本机：{names}（先同步）", names=i18n.listing(missing)))
        written = _export(ledger, chosen, Path(args.out))
    for path in written:
        print(pt("cli", "已导出：{path}", path=path))
    print(pt("cli", "注意：导出的副本没有加密，请妥善保管。"))
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from desktop_app.operations import attachments as ops

    with _ledger(args) as ledger:
        [chosen] = _pick(ops.record_attachments(ledger, args.record_id), args.which)
        ops.remove_from_draft(ledger, args.record_id, chosen.ref.sha256)
    print(pt("cli", "已从草稿中移除：{name}", name=chosen.ref.name))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from desktop_app.operations import attachments as ops
    from desktop_app.operations.attachments import AttachmentDamaged, AttachmentMissing

    bad: list[tuple[AttachmentRef, str]] = []
    with _ledger(args) as ledger:
        listing = ops.record_attachments(ledger, args.record_id)
        for a in listing:
            if a.state != "local":
                continue
            try:
                ops.attachment_content(ledger, a.ref.sha256, name=a.ref.name)
            except (AttachmentDamaged, AttachmentMissing) as exc:
                bad.append((a.ref, exc.message))
    for ref, message in bad:
        print(pt("cli", "错误：{message}", message=message, name=ref.name), file=sys.stderr)
    if not bad:
        checked = sum(1 for a in listing if a.state == "local")
        print(pt("cli", "已检查 {checked} 个附件，全部完好。", checked=checked))
    return EXIT_ERROR if bad else EXIT_OK


def cmd_limit(args: argparse.Namespace) -> int:
    from desktop_app.operations import attachments as ops

    with _ledger(args) as ledger:
        limit = ops.set_attachment_limit(ledger, args.set) if args.set is not None else ops.attachment_limit(ledger)
    print(pt("cli", "每个附件的大小上限：{size_text}", size_text=_size(limit)))
    return EXIT_OK


def add_subcommands(sub: Any) -> None:
    json_help = pt("cli", "以 JSON 输出")
    record_help = pt("cli", "记录编号")
    p = sub.add_parser("attachments",
                       help=pt("cli", "记录的附件（签到表、活动照片、讲稿）：添加、列出、导出、移除、检查"))
    acts = p.add_subparsers(dest="attachments_command", required=True, metavar=pt("cli.metavar", "操作"))

    q = acts.add_parser("add", help=pt("cli", "给一条草稿记录添加附件（照片默认缩小到长边约 2000 像素）"))
    q.add_argument("record_id", metavar=pt("cli.metavar", "记录编号"), help=record_help)
    q.add_argument("files", nargs="+", metavar=pt("cli.metavar", "文件"),
                   help=pt("cli", "JPEG、PNG、HEIC、PDF、Word、PowerPoint 或 Excel 文件（每个不超过 20 MB）"))
    role = q.add_argument("--role", help=pt("cli", "附件类别：签到表、活动照片、讲稿/课件、其他（默认按文件类型）"))
    role.choices = _RoleChoices()  # after add_argument, which would list them (and load pydantic) at once
    q.add_argument("--caption", metavar=pt("cli.metavar", "说明"), help=pt("cli", "附件说明（打印在照片下方）"))
    q.add_argument("--keep-original", action="store_true",
                   help=pt("cli", "保留原图，不缩小照片"))
    q.add_argument("--json", action="store_true", help=json_help)
    q.set_defaults(func=cmd_add)

    q = acts.add_parser("list", help=pt("cli", "列出一条记录的附件"))
    q.add_argument("record_id", metavar=pt("cli.metavar", "记录编号"), help=record_help)
    q.add_argument("--json", action="store_true", help=json_help)
    q.set_defaults(func=cmd_list)

    q = acts.add_parser("export", help=pt("cli", "把附件另存为未加密的文件"))
    q.add_argument("record_id", metavar=pt("cli.metavar", "记录编号"), help=record_help)
    q.add_argument("which", nargs="?", metavar=pt("cli.metavar", "附件"),
                   help=pt("cli", "附件的文件名或摘要前缀（默认全部）"))
    q.add_argument("--out", required=True, metavar=pt("cli.metavar", "位置"),
                   help=pt("cli", "要写出的文件，或导出多个附件时的文件夹"))
    q.set_defaults(func=cmd_export)

    q = acts.add_parser("remove", help=pt("cli", "从草稿记录中移除一个附件"))
    q.add_argument("record_id", metavar=pt("cli.metavar", "记录编号"), help=record_help)
    q.add_argument("which", metavar=pt("cli.metavar", "附件"), help=pt("cli", "附件的文件名或摘要前缀"))
    q.set_defaults(func=cmd_remove)

    q = acts.add_parser("verify", help=pt("cli", "检查一条记录的附件是否完好（解密并核对摘要）"))
    q.add_argument("record_id", metavar=pt("cli.metavar", "记录编号"), help=record_help)
    q.set_defaults(func=cmd_verify)

    q = acts.add_parser("limit", help=pt("cli", "显示或修改每个附件的大小上限（默认 20 MB）"))
    q.add_argument("--set", type=int, metavar=pt("cli.metavar", "兆字节"),
                   help=pt("cli", "新的上限，单位 MB（1 到 200）"))
    q.set_defaults(func=cmd_limit)
