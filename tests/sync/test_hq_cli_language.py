"""``branch-ledger-hq`` in the admin's language (issue 12): the installed program, run as an admin
runs it, against a real head-office database, once in Chinese (the default) and once in English.

Each language gets its own SQLite head office and the same session of commands — setting up the
org tree, enrolment codes, tokens, keys, evidence rules, users, the compliance report — plus the
mistakes an admin makes (an unknown parent, a branch that is not one, plain HTTP on a public
address, a missing argument). The English run may show Chinese only in what the admin typed
(unit and user names); the Chinese run no English word beyond the command line's own vocabulary
(commands, options, codes), machine values (keys, tokens, paths) and a few acronyms. ``--json``
keys are the same in both.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sync.server import admin_tokens
from sync.server.cli import build_parser
from tests.packaging.test_cli_help import _vocabulary

PROGRAM = Path(sys.executable).parent / "branch-ledger-hq"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
# What the admin typed: names of units and users (user data, shown as typed in either language).
TYPED = ("林业局党委", "第一支部", "值班脚本", "张三")
ACRONYMS = {"BranchLedger", "JSON", "HTTP", "HTTPS", "TLS", "PEM", "MiB", "GiB", "API", "S3", "URL", "SQLite",
            "PostgreSQL", "CPU", "nginx", "MinIO", "UTF", "YYYY", "MM", "DD", "Q4", "epoch", "sqlite", "docs", "md",
            "hq", "deploy", "head", "office", "sync", "protocol", "keys", "blobs", "UTC", "us", "east", "https",
            "example", "psycopg", "postgresql", "pip", "install", "boto3", "ledger", "branch", "zh_CN", "en"}
SCOPE_WORDS = {word for scope in admin_tokens.SCOPES for word in scope.split(":")}  # orgs:read …
# Values the admin types: unit ids, the wrong parent and scope of the mistakes, log levels, a region.
TYPED_VALUES = {"g1", "b1", "nosuch", "nope", "debug", "info", "warning", "error", "us-east-1"}
VOCABULARY = _vocabulary(build_parser()) | ACRONYMS | SCOPE_WORDS | TYPED_VALUES
# Each command is a process of its own (about 2 s of imports, several on a loaded machine).
pytestmark = pytest.mark.timeout(900)

SESSION: tuple[tuple[str, ...], ...] = (
    ("init",),
    ("org", "add", "林业局党委", "--kind", "group", "--id", "g1"),
    ("org", "add", "第一支部", "--kind", "branch", "--parent", "g1", "--id", "b1"),
    ("org", "list"),
    ("enrol-code", "--branch", "b1"),
    ("records", "list", "--branch", "b1"),
    ("admin-token", "create", "--name", "值班脚本", "--ttl-days", "7"),
    ("admin-token", "revoke", "1"),
    ("admin-token", "list"),
    ("keys", "show"),
    ("evidence", "set", "theme_day", "photo", "sign_in_sheet"),
    ("evidence", "show"),
    ("compliance", "--period", "2026-Q4", "--today", "2026-12-01"),
    ("user", "add", "张三", "--role", "reviewer"),
    ("user", "list"),
    # mistakes: each is refused with a message (exit 1, or argparse's 2)
    ("org", "add", "第二支部", "--kind", "branch", "--parent", "nosuch"),
    ("records", "list", "--branch", "g1"),
    ("enrol-code", "--branch", "b1", "--ttl-hours", "0"),
    ("admin-token", "revoke", "99"),
    ("admin-token", "create", "--name", "x", "--scope", "nope"),
    ("serve", "--host", "0.0.0.0"),
    ("org", "add"),
    ("records", "export", "--branch", "b1", "--out", "/nonexistent/folder/out.json"),
    ("roster", "push", "--branch", "b1", "--file", "{broken}"),
    ("--help",),
    ("serve", "--help"),
)
JSON_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("org", "list", "--json"),
    ("compliance", "--period", "2026-Q4", "--today", "2026-12-01", "--json"),
)


def _session(db: Path, lang: list[str], env: dict[str, str]) -> list[tuple[tuple[str, ...], int, str]]:
    out = []
    broken = db.with_name("roster.json")
    broken.write_text('{"members": [', encoding="utf-8")
    for command in (*SESSION, *JSON_COMMANDS):
        filled = [arg.replace("{broken}", str(broken)) for arg in command]
        run = subprocess.run([str(PROGRAM), *lang, "--db", str(db), *filled], capture_output=True, text=True,
                             env=env, timeout=180)
        out.append((command, run.returncode, run.stdout + run.stderr))
    return out


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[tuple[str, ...], int, str]]]:
    """The session in Chinese (neutral locale) and in English (``--lang en``), side by side."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "BRANCH_LEDGER"))}
    base["BRANCH_LEDGER_HQ_PASSWORD"] = "a long enough password"
    runs = {"zh": ([], {**base, "LANG": "C.UTF-8"}), "en": (["--lang", "en"], {**base, "LANG": "C.UTF-8"})}
    found: dict[str, list[tuple[tuple[str, ...], int, str]]] = {}

    def go(name: str) -> None:
        lang, env = runs[name]
        folder = tmp_path_factory.mktemp(f"hq-{name}")
        found[name] = _session(folder / "hq.sqlite3", lang, {**env, "BRANCH_LEDGER_HQ_BLOBS": str(folder / "b")})

    threads = [threading.Thread(target=go, args=(name,)) for name in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return found


def _machine_values_removed(text: str) -> str:
    """Tokens, keys, ids, paths, dates and URLs: not words of a language."""
    text = re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d)?", " ", text)  # timestamps
    text = re.sub(r"(?<![A-Za-z0-9+=])(/[\w.+-]+)+/?", " ", text)  # paths (not the "/" inside a key)
    text = re.sub(r"\b[\w:+.-]*://\S*", " ", text)  # URLs
    text = re.sub(r"[A-Za-z0-9_+/=-]{20,}", " ", text)  # tokens, keys, epochs
    return re.sub(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4})+\b", " ", text)  # enrolment codes


def _english_words(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*", _machine_values_removed(text))
    return sorted({w for w in words if w not in VOCABULARY and not set(re.split(r"[-_]+", w)) <= VOCABULARY
                   and not re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+", w)})  # environment variables


def test_every_command_ran_as_expected_in_both_languages(
        sessions: dict[str, list[tuple[tuple[str, ...], int, str]]]) -> None:
    for name, results in sessions.items():
        codes = {" ".join(command): code for command, code, _ in results}
        assert codes["init"] == 0 and codes["user list"] == 0 and codes["compliance --period 2026-Q4 --today "
                                                                            "2026-12-01"] == 0, (name, codes)
        assert codes["org add 第二支部 --kind branch --parent nosuch"] == 1
        assert codes["serve --host 0.0.0.0"] == 1 and codes["org add"] == 2


def test_english_output_holds_no_chinese_but_what_the_admin_typed(
        sessions: dict[str, list[tuple[tuple[str, ...], int, str]]]) -> None:
    for command, _code, text in sessions["en"]:
        if "--json" in command:
            continue
        shown = text
        for typed in TYPED:
            shown = shown.replace(typed, "")
        assert CJK.findall(shown) == [], f"Chinese in the English output of {' '.join(command)}:\n{text}"
    by_command = {" ".join(c): text for c, _, text in sessions["en"]}
    assert "No such unit: nosuch" in by_command["org add 第二支部 --kind branch --parent nosuch"]
    assert "“林业局党委” is a Group Party committee, not a branch" in by_command["records list --branch g1"]
    assert "Refusing to serve plain HTTP on 0.0.0.0" in by_command["serve --host 0.0.0.0"]
    assert "the following arguments are required" in by_command["org add"]
    assert "Branches behind: 1 / 1" in by_command["compliance --period 2026-Q4 --today 2026-12-01"]
    assert "is not valid JSON (line 1" in by_command["roster push --branch b1 --file {broken}"]
    export = by_command["records export --branch b1 --out /nonexistent/folder/out.json"]
    assert "does not exist" in export and "No such file or directory" not in export
    assert "revoked" in by_command["admin-token list"]
    assert "Theme day: Activity photos, sign-in sheet" in by_command["evidence show"]
    assert "overdue: Theme day (once a month)" in by_command["compliance --period 2026-Q4 --today 2026-12-01"]


def test_chinese_output_holds_no_stray_english(sessions: dict[str, list[tuple[tuple[str, ...], int, str]]]) -> None:
    for command, _code, text in sessions["zh"]:
        if "--json" in command:
            continue
        assert _english_words(text) == [], f"English in the Chinese output of {' '.join(command)}:\n{text}"
        assert CJK.search(text), f"no Chinese in {' '.join(command)}:\n{text}"
    by_command = {" ".join(c): text for c, _, text in sessions["zh"]}
    assert "找不到组织：nosuch" in by_command["org add 第二支部 --kind branch --parent nosuch"]
    assert "错误：缺少必需的参数：名称, --kind" in by_command["org add"]
    assert "落后支部：1 / 1" in by_command["compliance --period 2026-Q4 --today 2026-12-01"]


def test_json_keys_do_not_depend_on_the_language(
        sessions: dict[str, list[tuple[tuple[str, ...], int, str]]]) -> None:
    def keys(value: object) -> object:
        if isinstance(value, dict):
            return {k: keys(v) for k, v in value.items() if k not in ("epoch",)}
        if isinstance(value, list):
            return [keys(v) for v in value[:1]]
        return None

    zh = {c: text for c, _, text in sessions["zh"] if "--json" in c}
    en = {c: text for c, _, text in sessions["en"] if "--json" in c}
    for command in JSON_COMMANDS:
        assert keys(json.loads(zh[command])) == keys(json.loads(en[command])), command


def test_an_english_locale_chooses_english_and_lang_wins(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    db = str(tmp_path / "hq.sqlite3")
    english = subprocess.run([str(PROGRAM), "--db", db, "org", "list"], capture_output=True, text=True,
                             env={**env, "LANG": "en_US.UTF-8"}, timeout=180)
    assert english.returncode == 0 and "no organisation units yet" in english.stdout, english.stdout
    chinese = subprocess.run([str(PROGRAM), "--lang", "zh_CN", "--db", db, "org", "list"], capture_output=True,
                             text=True, env={**env, "LANG": "en_US.UTF-8"}, timeout=180)
    assert "尚未建立组织" in chinese.stdout, chinese.stdout
