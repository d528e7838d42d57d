"""``python -m bench hq --json``: the head-office console at provincial scale (issue 13).

Seeds a throwaway PostgreSQL (``testsupport.throwaway_pg``) with ``--branches`` branches (default
2 000, under 20 二级党委) and a year of records each (``--meetings`` meetings + ``--members``
members: by default 2 000 × (52 + 12) = 128 000 records), written with bulk inserts straight into
the ledger tables in the shape pushes leave them (revisions + heads, real revision ids; member ids
repeat in every branch, as per-branch ids allow, so every lookup must be by branch), then
builds the console's derived index with the real indexer (``index_s``). A real uvicorn serves
the real app; one logged-in 管理员 (whole tree) times, over ``--repeat`` requests each:

* ``matrix_ms`` — the compliance matrix of a quarter over every branch (2 000 branches, roll-ups,
  silent branches; the page shows the first 100 rows). ``matrix_first_ms`` is the first request,
  which computes every branch's report; later requests recompute only branches that changed;
* ``branch_page_ms`` — a random branch's page (records, members with lapse warnings, devices);
* ``record_pdf_ms`` — a random meeting printed to PDF with the client's renderer;
* ``search_ms`` — a full-text search over every branch.

Each reports p50 and p95 in milliseconds. The baseline of the same run, ``baseline_ms``, is the
cheapest authenticated page (``/console/account``: session check + template), so each figure can
also be read as a ratio over the request overhead. Targets on this machine: matrix p95 ≤ 1 000 ms,
the others ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

TARGETS_MS = {"matrix_ms": 1000, "branch_page_ms": 300, "record_pdf_ms": 300, "search_ms": 300}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国志强海燕丽华明军伟芳秀英红梅国庆永刚桂兰玉兰德胜"
TOPICS = ["森林防火", "退化林修复", "巡护值守", "党费收缴", "主题教育", "护林员培训", "防汛准备", "有害生物防治",
          "卡口检查登记", "党员先锋岗述职"]
TYPES = ["party_congress", "committee", "theme_day", "lecture", "group"]


def log(message: str) -> None:
    print(message, flush=True, file=__import__("sys").stderr)


def parse(args: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench hq")
    p.add_argument("--branches", type=int, default=2000)
    p.add_argument("--meetings", type=int, default=52, help="meetings per branch in the year")
    p.add_argument("--members", type=int, default=12, help="members per branch")
    p.add_argument("--repeat", type=int, default=30)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--sqlite", help="run on this SQLite file instead of a throwaway PostgreSQL (smoke tests)")
    return p.parse_args(args)


def _members(rng: random.Random, n: int) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for i in range(n):
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
        body: dict[str, Any] = {"name": name, "join_date": f"{rng.randint(1985, 2020)}-07-01",
                                "status": "probationary" if i == n - 1 else "full",
                                "posts": ["secretary"] if i == 0 else (["organization"] if i == 1 else [])}
        out.append((f"m-{i:03d}", body))  # ids are per branch: every branch has its own m-000 …
    return out


def _meeting(rng: random.Random, k: int, n: int, members: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    kind = TYPES[k % len(TYPES)]
    day = dt.date(2026, 1, 1) + dt.timedelta(days=int(k * 365 / n))
    topic = rng.choice(TOPICS)
    ids = [m for m, _ in members]
    absent = set(rng.sample(ids, rng.randint(0, 3)))
    body: dict[str, Any] = {
        "meeting_type": kind, "title": f"{day.month}月{topic}{'党课' if kind == 'lecture' else '会议'}",
        "starts_at": f"{day.isoformat()}T09:00:00", "ends_at": f"{day.isoformat()}T11:00:00", "place": "林场党员活动室",
        "chair_member_id": ids[0], "recorder_member_id": ids[1],
        "attendance": [{"member_id": m, "status": "absent", "reason": "巡护"} if m in absent else {"member_id": m}
                       for m in ids],
        "agenda": [{"title": f"学习{topic}工作部署"}, {"title": "讨论下一阶段工作"}],
        "speeches": [{"speaker": members[0][1]["name"], "member_id": ids[0], "agenda_index": 0,
                      "content": f"传达上级关于{topic}的要求，结合林场实际提出三点意见。" * 3},
                     {"speaker": members[2][1]["name"], "member_id": ids[2], "agenda_index": 1,
                      "content": f"建议加强{rng.choice(TOPICS)}，落实到人到岗。" * 2}],
        "resolutions": [{"text": f"按照部署做好{topic}工作"}],
    }
    if kind == "group":
        body["party_group"] = "第一党小组"
    if kind == "lecture":
        body["lecture"] = {"lecturer": members[0][1]["name"], "lecturer_member_id": ids[0], "topic": topic,
                           "hours": "2"}
    if kind == "theme_day":
        body["theme_day"] = {"month": day.strftime("%Y-%m"), "theme": topic}
    return body


def seed(engine: Any, opts: argparse.Namespace) -> tuple[list[str], list[tuple[str, str]]]:
    """Bulk-insert the org tree, one device per branch and the ledger rows; returns (branch ids,
    (branch id, meeting id) pairs)."""
    from sqlalchemy import insert

    from sync.protocol.record_ids import branch_profile_id
    from sync.protocol.revisions import compute_rev
    from sync.server.ledger import body_text
    from sync.server.tables import branch_state, devices, heads, org_units, revisions
    from sync.server.timeutil import now_text

    rng = random.Random(opts.seed)
    now = now_text()
    with engine.begin() as conn:
        conn.execute(insert(org_units), [{"id": "g", "name": "省级集团党委", "kind": "group", "parent_id": None,
                                          "created_at": now}])
        conn.execute(insert(org_units), [{"id": f"c{i:02d}", "name": f"第{i + 1}林业局党委", "kind": "committee",
                                          "parent_id": "g", "created_at": now} for i in range(20)])
        branch_ids = [f"b{i:04d}" for i in range(opts.branches)]
        conn.execute(insert(org_units), [{"id": b, "name": f"第{i + 1}林场党支部", "kind": "branch",
                                          "parent_id": f"c{i % 20:02d}", "created_at": now}
                                         for i, b in enumerate(branch_ids)])
        conn.execute(insert(devices), [{"device_id": f"d-{b}", "branch_id": b, "name": "办公室电脑",
                                        "public_key": "x" * 44, "token_hash": uuid.uuid4().hex + uuid.uuid4().hex,
                                        "app_version": "0.1.0", "enrolled_at": now,
                                        "last_sync_at": now if i % 37 else None, "last_counter": 0,
                                        "counter_gaps": 0} for i, b in enumerate(branch_ids)])
    meeting_ids: list[tuple[str, str]] = []
    started = time.perf_counter()
    for start in range(0, len(branch_ids), 100):
        rev_rows: list[dict[str, Any]] = []
        head_rows: list[dict[str, Any]] = []
        states: list[dict[str, Any]] = []
        for b in branch_ids[start:start + 100]:
            members = _members(rng, opts.members)
            records: list[tuple[str, str, dict[str, Any], str]] = [
                (branch_profile_id(b), "branch_profile", {"name": f"{b}党支部", "has_committee": True,
                                                          "party_groups": ["第一党小组"]}, "draft")]
            records += [(rid, "member", body, "draft") for rid, body in members]
            for k in range(opts.meetings):
                rid = uuid.uuid4().hex
                meeting_ids.append((b, rid))
                records.append((rid, "meeting", _meeting(rng, k, opts.meetings, members),
                                "draft" if k % 13 == 5 else "final"))
            for seq, (rid, kind, body, status) in enumerate(records, start=1):
                rev = compute_rev(kind=kind, body=body, parents=[], status=status)
                rev_rows.append({"branch_id": b, "seq": seq, "record_id": rid, "rev": rev, "kind": kind,
                                 "parents": "[]", "deleted": False, "status": status, "schema_version": 1,
                                 "body": body_text(body), "hlc": f"{seq}-0000-d", "device_time": now,
                                 "author": "李组织", "device_id": f"d-{b}", "change_id": uuid.uuid4().hex,
                                 "counter": seq, "sig": "bench", "received_at": now, "violations": None})
                head_rows.append({"record_id": rid, "branch_id": b, "kind": kind, "current_rev": rev,
                                  "status": status, "deleted": False, "conflicted": False,
                                  "leaves": json.dumps([rev]), "updated_seq": seq, "updated_at": now})
            states.append({"branch_id": b, "seq": len(records), "checksum": 0})
        with engine.begin() as conn:
            conn.execute(insert(branch_state), states)
            conn.execute(insert(revisions), rev_rows)
            conn.execute(insert(heads), head_rows)
        if start % 500 == 0:
            log(f"  seeded {start + 100} branches ({time.perf_counter() - started:.0f} s)")
    return branch_ids, meeting_ids


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"p50": round(statistics.median(ordered), 1), "p95": round(p95, 1), "n": len(ordered)}


def _timed(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return _percentiles(samples)


def measure(base_url: str, branches: list[str], meetings: list[tuple[str, str]],
            opts: argparse.Namespace) -> dict[str, Any]:
    import requests

    from sync.server.console.records import record_url

    http = requests.Session()
    page = http.get(base_url + "/")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    reply = http.post(base_url + "/login", data={"csrf": token[1], "name": "bench", "password": "bench-password-1",
                                                 "next": ""})
    assert reply.ok and "/console/matrix" in reply.url, reply.text[:300]
    rng = random.Random(opts.seed + 1)

    def get(path: str, must: str = "") -> None:
        r = http.get(base_url + path)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
        assert not must or must in r.text, (path, must)

    # The first matrix of a period (and of each new day) computes every branch; later ones
    # recompute only branches whose records changed (sync.server.compliance's cache).
    first = _timed(lambda: get("/console/matrix?period=2026-Q4"), 1)
    get(record_url(*meetings[0], "pdf"))  # warm: the CJK font is loaded once per process
    out: dict[str, Any] = {"matrix_first_ms": first["p50"],
                           "baseline_ms": _timed(lambda: get("/console/account"), opts.repeat)}
    out["matrix_ms"] = _timed(lambda: get("/console/matrix?period=2026-Q4", "支部明细"), opts.repeat)
    out["branch_page_ms"] = _timed(lambda: get(f"/console/branches/{rng.choice(branches)}", "党员"), opts.repeat)
    out["record_pdf_ms"] = _timed(lambda: get(record_url(*rng.choice(meetings), "pdf")), opts.repeat)
    terms = [f"{rng.choice(TOPICS)} {rng.choice(SURNAMES)}" for _ in range(8)] + ["退化林修复", "卡口检查登记"]
    out["search_ms"] = _timed(lambda: get("/console/search?q=" + rng.choice(terms), "找到"), opts.repeat)
    for key, target in TARGETS_MS.items():
        out[key]["target_p95"] = target
        out[key]["met"] = out[key]["p95"] <= target
        out[key]["ratio_p50_over_baseline"] = round(out[key]["p50"] / max(out["baseline_ms"]["p50"], 0.1), 1)
    return out


@contextlib.contextmanager
def bench_database(sqlite: str | None, name: str, prefix: str) -> Iterator[tuple[str, str]]:
    """``(url, label)`` of the database a head-office bench runs on: the SQLite file given, else a
    new database ``name`` in a throwaway PostgreSQL cluster, stopped when the block ends."""
    if sqlite:
        yield f"sqlite:///{sqlite}", "SQLite"
        return
    from testsupport.throwaway_pg import start_cluster, stop_cluster

    cluster = start_cluster(prefix=prefix)
    try:
        yield cluster.create_database(name), "PostgreSQL (throwaway cluster, fsync off)"
    finally:
        stop_cluster(cluster)


def run(args: list[str]) -> dict[str, Any]:
    import uvicorn

    from sync.server.app import create_app
    from sync.server.console import indexer
    from sync.server.console.users import add_user
    from sync.server.db import make_engine
    from sync.server.service import HeadOffice

    opts = parse(args)
    started = time.perf_counter()
    with bench_database(opts.sqlite, "hq_console_bench", "bench-hq-pg-") as (url, database):
        engine = make_engine(url)
        office = HeadOffice.open(engine)
        office.call(add_user, "bench", "admin", "bench-password-1")
        log(f"hq: seeding {opts.branches} branches × {opts.meetings} meetings + {opts.members} members")
        t0 = time.perf_counter()
        branches, meetings = seed(engine, opts)
        seed_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        indexer.refresh(engine)
        index_s = time.perf_counter() - t0
        log(f"hq: seeded in {seed_s:.0f} s, indexed in {index_s:.0f} s; measuring")
        server = uvicorn.Server(uvicorn.Config(create_app(office), host="127.0.0.1", port=0, log_level="warning",
                                               lifespan="off"))
        import socket

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # TCP_NODELAY follows
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            figures = measure(f"http://127.0.0.1:{port}", branches, meetings, opts)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()
            engine.dispose()
        records = opts.branches * (opts.meetings + opts.members + 1)
        return {
            "benchmark": "hq", "database": database, "branches": opts.branches, "records": records,
            "meetings": len(meetings), "seed_s": round(seed_s, 1), "index_s": round(index_s, 1), **figures,
            "repeat": opts.repeat, "environment": {"python": platform.python_version(), "cores": os.cpu_count()},
            "runtime_s": round(time.perf_counter() - started, 1),
        }
