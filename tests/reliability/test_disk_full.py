"""A full disk and read-only media (issue 11): Chinese messages, nothing half-made, nothing lost.

Where the test may mount a filesystem (root, as here and in CI when the container allows it) the
ledger lives on a real 3 MiB tmpfs that a filler file makes full, and later read-only. Where it
may not, the same steps run with the process's file-size limit (RLIMIT_FSIZE) standing in for the
full disk: SQLite then sees EFBIG instead of ENOSPC, the rest is the same; the table says which.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop_app.store import KdfParams, Store
from desktop_app.store.aside import list_aside
from desktop_app.store.atomic import atomic_write_text
from desktop_app.store.errors import MediumError, StoreError
from tests.reliability.scan import inconsistent_records, leaked
from tests.reliability.tally import Tally

PASS = "disk-full-passphrase"
REPO = Path(__file__).resolve().parents[2]


@dataclass
class Medium:
    kind: str  # "tmpfs" or "rlimit"
    root: Path
    fill: Callable[[], None]  # make the disk nearly full: the next saves fail a little later
    fill_all: Callable[[], None]  # leave no room at all (for create and export)
    free: Callable[[], None]
    read_only: Callable[[bool], None] | None  # tmpfs only


@contextlib.contextmanager
def _tmpfs(path: Path) -> Iterator[Medium | None]:
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m,mode=0700", "tmpfs", str(path)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        yield None
        return
    filler = path / "filler.bin"

    def fill(leave: int = 160 * 1024) -> None:
        free_bytes = os.statvfs(path).f_bavail * os.statvfs(path).f_frsize
        with open(filler, "ab") as fh, contextlib.suppress(OSError):
            fh.write(b"\0" * max(0, free_bytes - leave))

    def free() -> None:
        filler.unlink(missing_ok=True)

    def fill_all() -> None:
        fill(leave=4096)

    def read_only(on: bool) -> None:
        subprocess.run(["mount", "-o", f"remount,{'ro' if on else 'rw'}", str(path)], check=True, capture_output=True)

    try:
        yield Medium("tmpfs", path, fill, fill_all, free, read_only)
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@contextlib.contextmanager
def _rlimit(path: Path) -> Iterator[Medium]:
    path.mkdir(parents=True, exist_ok=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed

    def fill(leave: int = 160 * 1024) -> None:
        largest = max((p.stat().st_size for p in path.rglob("*") if p.is_file()), default=0)
        resource.setrlimit(resource.RLIMIT_FSIZE, (largest + leave, hard))

    def free() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))

    def fill_all() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))

    try:
        yield Medium("rlimit", path, fill, fill_all, free, None)
    finally:
        free()
        signal.signal(signal.SIGXFSZ, previous)


@pytest.fixture(params=["filesystem", "file-size limit"])
def medium(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Medium]:
    """A real small filesystem where one can be mounted (else the limit), and always the limit."""
    if request.param == "filesystem":
        with _tmpfs(tmp_path / "stick") as mounted:
            if mounted is not None:
                yield mounted
                return
    with _rlimit(tmp_path / "limited") as limited:
        yield limited


def _covered(medium: Medium) -> str:
    if medium.kind == "tmpfs":
        return "create, export and the CLI on a full 3 MiB tmpfs; then remounted read-only"
    return "saves, create and export under a file-size limit (the stand-in where mounting is not allowed)"


def _is_chinese_message(exc: BaseException) -> bool:
    text = getattr(exc, "message", "")
    return isinstance(exc, StoreError) and any("\u4e00" <= c <= "\u9fff" for c in text) and "disk" not in text


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "BRANCH_LEDGER_PASSPHRASE": PASS}
    return subprocess.run([sys.executable, "-m", "desktop_app.cli", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def test_full_disk_and_read_only_media(medium: Medium, tally: Tally) -> None:
    rounds = tally.trials(2, 6)
    d = medium.root / "ledger"
    store, _ = Store.create(d, PASS, kdf=KdfParams.fast_for_tests())
    store.confirm_recovery_key()
    acked: list[str] = []
    refused: list[str] = []  # saves the full disk refused: they must not appear later
    problems: list[str] = []
    full_events = 0
    for r in range(rounds):
        medium.fill()
        try:
            for i in range(10_000):
                name = f"满盘{r}-{i}"
                store.records.create("member", {"name": name, "note": "巡护记录" * 120}, author="t")
                acked.append(name)
            problems.append(f"round {r}: the disk never filled")
        except MediumError as exc:
            full_events += 1
            refused.append(name)
            if not _is_chinese_message(exc):
                problems.append(f"not a Chinese message: {exc!r}")
        try:  # still full: another save fails the same clean way — or fits in what the failed one freed
            store.records.create("member", {"name": f"再试一次{r}"}, author="t")
            acked.append(f"再试一次{r}")
        except MediumError as exc:
            refused.append(f"再试一次{r}")
            if not _is_chinese_message(exc):
                problems.append(f"not a Chinese message: {exc!r}")
        store.records.count()
        medium.free()
        store.records.create("member", {"name": f"腾出空间后{r}"}, author="t")
        acked.append(f"腾出空间后{r}")
    store.close()
    # Everything acknowledged is there, exactly once, and whole.
    with Store.open(d, PASS) as reopened:
        names = [m.name for m in reopened.records.members().values()]
        missing = [n for n in acked if n not in names]
        twice = len(names) - len(set(names))
        if inconsistent_records(reopened) or list_aside(d) or reopened.kept_aside:
            problems.append("a half-made save, or the full disk mistaken for damage")
        if set(refused) & set(names):
            problems.append("a refused save was stored")
        reopened.close(backup=False)

    # create on a full disk leaves nothing behind, and a retry with room works
    fresh = medium.root / "fresh"
    medium.fill_all()
    try:
        Store.create(fresh, PASS, kdf=KdfParams.fast_for_tests())
        problems.append("create succeeded on a full disk")
    except MediumError as exc:
        if not _is_chinese_message(exc):
            problems.append(f"create: not a Chinese message: {exc!r}")
    leftovers = sorted(p.name for p in fresh.iterdir()) if fresh.exists() else []
    if leftovers:
        problems.append(f"create left {leftovers}")
    medium.free()
    Store.create(fresh, PASS, kdf=KdfParams.fast_for_tests())[0].close(backup=False)

    # yesterday's export survives a failed export on a full disk
    export = medium.root / "export.json"
    atomic_write_text(export, json.dumps({"yesterday": True}))
    medium.fill_all()
    try:
        atomic_write_text(export, json.dumps({"today": "x" * 200_000}))
        problems.append("an export bigger than the free space was written")
    except OSError:
        pass
    if json.loads(export.read_text()) != {"yesterday": True}:
        problems.append("the earlier export was damaged")
    if medium.kind == "tmpfs":  # the CLI on a full disk: a Chinese message, no traceback
        result = _cli(d, "export", "--out", str(export))
        if result.returncode != 1 or "Traceback" in result.stderr or "错误" not in result.stderr:
            problems.append(f"CLI export on a full disk: {result.returncode} {result.stderr[-300:]}")
        if json.loads(export.read_text()) != {"yesterday": True}:
            problems.append("the CLI export damaged the earlier export")
    medium.free()

    if medium.read_only is not None:  # read-only media: refused in Chinese, nothing changed
        medium.read_only(True)
        try:
            try:
                Store.open(d, PASS).close(backup=False)
                problems.append("opened for writing on read-only media")
            except MediumError as exc:
                if not _is_chinese_message(exc):
                    problems.append(f"read-only: not a Chinese message: {exc!r}")
            result = _cli(d, "unlock")
            if result.returncode != 1 or "Traceback" in result.stderr or "只读" not in result.stderr:
                problems.append(f"CLI on read-only media: {result.returncode} {result.stderr[-300:]}")
        finally:
            medium.read_only(False)
        Store.open(d, PASS).close(backup=False)

    exposed = leaked(d, acked[:: max(1, len(acked) // 40)])  # the ledger, its backups and aside: not the export
    tally.record(f"disk full and read-only media ({medium.kind})", trials=rounds, passed=rounds if not problems else 0,
                 lost=len(missing), duplicated=twice, leaked=exposed,
                 detail=f"{full_events} full-disk refusals after {len(acked)} acknowledged saves; {_covered(medium)}"
                        + (f"; problems: {problems}" if problems else ""))
    assert (problems, missing, twice, exposed) == ([], [], 0, 0)
