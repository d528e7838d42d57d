"""Sync benchmark: our one-endpoint protocol against PouchDB's replicator, on the same link, same run.

``python -m bench sync --json`` prints one JSON object. For each link (RTT 600 ms + 2 Mbit/s
each way, and raw loopback) and each scenario (initial sync of 2 000 meeting records plus the
roster, a no-op sync, 1 changed record, 50 changed records) it reports, for both systems,
``requests``, ``connections``, ``bytes_up``, ``bytes_down`` and ``wall_s``, and the ratios
ours ÷ PouchDB. Then ``server_throughput``: 200 simulated devices syncing concurrently against a
head office on PostgreSQL.

Why it is built this way (sync-notes §7, docs/benchmarks.md):

* Both systems sit behind the *same* shaping proxy (bench/proxy.py, a child process) that counts
  what crosses the wire — bytes with headers, TCP connections, HTTP requests — so neither side's
  own accounting is trusted.
* Our side is the real thing end to end: the ``branch-ledger-hq`` CLI creates the org and the
  enrolment code and serves uvicorn on SQLite; the client is the encrypted store
  (``StoreSyncState``) driven by ``SyncEngine``, enrolled through the proxy.
* The PouchDB side is PouchDB 9.0.0 (memory adapter) replicating to pouchdb-server 4.2.0
  (in-memory) with default options, driven by bench/pouch/replicate.js. Its npm packages are
  installed at run time into bench/.node/ (git-ignored), pinned by bench/pouch/package-lock.json.
* The documents are the same deterministic corpus (bench/corpus.py): PouchDB gets the raw corpus
  body plus ``_id`` and ``type``; we send the body as our store validates and keeps it (which
  spells out default fields, so it is *larger* — the comparison errs against us). Edits change
  the same fields of the same records on both sides.
* Every sync of ours starts with a fresh engine (a new TCP connection), as a periodic sync after
  an idle period would; ``no_op_warm`` shows the same no-op on the kept-alive connection.

Options: ``--meetings N`` (2000) ``--roster N`` (40) ``--links slow,loopback`` ``--rtt-ms`` (600)
``--mbit`` (2) ``--pouch-bodies raw|canonical`` ``--skip-throughput`` ``--throughput-only``
``--devices N`` (200) ``--per-branch N`` (2) ``--throughput-seconds S`` (20) ``--seed N``.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import platform
import pwd
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import requests

from bench.corpus import TextSource, meeting, prose, roster, text_source
from bench.profiling import Profiler
from bench.proxy import LinkProfile, ProxyProcess, ProxyStats
from testsupport.throwaway_pg import PG_USER, start_cluster, stop_cluster

BENCH_DIR = Path(__file__).resolve().parent
POUCH_DIR = BENCH_DIR / "pouch"
NODE_DIR = BENCH_DIR / ".node"
PASS = "bench-passphrase-2026"
DB_NAME = "branch_b1"
SCENARIOS = ("initial", "no_op", "one_change", "fifty_changes")
LINKS = ("slow", "slow_nohs", "slow_up", "loopback")
DEFAULT_LINKS = ("slow", "slow_up", "loopback")
# PouchDB as tuned as we could make it (docs/benchmarks.md, "Tuning PouchDB"): one keep-alive agent
# for the whole replication, request bodies of 1 KiB or more gzipped, and batches as large as the
# corpus (a sweep on the 600 ms link: batch_size 200 → 48.4 s, 500 → 30.6 s, 1000 → 27.0 s, all
# 2 040 documents in one batch → 20.4 s; batches_limit, max_sockets and gzip level 9 changed < 5 %).
POUCH_TUNED = {"batch_size": 5000, "batches_limit": 10, "keep_alive": True, "max_sockets": 6,
               "gzip_min": 1024, "gzip_level": 6}
SIDES = ("pouchdb", "pouchdb_tuned")
_T0 = time.perf_counter()


def log(message: str) -> None:
    """Progress on stderr, so stdout stays one JSON object."""
    print(f"[bench sync {time.perf_counter() - _T0:6.1f}s] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Options:
    meetings: int = 2000
    roster: int = 40
    links: tuple[str, ...] = DEFAULT_LINKS
    rtt_ms: float = 600.0
    mbit: float = 2.0
    pouch_bodies: str = "raw"
    corpus: str = "zh"
    pull_records: int = 20_000
    profile: bool = False
    workers: tuple[int, ...] = (1, 2)
    real_text_dir: str | None = None
    skip_pouch: bool = False
    skip_throughput: bool = False
    throughput_only: bool = False
    devices: int = 200
    per_branch: int = 2
    throughput_seconds: float = 20.0
    seed: int = 2026
    push_bytes: int | None = None  # None: SyncEngine's default
    push_items: int | None = None
    load: str = "replay"  # the throughput load generator: replay (pre-signed syncs) or engine

    def profiles(self) -> dict[str, LinkProfile]:
        slow = LinkProfile.slow(self.rtt_ms, self.mbit)
        known = {
            "slow": slow,
            "slow_nohs": replace(slow, handshake=False),
            # VSAT and rural mobile links: the uplink is a quarter of the downlink.
            "slow_up": replace(slow, up_bps=1e6, down_bps=4e6),
            "loopback": LinkProfile(),
        }
        return {name: known[name] for name in self.links}

    def engine_options(self) -> dict[str, int]:
        options = {"push_bytes": self.push_bytes, "push_items": self.push_items}
        return {k: v for k, v in options.items() if v is not None}


def parse_options(args: list[str]) -> Options:
    p = argparse.ArgumentParser(prog="python -m bench sync")
    p.add_argument("--meetings", type=int, default=2000)
    p.add_argument("--roster", type=int, default=40)
    p.add_argument("--links", default=",".join(DEFAULT_LINKS))
    p.add_argument("--rtt-ms", type=float, default=600.0)
    p.add_argument("--mbit", type=float, default=2.0)
    p.add_argument("--pouch-bodies", choices=("raw", "canonical"), default="raw")
    p.add_argument("--corpus", choices=("zh", "phrases"), default="zh",
                   help="minutes from real-text statistics (zh) or the old phrase pools")
    p.add_argument("--pull-records", type=int, default=20_000,
                   help="records a new device pulls on loopback (0: skip)")
    p.add_argument("--profile", action="store_true",
                   help="write the client and server CPU breakdown (py-spy): loopback scenarios, or with "
                        "--throughput-only the saturation phase of each throughput run")
    p.add_argument("--workers", default="1,2", help="head-office worker processes for the throughput runs")
    p.add_argument("--skip-pouch", action="store_true", help="our side only (quick what-if runs; no ratios)")
    p.add_argument("--real-text-dir", help="a folder of real Chinese *.txt to measure page compression against "
                   "(only measured, never stored)")
    p.add_argument("--skip-throughput", action="store_true")
    p.add_argument("--throughput-only", action="store_true")
    p.add_argument("--devices", type=int, default=200)
    p.add_argument("--per-branch", type=int, default=2)
    p.add_argument("--throughput-seconds", type=float, default=20.0)
    p.add_argument("--load", choices=("replay", "engine"), default="replay",
                   help="throughput load generator: pre-signed syncs replayed over keep-alive connections "
                        "(bench/hq_load.py), or 200 SyncEngine + MemoryState devices as before")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--push-bytes", type=int, help="SyncEngine push_bytes (default: the engine's own)")
    p.add_argument("--push-items", type=int, help="SyncEngine push_items (default: the engine's own)")
    a = p.parse_args(args)
    links = tuple(x for x in a.links.split(",") if x)
    for link in links:
        if link not in LINKS:
            p.error(f"unknown link {link!r} ({', '.join(LINKS)})")
    workers = tuple(int(x) for x in a.workers.split(",") if x)
    return Options(a.meetings, a.roster, links, a.rtt_ms, a.mbit, a.pouch_bodies, a.corpus, a.pull_records,
                   a.profile, workers, a.real_text_dir, a.skip_pouch, a.skip_throughput, a.throughput_only,
                   a.devices, a.per_branch, a.throughput_seconds, a.seed, a.push_bytes, a.push_items,
                   load=a.load)


# ---------------------------------------------------------------------------------- corpus


Item = tuple[str, str, dict[str, Any]]  # (record id, kind, body)


@dataclass
class Corpus:
    """The records both sides sync, and the edits of the 1- and 50-change scenarios."""

    records: list[Item]
    edits: dict[str, list[Item]]

    @property
    def meetings(self) -> int:
        return sum(1 for _, kind, _ in self.records if kind == "meeting")


def meeting_id(i: int) -> str:
    # Same shape and length as the store's UUIDv7 ids, but stable, so both sides use the same ids.
    return f"0190b000-0000-7000-8000-{i:012d}"


def edited(body: dict[str, Any], rng: random.Random, text: TextSource = prose) -> dict[str, Any]:
    """What a clerk does to a draft: retitle it and add a paragraph to the minutes."""
    new = copy.deepcopy(body)
    new["title"] = f"{new['title']}（修订）"
    new["discussion"] = f"{new['discussion']}会后补充：{text(rng, 40)}"
    return new


def build_corpus(opts: Options) -> Corpus:
    rng = random.Random(opts.seed)
    text = text_source(opts.corpus)
    members = roster(rng, opts.roster)
    member_ids = [m[0] for m in members]
    records: list[Item] = [(mid, "member", body) for mid, body in members]
    meetings = [(meeting_id(i), "meeting", meeting(rng, i, member_ids, minutes_chars=800, text=text))
                for i in range(opts.meetings)]
    records += meetings
    picks = rng.sample(range(len(meetings)), 51)
    one = [(meetings[picks[0]][0], "meeting", edited(meetings[picks[0]][2], rng, text))]
    fifty = [(meetings[i][0], "meeting", edited(meetings[i][2], rng, text)) for i in sorted(picks[1:])]
    return Corpus(records, {"one_change": one, "fifty_changes": fifty})


def pouch_doc(record_id: str, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"_id": record_id, "type": kind, **body}


def body_bytes(body: dict[str, Any]) -> int:
    return len(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())


# ---------------------------------------------------------------------------------- processes


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 60.0, proc: subprocess.Popen[Any] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).status_code < 500:
                return
        time.sleep(0.1)
    raise RuntimeError(f"no answer from {url}")


@contextlib.contextmanager
def child(cmd: list[str], **kwargs: Any) -> Iterator[subprocess.Popen[Any]]:
    """A child process that is always stopped (TERM, then KILL) — only the one we started."""
    proc = subprocess.Popen(cmd, **kwargs)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def hq_cli(db: str, *args: str) -> str:
    """Run ``branch-ledger-hq`` (as ``python -m sync.server.cli``) the way an administrator would."""
    done = subprocess.run([sys.executable, "-m", "sync.server.cli", "--db", db, *args],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"branch-ledger-hq {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


@contextlib.contextmanager
def head_office(db: str, log_file: Path, workers: int = 1) -> Iterator[tuple[int, subprocess.Popen[Any]]]:
    """``branch-ledger-hq serve`` on a free loopback port, in its own process (``--workers N``)."""
    port = free_port()
    extra = ["--workers", str(workers)] if workers > 1 else []
    with log_file.open("w") as out, child(
        # No rate limits: 200 simulated devices enrol from one address (the default allows 10 a minute).
        [sys.executable, "-m", "sync.server.cli", "--db", db, "serve", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--requests-per-minute", "0", "--enrol-per-minute", "0", *extra],
        stdout=out, stderr=subprocess.STDOUT,
    ) as proc:
        # Generous: on the shared machine, spawning `--workers N` processes took over a minute at load 13.
        wait_http(f"http://127.0.0.1:{port}/v1/health", timeout=240.0, proc=proc)
        yield port, proc


def figures(net: ProxyStats, wall_s: float) -> dict[str, Any]:
    return {
        "requests": net.requests,
        "connections": net.connections,
        "bytes_up": net.bytes_up,
        "bytes_down": net.bytes_down,
        "bytes_total": net.bytes_up + net.bytes_down,
        "wall_s": round(wall_s, 3),
    }


# ---------------------------------------------------------------------------------- our side


def run_ours(corpus: Corpus, profile: LinkProfile, tmp: Path, engine_options: dict[str, int],
             pull_records: int = 0, profiler: Profiler | None = None) -> dict[str, Any]:
    """Our head office + encrypted store + SyncEngine through the proxy, scenario by scenario.

    ``pull_records`` > 0: afterwards a second device writes records up to that total and a *new*
    device (a fresh encrypted store) pulls them all: ``pull``, reported as records per second.
    """
    from desktop_app.store import KdfParams, Store
    from desktop_app.store.sync_state import StoreSyncState, enrol_store
    from sync.client.engine import SyncEngine

    db = str(tmp / "hq.sqlite3")
    hq_cli(db, "org", "add", "集团党委", "--kind", "group", "--id", "g")
    hq_cli(db, "org", "add", "林业二级党委", "--kind", "committee", "--parent", "g", "--id", "c")
    hq_cli(db, "org", "add", "第一支部", "--kind", "branch", "--parent", "c", "--id", "b1")
    code = json.loads(hq_cli(db, "enrol-code", "--branch", "b1", "--json"))["code"]
    pull_codes = [json.loads(hq_cli(db, "enrol-code", "--branch", "b1", "--json"))["code"] for _ in range(2)] \
        if pull_records else []

    store, _ = Store.create(tmp / "client", PASS, kdf=KdfParams.fast_for_tests())
    out: dict[str, Any] = {}
    try:
        for start in range(0, len(corpus.records), 500):
            with store.transaction():
                for record_id, kind, body in corpus.records[start : start + 500]:
                    store.records.create(kind, body, author="bench", record_id=record_id)
        with head_office(db, tmp / "hq.log") as (port, server), ProxyProcess(port, profile) as proxy:
            enrol_store(store, proxy.url, code, device_name="办公室电脑")
            state = StoreSyncState(store)

            def sync(engine: Any, expect_accepted: int, label: str = "") -> dict[str, Any]:
                proxy.reset()
                cpu = (_cpu_seconds({server.pid}), time.process_time())
                with profiler.run(label, server.pid) if profiler and label else contextlib.nullcontext():
                    t = time.perf_counter()
                    stats = engine.sync_once()
                    wall = time.perf_counter() - t
                result = figures(proxy.stats(), wall)
                result["server_cpu_s"] = round(_cpu_seconds({server.pid}) - cpu[0], 2)
                result["client_cpu_s"] = round(time.process_time() - cpu[1], 2)
                result["detail"] = {"engine_requests": stats.requests, "pages": stats.pages,
                                    "engine_bytes_up": stats.bytes_up, "engine_bytes_down": stats.bytes_down,
                                    "accepted": stats.accepted, "checksum_ok": stats.checksum_ok}
                if stats.accepted != expect_accepted or state.pending_count():
                    raise RuntimeError(f"ours: accepted {stats.accepted} of {expect_accepted}, "
                                       f"{state.pending_count()} still pending")
                return result

            for scenario in SCENARIOS:
                edits = corpus.edits.get(scenario, [])
                for record_id, _kind, body in edits:
                    store.records.update(record_id, body, author="bench")
                engine = SyncEngine(state, **engine_options)  # type: ignore[arg-type]
                try:
                    expect = len(corpus.records) if scenario == "initial" else len(edits)
                    label = scenario if scenario in ("initial", "fifty_changes") else ""
                    out[scenario] = sync(engine, expect, label)
                    log(f"  ours {scenario}: {_brief(out[scenario])}")
                    if scenario == "no_op":
                        out["no_op_warm"] = sync(engine, 0)
                        log(f"  ours no_op_warm: {_brief(out['no_op_warm'])}")
                finally:
                    engine.close()
            out["wire_bodies_mean_bytes"] = round(statistics.mean(
                body_bytes(store.records.get(rid).body.model_dump(mode="json"))
                for rid, kind, _ in corpus.records if kind == "meeting"
            ))
            if pull_records:
                out["pull"] = new_device_pull(corpus, proxy, server, pull_codes, pull_records, tmp, engine_options,
                                              profiler)
    finally:
        store.close()
    return out


class BulkWriter:
    """A load source for the pull scenario: a device that only pushes new records (a SyncState).

    Not a replica: it keeps no pulled data (MemoryState copies everything it holds on every page,
    which would make filling a branch with 20 000 records quadratic) and trusts head office's
    checksum. What it pushes is signed and checked by head office like any device's changes.
    """

    def __init__(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        from sync.protocol.signatures import SigningKey

        self.device_id = f"bench-writer-{os.getpid()}"
        self._key = SigningKey.generate()
        self._items = items
        self._next = 0  # outbox entries before this are acknowledged
        self._built: dict[int, Any] = {}
        self._cursor: str | None = None
        self._checksum = 0
        self.creds: Any = None

    def signing_key(self) -> Any:
        return self._key

    def credentials(self) -> Any:
        return self.creds

    def update_credentials(self, creds: Any) -> None:
        self.creds = creds

    def cursor(self) -> str | None:
        return self._cursor

    def hlc_now(self) -> str:
        return f"{int(time.time() * 1000)}-0000-{self.device_id}"

    def _change(self, index: int) -> Any:
        from sync.client.changes import build_change
        from sync.protocol.revisions import compute_rev

        if index not in self._built:
            kind, body = self._items[index]
            rev = compute_rev(kind=kind, body=body, parents=[])
            self._built[index] = build_change(
                signing_key=self._key, device_id=self.device_id, change_id=f"bulk-{index}", counter=index + 1,
                record_id=f"0190c000-0000-7000-8000-{index:012d}", kind=kind, rev=rev, parents=[], deleted=False,
                status="draft", schema_version=1, body=body, hlc=f"{1763888888000 + index}-0000-{self.device_id}",
                device_time="2026-11-23T09:00:00+08:00", author="第二台电脑")
        return self._built[index]

    def pending_changes(self, max_items: int, max_bytes: int) -> list[Any]:
        from sync.client.changes import fit_batch

        end = min(len(self._items), self._next + max_items)
        return fit_batch((self._change(i) for i in range(self._next, end)), max_bytes)

    def pending_count(self) -> int:
        return len(self._items) - self._next

    def apply_reply(self, sent: Any, reply: Any, quarantined: Any = ()) -> Any:
        """``quarantined``: pulled changes set aside (none here: this source keeps nothing pulled)."""
        from sync.client.state import ApplyOutcome

        outcome = ApplyOutcome()
        answered = {r.change_id for r in reply.results}
        while self._next < len(self._items) and f"bulk-{self._next}" in answered:
            self._built.pop(self._next, None)
            self._next += 1
        outcome.accepted = sum(1 for r in reply.results if r.status == "accepted")
        outcome.pulled = len(reply.changes)
        self._cursor = reply.cursor
        if reply.checksum is not None:
            self._checksum = int(reply.checksum, 16)
        return outcome

    def reject_locally(self, change_id: str, code: str, message: str) -> None:
        raise RuntimeError(f"bench writer: {change_id} refused locally ({code})")

    def requeue_unconfirmed(self) -> int:
        return 0

    def server_checksum(self) -> int:
        return self._checksum

    def record_outcome(self, *, ok: bool, at: str, error: str | None) -> None:
        return None


def new_device_pull(corpus: Corpus, proxy: ProxyProcess, server: subprocess.Popen[Any], codes: list[str],
                    total: int, tmp: Path, engine_options: dict[str, int],
                    profiler: Profiler | None) -> dict[str, Any]:
    """A second device fills the branch up to ``total`` records; then a new device pulls them all."""
    from desktop_app.store import KdfParams, Store
    from desktop_app.store.sync_state import StoreSyncState, enrol_store
    from domain.validation import parse_body
    from sync.client.engine import SyncEngine
    from sync.client.enrol import enrol

    meetings = [body for _, kind, body in corpus.records if kind == "meeting"]
    missing = max(0, total - len(corpus.records))
    # Bodies as a real client keeps and sends them: validated, every field spelled out.
    canonical = [parse_body("meeting", m)[0].model_dump(mode="json") for m in meetings]  # type: ignore[union-attr]
    writer = BulkWriter([("meeting", {**canonical[i % len(canonical)], "title": f"补录会议（第{i}次）"})
                         for i in range(missing)])
    creds, _ = enrol(proxy.url, codes[0], device_id=writer.device_id, device_name="第二台电脑",
                     signing_key=writer.signing_key())
    writer.creds = creds
    log(f"  pull: a second device pushes {missing} more records (not timed)")
    engine = SyncEngine(writer, proxy.url, token=creds.token)  # type: ignore[arg-type]
    try:
        engine.sync_once()
    finally:
        engine.close()
    store, _ = Store.create(tmp / "new-device", PASS, kdf=KdfParams.fast_for_tests())
    try:
        enrol_store(store, proxy.url, codes[1], device_name="新电脑")
        state = StoreSyncState(store)
        engine = SyncEngine(state, **engine_options)  # type: ignore[arg-type]
        try:
            proxy.reset()
            cpu = (_cpu_seconds({server.pid}), time.process_time())
            with profiler.run("new_device_pull", server.pid) if profiler else contextlib.nullcontext():
                t = time.perf_counter()
                stats = engine.sync_once()
                wall = time.perf_counter() - t
        finally:
            engine.close()
        result = figures(proxy.stats(), wall)
        result.update(records=stats.pulled, records_per_s=round(stats.pulled / wall, 1),
                      server_cpu_s=round(_cpu_seconds({server.pid}) - cpu[0], 2),
                      client_cpu_s=round(time.process_time() - cpu[1], 2),
                      detail={"pages": stats.pages, "checksum_ok": stats.checksum_ok})
        if stats.checksum_ok is not True or stats.pulled < total:
            raise RuntimeError(f"new device pulled {stats.pulled} of {total}, checksum_ok={stats.checksum_ok}")
        log(f"  ours new_device_pull: {stats.pulled} records in {wall:.2f} s = {result['records_per_s']}/s")
        return result
    finally:
        store.close()


def _brief(f: dict[str, Any]) -> str:
    return (f"{f['requests']} req, {f['connections']} conn, {f['bytes_up']} B up, {f['bytes_down']} B down, "
            f"{f['wall_s']} s")


# ---------------------------------------------------------------------------------- PouchDB side


def ensure_node() -> str:
    """The node binary, with PouchDB and pouchdb-server installed under bench/.node/ (pinned)."""
    if not (shutil.which("node") and shutil.which("npm")):
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            raise RuntimeError("node and npm are needed for the PouchDB baseline (apt-get install nodejs npm)")
        log("installing nodejs and npm with apt-get")
        subprocess.run(["apt-get", "update"], check=False, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "nodejs", "npm"], check=True, stdout=subprocess.DEVNULL)
    node = shutil.which("node")
    assert node is not None
    wanted = {name: (POUCH_DIR / name).read_bytes() for name in ("package.json", "package-lock.json")
              if (POUCH_DIR / name).exists()}
    stamp = NODE_DIR / ".installed-from"
    stamp_text = json.dumps({k: len(v) for k, v in wanted.items()}) + (POUCH_DIR / "package.json").read_text()
    modules = NODE_DIR / "node_modules"
    ready = all((modules / pkg / "package.json").exists()
                for pkg in ("pouchdb", "pouchdb-adapter-memory", "pouchdb-server"))
    if ready and stamp.exists() and stamp.read_text() == stamp_text:
        return node
    log("installing PouchDB 9.0.0 and pouchdb-server 4.2.0 into bench/.node (first run only, ~2-3 min)")
    NODE_DIR.mkdir(exist_ok=True)
    for name, data in wanted.items():
        (NODE_DIR / name).write_bytes(data)
    verb = "ci" if "package-lock.json" in wanted else "install"
    subprocess.run(["npm", verb, "--prefix", str(NODE_DIR), "--no-audit", "--no-fund", "--loglevel=error"],
                   check=True, stdout=subprocess.DEVNULL)
    stamp.write_text(stamp_text)
    return node


class PouchClient:
    """bench/pouch/replicate.js as a child process, one JSON command and reply per line."""

    def __init__(self, node: str) -> None:
        env = {**os.environ, "BENCH_NODE_DIR": str(NODE_DIR)}
        self.proc = subprocess.Popen([node, str(POUCH_DIR / "replicate.js")], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1, env=env)
        self.hello = self._read()

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the PouchDB client exited")
        reply: dict[str, Any] = json.loads(line)
        if not reply.get("ok"):
            raise RuntimeError(f"PouchDB client: {reply.get('error')}")
        return reply

    def ask(self, **command: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(OSError, RuntimeError, ValueError):
                self.ask(cmd="quit")
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def run_pouch(node: str, docs: list[dict[str, Any]], edits: dict[str, list[dict[str, Any]]],
              profile: LinkProfile, tmp: Path, tuned: dict[str, Any] | None = None) -> dict[str, Any]:
    """PouchDB (memory) → pouchdb-server (in-memory) through the proxy, the same scenarios.

    ``tuned`` None: PouchDB's defaults; else the settings replicate.js applies (``POUCH_TUNED``).
    """
    tmp.mkdir(parents=True, exist_ok=True)
    name = "pouchdb_tuned" if tuned else "pouchdb"
    server_dir = tmp / "pouchdb-server"
    server_dir.mkdir()
    (tmp / "docs.json").write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
    port = free_port()
    bin_path = NODE_DIR / "node_modules" / "pouchdb-server" / "bin" / "pouchdb-server"
    out: dict[str, Any] = {}
    with (server_dir / "stdout.log").open("w") as server_log, child(
        [node, str(bin_path), "--in-memory", "--host", "127.0.0.1", "--port", str(port), "--no-stdout-logs"],
        cwd=server_dir, stdout=server_log, stderr=subprocess.STDOUT,
    ) as server, ProxyProcess(port, profile) as proxy:
        wait_http(f"http://127.0.0.1:{port}/", proc=server)
        client = PouchClient(node)
        try:
            out["versions"] = {"pouchdb": client.hello.get("pouchdb"), "node": client.hello.get("node")}
            client.ask(cmd="load", file=str(tmp / "docs.json"))
            for scenario in SCENARIOS:
                changed = edits.get(scenario, [])
                if changed:
                    path = tmp / f"{scenario}.json"
                    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
                    client.ask(cmd="edit", file=str(path))
                proxy.reset()
                command: dict[str, Any] = {"cmd": "replicate", "url": f"{proxy.url}/{DB_NAME}"}
                if tuned:
                    command["tuned"] = tuned
                result = client.ask(**command)
                net = proxy.stats()
                expect = len(docs) if scenario == "initial" else len(changed)
                if result.get("docs_written") != expect or result.get("doc_write_failures"):
                    raise RuntimeError(f"{name} {scenario}: wrote {result.get('docs_written')} of {expect}")
                info = requests.get(f"http://127.0.0.1:{port}/{DB_NAME}", timeout=30).json()
                if info.get("doc_count") != len(docs):
                    raise RuntimeError(f"pouchdb-server holds {info.get('doc_count')} docs, expected {len(docs)}")
                out[scenario] = figures(net, float(result["wall_s"]))
                out[scenario]["detail"] = {"docs_written": result["docs_written"],
                                           "request_kinds": net.request_kinds}
                log(f"  {name} {scenario}: {_brief(out[scenario])}")
        finally:
            client.close()
    return out


# ---------------------------------------------------------------------------------- comparison


def ratios(ours: dict[str, Any], pouch: dict[str, Any]) -> dict[str, float | None]:
    keys = ("requests", "connections", "bytes_up", "bytes_down", "bytes_total", "wall_s")
    return {k: (round(ours[k] / pouch[k], 4) if pouch.get(k) else None) for k in keys}


def link_floor_s(figure: dict[str, Any], profile: LinkProfile) -> float:
    """The least time the link allows for ``figure``'s bytes: each direction's bytes at its bandwidth,
    plus one round trip for the one request a sync cannot avoid (and one for the TCP handshake
    where the link charges it). Upload and download are added, not overlapped: a lower bound
    even a perfectly pipelined client could hardly beat."""
    up = figure["bytes_up"] * 8 / profile.up_bps if profile.up_bps else 0.0
    down = figure["bytes_down"] * 8 / profile.down_bps if profile.down_bps else 0.0
    return up + down + profile.rtt_s * (2 if profile.handshake else 1)


def _target(text: str, measured: float | None, limit: float) -> dict[str, Any]:
    return {"target": text, "measured": measured, "met": measured is not None and measured <= limit}


def targets(links: dict[str, Any]) -> dict[str, Any]:
    """Issue 15's goals, judged against *tuned* PouchDB measured in the same run.

    The protocol's own goals (1 request for a no-op and for one change, < 2 KB no-op) stay too.
    """
    out: dict[str, Any] = {}
    slow = links.get("slow") or links.get("slow_nohs")
    if slow is not None:
        s = slow["scenarios"]
        no_op, one, initial = s["no_op"]["ours"], s["one_change"]["ours"], s["initial"]
        out["no_op_one_request"] = {"target": "no-op sync = 1 request", "measured": no_op["requests"],
                                    "met": no_op["requests"] == 1}
        out["no_op_under_2kb"] = _target("no-op sync < 2048 bytes on the wire (both ways, headers included)",
                                         no_op["bytes_total"], 2047)
        out["one_change_one_request"] = {"target": "1 changed record = 1 request", "measured": one["requests"],
                                         "met": one["requests"] == 1}
        out["initial_bytes_vs_tuned"] = _target(
            f"initial sync bytes <= 0.8 of tuned PouchDB's ({slow['link']})",
            initial["ratio_tuned"]["bytes_total"], 0.8)
        out["initial_time_vs_tuned"] = _target(
            f"initial sync time <= 0.5 of tuned PouchDB's ({slow['link']})", initial["ratio_tuned"]["wall_s"], 0.5)
        out["initial_time_vs_floor"] = _target(
            "initial sync time <= 1.5 x the link's floor (bytes / bandwidth + 1 round trip)",
            initial["ours_vs_floor"], 1.5)
    if "slow_up" in links:
        initial = links["slow_up"]["scenarios"]["initial"]
        out["initial_bytes_vs_tuned_slow_up"] = _target(
            f"initial sync bytes <= 0.6 of tuned PouchDB's ({links['slow_up']['link']})",
            initial["ratio_tuned"]["bytes_total"], 0.6)
    if "loopback" in links:
        s = links["loopback"]["scenarios"]
        for scenario in ("initial", "fifty_changes"):
            out[f"loopback_{scenario}_time"] = _target(
                f"loopback {scenario} time <= 1.0 x tuned PouchDB's", s[scenario]["ratio_tuned"]["wall_s"], 1.0)
    return out


def page_compression(corpus: Corpus, real_text_dir: str | None, page: int = 300) -> dict[str, Any]:
    """How a page of meeting records gzips (level 6), next to the same records holding real text.

    ``real_text_dir`` (optional, e.g. a folder of real Chinese articles): its text is cut into
    800-character minutes that replace the generated ones in as many meetings, and that page is
    compressed the same way. The real text is only measured, never stored or shipped.
    """
    import gzip

    def ratio(data: bytes) -> float:
        return round(len(data) / len(gzip.compress(data, 6)), 3)

    def page_bytes(bodies: list[dict[str, Any]]) -> bytes:
        return json.dumps(bodies, ensure_ascii=False, separators=(",", ":")).encode()

    meetings = [body for _, kind, body in corpus.records if kind == "meeting"]
    texts = [m["discussion"] for m in meetings]
    out: dict[str, Any] = {
        f"page_{min(page, len(meetings))}_meetings_gzip_ratio": ratio(page_bytes(meetings[:page])),
        "minutes_800_chars_gzip_ratio": round(statistics.mean(ratio(t.encode()) for t in texts[:60]), 3)
        if texts else None,
    }
    if real_text_dir and Path(real_text_dir).is_dir():
        import re

        real = "".join(re.sub(r"\s+", "", f.read_text(encoding="utf-8", errors="replace"))
                       for f in sorted(Path(real_text_dir).glob("*.txt")))
        chunks = [real[i : i + 800] for i in range(0, len(real) - 800, 800)][: len(meetings)]
        if chunks:
            n = len(chunks)
            out["real_text"] = {
                "source": real_text_dir,
                "meetings": n,
                "page_gzip_ratio_real": ratio(page_bytes([{**m, "discussion": c} for m, c in zip(meetings, chunks,
                                                                                                  strict=False)])),
                "page_gzip_ratio_generated": ratio(page_bytes(meetings[:n])),
                "minutes_800_chars_gzip_ratio_real": round(statistics.mean(ratio(c.encode()) for c in chunks), 3),
                "minutes_concatenated_gzip_ratio_real": ratio("".join(chunks).encode()),
                "minutes_concatenated_gzip_ratio_generated": ratio("".join(texts[:n]).encode()),
            }
    return out


def run_links(opts: Options) -> dict[str, Any]:
    node = "" if opts.skip_pouch else ensure_node()
    corpus = build_corpus(opts)
    raw_sizes = [body_bytes(b) for _, k, b in corpus.records if k == "meeting"]
    links: dict[str, Any] = {}
    canonical: dict[str, dict[str, Any]] | None = None
    for name, profile in opts.profiles().items():
        log(f"link {name}: {profile.describe()}")
        with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp_text:
            tmp = Path(tmp_text)
            (tmp / "ours").mkdir()
            pull = opts.pull_records if name == "loopback" else 0
            ours = run_ours(corpus, profile, tmp / "ours", opts.engine_options(), pull)
            if opts.pouch_bodies == "canonical" and canonical is None:
                canonical = _canonical_bodies(corpus, tmp / "canon")
            bodies = canonical or {}
            docs = [pouch_doc(rid, kind, bodies.get(rid, body)) for rid, kind, body in corpus.records]
            edits = {sc: [pouch_doc(rid, kind, bodies.get(f"{sc}:{rid}", body)) for rid, kind, body in items]
                     for sc, items in corpus.edits.items()}
            if opts.skip_pouch:
                links[name] = {"link": profile.describe(), "scenarios": {k: {"ours": v} for k, v in ours.items()
                                                                         if isinstance(v, dict)}}
                continue
            pouch = run_pouch(node, docs, edits, profile, tmp / "pouch")
            tuned = run_pouch(node, docs, edits, profile, tmp / "pouch_tuned", POUCH_TUNED)
        scenarios: dict[str, Any] = {}
        for scenario in SCENARIOS:
            entry = {"ours": ours[scenario], "pouchdb": pouch[scenario], "pouchdb_tuned": tuned[scenario],
                     "ratio_tuned": ratios(ours[scenario], tuned[scenario]),
                     "ratio_default": ratios(ours[scenario], pouch[scenario])}
            if profile.rtt_s:
                floor = link_floor_s(ours[scenario], profile)
                entry["link_floor_s"] = round(floor, 3)
                entry["ours_vs_floor"] = round(ours[scenario]["wall_s"] / floor, 3)
            scenarios[scenario] = entry
        scenarios["no_op_warm"] = {"ours": ours["no_op_warm"], "pouchdb_tuned": tuned["no_op"],
                                   "ratio_tuned": ratios(ours["no_op_warm"], tuned["no_op"])}
        links[name] = {"link": profile.describe(), "scenarios": scenarios,
                       "pouchdb_versions": pouch["versions"]}
        links[name]["ours_wire_body_mean_bytes"] = ours["wire_bodies_mean_bytes"]
        if "pull" in ours:
            links[name]["new_device_pull"] = ours["pull"]
    out: dict[str, Any] = {
        "records": {
            "meetings": corpus.meetings,
            "roster_members": opts.roster,
            "total": len(corpus.records),
            "corpus": opts.corpus,
            "meeting_json_mean_bytes": round(statistics.mean(raw_sizes)),
            "meeting_json_total_bytes": sum(raw_sizes),
            "compression": page_compression(corpus, opts.real_text_dir),
            "pouchdb_bodies": opts.pouch_bodies,
            "pouchdb_tuned_settings": POUCH_TUNED,
            "ours_engine_options": opts.engine_options() or "SyncEngine defaults",
            "ours_wire_body_mean_bytes": next(iter(links.values())).get("ours_wire_body_mean_bytes") if links else None,
        },
        "links": links,
    }
    out["targets"] = {} if opts.skip_pouch else targets(links)
    return out


def _canonical_bodies(corpus: Corpus, directory: Path) -> dict[str, dict[str, Any]]:
    """Bodies exactly as our store keeps and sends them (defaults spelled out), for ``--pouch-bodies canonical``."""
    from desktop_app.store import KdfParams, Store

    store, _ = Store.create(directory, PASS, kdf=KdfParams.fast_for_tests())
    try:
        out: dict[str, dict[str, Any]] = {}
        for record_id, kind, body in corpus.records:
            out[record_id] = store.records.validate(kind, body)[0].model_dump(mode="json")
            if kind == "member":
                store.records.create(kind, body, author="bench", record_id=record_id)
        for scenario, items in corpus.edits.items():
            for record_id, kind, body in items:
                out[f"{scenario}:{record_id}"] = store.records.validate(kind, body)[0].model_dump(mode="json")
        return out
    finally:
        store.close()


# ---------------------------------------------------------------------------------- PostgreSQL


def _cpu_seconds(pids: set[int]) -> float:
    """utime+stime of the given processes (from /proc), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _process_tree(pid: int) -> set[int]:
    """``pid`` and all its descendants (``serve --workers N`` is a supervisor and N workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = set(), [pid]
    while todo:
        current = todo.pop()
        tree.add(current)
        todo.extend(children.get(current, []))
    return tree


def _pids_of_user(user: str) -> set[int]:
    try:
        uid = pwd.getpwnam(user).pw_uid
    except KeyError:
        return set()
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if entry.stat().st_uid == uid:
                    pids.add(int(entry.name))
    return pids


# ---------------------------------------------------------------------------------- throughput


@dataclass
class DeviceLoad:
    latencies: list[float] = field(default_factory=list)
    accepted: int = 0
    pulled: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class SimDevice:
    """One simulated device: an in-memory replica (MemoryState) driven by the real SyncEngine."""

    state: Any
    engine: Any
    own_record: str
    bodies: list[dict[str, Any]]
    rounds: int = 0

    def edit_and_sync(self) -> Any:
        """Save two new meetings and edit one, then sync: three changes up, the branch-mate's down."""
        pool, r = self.bodies, self.rounds
        self.state.create("meeting", pool[r % len(pool)])
        self.state.create("meeting", pool[(r + 1) % len(pool)])
        record = self.state.records[self.own_record]
        self.state.update(self.own_record, edited(record.body, random.Random(r)))
        self.rounds += 1
        return self.engine.sync_once()


def _load_phase(devices: list[SimDevice], duration: float, interval: float | None, seed: int,
                server_pid: int) -> dict[str, Any]:
    """Every device edits and syncs until ``duration`` is up: back to back (``interval`` None,
    the saturation point) or once per ``interval`` seconds from a random phase (a paced load)."""
    from bench import hq_load
    from sync.client.errors import SyncError

    loads = [DeviceLoad() for _ in devices]
    barrier = threading.Barrier(len(devices) + 1)
    start_box: list[float] = [0.0]
    rng = random.Random(seed)
    offsets = [rng.uniform(0, interval) if interval else 0.0 for _ in devices]

    def worker(d: int) -> None:
        device, load = devices[d], loads[d]
        barrier.wait()
        for t in hq_load.rounds(start_box[0], offsets[d], interval, duration):
            try:
                stats = device.edit_and_sync()
            except SyncError as exc:
                load.errors.append(f"{type(exc).__name__}: {exc.message}")
                continue
            load.latencies.append(time.perf_counter() - t)
            load.accepted += stats.accepted
            load.pulled += stats.pulled
            load.requests += stats.requests

    threads = [threading.Thread(target=worker, args=(d,), daemon=True) for d in range(len(devices))]
    for thread in threads:
        thread.start()
    meter = _CpuMeter(server_pid)
    start_box[0] = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start_box[0]
    return _phase_figures(loads, wall, meter)


class _CpuMeter:
    """CPU seconds of head office (its process tree), PostgreSQL and this process since creation."""

    def __init__(self, server_pid: int) -> None:
        self.pg_pids = _pids_of_user(PG_USER)
        self.server_pids = _process_tree(server_pid)
        self.before = (_cpu_seconds(self.server_pids), _cpu_seconds(self.pg_pids), time.process_time())

    def used(self) -> tuple[float, float, float]:
        self.pg_pids |= _pids_of_user(PG_USER)
        after = (_cpu_seconds(self.server_pids), _cpu_seconds(self.pg_pids), time.process_time())
        return after[0] - self.before[0], after[1] - self.before[1], after[2] - self.before[2]


def _phase_figures(loads: list[Any], wall: float, meter: _CpuMeter) -> dict[str, Any]:
    server_cpu, pg_cpu, load_cpu = meter.used()
    latencies = sorted(x for load in loads for x in load.latencies)
    accepted = sum(load.accepted for load in loads)
    errors = [e for load in loads for e in load.errors]

    def pct(p: float) -> float | None:
        if not latencies:
            return None
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1)

    return {
        "duration_s": round(wall, 2),
        "syncs": len(latencies),
        "syncs_per_s": round(len(latencies) / wall, 1),
        "requests": sum(load.requests for load in loads),
        "changes_accepted": accepted,
        "changes_per_s": round(accepted / wall, 1),
        "changes_pulled": sum(load.pulled for load in loads),
        "latency_ms": {"p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99),
                       "max": round(latencies[-1] * 1000, 1) if latencies else None},
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:5],
        "cpu_s": {"server": round(server_cpu, 1), "postgres": round(pg_cpu, 1),
                  "load_generator": round(load_cpu, 1)},
        "server_cpu_s_per_1000_changes": round(server_cpu / accepted * 1000, 2) if accepted else None,
        "postgres_cpu_s_per_1000_changes": round(pg_cpu / accepted * 1000, 2) if accepted else None,
        "load_generator_cpu_s_per_1000_changes": round(load_cpu / accepted * 1000, 2) if accepted else None,
        **({"built_in_phase": sum(load.built_in_phase for load in loads)}
           if loads and hasattr(loads[0], "built_in_phase") else {}),
    }


def _replay_phase(devices: list[Any], duration: float, interval: float | None, seed: int,
                  server_pid: int) -> dict[str, Any]:
    """:func:`_load_phase` for the replay load generator (bench/hq_load.py)."""
    from bench import hq_load

    loads, wall, meter = hq_load.run_phase(devices, duration, interval, seed, lambda: _CpuMeter(server_pid))
    return _phase_figures(loads, wall, meter)


def run_throughput(opts: Options) -> dict[str, Any]:
    """``opts.devices`` devices (``per_branch`` per branch) syncing concurrently against PostgreSQL,
    once per worker count in ``opts.workers`` (``serve --workers N``), each on a fresh database.

    Two phases on the same server: *saturation* — every device edits and syncs back to back, no
    think time, which gives the most changes per second head office sustains here (its latencies
    are mostly queueing: 200 devices waiting on the server); then *paced* — each device syncs once
    per interval from a random phase, the interval set so the offered load is half the measured
    saturation rate, which gives the latency a device sees on a busy but not overloaded server.
    """
    n_branches = max(1, -(-opts.devices // opts.per_branch))
    log(f"throughput: starting PostgreSQL; {opts.devices} devices in {n_branches} branches")
    cluster = start_cluster(max_connections=400, prefix="bench-pg-")
    profiler = Profiler(Path(tempfile.mkdtemp(prefix="bench-throughput-profile-")), subprocesses=True) \
        if opts.profile else None
    try:
        runs = {f"workers_{n}": _throughput_once(opts, cluster, n, n_branches, profiler) for n in opts.workers}
    finally:
        stop_cluster(cluster)
    first = next(iter(runs.values()))
    profile = {"profile": {"directory": str(profiler.out_dir), "rate_hz": profiler.rate,
                           "steps": profiler.results}} if profiler else {}
    return {**profile,
        "database": "PostgreSQL 15 (throwaway cluster, fsync off)",
        "devices": opts.devices,
        "branches": n_branches,
        "devices_per_branch": opts.per_branch,
        "changes_per_sync": 3,
        "machine_cores": os.cpu_count(),
        "changes_per_s": {k: r["changes_per_s"] for k, r in runs.items()},
        "p99_ms_at_half_load": {k: r["p99_ms_at_half_load"] for k, r in runs.items()},
        "server_cpu_s_per_1000_changes": {k: r["saturation"]["server_cpu_s_per_1000_changes"]
                                          for k, r in runs.items()},
        "runs": runs,
        "server": first["server"],
    }


LOAD_GENERATORS = {
    "replay": "pre-built, pre-signed syncs replayed over one keep-alive connection per device (bench/hq_load.py)",
    "engine": "SyncEngine + MemoryState per device, editing and syncing in the timed phase",
}
# The replay pre-builds this many changes per second of saturation phase (more are built on the
# spot if a phase runs faster; see ``built_in_phase``).
REPLAY_EXPECTED_CHANGES_PER_S = 900


def _replay_devices(devices: list[SimDevice], base_url: str, opts: Options) -> list[Any]:
    """The enrolled, first-synced devices as replay devices, with their saturation rounds built."""
    from bench.hq_load import ReplayDevice, rounds_needed
    from sync.protocol import compact

    rounds = rounds_needed(REPLAY_EXPECTED_CHANGES_PER_S, opts.throughput_seconds, len(devices))
    log(f"throughput: pre-building {rounds} signed rounds for each of {len(devices)} devices")
    out = []
    for device in devices:
        creds = device.state.credentials()
        replay = ReplayDevice(device.state, creds.token, device.own_record, device.bodies, base_url,
                              device.state.cursor(),
                              device.engine.transport.server_compact == compact.schema_id())
        replay.rounds = device.rounds
        replay.build(rounds)
        out.append(replay)
    return out


def _throughput_once(opts: Options, cluster: Any, workers: int, n_branches: int,
                     profiler: Profiler | None = None) -> dict[str, Any]:
    import psycopg

    from sync.client.backoff import RetryPolicy
    from sync.client.engine import SyncEngine
    from sync.client.enrol import enrol
    from sync.server import devices as device_store
    from sync.server import orgs
    from sync.server.db import make_engine
    from sync.server.service import HeadOffice
    from testsupport.memory_state import MemoryState

    name = f"hq_bench_{workers}"
    with psycopg.connect(host="127.0.0.1", port=cluster.port, user="postgres", dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = cluster.url(name)
    db_engine = make_engine(url)
    office = HeadOffice.open(db_engine)
    office.call(orgs.add_unit, "集团党委", "group", None, "g")
    office.call(orgs.add_unit, "林业二级党委", "committee", "g", "c")
    branches = [f"b{i:03d}" for i in range(n_branches)]
    for i, branch in enumerate(branches):
        office.call(orgs.add_unit, f"第{i + 1}支部", "branch", "c", branch)
    codes = [str(office.call(device_store.create_enrol_code, branches[i // opts.per_branch], 2.0)[0])
             for i in range(opts.devices)]
    db_engine.dispose()
    with tempfile.TemporaryDirectory(prefix="bench-hq-") as tmp, head_office(url, Path(tmp) / "hq.log",
                                                                             workers) as (port, server_proc):
        base_url = f"http://127.0.0.1:{port}"
        rng = random.Random(opts.seed)
        member_ids = [m[0] for m in roster(rng, 40)]
        retry = RetryPolicy(attempts=5, base=0.2, cap=2.0)
        devices: list[SimDevice] = []
        for i, code in enumerate(codes):
            state = MemoryState(author=f"clerk-{i}")
            creds, _ = enrol(base_url, code, device_id=state.device_id, device_name=f"设备{i}",
                             signing_key=state.signing_key())
            state.creds = creds
            own = state.create("meeting", meeting(rng, i, member_ids))
            bodies = [meeting(random.Random(opts.seed * 1000 + i * 10 + r), r, member_ids) for r in range(4)]
            devices.append(SimDevice(state, SyncEngine(state, base_url, token=creds.token, retry=retry),
                                     own, bodies))
        for device in devices:  # the first sync: cursors set, own record pushed
            device.engine.sync_once()
        phase: Any = _load_phase
        load_devices: list[Any] = devices
        if opts.load == "replay":
            load_devices, phase = _replay_devices(devices, base_url, opts), _replay_phase
        log(f"throughput ({workers} worker(s)): {opts.devices} devices enrolled; saturation phase "
            f"{opts.throughput_seconds:g} s")
        with profiler.run(f"throughput_workers_{workers}", server_proc.pid) if profiler else contextlib.nullcontext():
            saturation = phase(load_devices, opts.throughput_seconds, None, opts.seed, server_proc.pid)
        log(f"  saturation: {saturation['changes_per_s']} changes/s, p99 {saturation['latency_ms']['p99']} ms, "
            f"server CPU {saturation['server_cpu_s_per_1000_changes']} s per 1000 changes")
        interval = opts.devices / max(0.5 * saturation["syncs_per_s"], 0.1)
        paced_duration = min(max(opts.throughput_seconds, interval), 2 * opts.throughput_seconds)
        log(f"throughput: paced phase, one sync per device every {interval:.1f} s for {paced_duration:.0f} s")
        if opts.load == "replay":
            from bench.hq_load import rounds_needed

            for replay in load_devices:
                replay.build(max(0, rounds_needed(opts.devices / interval * 3, paced_duration, opts.devices) + 1
                                 - len(replay.ready)))
        paced = phase(load_devices, paced_duration, interval, opts.seed + 1, server_proc.pid)
        paced["interval_s"] = round(interval, 2)
        paced["offered_syncs_per_s"] = round(opts.devices / interval, 1)
        log(f"  paced: p50 {paced['latency_ms']['p50']} ms, p99 {paced['latency_ms']['p99']} ms")
        for device in devices:
            device.engine.close()
        if opts.load == "replay":
            for replay in load_devices:
                replay.close()
    return {
        "load_generator": LOAD_GENERATORS[opts.load],
        "server": f"branch-ledger-hq serve --workers {workers}" if workers > 1
        else "branch-ledger-hq serve: one uvicorn process",
        "workers": workers,
        "changes_per_s": saturation["changes_per_s"],
        "p99_ms_at_half_load": paced["latency_ms"]["p99"],
        "p99_ms_saturated": saturation["latency_ms"]["p99"],
        "saturation": saturation,
        "paced_half_load": paced,
    }


# ---------------------------------------------------------------------------------- entry point


def run_profile(opts: Options) -> dict[str, Any]:
    """``--profile``: our side only, on loopback (CPU is all there is), under py-spy."""
    corpus = build_corpus(opts)
    out_dir = Path(tempfile.mkdtemp(prefix="bench-sync-profile-"))
    profiler = Profiler(out_dir)
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp_text:
        tmp = Path(tmp_text)
        ours = run_ours(corpus, LinkProfile(), tmp, opts.engine_options(), opts.pull_records, profiler)
    scenarios = {k: v for k, v in ours.items() if k in (*SCENARIOS, "pull")}
    return {"profile": {"directory": str(out_dir), "rate_hz": profiler.rate, "steps": profiler.results},
            "ours_loopback": scenarios}


def run(args: list[str]) -> dict[str, Any]:
    opts = parse_options(args)
    started = time.perf_counter()
    out: dict[str, Any] = {
        "benchmark": "sync",
        "environment": {"python": platform.python_version(), "cores": os.cpu_count(),
                        "loadavg_start": [round(x, 2) for x in os.getloadavg()]},
    }
    if opts.profile and not opts.throughput_only:
        out.update(run_profile(opts))
    elif not opts.throughput_only:
        out.update(run_links(opts))
    if opts.throughput_only or (not opts.skip_throughput and not opts.profile):
        out["server_throughput"] = run_throughput(opts)
    out["environment"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    out["runtime_s"] = round(time.perf_counter() - started, 1)
    return out
