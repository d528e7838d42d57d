"""Prove that every runtime dependency of the desktop client has a wheel for each clerk's platform.

    python scripts/check_wheels.py              # resolve only (pip fetches wheel metadata, not wheels)
    python scripts/check_wheels.py --download   # really `pip download --only-binary=:all:` each wheel
    python scripts/check_wheels.py --json

For each target (Windows x64 with CPython 3.11 and 3.12, macOS arm64, manylinux x86_64) pip
resolves the client's requirements — the core dependencies plus the ``client`` extra, read from
pyproject.toml — with ``--only-binary=:all: --platform … --python-version …``, the transitive
dependencies included. A requirement with no wheel for a target fails that target. Needs PyPI;
exit status 2 means PyPI could not be reached (tests/packaging/test_wheels.py skips then).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (name, pip --platform tags, python version). Linux up to manylinux_2_28 (glibc 2.28: Debian 10,
# 统信UOS 20 — newer systems accept these too); macOS 11 and later on Apple silicon.
TARGETS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("windows-x64-cp311", ("win_amd64",), "3.11"),
    ("windows-x64-cp312", ("win_amd64",), "3.12"),
    ("macos-arm64-cp311", ("macosx_11_0_arm64", "macosx_12_0_arm64", "macosx_13_0_arm64", "macosx_14_0_arm64"),
     "3.11"),
    ("macos-arm64-cp312", ("macosx_11_0_arm64", "macosx_12_0_arm64", "macosx_13_0_arm64", "macosx_14_0_arm64"),
     "3.12"),
    ("manylinux-x86_64-cp311", ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"), "3.11"),
    ("manylinux-x86_64-cp312", ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"), "3.12"),
)
UNREACHABLE_HINTS = ("Could not fetch URL", "Network is unreachable", "Temporary failure in name resolution",
                     "Max retries exceeded", "ConnectionError", "NewConnectionError")


@dataclass
class TargetResult:
    target: str
    ok: bool
    wheels: list[str] = field(default_factory=list)
    error: str = ""


def client_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["client"]]


def check(target: str, platforms: tuple[str, ...], python: str, requirements: list[str], *,
          download: bool) -> TargetResult:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        common = ["--only-binary=:all:", "--python-version", python, "--implementation", "cp",
                  *[arg for tag in platforms for arg in ("--platform", tag)], "--disable-pip-version-check"]
        if download:
            command = [sys.executable, "-m", "pip", "download", "-q", "-d", tmp, *common, *requirements]
        else:
            command = [sys.executable, "-m", "pip", "install", "-q", "--dry-run", "--ignore-installed",
                       "--target", str(Path(tmp) / "target"), "--report", str(report), *common, *requirements]
        result = subprocess.run(command, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            return TargetResult(target, False, error=_last_error(result.stderr))
        if download:
            wheels = sorted(p.name for p in Path(tmp).glob("*.whl"))
        else:
            installs = json.loads(report.read_text(encoding="utf-8"))["install"]
            wheels = sorted(item["download_info"]["url"].rsplit("/", 1)[-1].split("#", 1)[0] for item in installs)
        not_wheels = [w for w in wheels if not w.endswith(".whl")]
        if not_wheels:
            return TargetResult(target, False, wheels, error=f"not wheels: {not_wheels}")
        return TargetResult(target, True, wheels)


def _last_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("WARNING: Location")]
    return "\n".join(lines[-6:])


def pypi_unreachable(results: list[TargetResult]) -> bool:
    return all(not r.ok and any(h in r.error for h in UNREACHABLE_HINTS) for r in results)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--download", action="store_true", help="download every wheel (slow: ~1 GB in all)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    requirements = client_requirements()
    with ThreadPoolExecutor(max_workers=3) as pool:  # pip mostly waits on the network
        results = list(pool.map(lambda t: check(t[0], t[1], t[2], requirements, download=args.download), TARGETS))
    if args.json:
        print(json.dumps({"requirements": requirements, "results": [asdict(r) for r in results]}, indent=2))
    else:
        for r in results:
            print(f"{'ok  ' if r.ok else 'FAIL'} {r.target}: {len(r.wheels)} wheels")
            for wheel in r.wheels:
                print(f"       {wheel}")
            if r.error:
                print("       " + r.error.replace("\n", "\n       "))
    if pypi_unreachable(results):
        return 2
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
