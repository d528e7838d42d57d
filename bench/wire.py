"""What a push page is made of on the wire (issue 15): ``python -m bench wire --json``.

Runs the sync benchmark's initial sync (the same corpus, encrypted store, ``branch-ledger-hq serve``
and ``SyncEngine``) on loopback, and records every ``/v1/sync`` exchange as it left the client:
the coding actually used each way, the compressed and inflated sizes, and the reply's size. Each
push page is then taken apart field by field:

* ``column`` — the field's values of the whole page compressed on their own (what the field costs
  when like sits next to like), and
* ``marginal`` — how much smaller the page gets, in the coding it was sent in, without the field
  (what the field costs where it actually sits, between the Chinese text of the bodies).

The difference between the two is what the row layout costs; the marginal bytes of fields the
server can derive are what sending them costs. Replies are broken down the same way (results,
pulled changes, the rest). The figures are exact bytes, so one run is enough.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import sync as bench_sync
from sync.client.transport import Exchange, Transport
from sync.protocol import compression, wire_v2

_BIG = 64 * 1024 * 1024


class RecordingTransport(Transport):
    """The real transport, keeping a copy of every exchange (request body as sent, reply as parsed)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.log: list[dict[str, Any]] = []

    def _once(self, url: str, body: bytes, headers: dict[str, str], exchange: Exchange,
              *connection: Any) -> dict[str, Any]:
        down_before = exchange.bytes_down
        reply = super()._once(url, body, headers, exchange, *connection)  # (session, written): pipelined pages
        self.log.append({"url": url, "coding": headers.get("Content-Encoding"), "body": body,
                         "reply": reply, "reply_wire": exchange.bytes_down - down_before,
                         "reply_coding": self.last_reply_coding})
        return reply


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _size(value: Any, coding: str | None) -> int:
    data = _json(value)
    return len(compression.encode(data, coding)) if coding else len(data)


def rows_of(request: dict[str, Any]) -> list[dict[str, Any]]:
    """The pushed changes of a request in either form (rows, or protocol 2's columns)."""
    if "cols" in request:
        return wire_v2.rows_from_columns(request["cols"])
    return list(request.get("push", []))


def page_breakdown(body: bytes, coding: str | None) -> dict[str, Any]:
    """Per-field bytes of one push page: compressed alone (column) and at its place (marginal)."""
    data = compression.decode(body, coding, _BIG) if coding else body
    request = json.loads(data)
    rows = rows_of(request)
    form = "columns" if "cols" in request else "rows"
    whole = len(body)
    fields: dict[str, Any] = {}
    for key in sorted({k for row in rows for k in row}):
        column = [row.get(key) for row in rows]
        if form == "columns":
            cols = {k: v for k, v in request["cols"].items() if k != key}
            without = {**request, "cols": cols}
        else:
            without = {**request, "push": [{k: v for k, v in row.items() if k != key} for row in rows]}
        marginal = whole - _size(without, coding)
        fields[key] = {"json": len(_json(column)), "column": _size(column, coding), "marginal": marginal,
                       "marginal_per_change": round(marginal / max(1, len(rows)), 1)}
    envelope = {k: v for k, v in request.items() if k not in ("push", "cols")}
    return {"form": form, "protocol": request.get("protocol"), "changes": len(rows), "coding": coding,
            "json_bytes": len(data), "wire_bytes": whole,
            "gzip_bytes": len(compression.encode(data, compression.GZIP)),
            "per_change_wire": round(whole / max(1, len(rows)), 1),
            "envelope_json": len(_json(envelope)), "fields": fields}


def reply_breakdown(reply: dict[str, Any], wire: int, coding: str | None) -> dict[str, Any]:
    parts = {k: len(_json(reply.get(k))) for k in ("results", "accepted", "changes") if k in reply}
    rest = {k: v for k, v in reply.items() if k not in parts}
    return {"wire_bytes": wire, "coding": coding, "json_bytes": len(_json(reply)),
            "results_listed": len(reply.get("results", [])), "parts_json": parts, "rest_json": len(_json(rest))}


def measure(opts: bench_sync.Options) -> dict[str, Any]:
    from desktop_app.store import KdfParams, Store
    from desktop_app.store.sync_state import StoreSyncState, enrol_store
    from sync.client.engine import SyncEngine

    corpus = bench_sync.build_corpus(opts)
    with tempfile.TemporaryDirectory(prefix="bench-wire-") as tmp_text:
        tmp = Path(tmp_text)
        db = str(tmp / "hq.sqlite3")
        bench_sync.hq_cli(db, "org", "add", "集团党委", "--kind", "group", "--id", "g")
        bench_sync.hq_cli(db, "org", "add", "林业二级党委", "--kind", "committee", "--parent", "g", "--id", "c")
        bench_sync.hq_cli(db, "org", "add", "第一支部", "--kind", "branch", "--parent", "c", "--id", "b1")
        code = json.loads(bench_sync.hq_cli(db, "enrol-code", "--branch", "b1", "--json"))["code"]
        store, _ = Store.create(tmp / "client", bench_sync.PASS, kdf=KdfParams.fast_for_tests())
        try:
            for start in range(0, len(corpus.records), 500):
                with store.transaction():
                    for record_id, kind, body in corpus.records[start : start + 500]:
                        store.records.create(kind, body, author="bench", record_id=record_id)
            with bench_sync.head_office(db, tmp / "hq.log") as (port, _server):
                url = f"http://127.0.0.1:{port}"
                enrol_store(store, url, code, device_name="办公室电脑")
                state = StoreSyncState(store)
                creds = state.credentials()
                assert creds is not None
                transport = RecordingTransport(url, token=creds.token, encodings=creds.encodings)
                engine = SyncEngine(state, transport=transport, **opts.engine_options())  # type: ignore[arg-type]
                try:
                    stats = engine.sync_once()
                finally:
                    engine.close()
        finally:
            store.close()
    exchanges = [e for e in transport.log if e["url"].endswith("/v1/sync")]
    pages = []
    for e in exchanges:
        pages.append({"request": page_breakdown(e["body"], e["coding"]),
                      "reply": reply_breakdown(e["reply"], e["reply_wire"], e["reply_coding"])})
    return {
        "records": len(corpus.records),
        "requests": stats.requests,
        "bytes_up_bodies": sum(len(e["body"]) for e in exchanges),
        "bytes_down_bodies": sum(e["reply_wire"] for e in exchanges),
        "accepted": stats.accepted,
        "pages": pages,
    }


def run(args: list[str]) -> dict[str, Any]:
    p = argparse.ArgumentParser(prog="python -m bench wire")
    p.add_argument("--meetings", type=int, default=2000)
    p.add_argument("--roster", type=int, default=40)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--corpus", choices=("zh", "phrases"), default="zh")
    p.add_argument("--push-bytes", type=int)
    a = p.parse_args(args)
    opts = bench_sync.Options(meetings=a.meetings, roster=a.roster, seed=a.seed, corpus=a.corpus,
                              push_bytes=a.push_bytes, links=("loopback",))
    out = measure(opts)
    print(f"[bench wire] {out['requests']} requests, {out['bytes_up_bodies']} B up, "
          f"{out['bytes_down_bodies']} B down (bodies)", file=sys.stderr)
    return out
