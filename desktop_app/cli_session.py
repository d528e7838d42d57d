"""The passphrase and the opened ledger of one command-line run.

Every subcommand that works on an open ledger takes it from :func:`open_ledger` — a
:class:`~desktop_app.operations.ledger.Ledger` opened through :mod:`desktop_app.operations.opening`,
closed (and its backup on close written) before the command prints its last line — and calls
operations on it, exactly as the window's buttons do. The passphrase comes from
``--passphrase-file``, the ``BRANCH_LEDGER_PASSPHRASE`` environment variable, or a prompt — never
from the command line, where other users could read it in the process list.

A module of its own (not :mod:`desktop_app.cli`) so the subcommand modules import it at the top:
``python -m desktop_app.cli`` runs that file as ``__main__``, and a late ``import desktop_app.cli``
would load a second copy of it.

Nothing here or in the subcommand modules imports the store, the printing or the sync packages at
the top: each command imports what it uses when it runs, so ``branch-ledger --help`` (and a
mistyped option) answers without loading SQLCipher, reportlab or requests
(``tests/cli/test_startup_imports.py`` keeps it so).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app import cli_text
from desktop_app.cli_text import CliError
from domain.i18n import pt, t

if TYPE_CHECKING:  # the store (SQLCipher): imported when a command opens a ledger, not for --help
    from desktop_app.operations import Ledger

PASSPHRASE_ENV = "BRANCH_LEDGER_PASSPHRASE"


def read_passphrase(args: argparse.Namespace, *, prompt: str | None = None, confirm: bool = False) -> str:
    if getattr(args, "passphrase_file", None):
        try:
            return Path(args.passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise CliError(pt("cli", "无法读取密码文件：{reason}", reason=cli_text.os_reason(exc))) from exc
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not sys.stdin.isatty():
        raise CliError(pt("cli", "需要密码：请使用 --passphrase-file 或环境变量 {passphrase_env}",
                          passphrase_env=PASSPHRASE_ENV))
    first = getpass.getpass(prompt if prompt is not None else pt("cli", "密码: "))
    if confirm and getpass.getpass(pt("cli", "再次输入密码: ")) != first:
        raise CliError(pt("cli", "两次输入的密码不一致"))
    return first


def data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir)


def tell_opening_notices(ledger: Ledger) -> None:
    """What opening found, on stderr (never the key itself)."""
    from desktop_app.operations.settings import opening_notices

    notices = opening_notices(ledger)
    for warning in notices.key_warnings:
        print(pt("cli", "注意：{message}", message=t(warning)), file=sys.stderr)
    if notices.kept_aside:
        print(pt("cli", "注意：数据库日志未能完整恢复，最近约 {lost} 次保存无法读回；原日志已原样保存在 {aside}。"
                 "下次同步时将从上级党委重新读取全部记录。", lost=notices.commits_lost, aside=notices.kept_aside),
              file=sys.stderr)
    if notices.pending_recovery_key:
        print(pt("cli", "注意：此台账的恢复密钥还没有确认抄下，请运行 branch-ledger recovery-key show"),
              file=sys.stderr)


def close(ledger: Ledger, *, backup: bool = True) -> None:
    """Close the ledger and wait for it (its backup on close included): the command's work is on
    disk when the process exits."""
    from desktop_app.operations import wait_for_closing

    ledger.close(backup=backup)
    wait_for_closing()


@contextmanager
def open_ledger(args: argparse.Namespace, *, quiet: bool = False,
                passphrase: str | None = None) -> Iterator[Ledger]:
    """``with open_ledger(args) as ledger:`` — opened with the run's passphrase (or ``passphrase``),
    its opening notices told unless ``quiet``, closed at the end of the block."""
    from desktop_app.operations.opening import open_ledger as open_at

    ledger = open_at(data_dir(args), passphrase if passphrase is not None else read_passphrase(args))
    try:
        if not quiet:
            tell_opening_notices(ledger)
        yield ledger
    finally:
        close(ledger)
