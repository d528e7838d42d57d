"""The language of a command-line run, shared by ``branch-ledger`` and ``branch-ledger-hq``.

Chinese by default; English when ``--lang en`` is given or the locale is English (``LC_ALL`` /
``LC_MESSAGES`` / ``LANG``, first set wins, as gettext reads them); ``--lang`` wins over the
locale. :func:`install` sets the language of every message from the catalog
(:mod:`domain.i18n`) and translates argparse's own strings (usage, "required", "invalid choice"),
which argparse looks up through the module-level ``_``/``ngettext`` names it imported from
:mod:`gettext`. Both programs call ``install(cli_language(argv))`` before building their parser,
so their help, their messages and argparse's are in one language.
"""

from __future__ import annotations

import argparse
import errno
import os
from collections.abc import Mapping, Sequence

from domain import i18n
from domain.i18n import CHINESE, pt

_state = {"language": "zh"}


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


def _zh_gettext(message: str) -> str:
    return _argparse_state["zh"].get(message, message)


def _zh_ngettext(singular: str, plural: str, n: int) -> str:
    return _argparse_state["zh"].get(singular, singular if n == 1 else plural)


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
