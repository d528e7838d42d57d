"""``branch-ledger-hq``: run the head-office server and administer it from the command line.

Every command takes ``--db`` (an SQLite file path or a ``postgresql+psycopg://`` URL; default:
``$BRANCH_LEDGER_HQ_DB`` or an SQLite file in the user's data directory). Commands that change
data run migrations first, so a fresh database works without a separate ``init``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from branch_ledger import version_line
from domain.errors import LedgerError
from sync.server import admin_tokens, orgs
from sync.server import devices as device_store
from sync.server.console.users import UserError
from sync.server.db import ENV_DB_URL, DatabaseUnavailable, database_url, make_engine, redact_url
from sync.server.keyfile import ENV_KEY_FILE, KeyFileError, default_key_file, load_keys, save_keys
from sync.server.quotas import (
    DEFAULT_ENROL_PER_MINUTE,
    DEFAULT_MAX_BRANCH_BLOB_BYTES,
    DEFAULT_MAX_STORED_BYTES,
    DEFAULT_REQUESTS_PER_MINUTE,
    ENV_BLOB_QUOTA_MB,
)
from sync.server.terminal import safe_json, safe_text

if TYPE_CHECKING:  # the service, reports and publisher load the domain's rules: imported by the commands using them
    from sync.server.publish import Publisher
    from sync.server.service import HeadOffice, ServerLimits

ENV_HQ_PASSWORD = "BRANCH_LEDGER_HQ_PASSWORD"


class CliError(LedgerError):
    """A command that cannot be carried out; the message is printed for the admin."""


def say(text: object = "", *, err: bool = False) -> None:
    """Print for the admin: names and titles from branches never reach the terminal raw."""
    print(safe_text(str(text)), file=sys.stderr if err else sys.stdout)


def _print_json(value: Any) -> None:
    print(safe_json(value))


def _engine(args: argparse.Namespace) -> Engine:
    return make_engine(database_url(args.db or os.environ.get(ENV_DB_URL)))


def _key_file(args: argparse.Namespace, engine: Engine) -> Path:
    return Path(args.key_file).expanduser() if args.key_file else default_key_file(engine.url)


def _office(args: argparse.Namespace, limits: ServerLimits | None = None) -> HeadOffice:
    from sync.server.service import HeadOffice

    engine = _engine(args)
    office = HeadOffice.open(engine, key_file=_key_file(args, engine))
    if limits is not None:
        office.limits = limits
    return office


# ---------------------------------------------------------------------------------- commands


def cmd_init(args: argparse.Namespace) -> int:
    from sync.server import profiles

    office = _office(args)
    say(f"数据库已就绪：{office.engine.url.render_as_string(hide_password=True)}")
    say(f"epoch: {office.identity.epoch}")
    say(f"密钥文件：{_key_file(args, office.engine)}（总部签名密钥与游标密钥，权限 0600，请单独备份）")
    # Upgrading from before issue 13: one profile per branch, under its derived id (profiles.py).
    retired = sum(profiles.merge_duplicates(office.engine, _publisher(office), b)
                  for b in office.call(profiles.branches_with_duplicates))
    if retired:
        say(f"已合并重复的支部信息 {retired} 份")
    # Build the console's derived index now rather than in the first page request after an upgrade.
    from sync.server.console import indexer

    indexed = indexer.refresh(office.engine)
    if indexed:
        say(f"已更新审核平台索引：{indexed} 个支部")
    return 0


def cmd_epoch_renew(args: argparse.Namespace) -> int:
    from sync.server.identity import renew_epoch

    office = _office(args)
    epoch = renew_epoch(office.engine)
    say(f"新的 epoch：{epoch}。请重启服务；各设备下次同步时会自动核对数据。")
    return 0


def cmd_evidence_set(args: argparse.Namespace) -> int:
    """Require (or, with no roles, stop requiring) attachments for one kind of activity."""
    from domain.attachments import ROLE_LABELS, AttachmentRole
    from domain.compliance.evidence import EvidencePolicy
    from domain.enums import MeetingType
    from sync.server import evidence

    office = _office(args)
    try:
        kind = MeetingType(args.meeting_type)
        roles = frozenset(AttachmentRole(r) for r in args.roles)
    except ValueError as exc:
        raise CliError(f"无效的会议类型或附件类别：{exc}") from exc
    policy = office.call(evidence.get_policy)
    required = dict(policy.required)
    required[kind] = roles
    office.call(evidence.set_policy, EvidencePolicy(required))
    wanted = "、".join(ROLE_LABELS[r] for r in sorted(roles, key=lambda r: r.value)) or "无"
    say(f"{kind.label}须附：{wanted}。各设备下次同步时收到此要求；统计随即按此计算。")
    return 0


def cmd_evidence_show(args: argparse.Namespace) -> int:
    from domain.attachments import ROLE_LABELS
    from domain.enums import MeetingType
    from sync.server import evidence

    policy = _office(args).call(evidence.get_policy)
    if args.json:
        _print_json(policy.to_json())
    elif not policy.meeting_types:
        say("（未要求任何佐证材料）")
    else:
        for kind in policy.meeting_types:
            roles = sorted(policy.needs(kind), key=lambda r: r.value)
            say(f"{MeetingType(kind).label}：{'、'.join(ROLE_LABELS[r] for r in roles)}")
    return 0


def cmd_org_add(args: argparse.Namespace) -> int:
    office = _office(args)
    unit = office.call(orgs.add_unit, args.name, args.kind, args.parent, args.id)
    say(f"已创建{orgs.KIND_LABELS[unit.kind]}“{unit.name}”，编号 {unit.id}")
    return 0


def cmd_org_list(args: argparse.Namespace) -> int:
    office = _office(args)
    units = office.call(orgs.all_units)
    if args.json:
        _print_json(orgs.tree_as_json(units))
    elif units:
        say(orgs.render_tree(units))
    else:
        say("（尚未建立组织，请使用 org add）")
    return 0


def cmd_enrol_code(args: argparse.Namespace) -> int:
    office = _office(args)
    if args.ttl_hours <= 0:
        raise CliError("--ttl-hours 必须大于 0")
    code, branch_id, expires = office.call(device_store.create_enrol_code, args.branch, args.ttl_hours)
    if args.json:
        _print_json({"code": code, "branch_id": branch_id, "expires_at": expires.isoformat()})
    else:
        say(f"注册码：{code}")
        say(
            f"支部：{branch_id}  有效期至：{expires.astimezone():%Y-%m-%d %H:%M %Z}（仅可使用一次）"
        )
    return 0


def cmd_devices_list(args: argparse.Namespace) -> int:
    office = _office(args)

    def run(conn: Any) -> list[device_store.DeviceSummary]:
        branch_id = orgs.resolve_branch(conn, args.branch).id if args.branch else None
        return device_store.list_devices(conn, branch_id)

    found = office.call(run)
    if args.json:
        _print_json([d.__dict__ for d in found])
        return 0
    if not found:
        say("（没有已注册的设备）")
    for d in found:
        state = f"已停用 {d.revoked_at}" if d.revoked_at else "正常"
        say(
            f"{d.device_id}  {d.name}  支部={d.branch_name}  最近同步={d.last_sync_at or '从未'}  {state}"
        )
    return 0


def cmd_devices_revoke(args: argparse.Namespace) -> int:
    office = _office(args)
    office.call(device_store.revoke_device, args.device_id, args.reason)
    say(f"设备 {args.device_id} 已停用")
    return 0


def cmd_records_list(args: argparse.Namespace) -> int:
    from sync.server import reports

    office = _office(args)
    rows = office.call(
        lambda conn: reports.list_records(conn, orgs.resolve_branch(conn, args.branch).id, args.kind)
    )
    if args.json:
        _print_json(rows)
        return 0
    for r in rows:
        flags = "".join(
            [
                " 已定稿" if r["status"] == "final" else "",
                " 已删除" if r["deleted"] else "",
                " 冲突待处理" if r["conflicted"] else "",
            ]
        )
        say(f"{r['record_id']}  {r['kind']}  {r['title']}  {r['current_rev']}{flags}")
    say(f"共 {len(rows)} 条")
    return 0


def cmd_records_export(args: argparse.Namespace) -> int:
    from sync.server import reports

    office = _office(args)
    data = office.call(lambda conn: reports.export_branch(conn, orgs.resolve_branch(conn, args.branch)))
    out = Path(args.out)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(out)
    say(f"已导出 {len(data['records'])} 条记录到 {out}")
    return 0


def cmd_admin_token(args: argparse.Namespace) -> int:
    office = _office(args)
    scopes = tuple(args.scope or admin_tokens.READ_SCOPES)
    ttl = dt.timedelta(days=args.ttl_days) if args.ttl_days > 0 else None
    token = office.call(admin_tokens.create_admin_token, args.name, scopes, ttl)
    print(token)
    say(f"（请妥善保存：此令牌只显示这一次。权限：{' '.join(scopes)}；"
        f"{'有效期 ' + str(args.ttl_days) + ' 天' if ttl else '永不过期'}）", err=True)
    return 0


def cmd_admin_token_list(args: argparse.Namespace) -> int:
    office = _office(args)
    tokens = office.call(admin_tokens.list_admin_tokens)
    if args.json:
        _print_json([t.__dict__ | {"active": t.active} for t in tokens])
        return 0
    for t in tokens:
        state = f"已吊销 {t.revoked_at}" if t.revoked_at else ("有效" if t.active else f"已过期 {t.expires_at}")
        say(f"{t.id}  {t.name}  权限={' '.join(t.scopes)}  到期={t.expires_at or '永不'}  {state}")
    if not tokens:
        say("（没有管理令牌）")
    return 0


def cmd_admin_token_revoke(args: argparse.Namespace) -> int:
    office = _office(args)
    office.call(admin_tokens.revoke_admin_token, args.token_id)
    say(f"管理令牌 {args.token_id} 已吊销")
    return 0


def cmd_keys_show(args: argparse.Namespace) -> int:
    office = _office(args)
    say(f"密钥文件：{_key_file(args, office.engine)}")
    say(f"当前总部公钥：{office.identity.signing_key.public_key_b64()}")
    say(f"已轮换次数：{len(office.identity.chain)}")
    return 0


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    office = _office(args)  # also migrates secrets out of an old database first
    path = _key_file(args, office.engine)
    keys = load_keys(path)
    if keys is None:
        raise CliError(f"找不到密钥文件：{path}")
    rotated = keys.rotated()
    save_keys(path, rotated)
    say(f"已生成新的总部签名密钥：{rotated.current.public_key_b64()}")
    say("请重启服务。各设备下次同步时会通过旧密钥签署的轮换链自动信任新密钥"
        "（需客户端支持，见 docs/sync-protocol.md）。")
    return 0


def _publisher(office: HeadOffice) -> Publisher:
    from sync.server.publish import Publisher

    return Publisher(office.engine, office.identity.signing_key, office.clock)


def cmd_notice_publish(args: argparse.Namespace) -> int:
    office = _office(args)
    body = Path(args.body_file).read_text(encoding="utf-8") if args.body_file else (args.body or "")
    issued = dt.date.fromisoformat(args.issued_on) if args.issued_on else dt.date.today()
    published = _publisher(office).publish_notice(
        target=args.branch or args.org,
        title=args.title,
        body=body,
        issued_on=issued,
        issuer=args.issuer,
        requires_ack=args.requires_ack,
        author=f"总部:{args.author}",
    )
    say(f"通知已发布到 {len(published)} 个支部")
    return 0


def cmd_roster_push(args: argparse.Namespace) -> int:
    office = _office(args)
    data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    members = data.get("members") if isinstance(data, dict) else data
    if not isinstance(members, list):
        raise CliError("名册文件应为成员列表，或含 members 列表的对象")
    published = _publisher(office).push_roster(
        branch=args.branch, members=members, author=f"总部:{args.author}"
    )
    changed = sum(1 for p in published if p.seq is not None)
    say(f"名册已下发：{changed} 条更新，{len(published) - changed} 条无变化")
    return 0


def cmd_compliance(args: argparse.Namespace) -> int:
    from sync.server import reports

    office = _office(args)
    today = dt.date.fromisoformat(args.today) if args.today else None
    result = office.call(reports.compliance, args.period, args.org, today)
    if args.json:
        _print_json(result)
        return 0
    say(f"期间：{args.period}")
    for row in result["branches"]:
        mark = "落后" if row["behind"] else "正常"
        counts = "，".join(f"{k}={v}" for k, v in sorted(row["counts"].items())) or "无会议记录"
        say(f"[{mark}] {' / '.join(row['path'])}：{counts}")
        for label in row["overdue"]:
            say(f"    逾期：{label}")
    say(f"落后支部：{len(result['behind'])} / {len(result['branches'])}")
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    from sync.server.console import audit
    from sync.server.console.users import add_user

    office = _office(args)
    password = _new_password()

    def run(conn: Any) -> Any:
        user = add_user(conn, args.name, args.role, password, org=args.org, display_name=args.display_name or "")
        audit.record(conn, "cli", "user_add", user.name, {"role": user.role, "org": user.org_id or ""})
        return user

    user = office.call(run)
    scope = user.org_id or "全部组织"
    print(f"已创建用户 {user.name}（{user.role_label}，管理范围：{scope}）")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    from sync.server.console.users import list_users

    office = _office(args)
    users = office.call(list_users)
    if args.json:
        _print_json([{**u.__dict__, "role_label": u.role_label} for u in users])
        return 0
    for u in users:
        state = "已停用" if u.disabled else "正常"
        print(f"{u.name}  {u.display_name}  {u.role_label}  范围={u.org_id or '全部组织'}  {state}")
    if not users:
        print("（还没有用户，请使用 user add）")
    return 0


def cmd_user_password(args: argparse.Namespace) -> int:
    from sync.server.console import audit
    from sync.server.console.sessions import end_sessions_of
    from sync.server.console.users import UserError, change_user, user_by_name

    office = _office(args)
    password = _new_password()

    def run(conn: Any) -> None:
        user = user_by_name(conn, args.name)
        if user is None:
            raise UserError(f"找不到用户：{args.name}")
        change_user(conn, user.id, password=password, disabled=False if args.enable else None)
        end_sessions_of(conn, user.id)
        audit.record(conn, "cli", "password", user.name, "")

    office.call(run)
    print(f"已重设 {args.name} 的密码")
    return 0


def _new_password() -> str:
    """The password from ``BRANCH_LEDGER_HQ_PASSWORD`` or typed twice at the prompt."""
    import getpass

    from sync.server.console.users import check_password_rules

    password = os.environ.get(ENV_HQ_PASSWORD)
    if password is None:
        if not sys.stdin.isatty():
            raise CliError(f"需要密码：请在终端中输入，或设置环境变量 {ENV_HQ_PASSWORD}")
        password = getpass.getpass("密码（至少 10 个字符）: ")
        if getpass.getpass("再次输入密码: ") != password:
            raise CliError("两次输入的密码不一致")
    check_password_rules(password)
    return password


def cmd_profiles_merge(args: argparse.Namespace) -> int:
    from sync.server import profiles

    office = _office(args)
    publisher = _publisher(office)
    branches = [orgs_resolve(office, args.branch)] if args.branch else office.call(profiles.branches_with_duplicates)
    retired = 0
    for branch_id in branches:
        retired += profiles.merge_duplicates(office.engine, publisher, branch_id)
    print(f"已检查 {len(branches)} 个支部，合并重复的支部信息 {retired} 份")
    return 0


def orgs_resolve(office: HeadOffice, branch: str) -> str:
    return str(office.call(lambda conn: orgs.resolve_branch(conn, branch).id))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_blob_store(office: HeadOffice) -> None:
    """With an S3 bucket configured, refuse to start unless it is reachable and usable."""
    from sync.server.blobs import Blobs
    from sync.server.blobstore_s3 import S3Storage, S3Unavailable

    try:
        blobs = office.blobs or Blobs.for_engine(office.engine)
        if isinstance(blobs.storage, S3Storage):
            blobs.storage.check()
    except S3Unavailable as exc:
        raise CliError(str(exc)) from exc
    office.blobs = blobs


def cmd_serve(args: argparse.Namespace) -> int:
    from sync.server.app import AppSettings, create_app
    from sync.server.service import ServerLimits
    from sync.server.serving import server_config

    tls = bool(args.ssl_certfile and args.ssl_keyfile)
    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        raise CliError("--ssl-certfile 和 --ssl-keyfile 必须同时提供")
    if not tls and not args.behind_proxy and not is_loopback(args.host):
        raise CliError(
            f"拒绝在 {args.host} 上提供明文 HTTP：请提供 --ssl-certfile/--ssl-keyfile，"
            "或在 HTTPS 反向代理之后运行并加 --behind-proxy（见 docs/head-office.md）"
        )
    if args.workers < 1:
        raise CliError("--workers 至少为 1")
    if args.workers > 1 and tls:
        raise CliError("多个工作进程时请由 nginx 终止 TLS：去掉 --ssl-certfile/--ssl-keyfile，加 --behind-proxy"
                       "（见 docs/deploy-hq.md）")
    import uvicorn

    # Migrates, once, before any worker starts.
    office = _office(args, ServerLimits(max_stored_bytes=args.max_storage_mb * 1024 * 1024,
                                        max_branch_blob_bytes=blob_quota_mb(args) * 1024 * 1024))
    _check_blob_store(office)
    settings = AppSettings(
        max_wire_bytes=args.max_body_mb * 1024 * 1024,
        requests_per_minute=args.requests_per_minute,
        enrol_per_minute=args.enrol_per_minute,
    )
    workers = args.workers > 1
    app: Any = (worker_processes(office, settings, _key_file(args, office.engine), args.header_timeout)
                if workers else create_app(office, settings))
    config = server_config(
        app,
        factory=workers,
        workers=args.workers,
        host=args.host,
        port=args.port,
        certfile=args.ssl_certfile,
        keyfile=args.ssl_keyfile,
        header_timeout=args.header_timeout,
        proxy_headers=args.behind_proxy,
        forwarded_allow_ips=args.forwarded_allow_ips if args.behind_proxy else None,
        log_level=args.log_level,
    )
    if workers:
        run_workers(config)
    else:
        uvicorn.Server(config).run()
    return 0


def worker_processes(office: HeadOffice, settings: Any, key_file: Path, header_timeout: float) -> str:
    """Hand the database, key file, settings and limits to uvicorn's worker processes (through the
    environment: workers are spawned, not forked); returns the ASGI factory's import path."""
    from sync.server.app import ENV_HEADER_TIMEOUT, ENV_LIMITS, ENV_SETTINGS, FACTORY, settings_to_env

    os.environ[ENV_DB_URL] = office.engine.url.render_as_string(hide_password=False)
    os.environ[ENV_KEY_FILE] = str(key_file)
    os.environ[ENV_SETTINGS] = settings_to_env(settings)
    os.environ[ENV_LIMITS] = settings_to_env(office.limits)
    os.environ[ENV_HEADER_TIMEOUT] = str(header_timeout)
    office.engine.dispose()  # the parent only supervises; each worker opens its own pool
    return FACTORY


WORKER_HEALTHCHECK_S = 60


def run_workers(config: Any) -> None:
    """uvicorn's supervisor over ``config.workers`` processes sharing one listening socket (what
    uvicorn.run does, with serve's own configuration)."""
    import inspect

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from sync.server.serving import GuardedH11Protocol

    # Spawned workers get the configuration pickled: the module-level protocol class (a per-call
    # subclass is not importable); each worker sets its header timeout from the environment.
    config.http = GuardedH11Protocol
    # uvicorn's supervisor kills a worker that does not answer its ping within 5 s and starts
    # another; a spawned worker importing the app on a busy machine took longer, so the workers
    # were replaced forever and never served (seen at load average 13). A minute, as for start-up.
    if hasattr(config, "timeout_worker_healthcheck"):
        config.timeout_worker_healthcheck = max(int(config.timeout_worker_healthcheck), WORKER_HEALTHCHECK_S)
    supervisor: Any = Multiprocess
    sockets = [config.bind_socket()]
    if "target" in inspect.signature(Multiprocess.__init__).parameters:  # older uvicorn releases want the target
        supervisor(config, target=uvicorn.Server(config).run, sockets=sockets).run()
    else:
        supervisor(config, sockets=sockets).run()


# ---------------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="branch-ledger-hq", description="支部台账 总部服务器与管理工具")
    parser.add_argument("--version", action="version", version=version_line("branch-ledger-hq"))
    parser.add_argument(
        "--db", help=f"SQLite 文件路径或 postgresql+psycopg:// URL（默认 ${ENV_DB_URL} 或用户数据目录）"
    )
    parser.add_argument(
        "--key-file",
        help=f"总部密钥文件（签名密钥与游标密钥，0600）；默认 ${ENV_KEY_FILE}，或 SQLite 文件旁的 .keys 文件",
    )
    parser.add_argument(
        "--blobs",
        help="附件文件目录（总部数据库之外；默认 $BRANCH_LEDGER_HQ_BLOBS，或 SQLite 文件旁的 .blobs 目录）",
    )
    # An S3-compatible object store instead of the directory (docs/attachments.md). Credentials are
    # deliberately not options: boto3 reads AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or
    # AWS_SHARED_CREDENTIALS_FILE, so they never appear in `ps` or shell history.
    parser.add_argument("--s3-bucket", help="把附件存入此 S3 兼容存储桶（MinIO 等；默认 $BRANCH_LEDGER_HQ_S3_BUCKET）")
    parser.add_argument("--s3-endpoint",
                        help="S3 端点 URL，如 https://minio.example:9000（默认 $BRANCH_LEDGER_HQ_S3_ENDPOINT）")
    parser.add_argument("--s3-prefix", help="存储桶内的键前缀（默认 $BRANCH_LEDGER_HQ_S3_PREFIX）")
    parser.add_argument("--s3-region", help="区域（默认 $BRANCH_LEDGER_HQ_S3_REGION 或 us-east-1）")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(
        name: str, fn: Callable[[argparse.Namespace], int], help_text: str, parent: Any = sub
    ) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = parent.add_parser(name, help=help_text)
        p.set_defaults(func=fn)
        return p

    add("init", cmd_init, "创建或升级数据库")
    add("migrate", cmd_init, "升级数据库结构")
    epoch = sub.add_parser("epoch", help="数据库身份").add_subparsers(dest="epoch_cmd", required=True)
    add("renew", cmd_epoch_renew, "从备份恢复后更换 epoch", epoch)

    org = sub.add_parser("org", help="组织架构").add_subparsers(dest="org_cmd", required=True)
    p = add("add", cmd_org_add, "新建组织", org)
    p.add_argument("name")
    p.add_argument("--kind", required=True, choices=list(orgs.KIND_LABELS))
    p.add_argument("--parent", help="上级组织编号或名称")
    p.add_argument("--id", help="组织编号（默认自动生成）")
    p = add("list", cmd_org_list, "显示组织树", org)
    p.add_argument("--json", action="store_true")

    p = add("enrol-code", cmd_enrol_code, "为支部生成一次性设备注册码")
    p.add_argument("--branch", required=True)
    p.add_argument("--ttl-hours", type=float, default=72.0)
    p.add_argument("--json", action="store_true")

    dev = sub.add_parser("devices", help="设备").add_subparsers(dest="devices_cmd", required=True)
    p = add("list", cmd_devices_list, "列出设备及最近同步时间", dev)
    p.add_argument("--branch")
    p.add_argument("--json", action="store_true")
    p = add("revoke", cmd_devices_revoke, "停用设备", dev)
    p.add_argument("device_id")
    p.add_argument("--reason", default="")

    rec = sub.add_parser("records", help="记录").add_subparsers(dest="records_cmd", required=True)
    p = add("list", cmd_records_list, "列出支部记录", rec)
    p.add_argument("--branch", required=True)
    p.add_argument("--kind")
    p.add_argument("--json", action="store_true")
    p = add("export", cmd_records_export, "导出支部全部记录（含历史）", rec)
    p.add_argument("--branch", required=True)
    p.add_argument("--out", required=True)

    tok = sub.add_parser("admin-token", help="管理令牌").add_subparsers(dest="token_cmd", required=True)
    p = add("create", cmd_admin_token, "创建管理 API 令牌", tok)
    p.add_argument("--name", required=True)
    p.add_argument("--scope", action="append", choices=[*admin_tokens.SCOPES, admin_tokens.ALL],
                   help="权限范围，可重复（默认只读：" + " ".join(admin_tokens.READ_SCOPES) + "）")
    p.add_argument("--ttl-days", type=float, default=admin_tokens.DEFAULT_TTL.days, help="有效天数（0 = 永不过期）")
    p = add("list", cmd_admin_token_list, "列出管理令牌", tok)
    p.add_argument("--json", action="store_true")
    p = add("revoke", cmd_admin_token_revoke, "吊销管理令牌", tok)
    p.add_argument("token_id", type=int)

    keys = sub.add_parser("keys", help="总部签名密钥").add_subparsers(dest="keys_cmd", required=True)
    add("show", cmd_keys_show, "显示当前总部公钥", keys)
    add("rotate", cmd_keys_rotate, "轮换总部签名密钥（旧密钥签署交接）", keys)

    notice = sub.add_parser("notice", help="通知").add_subparsers(dest="notice_cmd", required=True)
    p = add("publish", cmd_notice_publish, "向支部或组织下全部支部发布通知", notice)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--branch")
    target.add_argument("--org")
    p.add_argument("--title", required=True)
    p.add_argument("--body")
    p.add_argument("--body-file")
    p.add_argument("--issued-on")
    p.add_argument("--issuer", default="")
    p.add_argument("--requires-ack", action="store_true")
    p.add_argument("--author", default="admin")

    roster = sub.add_parser("roster", help="名册").add_subparsers(dest="roster_cmd", required=True)
    p = add("push", cmd_roster_push, "向支部下发名册更新（JSON 成员列表）", roster)
    p.add_argument("--branch", required=True)
    p.add_argument("--file", required=True)
    p.add_argument("--author", default="admin")

    ev = sub.add_parser("evidence", help="佐证材料要求（某类活动须附照片、签到表）").add_subparsers(
        dest="evidence_cmd", required=True)
    p = add("set", cmd_evidence_set, "设定某类活动须附的附件类别（不写类别即取消要求）", ev)
    p.add_argument("meeting_type", help="会议类型代码，如 theme_day（主题党日）、lecture（党课）")
    p.add_argument("roles", nargs="*", help="photo（活动照片）、sign_in_sheet（签到表）、lecture（讲稿/课件）")
    p = add("show", cmd_evidence_show, "列出佐证材料要求", ev)
    p.add_argument("--json", action="store_true")

    p = add("compliance", cmd_compliance, "各支部三会一课完成情况")
    p.add_argument("--period", required=True, help="2026、2026-Q4 或 2026-11")
    p.add_argument("--org", help="只看某组织下的支部")
    p.add_argument("--today", help="按此日期判断（默认今天）")
    p.add_argument("--json", action="store_true")

    user = sub.add_parser("user", help="网页审核平台的用户").add_subparsers(dest="user_cmd", required=True)
    p = add("add", cmd_user_add, f"新建用户（密码从提示输入或环境变量 {ENV_HQ_PASSWORD}）", user)
    p.add_argument("name", help="登录用户名")
    p.add_argument("--role", required=True, choices=["admin", "reviewer", "viewer"],
                   help="admin 管理员、reviewer 审核员、viewer 查看")
    p.add_argument("--org", help="管理范围：组织编号或名称（默认全部组织）")
    p.add_argument("--display-name", help="姓名")
    p = add("list", cmd_user_list, "列出用户", user)
    p.add_argument("--json", action="store_true")
    p = add("password", cmd_user_password, "重设用户密码", user)
    p.add_argument("name")
    p.add_argument("--enable", action="store_true", help="同时启用已停用的账号")

    prof = sub.add_parser("profiles", help="支部信息").add_subparsers(dest="profiles_cmd", required=True)
    p = add("merge", cmd_profiles_merge, "把同一支部的多份支部信息合并为一份（并通知各设备）", prof)
    p.add_argument("--branch", help="只处理这个支部（默认所有有重复的支部）")

    p = add("serve", cmd_serve, "运行总部同步服务")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8443)
    p.add_argument("--ssl-certfile")
    p.add_argument("--ssl-keyfile")
    p.add_argument(
        "--behind-proxy", action="store_true", help="在 HTTPS 反向代理之后运行（允许明文监听非回环地址）"
    )
    p.add_argument("--forwarded-allow-ips", default="127.0.0.1")
    p.add_argument("--max-body-mb", type=int, default=8, help="每个请求的上限（MiB，压缩后）")
    p.add_argument("--requests-per-minute", type=float, default=DEFAULT_REQUESTS_PER_MINUTE,
                   help="每台设备每分钟的同步请求数上限（0 为不限）")
    p.add_argument("--enrol-per-minute", type=float, default=DEFAULT_ENROL_PER_MINUTE,
                   help="每个客户端地址每分钟的注册和令牌续期次数上限（0 为不限）")
    p.add_argument("--max-storage-mb", type=int, default=DEFAULT_MAX_STORED_BYTES // (1024 * 1024),
                   help="每台设备在总部的存储配额（MiB）")
    p.add_argument("--blob-quota-mb", type=int, default=None,
                   help="每个支部在总部的附件存储配额（MiB；0 为不限；默认 $BRANCH_LEDGER_HQ_BLOB_QUOTA_MB，"
                        "未设置时 10240 即 10 GiB）")
    p.add_argument("--header-timeout", type=float, default=20.0, help="请求头必须在多少秒内收齐")
    p.add_argument("--log-level", default="info")
    p.add_argument("--workers", type=int, default=1,
                   help="工作进程数（默认 1；PostgreSQL 上可按 CPU 核数设置，见 docs/deploy-hq.md）")
    return parser


def blob_quota_mb(args: argparse.Namespace) -> int:
    """``serve``'s per-branch attachment quota in MiB: ``--blob-quota-mb``, else
    ``$BRANCH_LEDGER_HQ_BLOB_QUOTA_MB``, else 10 GiB; 0 = no limit."""
    if args.blob_quota_mb is not None:
        if args.blob_quota_mb < 0:
            raise CliError("--blob-quota-mb 不能为负数（0 为不限）")
        return int(args.blob_quota_mb)
    raw = os.environ.get(ENV_BLOB_QUOTA_MB, "").strip()
    if raw:
        if not raw.isdigit():
            raise CliError(f"{ENV_BLOB_QUOTA_MB} 应为不小于 0 的整数（MiB），当前为 {raw!r}")
        return int(raw)
    return DEFAULT_MAX_BRANCH_BLOB_BYTES // (1024 * 1024)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # before the imports below: --help needs none of them
    if args.blobs:
        from sync.server.blobs import ENV_BLOB_DIR

        # Through the environment, so `serve --workers N`'s worker processes use it too.
        os.environ[ENV_BLOB_DIR] = str(Path(args.blobs).expanduser().resolve())
    from sync.server import blobstore_s3
    from sync.server.compliance import BadPeriod
    from sync.server.publish import PublishError

    for option, variable in ((args.s3_bucket, blobstore_s3.ENV_BUCKET), (args.s3_endpoint, blobstore_s3.ENV_ENDPOINT),
                             (args.s3_prefix, blobstore_s3.ENV_PREFIX), (args.s3_region, blobstore_s3.ENV_REGION)):
        if option:
            os.environ[variable] = option  # read by Blobs.for_engine in every worker process
    try:
        result: int = args.func(args)
        return result
    except (
        CliError,
        UserError,
        orgs.OrgError,
        device_store.DeviceNotFound,
        admin_tokens.TokenError,
        PublishError,
        BadPeriod,
        DatabaseUnavailable,
        KeyFileError,
    ) as exc:
        say(f"错误：{redact_url(str(exc))}", err=True)
        return 1
    except (OSError, ValueError) as exc:
        say(f"错误：{redact_url(str(exc))}", err=True)
        return 1
    except SQLAlchemyError as exc:
        say(f"数据库错误：{redact_url(str(exc))}", err=True)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
