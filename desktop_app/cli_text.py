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
from domain.i18n import CHINESE, N_, pt, t

_state = {"language": "zh"}


class CliError(LedgerError):
    """A failure to report on stderr with exit code 1 (message in the language of this run).

    Defined here rather than in :mod:`desktop_app.cli` so that the subcommand modules raise the
    very class ``cli.main`` catches even when the CLI runs as ``python -m desktop_app.cli``
    (where that module is ``__main__`` and a second copy of it would define a second class).
    """

def _argparse_zh() -> dict[str, str]:
    """argparse's own messages (Python 3.11–3.13), English, with their Chinese from the catalog
    (context ``argparse`` in ``zh_CN.po``). Built on each :func:`install`, after the catalogs load."""
    return {
        "usage: ": pt("argparse", "usage: ", CHINESE),
        "positional arguments": pt("argparse", "positional arguments", CHINESE),
        "options": pt("argparse", "options", CHINESE),
        "optional arguments": pt("argparse", "optional arguments", CHINESE),
        "show this help message and exit": pt("argparse", "show this help message and exit", CHINESE),
        "show program's version number and exit": pt("argparse", "show program's version number and exit", CHINESE),
        "%(prog)s: error: %(message)s\n": pt("argparse", "%(prog)s: error: %(message)s\n", CHINESE),
        "the following arguments are required: %s": pt("argparse", "the following arguments are required: %s",
                                                        CHINESE),
        "unrecognized arguments: %s": pt("argparse", "unrecognized arguments: %s", CHINESE),
        "argument %(argument_name)s: %(message)s": pt("argparse", "argument %(argument_name)s: %(message)s", CHINESE),
        "invalid choice: %(value)r (choose from %(choices)s)": pt(
            "argparse", "invalid choice: %(value)r (choose from %(choices)s)", CHINESE),
        "expected one argument": pt("argparse", "expected one argument", CHINESE),
        "expected at least one argument": pt("argparse", "expected at least one argument", CHINESE),
        "expected at most one argument": pt("argparse", "expected at most one argument", CHINESE),
        "invalid %(type)s value: %(value)r": pt("argparse", "invalid %(type)s value: %(value)r", CHINESE),
        "ambiguous option: %(option)s could match %(matches)s": pt(
            "argparse", "ambiguous option: %(option)s could match %(matches)s", CHINESE),
        "not allowed with argument %s": pt("argparse", "not allowed with argument %s", CHINESE),
        "ignored explicit argument %r": pt("argparse", "ignored explicit argument %r", CHINESE),
        "one of the arguments %s is required": pt("argparse", "one of the arguments %s is required", CHINESE),
        "unexpected option string: %s": pt("argparse", "unexpected option string: %s", CHINESE),
        "%(prog)s: error: %(message)s": pt("argparse", "%(prog)s: error: %(message)s", CHINESE),
        # ngettext's singular forms
        "expected %s argument": pt("argparse", "expected %s argument", CHINESE),
    }


_argparse_state: dict[str, dict[str, str]] = {"zh": {}}

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
        _argparse_state["zh"] = _argparse_zh()
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
    chinese = KIND_LABELS.get(kind)
    return kind if chinese is None else t(chinese)


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
    return _argparse_state["zh"].get(message, message)


def _zh_ngettext(singular: str, plural: str, n: int) -> str:
    return _argparse_state["zh"].get(singular, singular if n == 1 else plural)


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
