"""The UI tests do what a person does: no test file calls a production slot where a person clicks.

A test that calls ``page.print_selected()`` or ``button.click()`` passes while the real button
may be wired to nothing (``clicked(bool)`` once landed in a ``path`` parameter, and the tests,
calling the method, never saw it). This check reads every file under ``tests/ui/`` and fails on
a call of

* a slot of the program: a method defined in ``desktop_app/ui/`` that is connected to a signal
  or a menu entry there (``clicked.connect(self.save)``, ``lambda: self.print_selected()``), or
* one of Qt's own ways to act without input: ``click``, ``trigger``, ``accept``, ``setChecked``,
  ``setText`` … on a widget (typing and clicking go through :mod:`tests.ui.clerk`),

unless the call is on the store (setting up what another laptop or head office did) or listed
below with the reason it is not a person's step.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI_SOURCES = ROOT / "desktop_app" / "ui"
UI_TESTS = ROOT / "tests" / "ui"

# Qt's methods that act on a widget without a person's input.
QT_ACTIONS = {
    "click", "animateClick", "trigger", "toggle", "accept", "reject", "done", "setChecked",
    "setCurrentIndex", "setCurrentText", "setText", "setPlainText", "selectRow", "setCurrentRow",
    "setCurrentItem", "show_page", "open_editor",
}

# Names any test may call, and why.
ALLOWED_EVERYWHERE = {
    "close": "a window's close button belongs to the window manager, which offscreen runs do not have",
    "lock": "ends a test with the ledger closed; Ctrl+L itself is typed in test_lock.py",
    "emit": "only the program's own signals (a reload asked for by a sync), never a button's",
}

# (file, name) pairs allowed in one file, and why.
ALLOWED_IN = {
    ("clerk.py", "*"): "the clerk is the hands: it produces the real input events the tests use",
    ("conftest.py", "reject"): "the watchdog that closes a dialog nobody answered, and fails the test",
    ("test_sync.py", "refresh"): "the reloads a sync or another page asks for are not a person's step; "
                                 "the test proves they coalesce in a worker",
    ("test_conflict_fields.py", "set_period"): "the period picker's own conversion of codes, no clerk step",
    ("test_translations.py", "check"): "the catalogue builder's --check, not a window",
}

# Receivers that are not the window: the store or a second device (setting up what happened
# elsewhere), a spreadsheet being written for an import.
NOT_THE_WINDOW = ("store", "records", "laptop", "other", "office", "hq", "indexer", "book", "Path(")
# Names that are slots somewhere but also every widget's reading of what it shows.
READINGS = {"text"}


def production_slots() -> set[str]:
    """Methods of desktop_app/ui classes that a signal, an action or a menu entry calls."""
    defined: set[str] = set()
    connected: set[str] = set()
    for path in UI_SOURCES.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                defined |= {f.name for f in node.body if isinstance(f, ast.FunctionDef)}
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("connect", "addAction", "addButton")):
                continue
            for arg in node.args:
                if isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) and arg.value.id == "self":
                    connected.add(arg.attr)
                if isinstance(arg, ast.Lambda):
                    for sub in ast.walk(arg.body):
                        if (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute)
                                and isinstance(sub.func.value, ast.Name) and sub.func.value.id == "self"):
                            connected.add(sub.func.attr)
    return (defined & connected) - READINGS


def offending_calls(path: Path, forbidden: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if name not in forbidden or name in ALLOWED_EVERYWHERE:
            continue
        if (path.name, "*") in ALLOWED_IN or (path.name, name) in ALLOWED_IN:
            continue
        receiver = ast.unparse(node.func.value)
        if receiver == "clerk" or receiver.startswith("self"):  # the hands themselves
            continue
        if any(word in receiver for word in NOT_THE_WINDOW):
            continue
        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {receiver}.{name}(…)")
    return found


def test_the_slots_are_found() -> None:
    """The check is only as good as its list: the slots that once hid defects are on it."""
    slots = production_slots()
    assert {"print_selected", "save_pdf", "try_unlock", "change_passphrase", "choose_roster_file"} <= slots


def test_no_ui_test_calls_a_slot_where_a_person_clicks() -> None:
    forbidden = production_slots() | QT_ACTIONS
    offenders = [line for path in sorted(UI_TESTS.rglob("*.py")) for line in offending_calls(path, forbidden)]
    assert offenders == [], "drive these through tests/ui/clerk.py instead:\n" + "\n".join(offenders)


def test_the_check_fails_a_test_that_calls_a_slot(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text("def test_x(page, button, session):\n"
                      "    page.print_selected()\n"
                      "    button.click()\n"
                      "    session.store.records.finalize('r1')\n", encoding="utf-8")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = offending_calls(sample, production_slots() | QT_ACTIONS)
    finally:
        ROOT = saved
    assert [line.split(": ", 1)[1] for line in found] == ["page.print_selected(…)", "button.click(…)"]
