"""``python -m bench hq_sync --json``: head office's CPU per pushed change, in process, without HTTP.

The throughput bench (``python -m bench sync --throughput-only``) measures the whole server under
200 devices, on the same two cores as PostgreSQL, the load generator and whatever else the machine
runs; its CPU per change moved ±10 % from run to run on the shared machine, more than one
optimisation step is worth (issue 15). This bench measures the same work one request at a time in
one thread, with ``time.thread_time``, so a step can be judged on its own:

* ``parse`` — :func:`sync.server.body.parse_sync` of the request body as a device sends it (JSON
  with the pushed changes; compact bodies expanded, protocol-2 revision hints completed);
* ``sync`` — :meth:`HeadOffice.sync`: the whole transaction (device row and branch lock, replay
  lookups, signature, revision hash, schema and rule checks, the page's writes, the pull of the
  branch-mate's changes with head office's attestation, commit);
* ``reply`` — the reply serialized as the route does (protocol 1 here) and compressed in the
  minutes coding (what ``CompressionMiddleware`` sends a current client).

Each round, every device (``--devices``, two per branch) saves two new meetings and edits one
(three changes, as in the throughput bench) and syncs. The changes are built and signed before the
timed part. Also reported: the statements SQLAlchemy executes per sync (on PostgreSQL the page's
writes go as one psycopg pipeline beside it, ledger.py) and PostgreSQL's CPU per change (its
processes' ``/proc`` times; ``--sqlite FILE`` runs on SQLite instead).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import tempfile
import time
from pathlib import Path
from typing import Any


def log(message: str) -> None:
    print(f"[bench hq_sync] {message}", flush=True, file=__import__("sys").stderr)


def parse(args: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench hq_sync")
    p.add_argument("--devices", type=int, default=40, help="devices, two per branch")
    p.add_argument("--rounds", type=int, default=25, help="timed rounds (each device syncs once per round)")
    p.add_argument("--warmup", type=int, default=3, help="untimed rounds first (caches, prepared statements)")
    p.add_argument("--seed", type=int, default=15)
    p.add_argument("--sqlite", help="run on this SQLite file instead of a throwaway PostgreSQL")
    return p.parse_args(args)


class _Device:
    def __init__(self, state: Any, token: str, device: Any, own: str, bodies: list[dict[str, Any]]) -> None:
        self.state, self.token, self.device, self.own, self.bodies = state, token, device, own, bodies
        self.cursor: str | None = None
        self.rounds = 0

    def next_body(self) -> bytes:
        """One round's edits, signed, as the request body a device sends (protocol 1, full bodies)."""
        from bench.sync import edited
        from sync.protocol import compact
        from sync.protocol.wire import ClientInfo, Limits, SyncRequest

        pool, r = self.bodies, self.rounds
        self.state.create("meeting", pool[r % len(pool)])
        self.state.create("meeting", pool[(r + 1) % len(pool)])
        self.state.update(self.own, edited(self.state.records[self.own].body, random.Random(r)))
        self.rounds += 1
        changes = self.state.pending_changes(500, 64 * 1024 * 1024)
        self.state.outbox.clear()
        request = SyncRequest(client=ClientInfo(device_id=self.state.device_id, app_version="bench"),
                              cursor=self.cursor, hlc=self.state.hlc_now(), push=changes,
                              limits=Limits(max_bytes=1024 * 1024, max_items=500), compact=compact.schema_id())
        return request.model_dump_json(exclude_none=True).encode()


def _setup(office: Any, opts: argparse.Namespace) -> list[_Device]:
    from bench.sync import meeting, roster
    from sync.protocol.wire import EnrolRequest, SyncRequest
    from sync.server import devices as device_store
    from sync.server import orgs
    from testsupport.memory_state import MemoryState

    office.call(orgs.add_unit, "集团党委", "group", None, "g")
    office.call(orgs.add_unit, "林业二级党委", "committee", "g", "c")
    n_branches = max(1, opts.devices // 2)
    for i in range(n_branches):
        office.call(orgs.add_unit, f"第{i + 1}支部", "branch", "c", f"b{i:03d}")
    rng = random.Random(opts.seed)
    member_ids = [m[0] for m in roster(rng, 40)]
    out = []
    for i in range(opts.devices):
        code = str(office.call(device_store.create_enrol_code, f"b{i // 2:03d}", 2.0)[0])
        state = MemoryState(author=f"clerk-{i}")
        reply = office.enrol(EnrolRequest(code=code, device_id=state.device_id, device_name=f"设备{i}",
                                          public_key=state.signing_key().public_key_b64(), app_version="bench"))
        device = office.admit_device(reply.token)
        own = state.create("meeting", meeting(rng, i, member_ids))
        bodies = [meeting(random.Random(opts.seed * 1000 + i * 10 + r), r, member_ids) for r in range(4)]
        d = _Device(state, reply.token, device, own, bodies)
        first = office.sync(device, SyncRequest.model_validate({
            "client": {"device_id": state.device_id}, "push": state.pending_changes(500, 1 << 26)}))
        state.outbox.clear()
        d.cursor = first.cursor
        out.append(d)
    return out


def _round(office: Any, devices: list[_Device], bodies: list[bytes], timers: dict[str, float]) -> int:
    from sync.protocol import compression
    from sync.server.body import parse_sync

    accepted = 0
    for device, body in zip(devices, bodies, strict=True):
        t0 = time.thread_time()
        parsed = parse_sync(body)
        t1 = time.thread_time()
        reply = office.sync(device.device, parsed.request, parsed.refused, token=device.token)
        t2 = time.thread_time()
        compression.encode(reply.model_dump_json().encode(), compression.MINUTES)
        t3 = time.thread_time()
        timers["parse"] += t1 - t0
        timers["sync"] += t2 - t1
        timers["reply"] += t3 - t2
        if any(r.status != "accepted" for r in reply.results):
            raise RuntimeError(f"not accepted: {[(r.status, r.code) for r in reply.results]}")
        accepted += len(reply.results)
        device.cursor = reply.cursor
    return accepted


def run(args: list[str]) -> dict[str, Any]:
    from sqlalchemy import event

    from bench.hq import bench_database
    from bench.sync import PG_USER, _cpu_seconds, _pids_of_user
    from sync.server.db import make_engine
    from sync.server.service import HeadOffice

    opts = parse(args)
    started = time.perf_counter()
    loadavg_start = [round(x, 2) for x in os.getloadavg()]
    on_pg = not opts.sqlite
    with tempfile.TemporaryDirectory(prefix="bench-hq-sync-") as tmp, \
            bench_database(opts.sqlite, "hq_sync_bench", "bench-hq-sync-pg-") as (url, database):
        engine = make_engine(url)
        office = HeadOffice.open(engine, key_file=Path(tmp) / "hq.keys")
        log(f"{database}: enrolling {opts.devices} devices")
        devices = _setup(office, opts)
        statements = [0]
        event.listen(engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))
        timers = {"parse": 0.0, "sync": 0.0, "reply": 0.0}
        for _ in range(opts.warmup):
            _round(office, devices, [d.next_body() for d in devices], timers)
        timers = dict.fromkeys(timers, 0.0)
        statements[0] = 0
        accepted = 0
        pg_pids = _pids_of_user(PG_USER) if on_pg else set()
        pg_before = _cpu_seconds(pg_pids)
        log(f"timing {opts.rounds} rounds × {opts.devices} syncs")
        for _ in range(opts.rounds):
            bodies = [d.next_body() for d in devices]  # built and signed outside the timers
            accepted += _round(office, devices, bodies, timers)
        pg_cpu = _cpu_seconds(pg_pids | (_pids_of_user(PG_USER) if on_pg else set())) - pg_before
        syncs = opts.rounds * opts.devices
        engine.dispose()
    per_change = {k: round(v / accepted * 1000, 3) for k, v in timers.items()}
    return {
        "benchmark": "hq_sync", "database": database, "devices": opts.devices, "syncs": syncs,
        "changes": accepted, "changes_per_sync": round(accepted / syncs, 2),
        "cpu_ms_per_change": {**per_change, "total": round(sum(per_change.values()), 3)},
        "postgres_cpu_ms_per_change": round(pg_cpu / accepted * 1000, 3) if on_pg else None,
        "sqlalchemy_statements_per_sync": round(statements[0] / syncs, 2),  # not the page writes: one pipeline
        "environment": {"python": platform.python_version(), "cores": os.cpu_count(),
                        "loadavg_start": loadavg_start, "loadavg_end": [round(x, 2) for x in os.getloadavg()]},
        "runtime_s": round(time.perf_counter() - started, 1),
    }
