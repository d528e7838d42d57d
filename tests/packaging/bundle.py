"""The built desktop bundle, for the tests that run it: built (or reused) by packaging/build-bundle.sh."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "packaging" / "build-bundle.sh"


@dataclass(frozen=True)
class Bundle:
    folder: Path  # .../branch-ledger (the one-folder bundle)

    @property
    def executable(self) -> Path:
        return self.folder / "branch-ledger"

    @property
    def build_venv_python(self) -> Path:
        # The venv the bundle was frozen from (a sibling of the bundle cache, see build-bundle.sh).
        return self.folder.parents[2] / "bundle-venv" / "bin" / "python"

    def size_bytes(self) -> int:
        return sum(p.lstat().st_size for p in self.folder.rglob("*") if p.is_file() and not p.is_symlink())

    def files(self) -> list[str]:
        return sorted(str(p.relative_to(self.folder)) for p in self.folder.rglob("*") if p.is_file())


def build_bundle() -> Bundle:
    """The bundle for the current source tree (a cache hit when nothing that goes into it changed)."""
    result = subprocess.run(["bash", str(BUILD_SCRIPT)], capture_output=True, text=True, timeout=1500,
                            env={**os.environ})
    if result.returncode != 0:
        raise RuntimeError(f"bundle build failed:\n{result.stderr[-4000:]}")
    folder = Path(result.stdout.strip().splitlines()[-1])
    return Bundle(folder)


def run_bundle(bundle: Bundle, *args: str, env: dict[str, str] | None = None, timeout: float = 120,
               cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the frozen program with a clean environment: nothing of the source tree on any path."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    clean["PATH"] = "/usr/bin:/bin"
    clean.update(env or {})
    return subprocess.run([str(bundle.executable), *args], capture_output=True, text=True, env=clean,
                          timeout=timeout, cwd=str(cwd or bundle.folder.parent))
