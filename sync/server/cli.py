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
from branch_ledger.cli_language import cli_language, install, os_reason
from domain.errors import LedgerError
from domain.i18n import N_, label, listing, pt, t
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
# The console's roles, as the command line names them (the console has its own labels).
ROLE_NAMES = {"admin": N_("管理员"), "reviewer": N_("审核员"), "viewer": N_("查看")}


class CliError(LedgerError):
    """A command that cannot be carried out; the message is printed for the admin."""


def say(text: object = "", *, err: bool = False) -> None:
    """Print for the admin: names and titles from branches never reach the terminal raw."""
    print(safe_text(str(text)), file=sys.stderr if err else sys.stdout)


def _role(role: str) -> str:
    return t(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def _meeting_type(code: str) -> str:
    """A meeting type code as its name in the language of this run (an unknown code as it is)."""
    from domain.enums import MeetingType

    try:
        return label(MeetingType(code))
    except ValueError:
        return code


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
    say(pt("cli", "数据库已就绪：{url}", url=office.engine.url.render_as_string(hide_password=True)))
    say(f"epoch: {office.identity.epoch}")
    say(pt("cli", "密钥文件：{path}（总部签名密钥与游标密钥，权限 0600，请单独备份）",
           path=_key_file(args, office.engine)))
    # Upgrading from before issue 13: one profile per branch, under its derived id (profiles.py).
    retired = sum(profiles.merge_duplicates(office.engine, _publisher(office), b)
                  for b in office.call(profiles.branches_with_duplicates))
    if retired:
        say(pt("cli", "已合并重复的支部信息 {count} 份", count=retired))
    # Build the console's derived index now rather than in the first page request after an upgrade.
    from sync.server.console import indexer

    indexed = indexer.refresh(office.engine)
    if indexed:
        say(pt("cli", "已更新审核平台索引：{count} 个支部", count=indexed))
    return 0


def cmd_epoch_renew(args: argparse.Namespace) -> int:
    from sync.server.identity import renew_epoch

    office = _office(args)
    epoch = renew_epoch(office.engine)
    say(pt("cli", "新的 epoch：{epoch}。请重启服务；各设备下次同步时会自动核对数据。", epoch=epoch))
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
        raise CliError(pt("cli", "无效的会议类型或附件类别：{reason}", reason=exc)) from exc
    policy = office.call(evidence.get_policy)
    required = dict(policy.required)
    required[kind] = roles
    office.call(evidence.set_policy, EvidencePolicy(required))
    wanted = listing(t(ROLE_LABELS[r]) for r in sorted(roles, key=lambda r: r.value))
    wanted = wanted or pt("cli", "无")
    say(pt("cli", "{kind}须附：{wanted}。各设备下次同步时收到此要求；统计随即按此计算。",
           kind=label(kind), wanted=wanted))
    return 0


def cmd_evidence_show(args: argparse.Namespace) -> int:
    from domain.attachments import ROLE_LABELS
    from domain.enums import MeetingType
    from sync.server import evidence

    policy = _office(args).call(evidence.get_policy)
    if args.json:
        _print_json(policy.to_json())
    elif not policy.meeting_types:
        say(pt("cli", "（未要求任何佐证材料）"))
    else:
        for kind in policy.meeting_types:
            roles = sorted(policy.needs(kind), key=lambda r: r.value)
            names = listing(t(ROLE_LABELS[r]) for r in roles)
            say(pt("cli", "{kind}：{roles}", kind=label(MeetingType(kind)), roles=names))
    return 0


def cmd_org_add(args: argparse.Namespace) -> int:
    office = _office(args)
    unit = office.call(orgs.add_unit, args.name, args.kind, args.parent, args.id)
    say(pt("cli", "已创建{kind}“{name}”，编号 {id}", kind=orgs.kind_label(unit.kind), name=unit.name, id=unit.id))
    return 0


def cmd_org_list(args: argparse.Namespace) -> int:
    office = _office(args)
    units = office.call(orgs.all_units)
    if args.json:
        _print_json(orgs.tree_as_json(units))
    elif units:
        say(orgs.render_tree(units))
    else:
        say(pt("cli", "（尚未建立组织，请使用 {command}）", command="org add"))
    return 0


def cmd_enrol_code(args: argparse.Namespace) -> int:
    office = _office(args)
    if args.ttl_hours <= 0:
        raise CliError(pt("cli", "{option} 必须大于 0", option="--ttl-hours"))
    code, branch_id, expires = office.call(device_store.create_enrol_code, args.branch, args.ttl_hours)
    if args.json:
        _print_json({"code": code, "branch_id": branch_id, "expires_at": expires.isoformat()})
    else:
        say(pt("cli", "注册码：{code}", code=code))
        say(pt("cli", "支部：{branch}  有效期至：{expires}（仅可使用一次）", branch=branch_id,
               expires=f"{expires.astimezone():%Y-%m-%d %H:%M %Z}"))
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
        say(pt("cli", "（没有已注册的设备）"))
    for d in found:
        state = pt("cli", "已停用 {at}", at=d.revoked_at) if d.revoked_at else pt("cli", "正常")
        say(pt("cli", "{device}  {name}  支部={branch}  最近同步={last}  {state}", device=d.device_id, name=d.name,
               branch=d.branch_name, last=d.last_sync_at or pt("cli", "从未"), state=state))
    return 0


def cmd_devices_revoke(args: argparse.Namespace) -> int:
    office = _office(args)
    office.call(device_store.revoke_device, args.device_id, args.reason)
    say(pt("cli", "设备 {device} 已停用", device=args.device_id))
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
                " " + pt("cli", "已定稿") if r["status"] == "final" else "",
                " " + pt("cli", "已删除") if r["deleted"] else "",
                " " + pt("cli", "冲突待处理") if r["conflicted"] else "",
            ]
        )
        say(f"{r['record_id']}  {r['kind']}  {r['title']}  {r['current_rev']}{flags}")
    say(pt("cli", "共 {count} 条", count=len(rows)))
    return 0


def cmd_records_export(args: argparse.Namespace) -> int:
    from sync.server import reports

    office = _office(args)
    data = office.call(lambda conn: reports.export_branch(conn, orgs.resolve_branch(conn, args.branch)))
    out = Path(args.out)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(out)
    say(pt("cli", "已导出 {count} 条记录到 {path}", count=len(data["records"]), path=out))
    return 0


def cmd_admin_token(args: argparse.Namespace) -> int:
    office = _office(args)
    scopes = tuple(args.scope or admin_tokens.READ_SCOPES)
    ttl = dt.timedelta(days=args.ttl_days) if args.ttl_days > 0 else None
    token = office.call(admin_tokens.create_admin_token, args.name, scopes, ttl)
    print(token)
    lifetime = pt("cli", "有效期 {days} 天", days=f"{args.ttl_days:g}") if ttl else pt("cli", "永不过期")
    say(pt("cli", "（请妥善保存：此令牌只显示这一次。权限：{scopes}；{lifetime}）", scopes=" ".join(scopes),
           lifetime=lifetime), err=True)
    return 0


def cmd_admin_token_list(args: argparse.Namespace) -> int:
    office = _office(args)
    tokens = office.call(admin_tokens.list_admin_tokens)
    if args.json:
        _print_json([token.__dict__ | {"active": token.active} for token in tokens])
        return 0
    for token in tokens:
        state = (pt("cli", "已吊销 {at}", at=token.revoked_at) if token.revoked_at
                 else pt("cli", "有效") if token.active else pt("cli", "已过期 {at}", at=token.expires_at))
        say(pt("cli", "{id}  {name}  权限={scopes}  到期={expires}  {state}", id=token.id, name=token.name,
               scopes=" ".join(token.scopes), expires=token.expires_at or pt("cli", "永不"), state=state))
    if not tokens:
        say(pt("cli", "（没有管理令牌）"))
    return 0


def cmd_admin_token_revoke(args: argparse.Namespace) -> int:
    office = _office(args)
    office.call(admin_tokens.revoke_admin_token, args.token_id)
    say(pt("cli", "管理令牌 {id} 已吊销", id=args.token_id))
    return 0


def cmd_keys_show(args: argparse.Namespace) -> int:
    office = _office(args)
    say(pt("cli", "密钥文件：{path}",
           path=_key_file(args, office.engine)))
    say(pt("cli", "当前总部公钥：{key}", key=office.identity.signing_key.public_key_b64()))
    say(pt("cli", "已轮换次数：{count}", count=len(office.identity.chain)))
    return 0


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    office = _office(args)  # also migrates secrets out of an old database first
    path = _key_file(args, office.engine)
    keys = load_keys(path)
    if keys is None:
        raise CliError(pt("cli", "找不到密钥文件：{path}", path=path))
    rotated = keys.rotated()
    save_keys(path, rotated)
    say(pt("cli", "已生成新的总部签名密钥：{key}", key=rotated.current.public_key_b64()))
    say(pt("cli", "请重启服务。各设备下次同步时会通过旧密钥签署的轮换链自动信任新密钥（需客户端支持，见 {doc}）。",
           doc="docs/sync-protocol.md"))
    return 0


def _publisher(office: HeadOffice) -> Publisher:
    from sync.server.publish import Publisher

    return Publisher(office.engine, office.identity.signing_key, office.clock)


def cmd_notice_publish(args: argparse.Namespace) -> int:
    from sync.server.publish import HQ_AUTHOR_PREFIX

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
        author=HQ_AUTHOR_PREFIX + args.author,
    )
    say(pt("cli", "通知已发布到 {count} 个支部", count=len(published)))
    return 0


def cmd_roster_push(args: argparse.Namespace) -> int:
    from sync.server.publish import HQ_AUTHOR_PREFIX

    office = _office(args)
    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CliError(pt("cli", "{path} 不是有效的 JSON（第 {line} 行第 {column} 列）", path=args.file,
                          line=exc.lineno, column=exc.colno)) from exc
    except UnicodeDecodeError as exc:
        raise CliError(pt("cli", "{path} 不是 UTF-8 文本", path=args.file)) from exc
    members = data.get("members") if isinstance(data, dict) else data
    if not isinstance(members, list):
        raise CliError(pt("cli", "名册文件应为成员列表，或含 {key} 列表的对象", key="members"))
    published = _publisher(office).push_roster(
        branch=args.branch, members=members, author=HQ_AUTHOR_PREFIX + args.author
    )
    changed = sum(1 for p in published if p.seq is not None)
    say(pt("cli", "名册已下发：{changed} 条更新，{unchanged} 条无变化", changed=changed,
           unchanged=len(published) - changed))
    return 0


def cmd_compliance(args: argparse.Namespace) -> int:
    from sync.server import reports

    office = _office(args)
    today = dt.date.fromisoformat(args.today) if args.today else None
    result = office.call(reports.compliance, args.period, args.org, today)
    if args.json:
        _print_json(result)
        return 0
    say(pt("cli", "期间：{period}", period=args.period))
    for row in result["branches"]:
        mark = pt("cli", "落后") if row["behind"] else pt("cli", "正常")
        counts = pt("cli", "，").join(f"{_meeting_type(k)}={v}" for k, v in sorted(row["counts"].items()))
        say(pt("cli", "[{mark}] {path}：{counts}", mark=mark, path=" / ".join(row["path"]),
               counts=counts or pt("cli", "无会议记录")))
        for overdue in row["overdue"]:
            say(pt("cli", "    逾期：{requirement}", requirement=t(overdue)))
    say(pt("cli", "落后支部：{behind} / {total}", behind=len(result["behind"]), total=len(result["branches"])))
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
    scope = user.org_id or pt("cli", "全部组织")
    say(pt("cli", "已创建用户 {name}（{role}，管理范围：{scope}）", name=user.name, role=_role(user.role), scope=scope))
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    from sync.server.console.users import list_users

    office = _office(args)
    users = office.call(list_users)
    if args.json:
        _print_json([{**u.__dict__, "role_label": u.role_label} for u in users])
        return 0
    for u in users:
        state = pt("cli", "已停用") if u.disabled else pt("cli", "正常")
        say(pt("cli", "{name}  {display_name}  {role}  范围={scope}  {state}", name=u.name, display_name=u.display_name,
               role=_role(u.role), scope=u.org_id or pt("cli", "全部组织"), state=state))
    if not users:
        say(pt("cli", "（还没有用户，请使用 {command}）", command="user add"))
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
            raise UserError(pt("cli", "找不到用户：{name}", name=args.name))
        change_user(conn, user.id, password=password, disabled=False if args.enable else None)
        end_sessions_of(conn, user.id)
        audit.record(conn, "cli", "password", user.name, "")

    office.call(run)
    say(pt("cli", "已重设 {name} 的密码", name=args.name))
    return 0


def _new_password() -> str:
    """The password from ``BRANCH_LEDGER_HQ_PASSWORD`` or typed twice at the prompt."""
    import getpass

    from sync.server.console.users import check_password_rules

    password = os.environ.get(ENV_HQ_PASSWORD)
    if password is None:
        if not sys.stdin.isatty():
            raise CliError(pt("cli", "需要密码：请在终端中输入，或设置环境变量 {variable}", variable=ENV_HQ_PASSWORD))
        password = getpass.getpass(pt("cli", "密码（至少 10 个字符）: "))
        if getpass.getpass(pt("cli", "再次输入密码: ")) != password:
            raise CliError(pt("cli", "两次输入的密码不一致"))
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
    say(pt("cli", "已检查 {branches} 个支部，合并重复的支部信息 {count} 份", branches=len(branches), count=retired))
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
        raise CliError(pt("cli", "{cert} 和 {key} 必须同时提供", cert="--ssl-certfile", key="--ssl-keyfile"))
    if not tls and not args.behind_proxy and not is_loopback(args.host):
        raise CliError(pt(
            "cli", "拒绝在 {host} 上提供明文 HTTP：请提供 {tls}，或在 HTTPS 反向代理之后运行并加 {proxy}（见 {doc}）",
            host=args.host, tls="--ssl-certfile/--ssl-keyfile", proxy="--behind-proxy", doc="docs/head-office.md"))
    if args.workers < 1:
        raise CliError(pt("cli", "{option} 至少为 1", option="--workers"))
    if args.workers > 1 and tls:
        raise CliError(pt("cli", "多个工作进程时请由 nginx 终止 TLS：去掉 {tls}，加 {proxy}（见 {doc}）",
                          tls="--ssl-certfile/--ssl-keyfile", proxy="--behind-proxy", doc="docs/deploy-hq.md"))
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
    """The parser, with help in the language chosen by :func:`install` (Chinese by default)."""
    parser = argparse.ArgumentParser(prog="branch-ledger-hq", description=pt("cli", "支部台账 总部服务器与管理工具"))
    # Python 3.11's argparse does not translate the version action's own help: given here.
    parser.add_argument("--version", action="version", version=version_line("branch-ledger-hq"),
                        help=pt("cli", "显示版本号并退出"))
    parser.add_argument("--lang", choices=("zh_CN", "en"), help=pt("cli", "本次运行的语言（帮助和消息）"))
    parser.add_argument("--db", metavar=pt("cli.metavar", "地址"), help=pt(
        "cli", "SQLite 文件路径或 {scheme} 地址（默认 ${variable} 或用户数据目录）",
        scheme="postgresql+psycopg://", variable=ENV_DB_URL))
    parser.add_argument("--key-file", metavar=pt("cli.metavar", "文件"), help=pt(
        "cli", "总部密钥文件（签名密钥与游标密钥，0600）；默认 ${variable}，或 SQLite 文件旁的 {suffix} 文件",
        variable=ENV_KEY_FILE, suffix=".keys"))
    parser.add_argument("--blobs", metavar=pt("cli.metavar", "文件夹"), help=pt(
        "cli", "附件文件目录（总部数据库之外；默认 ${variable}，或 SQLite 文件旁的 {suffix} 目录）",
        variable="BRANCH_LEDGER_HQ_BLOBS", suffix=".blobs"))
    # An S3-compatible object store instead of the directory (docs/attachments.md). Credentials are
    # deliberately not options: boto3 reads AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or
    # AWS_SHARED_CREDENTIALS_FILE, so they never appear in `ps` or shell history.
    parser.add_argument("--s3-bucket", metavar=pt("cli.metavar", "名称"), help=pt(
        "cli", "把附件存入此 S3 兼容存储桶（MinIO 等；默认 ${variable}）", variable="BRANCH_LEDGER_HQ_S3_BUCKET"))
    parser.add_argument("--s3-endpoint", metavar=pt("cli.metavar", "地址"), help=pt(
        "cli", "S3 端点地址，如 {example}（默认 ${variable}）", example="https://minio.example:9000",
        variable="BRANCH_LEDGER_HQ_S3_ENDPOINT"))
    parser.add_argument("--s3-prefix", metavar=pt("cli.metavar", "前缀"), help=pt(
        "cli", "存储桶内的键前缀（默认 ${variable}）", variable="BRANCH_LEDGER_HQ_S3_PREFIX"))
    parser.add_argument("--s3-region", metavar=pt("cli.metavar", "区域"), help=pt(
        "cli", "区域（默认 ${variable} 或 {default}）", variable="BRANCH_LEDGER_HQ_S3_REGION", default="us-east-1"))
    sub = parser.add_subparsers(dest="command", required=True, metavar=pt("cli.metavar", "命令"))

    def add(
        name: str, fn: Callable[[argparse.Namespace], int], help_text: str, parent: Any = sub
    ) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = parent.add_parser(name, help=help_text)
        p.set_defaults(func=fn)
        return p

    def group(name: str, help_text: str, dest: str) -> Any:
        return sub.add_parser(name, help=help_text).add_subparsers(dest=dest, required=True,
                              metavar=pt("cli.metavar", "命令"))

    def json_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help=pt("cli", "以 JSON 输出"))

    add("init", cmd_init, pt("cli", "创建或升级数据库"))
    add("migrate", cmd_init, pt("cli", "升级数据库结构"))
    epoch = group("epoch", pt("cli", "数据库身份"), "epoch_cmd")
    add("renew", cmd_epoch_renew, pt("cli", "从备份恢复后更换 epoch"), epoch)

    org = group("org", pt("cli", "组织架构"), "org_cmd")
    p = add("add", cmd_org_add, pt("cli", "新建组织"), org)
    p.add_argument("name", metavar=pt("cli.metavar", "名称"), help=pt("cli", "组织名称"))
    p.add_argument("--kind", required=True, choices=list(orgs.KIND_LABELS),
                   help=pt("cli", "组织类型：group（集团党委）、committee（二级党委）、general_branch（党总支）、"
                                  "branch（支部）"))
    p.add_argument("--parent", metavar=pt("cli.metavar", "组织"), help=pt("cli", "上级组织编号或名称"))
    p.add_argument("--id", metavar=pt("cli.metavar", "编号"), help=pt("cli", "组织编号（默认自动生成）"))
    p = add("list", cmd_org_list, pt("cli", "显示组织树"), org)
    json_option(p)

    p = add("enrol-code", cmd_enrol_code, pt("cli", "为支部生成一次性设备注册码"))
    p.add_argument("--branch", required=True, metavar=pt("cli.metavar", "支部"), help=pt("cli", "支部编号或名称"))
    p.add_argument("--ttl-hours", type=float, default=72.0, metavar=pt("cli.metavar", "小时"),
                   help=pt("cli", "注册码有效小时数（默认 %(default)s）"))
    json_option(p)

    dev = group("devices", pt("cli", "设备"), "devices_cmd")
    p = add("list", cmd_devices_list, pt("cli", "列出设备及最近同步时间"), dev)
    p.add_argument("--branch", metavar=pt("cli.metavar", "支部"), help=pt("cli", "只列这个支部的设备"))
    json_option(p)
    p = add("revoke", cmd_devices_revoke, pt("cli", "停用设备"), dev)
    p.add_argument("device_id", metavar=pt("cli.metavar", "设备编号"), help=pt("cli", "要停用的设备"))
    p.add_argument("--reason", default="", metavar=pt("cli.metavar", "原因"),
                   help=pt("cli", "停用原因（记入设备记录）"))

    rec = group("records", pt("cli", "记录"), "records_cmd")
    p = add("list", cmd_records_list, pt("cli", "列出支部记录"), rec)
    p.add_argument("--branch", required=True, metavar=pt("cli.metavar", "支部"), help=pt("cli", "支部编号或名称"))
    p.add_argument("--kind", metavar=pt("cli.metavar", "类别"), help=pt("cli", "只列这类记录（如 meeting、member）"))
    json_option(p)
    p = add("export", cmd_records_export, pt("cli", "导出支部全部记录（含历史）"), rec)
    p.add_argument("--branch", required=True, metavar=pt("cli.metavar", "支部"), help=pt("cli", "支部编号或名称"))
    p.add_argument("--out", required=True, metavar=pt("cli.metavar", "文件"), help=pt("cli", "输出的 JSON 文件"))

    tok = group("admin-token", pt("cli", "管理令牌"), "token_cmd")
    p = add("create", cmd_admin_token, pt("cli", "创建管理 API 令牌"), tok)
    p.add_argument("--name", required=True, metavar=pt("cli.metavar", "名称"), help=pt("cli", "令牌名称（用途）"))
    p.add_argument("--scope", action="append", choices=[*admin_tokens.SCOPES, admin_tokens.ALL],
                   metavar=pt("cli.metavar", "权限"),
                   help=pt("cli", "权限范围，可重复：{choices}（默认只读：{default}）",
                           choices=" ".join([*admin_tokens.SCOPES, admin_tokens.ALL]),
                           default=" ".join(admin_tokens.READ_SCOPES)))
    p.add_argument("--ttl-days", type=float, default=admin_tokens.DEFAULT_TTL.days, metavar=pt("cli.metavar", "天数"),
                   help=pt("cli", "有效天数（0 = 永不过期；默认 %(default)s）"))
    p = add("list", cmd_admin_token_list, pt("cli", "列出管理令牌"), tok)
    json_option(p)
    p = add("revoke", cmd_admin_token_revoke, pt("cli", "吊销管理令牌"), tok)
    p.add_argument("token_id", type=int, metavar=pt("cli.metavar", "编号"), help=pt("cli", "令牌编号（见 {command}）",
                                                                  command="admin-token list"))

    keys = group("keys", pt("cli", "总部签名密钥"), "keys_cmd")
    add("show", cmd_keys_show, pt("cli", "显示当前总部公钥"), keys)
    add("rotate", cmd_keys_rotate, pt("cli", "轮换总部签名密钥（旧密钥签署交接）"), keys)

    notice = group("notice", pt("cli", "通知"), "notice_cmd")
    p = add("publish", cmd_notice_publish, pt("cli", "向支部或组织下全部支部发布通知"), notice)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--branch", metavar=pt("cli.metavar", "支部"), help=pt("cli", "发给这个支部"))
    target.add_argument("--org", metavar=pt("cli.metavar", "组织"), help=pt("cli", "发给这个组织下的全部支部"))
    p.add_argument("--title", required=True, metavar=pt("cli.metavar", "标题"), help=pt("cli", "通知标题"))
    p.add_argument("--body", metavar=pt("cli.metavar", "文字"), help=pt("cli", "通知正文"))
    p.add_argument("--body-file", metavar=pt("cli.metavar", "文件"), help=pt("cli", "从这个 UTF-8 文本文件读取正文"))
    p.add_argument("--issued-on", metavar=pt("cli.metavar", "日期"), help=pt("cli", "发文日期（YYYY-MM-DD，默认今天）"))
    p.add_argument("--issuer", default="", metavar=pt("cli.metavar", "名称"), help=pt("cli", "发文单位"))
    p.add_argument("--requires-ack", action="store_true", help=pt("cli", "要求支部确认收到"))
    p.add_argument("--author", default="admin", metavar=pt("cli.metavar", "姓名"), help=pt("cli", "记入修改历史的姓名"))

    roster = group("roster", pt("cli", "名册"), "roster_cmd")
    p = add("push", cmd_roster_push, pt("cli", "向支部下发名册更新（JSON 成员列表）"), roster)
    p.add_argument("--branch", required=True, metavar=pt("cli.metavar", "支部"), help=pt("cli", "支部编号或名称"))
    p.add_argument("--file", required=True, metavar=pt("cli.metavar", "文件"), help=pt("cli", "名册 JSON 文件"))
    p.add_argument("--author", default="admin", metavar=pt("cli.metavar", "姓名"), help=pt("cli", "记入修改历史的姓名"))

    ev = group("evidence", pt("cli", "佐证材料要求（某类活动须附照片、签到表）"), "evidence_cmd")
    p = add("set", cmd_evidence_set, pt("cli", "设定某类活动须附的附件类别（不写类别即取消要求）"), ev)
    p.add_argument("meeting_type", metavar=pt("cli.metavar", "会议类型"),
                   help=pt("cli", "会议类型代码，如 theme_day（主题党日）、lecture（党课）"))
    p.add_argument("roles", nargs="*", metavar=pt("cli.metavar", "附件类别"),
                   help=pt("cli", "photo（活动照片）、sign_in_sheet（签到表）、lecture（讲稿/课件）"))
    p = add("show", cmd_evidence_show, pt("cli", "列出佐证材料要求"), ev)
    json_option(p)

    p = add("compliance", cmd_compliance, pt("cli", "各支部三会一课完成情况"))
    p.add_argument("--period", required=True, metavar=pt("cli.metavar", "期间"),
                   help=pt("cli", "2026、2026-Q4 或 2026-11"))
    p.add_argument("--org", metavar=pt("cli.metavar", "组织"), help=pt("cli", "只看某组织下的支部"))
    p.add_argument("--today", metavar=pt("cli.metavar", "日期"), help=pt("cli", "按此日期判断（默认今天）"))
    json_option(p)

    user = group("user", pt("cli", "网页审核平台的用户"), "user_cmd")
    p = add("add", cmd_user_add, pt("cli", "新建用户（密码从提示输入或环境变量 {variable}）", variable=ENV_HQ_PASSWORD),
            user)
    p.add_argument("name", metavar=pt("cli.metavar", "用户名"), help=pt("cli", "登录用户名"))
    p.add_argument("--role", required=True, choices=["admin", "reviewer", "viewer"],
                   help=pt("cli", "admin 管理员、reviewer 审核员、viewer 查看"))
    p.add_argument("--org", metavar=pt("cli.metavar", "组织"),
                   help=pt("cli", "管理范围：组织编号或名称（默认全部组织）"))
    p.add_argument("--display-name", metavar=pt("cli.metavar", "姓名"), help=pt("cli", "姓名"))
    p = add("list", cmd_user_list, pt("cli", "列出用户"), user)
    json_option(p)
    p = add("password", cmd_user_password, pt("cli", "重设用户密码"), user)
    p.add_argument("name", metavar=pt("cli.metavar", "用户名"), help=pt("cli", "登录用户名"))
    p.add_argument("--enable", action="store_true", help=pt("cli", "同时启用已停用的账号"))

    prof = group("profiles", pt("cli", "支部信息"), "profiles_cmd")
    p = add("merge", cmd_profiles_merge, pt("cli", "把同一支部的多份支部信息合并为一份（并通知各设备）"), prof)
    p.add_argument("--branch", metavar=pt("cli.metavar", "支部"),
                   help=pt("cli", "只处理这个支部（默认所有有重复的支部）"))

    p = add("serve", cmd_serve, pt("cli", "运行总部同步服务"))
    p.add_argument("--host", default="127.0.0.1", metavar=pt("cli.metavar", "地址"),
                   help=pt("cli", "监听地址（默认 %(default)s）"))
    p.add_argument("--port", type=int, default=8443, metavar=pt("cli.metavar", "端口"),
                   help=pt("cli", "监听端口（默认 %(default)s）"))
    p.add_argument("--ssl-certfile", metavar=pt("cli.metavar", "文件"), help=pt("cli", "TLS 证书文件（PEM）"))
    p.add_argument("--ssl-keyfile", metavar=pt("cli.metavar", "文件"), help=pt("cli", "TLS 私钥文件（PEM）"))
    p.add_argument("--behind-proxy", action="store_true",
                   help=pt("cli", "在 HTTPS 反向代理之后运行（允许明文监听非回环地址）"))
    p.add_argument("--forwarded-allow-ips", default="127.0.0.1", metavar=pt("cli.metavar", "地址"),
                   help=pt("cli", "信任其转发头的代理地址（默认 %(default)s）"))
    p.add_argument("--max-body-mb", type=int, default=8, metavar=pt("cli.metavar", "兆字节"),
                   help=pt("cli", "每个请求的上限（MiB，压缩后）"))
    p.add_argument("--requests-per-minute", type=float, default=DEFAULT_REQUESTS_PER_MINUTE,
                   metavar=pt("cli.metavar", "次数"),
                   help=pt("cli", "每台设备每分钟的同步请求数上限（0 为不限）"))
    p.add_argument("--enrol-per-minute", type=float, default=DEFAULT_ENROL_PER_MINUTE,
                   metavar=pt("cli.metavar", "次数"),
                   help=pt("cli", "每个客户端地址每分钟的注册和令牌续期次数上限（0 为不限）"))
    p.add_argument("--max-storage-mb", type=int, default=DEFAULT_MAX_STORED_BYTES // (1024 * 1024),
                   metavar=pt("cli.metavar", "兆字节"), help=pt("cli", "每台设备在总部的存储配额（MiB）"))
    p.add_argument("--blob-quota-mb", type=int, default=None, metavar=pt("cli.metavar", "兆字节"),
                   help=pt("cli", "每个支部在总部的附件存储配额（MiB；0 为不限；默认 ${variable}，"
                                  "未设置时 10240 即 10 GiB）", variable=ENV_BLOB_QUOTA_MB))
    p.add_argument("--header-timeout", type=float, default=20.0, metavar=pt("cli.metavar", "秒数"),
                   help=pt("cli", "请求头必须在多少秒内收齐"))
    p.add_argument("--log-level", default="info", metavar=pt("cli.metavar", "级别"),
                   help=pt("cli", "日志级别：debug、info、warning、error（默认 %(default)s）"))
    p.add_argument("--workers", type=int, default=1, metavar=pt("cli.metavar", "个数"),
                   help=pt("cli", "工作进程数（默认 1；PostgreSQL 上可按 CPU 核数设置，见 {doc}）",
                           doc="docs/deploy-hq.md"))
    return parser


def blob_quota_mb(args: argparse.Namespace) -> int:
    """``serve``'s per-branch attachment quota in MiB: ``--blob-quota-mb``, else
    ``$BRANCH_LEDGER_HQ_BLOB_QUOTA_MB``, else 10 GiB; 0 = no limit."""
    if args.blob_quota_mb is not None:
        if args.blob_quota_mb < 0:
            raise CliError(pt("cli", "{option} 不能为负数（0 为不限）", option="--blob-quota-mb"))
        return int(args.blob_quota_mb)
    raw = os.environ.get(ENV_BLOB_QUOTA_MB, "").strip()
    if raw:
        if not raw.isdigit():
            raise CliError(pt("cli", "{variable} 应为不小于 0 的整数（MiB），当前为 {value}",
                              variable=ENV_BLOB_QUOTA_MB, value=repr(raw)))
        return int(raw)
    return DEFAULT_MAX_BRANCH_BLOB_BYTES // (1024 * 1024)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    install(cli_language(argv))  # as branch-ledger chooses: --lang, else the locale, else Chinese
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
        say(pt("cli", "错误：{message}", message=redact_url(str(exc))), err=True)
        return 1
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        say(pt("cli", "错误：{message}", message=where + os_reason(exc)), err=True)
        return 1
    except ValueError as exc:
        say(pt("cli", "错误：{message}", message=redact_url(str(exc))), err=True)
        return 1
    except SQLAlchemyError as exc:
        say(pt("cli", "数据库错误：{message}", message=redact_url(str(exc))), err=True)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
