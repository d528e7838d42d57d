"""``branch-ledger --help`` and every subcommand's ``--help``, run as a clerk runs them.

Chinese by default, English with ``--lang en``. Each help is a real subprocess of the program
(``python -m desktop_app.cli``, with a neutral ``C.UTF-8`` locale so the default is what a clerk
gets); the list of commands comes from the parser itself, so a new subcommand is checked too.
The Chinese help may hold no English word except the command line's own vocabulary (command and
option names, their choices, record-kind codes, environment variables, file and folder names)
and a few acronyms; the English help holds no Chinese except the program's name 支部台账.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

import pytest

from desktop_app import cli, cli_text
from desktop_app.paths import default_data_dir
from tests.packaging.conftest import ROOT

ACRONYMS = {"BranchLedger", "JSON", "PDF", "CSV", "Excel", "JPEG", "PNG", "HEIC", "Word", "PowerPoint", "MB",
            "PEM", "CA", "USB", "YYYY", "MM", "DD", "Q4", "https", "hq", "example",
            "cn", "U", "aside", "backups", "zh_CN", "en", "BRANCH_LEDGER_DATA_DIR", "BRANCH_LEDGER_PASSPHRASE"}
PROGRAM_NAME_ZH = "支部台账"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, child in _subparsers(parser).items():
        found += _walk(child, (*path, name))
    return found


def _vocabulary(parser: argparse.ArgumentParser) -> set[str]:
    """Words the command line itself defines: command and option names, choices."""
    words: set[str] = set()
    for action in parser._actions:
        for option in action.option_strings:
            words |= set(re.split(r"[-_]+", option.strip("-"))) | {option.strip("-")}
        for choice in action.choices or ():
            words |= {str(choice), *re.split(r"[-_]+", str(choice))}
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                words |= _vocabulary(child)
    return words


PARSER = cli.build_parser()  # for its structure only (argparse's own strings are left as they are)
COMMANDS = _walk(PARSER)
VOCABULARY = _vocabulary(PARSER) | set(cli_text.KIND_LABELS) | ACRONYMS | {"branch", "ledger"}


def _helps(command: tuple[str, ...]) -> tuple[str, str]:
    """The Chinese (default) and the English (``--lang en``) help, the two programs run side by side."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env["LANG"] = "C.UTF-8"
    runs = [subprocess.Popen([sys.executable, "-m", "desktop_app.cli", *lang, *command, "--help"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
            for lang in ([], ["--lang", "en"])]
    outputs = []
    for run in runs:
        stdout, stderr = run.communicate(timeout=120)
        assert run.returncode == 0 and stderr == "", stderr
        outputs.append(stdout)
    return outputs[0], outputs[1]


def english_words(text: str) -> list[str]:
    text = text.replace(str(default_data_dir()), "")
    words = re.findall(r"[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*", text)
    return sorted({w for w in words if w not in VOCABULARY and not set(re.split(r"[-_]+", w)) <= VOCABULARY})


def test_every_command_is_checked() -> None:
    names = {" ".join(c) for c in COMMANDS}
    for expected in ("", "create", "import", "print", "sync", "enrol", "backup now", "backup config", "restore",
                     "recovery-key reissue", "salvage export", "salvage fresh", "refused amend"):
        assert expected in names


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "branch-ledger")
def test_help_is_chinese_by_default_and_english_on_request(command: tuple[str, ...]) -> None:
    zh, en = _helps(command)
    assert zh.startswith("用法："), zh
    assert "选项" in zh and "显示本帮助并退出" in zh
    assert english_words(zh) == [], f"English in the Chinese help of {' '.join(command)}:\n{zh}"
    assert len(CJK.findall(zh)) > 6

    assert en.startswith("usage:"), en
    assert "show this help message and exit" in en
    assert CJK.findall(en.replace(PROGRAM_NAME_ZH, "")) == [], f"Chinese in the English help:\n{en}"
