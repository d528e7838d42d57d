"""No command-line module reaches the store except through desktop_app.operations.

The twin of ``tests/ui/test_store_access.py`` for ``branch-ledger``: every module of the command
line (``desktop_app.cli`` and every ``desktop_app.*cli*`` module beside it, found by name so a new
one is covered) is imported and its syntax tree read. A CLI module may not import the store package
or the modules that take a ``Store`` (it calls their operations), may not build a ``Ledger`` from a
store, and may not use any object's ``store``, ``lock`` or ``conn`` — the opened ledger comes from
``desktop_app.cli_session.open_ledger``, and creating, restoring or salvaging one is
``desktop_app.operations.opening``.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import desktop_app

PACKAGE_ROOT = Path(desktop_app.__file__).parent

STORE_MODULES = ("desktop_app.store", "desktop_app.compliance_query", "desktop_app.reviews",
                 "desktop_app.print_jobs", "desktop_app.transfer")
PLUMBING = {"store", "lock", "conn"}

# Modules of the command line allowed an exception, each with its reason. Empty: every command runs
# through operations. A new entry needs a reason a reviewer accepts.
ALLOWED: dict[str, str] = {}


def cli_modules() -> list[str]:
    return sorted(f"desktop_app.{info.name}" for info in pkgutil.iter_modules([str(PACKAGE_ROOT)])
                  if not info.ispkg and "cli" in info.name)


def offences(name: str, tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.ImportFrom) and node.module:
            imported = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if any(m == s or m.startswith(s + ".") for m in imported for s in STORE_MODULES):
                found.append(f"{name}:{line}: imports from {node.module}")
        if isinstance(node, ast.Import):
            for alias in node.names:
                if any(alias.name == s or alias.name.startswith(s + ".") for s in STORE_MODULES):
                    found.append(f"{name}:{line}: imports {alias.name}")
        if isinstance(node, ast.Attribute) and node.attr in PLUMBING:
            found.append(f"{name}:{line}: uses .{node.attr}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("Ledger", "Store"):
            found.append(f"{name}:{line}: builds a {node.func.id}")
    return found


def test_the_walk_finds_every_command_module() -> None:
    modules = cli_modules()
    assert {"desktop_app.cli", "desktop_app.cli_session", "desktop_app.ledger_cli", "desktop_app.print_cli",
            "desktop_app.store_cli", "desktop_app.sync_cli"} <= set(modules)
    for name in modules:
        importlib.import_module(name)


def test_no_cli_module_touches_the_store() -> None:
    problems: list[str] = []
    for name in cli_modules():
        if name in ALLOWED:
            continue
        path = Path(importlib.import_module(name).__file__ or "")
        problems += offences(name, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    assert problems == []


def test_the_check_catches_what_it_forbids() -> None:
    bad = ast.parse(
        "from desktop_app.store import Store\n"
        "from desktop_app import transfer\n"
        "import desktop_app.store.backups\n"
        "from desktop_app.transfer import import_records\n"
        "store = Store.open(d, p)\n"
        "ledger = Ledger(store)\n"
        "ledger.store.records.count()\n"
        "with ledger.lock:\n    pass\n"
        "store.conn.execute('SELECT 1')\n"
    )
    kinds = {p.split(": ", 1)[1] for p in offences("desktop_app.example_cli", bad)}
    assert {"imports from desktop_app.store", "imports from desktop_app", "imports desktop_app.store.backups",
            "imports from desktop_app.transfer", "builds a Ledger", "uses .store", "uses .lock",
            "uses .conn"} <= kinds
    good = ast.parse(
        "from desktop_app.cli_session import open_ledger\n"
        "from desktop_app.operations import opening\n"
        "from desktop_app.operations.transfer import import_records\n"
        "with open_ledger(args) as ledger:\n    import_records(ledger, records)\n"
        "ledger = opening.restore_ledger(data_dir, info, passphrase)\n"
    )
    assert offences("desktop_app.example_cli", good) == []


def test_the_cli_tells_any_ledger_error_by_its_user_message(capsys: pytest.CaptureFixture[str]) -> None:
    """desktop_app.cli.main's one branch for every LedgerError: user_message(), detail on --verbose."""
    import argparse

    from desktop_app import cli
    from domain.errors import LedgerError

    class Translated(LedgerError):
        message = "原文"

        def user_message(self) -> str:
            return "译文的第一行\n第二行"

    args = argparse.Namespace(command="example", verbose=False)
    assert cli._tell(Translated(detail="technical"), args) == cli.EXIT_ERROR
    assert capsys.readouterr().err == "错误：译文的第一行\n错误：第二行\n"
    cli._tell(Translated(detail="technical"), argparse.Namespace(command="example", verbose=True))
    assert capsys.readouterr().err.endswith("（technical）\n")
