"""The desktop bundle's figures: size (unpacked, .deb, tar.zst), build time, start-up to the unlock window.

    python -m bench bundle [--json] [--runs N]

Start-up is measured from starting the process to the line ``smoke: shown unlock`` that
``--smoke-exit-after`` prints once the window is up (offscreen platform), for the frozen bundle
and — as the baseline in the same run — for the source tree's ``python -m desktop_app.cli``. The
first bundle run after dropping the page cache is the cold start (only possible as root on a
machine that allows it; otherwise the first run is reported as is and ``cold_cache_dropped`` is
false). Builds the bundle and the .deb first if needed (cached by content).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _bundle() -> Path:
    out = subprocess.run(["bash", str(ROOT / "packaging" / "build-bundle.sh")], capture_output=True, text=True,
                         check=True).stdout
    return Path(out.strip().splitlines()[-1])


def _deb(tmp: Path) -> Path:
    out = subprocess.run(["bash", str(ROOT / "packaging" / "linux" / "build-deb.sh"), str(tmp)],
                         capture_output=True, text=True, check=True).stdout
    return Path(out.strip().splitlines()[-1])


def _size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


# What the bundle is made of, by the first matching path prefix under _internal/ (the table in
# docs/packaging.md). "executable" is the program with its frozen Python modules.
PARTS = (
    ("Qt: ICU data (trimmed)", ("PySide6/Qt/lib/libicudata",)),
    ("Qt: ICU code", ("PySide6/Qt/lib/libicu",)),
    ("Qt: libraries", ("PySide6/Qt/lib/",)),
    ("Qt: plugins", ("PySide6/Qt/plugins/",)),
    ("Qt: translations (zh_CN)", ("PySide6/Qt/translations/",)),
    ("PySide6 and shiboken bindings", ("PySide6/", "shiboken6/", "libpyside6", "libshiboken6")),
    ("fonts (print)", ("resources/fonts/",)),
    ("other resources (translations, icons)", ("resources/",)),
    ("cryptography", ("cryptography",)),
    ("sqlcipher3 (SQLCipher + its OpenSSL)", ("sqlcipher3",)),
    ("pdfium (print preview)", ("pypdfium2",)),
    ("Pillow (reportlab)", ("PIL/", "pillow.libs/")),
    ("pydantic-core", ("pydantic_core/",)),
    ("Python: libpython, stdlib extensions, OpenSSL, SQLite", (
        "libpython", "python3.", "base_library.zip", "libcrypto", "libssl", "libsqlite3", "lib-dynload")),
)


def _parts(folder: Path) -> dict[str, float]:
    """The bundle's size in MB by part (PARTS), largest first, everything else as "other"."""
    internal = folder / "_internal"
    sizes: dict[str, int] = {"executable (+ frozen Python modules)": (folder / "branch-ledger").stat().st_size}
    for path in internal.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        relative = path.relative_to(internal).as_posix()
        label = next((name for name, prefixes in PARTS if relative.startswith(prefixes)), "other")
        sizes[label] = sizes.get(label, 0) + path.stat().st_size
    return {name: round(size / 2**20, 1) for name, size in sorted(sizes.items(), key=lambda kv: -kv[1])}


def _largest_files(folder: Path, count: int = 12) -> dict[str, float]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    ranked = sorted(files, key=lambda p: -p.stat().st_size)[:count]
    return {p.relative_to(folder).as_posix(): round(p.stat().st_size / 2**20, 1) for p in ranked}


def _drop_caches() -> bool:
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def _start_ms(command: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    proc = subprocess.Popen([*command, "--smoke-exit-after", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env=env)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("smoke: shown unlock"):
            elapsed = (time.monotonic() - started) * 1000
            break
    else:
        raise RuntimeError(f"{command} did not show the unlock window")
    proc.wait(timeout=60)
    return elapsed


def run(argv: list[str]) -> dict[str, Any]:
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 5
    bundle = _bundle()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp / "home"), "QT_QPA_PLATFORM": "offscreen",
               "XDG_CONFIG_HOME": str(tmp / "cfg"), "BRANCH_LEDGER_LOG_DIR": str(tmp / "logs"),
               "BRANCH_LEDGER_PASSPHRASE": "bench-passphrase"}
        data = tmp / "data"
        subprocess.run([str(bundle / "branch-ledger"), "--data-dir", str(data), "create"], env=env, check=True,
                       capture_output=True)
        frozen = [str(bundle / "branch-ledger"), "--data-dir", str(data)]
        source = [sys.executable, "-m", "desktop_app.cli", "--data-dir", str(data)]
        source_env = {**env, "PYTHONPATH": str(ROOT)}
        dropped = _drop_caches()
        cold = _start_ms(frozen, env)
        warm = [_start_ms(frozen, env) for _ in range(runs)]
        baseline = [_start_ms(source, source_env) for _ in range(runs)]
        deb = _deb(tmp)
        archive = tmp / "branch-ledger.tar.zst"
        with open(archive, "wb") as out:
            tar = subprocess.Popen(["tar", "-C", str(bundle.parent), "-cf", "-", bundle.name], stdout=subprocess.PIPE)
            subprocess.run(["zstd", "-19", "-T0", "-q", "-c"], stdin=tar.stdout, stdout=out, check=True)
            tar.wait()
        build_seconds = (bundle.parent / "build-seconds").read_text().strip()
        figures = {
            "bundle_unpacked_mb": round(_size(bundle) / 2**20, 1),
            "deb_mb": round(deb.stat().st_size / 2**20, 1),
            "tar_zst_mb": round(archive.stat().st_size / 2**20, 1),
            "bundle_files": sum(1 for p in bundle.rglob("*") if p.is_file()),
            "pyinstaller_build_s": int(build_seconds),
            "cold_cache_dropped": dropped,
            "start_to_unlock_first_ms": round(cold),
            "start_to_unlock_bundle_median_ms": round(statistics.median(warm)),
            "start_to_unlock_bundle_runs_ms": [round(x) for x in warm],
            "start_to_unlock_source_median_ms": round(statistics.median(baseline)),
            "bundle_vs_source_start_ratio": round(statistics.median(warm) / statistics.median(baseline), 2),
            "bundle_target_mb": 150,
            "parts_mb": _parts(bundle),
            "largest_files_mb": _largest_files(bundle),
        }
        shutil.rmtree(tmp / "home", ignore_errors=True)
    return figures
