"""``branch-ledger --help`` answers without loading the store, printing, sync or Qt.

One launch of the CLI used to cost about 1.4 s of CPU before argparse ran, almost all of it
importing SQLCipher, reportlab, the attachment and sync modules (and pydantic under them) that
only the command actually run needs. Each subcommand module now imports those inside its
commands; this test keeps it so, by what is loaded rather than by a timing: a fresh interpreter
builds the parser and formats the main help, then the help of every page (Chinese and English),
and reports which heavy packages ended up in ``sys.modules`` after each. A new top-level import
of the store or the printing package in any ``*_cli`` module makes it fail.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sqlcipher3", "reportlab", "PySide6", "cryptography", "requests", "pydantic", "sqlalchemy",
         "desktop_app.store", "desktop_app.operations", "printing", "sync")

PROBE = """
import argparse, contextlib, io, json, sys
from desktop_app import cli, cli_text

def pages(parser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from pages(sub)

def loaded():
    return sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in json.loads(sys.argv[1])))

cli_text.install("zh")
assert cli.build_parser().format_help()
after_main_help = loaded()
count = 0
for language in ("zh", "en"):
    cli_text.install(language)
    for page in pages(cli.build_parser()):
        assert page.format_help()
        count += 1
heavy = [m for m in loaded() if m.split(".")[0] != "pydantic"]
# --role's choices come from domain.attachments, read only now (pydantic and all): still checked.
refused = io.StringIO()
with contextlib.redirect_stderr(refused):
    try:
        cli.build_parser().parse_args(["attachments", "add", "r", "f.jpg", "--role", "bogus"])
    except SystemExit as exc:
        status = exc.code
print(json.dumps({"main": after_main_help, "pages": count, "heavy": heavy, "role_status": status,
                  "role_error": refused.getvalue()}))
"""


def _probe(code: str) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-c", code, json.dumps(HEAVY)], capture_output=True, text=True,
                          encoding="utf-8", timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def test_building_and_showing_every_help_page_loads_no_heavy_module() -> None:
    result = _probe(PROBE)
    assert result["main"] == []  # `branch-ledger --help`: not even pydantic
    assert isinstance(result["pages"], int) and result["pages"] > 40  # every page in both languages
    # Every page: pydantic only for `attachments add`, whose --role choices the domain defines.
    assert result["heavy"] == []
    # The lazily read --role choices are still enforced and named.
    assert result["role_status"] == 2
    assert "'bogus'" in str(result["role_error"]) and "'sign_in_sheet', 'photo'" in str(result["role_error"])


def test_the_probe_sees_a_heavy_import() -> None:
    """The probe itself can fail: a command that runs loads the store, and the probe reports it."""
    result = _probe(PROBE.replace("count = 0", "import desktop_app.operations.opening\ncount = 0"))
    heavy = result["heavy"]
    assert isinstance(heavy, list) and "sqlcipher3" in heavy and "desktop_app.store" in heavy
