"""No UI module reaches the store except through desktop_app.operations.

Imports every module under ``desktop_app/ui`` (so a broken import fails here too) and reads its
syntax tree: a UI module may not import the store package or the store-taking helpers, may not use
a session's ``store``/``lock``/``read``/``guard``, and may not reach through any ``.store.``.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import desktop_app.ui

UI_ROOT = Path(desktop_app.ui.__file__).parent

# Modules that take a Store argument: the UI calls their operations instead.
STORE_MODULES = ("desktop_app.store", "desktop_app.compliance_query", "desktop_app.reviews",
                 "desktop_app.print_jobs", "desktop_app.transfer")

# Creating, opening, restoring and salvaging a ledger go through desktop_app.operations.opening,
# which returns the Ledger the session holds, so the unlock screen, the first-run wizard, the
# restore flow, the salvage dialog and the shell import nothing from the store. One module remains:
# the session itself keeps ``store``/``lock``/``read``/``guard`` for the tests that inspect the
# database (no UI module may use them, see SESSION_PLUMBING) and names ``Store`` for their types —
# that one name and nothing else.
ALLOWED_IMPORTS = {
    "desktop_app.ui.session": {"desktop_app.store.Store"},
}

SESSION_NAMES = {"session", "_session"}
SESSION_PLUMBING = {"store", "lock", "read", "guard"}


def ui_modules() -> list[str]:
    names = ["desktop_app.ui"]
    for info in pkgutil.walk_packages([str(UI_ROOT)], prefix="desktop_app.ui."):
        names.append(info.name)
    return sorted(names)


def _is_session(node: ast.expr) -> bool:
    """``session``, ``self.session``, ``self._session``, ``wizard.session`` …"""
    if isinstance(node, ast.Name):
        return node.id in SESSION_NAMES
    return isinstance(node, ast.Attribute) and node.attr in SESSION_NAMES


def offences(name: str, tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.ImportFrom) and node.module:
            imported = [f"{node.module}.{a.name}" for a in node.names]
            imported = [m for m in imported if m not in ALLOWED_IMPORTS.get(name, set())]
            if imported and any(m == s or m.startswith(s + ".") for m in [node.module, *imported]
                                for s in STORE_MODULES):
                found.append(f"{name}:{line}: imports from {node.module}")
        if isinstance(node, ast.Import):
            for alias in node.names:
                if any(alias.name == s or alias.name.startswith(s + ".") for s in STORE_MODULES):
                    found.append(f"{name}:{line}: imports {alias.name}")
        if isinstance(node, ast.Attribute) and name != "desktop_app.ui.session":
            if node.attr in SESSION_PLUMBING and _is_session(node.value):
                found.append(f"{name}:{line}: uses session.{node.attr}")
            if isinstance(node.value, ast.Attribute) and node.value.attr == "store":
                found.append(f"{name}:{line}: reaches through .store.{node.attr}")
    return found


def test_every_ui_module_imports() -> None:
    modules = ui_modules()
    assert len(modules) > 40  # the walk found the package
    for name in modules:
        importlib.import_module(name)


def test_no_ui_module_touches_the_store() -> None:
    problems: list[str] = []
    for name in ui_modules():
        module = importlib.import_module(name)
        path = Path(module.__file__ or "")
        problems += offences(name, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    assert problems == []


def test_the_check_catches_what_it_forbids() -> None:
    """The rules themselves: each forbidden form is found, the operations' forms are not."""
    bad = ast.parse(
        "from desktop_app.store import RecordFilter\n"
        "import desktop_app.compliance_query\n"
        "with self.session.lock:\n    self.session.store.records.get(x)\n"
        "session.read(lambda s: s)\n"
        "guard = self._session.guard()\n"
        "store_holder.store.meta.get('k')\n"
    )
    kinds = [p.split(": ", 1)[1] for p in offences("desktop_app.ui.example", bad)]
    assert "imports from desktop_app.store" in kinds
    assert "imports desktop_app.compliance_query" in kinds
    assert {"uses session.lock", "uses session.store", "uses session.read", "uses session.guard"} <= set(kinds)
    assert "reaches through .store.records" in kinds and "reaches through .store.meta" in kinds
    good = ast.parse(
        "from desktop_app.operations import records\n"
        "from desktop_app.operations.types import RecordFilter\n"
        "env = records.get_record(self.session.ledger, record_id)\n"
    )
    assert offences("desktop_app.ui.example", good) == []
    # The modules that open a ledger are held to the same rules (they go through operations.opening).
    opener = ast.parse("from desktop_app.store import Store\nStore.open(data_dir, passphrase)\n")
    found = {p.split(": ", 1)[1] for p in offences("desktop_app.ui.unlock", opener)}
    assert found == {"imports from desktop_app.store"}
    # The session may name the store type for its test plumbing — that name only.
    assert offences("desktop_app.ui.session", ast.parse("from desktop_app.store import Store\n")) == []
    more = ast.parse("from desktop_app.store import Store, restore\nimport desktop_app.store\n")
    assert len(offences("desktop_app.ui.session", more)) == 2
