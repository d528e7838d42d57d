"""The command line in the clerk's language: Chinese by default, English on request.

``branch-ledger --help`` (and every message argparse itself prints: usage, "required", "invalid
choice") is in Chinese unless ``--lang en`` is given or the locale is English (``LANG=en_US…``;
``LC_ALL`` / ``LC_MESSAGES`` first, as gettext does). Help texts are Chinese sources looked up in the
catalog (``pt("cli", "…")``, :mod:`domain.i18n`; English in ``resources/translations/en.po``);
argparse's own strings are translated by :func:`install` (argparse looks them up
through the module-level ``_``/``ngettext`` names it imported from :mod:`gettext`).

Also here: plain-language reasons for OS errors (the OS's own text is English), and the names
of record kinds, so no code such as ``post_log`` reaches a clerk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from domain import i18n
from domain.errors import LedgerError
from domain.i18n import pt

_state = {"language": "zh"}


class CliError(LedgerError):
    """A failure to report on stderr with exit code 1 (message in Chinese).

    Defined here rather than in :mod:`desktop_app.cli` so that the subcommand modules raise the
    very class ``cli.main`` catches even when the CLI runs as ``python -m desktop_app.cli``
    (where that module is ``__main__`` and a second copy of it would define a second class).
    """

# argparse's messages (Python 3.11–3.13) and their Chinese.
_ARGPARSE_ZH: dict[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected at most one argument": "最多只能有一个值",
    "invalid %(type)s value: %(value)r": "%(type)s 值无效：%(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "选项不明确：%(option)s 可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "忽略多余的值 %r",
    "one of the arguments %s is required": "必须提供以下参数之一：%s",
    "unexpected option string: %s": "意外的选项：%s",
    "%(prog)s: error: %(message)s": "%(prog)s：错误：%(message)s",
}
_ARGPARSE_NGETTEXT_ZH: dict[str, str] = {
    "expected %s argument": "需要 %s 个值",
    "ignored explicit argument %r": "忽略多余的值 %r",
}

KIND_LABELS: dict[str, tuple[str, str]] = {
    "branch_profile": ("支部信息", "branch profile"),
    "member": ("党员", "member"),
    "meeting": ("会议记录", "meeting"),
    "pioneer_post": ("先锋岗", "pioneer post"),
    "post_log": ("履岗记录", "post log entry"),
    "post_evaluation": ("先锋岗评价", "post evaluation"),
    "notice": ("上级通知", "notice"),
}


def cli_language(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """'en' or 'zh' for this run: ``--lang`` wins, then the locale, else Chinese."""
    args = list(argv)
    for i, arg in enumerate(args):
        value = None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


def install(language: str) -> None:
    """Use ``language`` ('zh' or 'en') for help texts, argparse's own messages and every message
    from the domain (rule messages, labels: :mod:`domain.i18n`)."""
    _state["language"] = language
    i18n.set_language(language)
    if language == "zh":
        argparse._ = _zh_gettext  # type: ignore[attr-defined]
        argparse.ngettext = _zh_ngettext  # type: ignore[attr-defined]
    else:
        import gettext

        argparse._ = gettext.gettext  # type: ignore[attr-defined]
        argparse.ngettext = gettext.ngettext  # type: ignore[attr-defined]


def language() -> str:
    return _state["language"]


def kind_label(kind: str) -> str:
    """The name of a record kind for people (``post_log`` → 履岗记录)."""
    pair = KIND_LABELS.get(kind)
    if pair is None:
        return kind
    return pair[1] if _state["language"] == "en" else pair[0]


def os_reason(exc: OSError) -> str:
    """Why a file could not be used, in the language of this run (never the OS's own text)."""
    code = exc.errno
    if isinstance(exc, FileNotFoundError) or code == errno.ENOENT:
        return pt("cli", "文件或文件夹不存在")
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return pt("cli", "没有权限")
    if isinstance(exc, IsADirectoryError) or code == errno.EISDIR:
        return pt("cli", "这是一个文件夹，不是文件")
    if isinstance(exc, NotADirectoryError):
        return pt("cli", "路径中有一部分不是文件夹")
    if code == errno.ENOSPC:
        return pt("cli", "磁盘已满")
    return pt("cli", "磁盘或系统出错")


def _zh_gettext(message: str) -> str:
    return _ARGPARSE_ZH.get(message, message)


def _zh_ngettext(singular: str, plural: str, n: int) -> str:
    return _ARGPARSE_NGETTEXT_ZH.get(singular, singular if n == 1 else plural)


def output_file(path: str) -> Path:
    """``path`` from ``--out``, refused up front when it cannot be written: a folder that does not
    exist (a mistyped path, a USB stick not plugged in) or a folder where a file is wanted. Said
    here, with the clerk's own path — the write itself goes through a temporary file, whose name
    would otherwise be the one in the message."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise CliError(f"无法写出 {path}：这是一个文件夹，请写上文件名")
    if not target.parent.is_dir():
        raise CliError(f"无法写出 {path}：文件夹 {target.parent} 不存在")
    return target


def date_option(value: str | None, option: str) -> dt.date:
    """A ``YYYY-MM-DD`` option (today when not given), or a message naming the option."""
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CliError(f"{option} 日期不正确：{value}（应为 YYYY-MM-DD，如 2026-11-30）") from exc
