"""The command line in the clerk's language: Chinese by default, English on request.

``branch-ledger --help`` (and every message argparse itself prints: usage, "required", "invalid
choice") is in Chinese unless ``--lang en`` is given or the locale is English (``LANG=en_US…``;
``LC_ALL`` / ``LC_MESSAGES`` first, as gettext does). Help texts are Chinese sources looked up in the
catalog (``pt("cli", "…")``, :mod:`domain.i18n`; English in ``resources/translations/en.po``);
the choice of language and argparse's own strings are :mod:`branch_ledger.cli_language`'s, shared
with ``branch-ledger-hq``.

Also here: plain-language reasons for OS errors (the OS's own text is English), and the names
of record kinds, so no code such as ``post_log`` reaches a clerk.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

# The language of this run, chosen as branch-ledger-hq chooses it (one module for both programs).
from branch_ledger.cli_language import cli_language as cli_language
from branch_ledger.cli_language import install as install
from branch_ledger.cli_language import language as language
from branch_ledger.cli_language import os_reason as os_reason
from domain.errors import LedgerError
from domain.i18n import N_, pt, t


class CliError(LedgerError):
    """A failure to report on stderr with exit code 1 (message in the language of this run).

    Defined here rather than in :mod:`desktop_app.cli` so that the subcommand modules raise the
    very class ``cli.main`` catches even when the CLI runs as ``python -m desktop_app.cli``
    (where that module is ``__main__`` and a second copy of it would define a second class).
    """


# The names of record kinds (Chinese sources, shown through :func:`kind_label`).
KIND_LABELS: dict[str, str] = {
    "branch_profile": N_("支部信息"),
    "member": N_("党员"),
    "meeting": N_("会议记录"),
    "pioneer_post": N_("先锋岗"),
    "post_log": N_("履岗记录"),
    "post_evaluation": N_("先锋岗评价"),
    "notice": N_("上级通知"),
}


def kind_label(kind: str) -> str:
    """The name of a record kind for people (``post_log`` → 履岗记录)."""
    chinese = KIND_LABELS.get(kind)
    return kind if chinese is None else t(chinese)


def output_file(path: str) -> Path:
    """``path`` from ``--out``, refused up front when it cannot be written: a folder that does not
    exist (a mistyped path, a USB stick not plugged in) or a folder where a file is wanted. Said
    here, with the clerk's own path — the write itself goes through a temporary file, whose name
    would otherwise be the one in the message."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise CliError(pt("cli", "无法写出 {path}：这是一个文件夹，请写上文件名", path=path))
    if not target.parent.is_dir():
        raise CliError(pt("cli", "无法写出 {path}：文件夹 {folder} 不存在", path=path, folder=target.parent))
    return target


def date_option(value: str | None, option: str) -> dt.date:
    """A ``YYYY-MM-DD`` option (today when not given), or a message naming the option."""
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CliError(pt("cli", "{option} 日期不正确：{value}（应为 YYYY-MM-DD，如 2026-11-30）",
                          option=option, value=value)) from exc
