"""Refresh the Chinese catalogue from the source and compile it.

    python resources/translations/build.py          # lupdate (keeps existing translations) + lrelease
    python resources/translations/build.py --check  # fail if a string is untranslated or the .qm is stale

The ``.ts`` file is the translators' source of truth (edit it with ``pyside6-linguist``); the
compiled ``.qm`` is committed so running the app needs no Qt tools. ``tests/ui/test_translations.py``
runs the check.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TS = HERE / "branchledger_zh_CN.ts"
QM = HERE / "branchledger_zh_CN.qm"


def _tool(name: str) -> str:
    candidate = Path(sys.executable).with_name(name)
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: it comes with PySide6-Essentials (pip install PySide6-Essentials)")
    return found


def sources() -> list[str]:
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "desktop_app" / "ui").rglob("*.py"))
    return [*files, "desktop_app/app.py"]


def lupdate(ts: Path = TS) -> None:
    subprocess.run([_tool("pyside6-lupdate"), *sources(), "-no-obsolete", "-locations", "none",
                    "-source-language", "en", "-target-language", "zh_CN", "-ts", str(ts)],
                   cwd=ROOT, check=True, capture_output=True)


def lrelease(ts: Path = TS, qm: Path = QM) -> None:
    subprocess.run([_tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True)


def unfinished(ts: Path = TS) -> list[str]:
    out = []
    for message in ET.parse(ts).getroot().iter("message"):
        translation = message.find("translation")
        if translation is None or translation.get("type") == "unfinished" or not (translation.text or "").strip():
            out.append(message.findtext("source") or "")
    return out


def check() -> list[str]:
    """Problems: strings missing from the .ts, untranslated strings, a .qm that does not match the .ts."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / TS.name
        shutil.copy(TS, fresh)
        lupdate(fresh)
        problems += [f"untranslated: {s!r}" for s in unfinished(fresh)]
        qm = Path(tmp) / QM.name
        lrelease(TS, qm)
        if not QM.exists() or qm.read_bytes() != QM.read_bytes():
            problems.append("the committed .qm is stale: run python resources/translations/build.py")
    return problems


if __name__ == "__main__":
    if "--check" in sys.argv:
        found = check()
        print("\n".join(found) or "translations OK")
        raise SystemExit(1 if found else 0)
    lupdate()
    lrelease()
    left = unfinished()
    print(f"{TS.name}: {len(left)} untranslated")
