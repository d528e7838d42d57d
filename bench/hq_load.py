"""A light load generator for the head-office throughput bench: pre-signed syncs, replayed.

The throughput bench runs 200 simulated devices in the bench process, on the same two cores as
head office and PostgreSQL. Driving each through ``MemoryState`` + ``SyncEngine`` (``--load
engine``) makes the load generator spend about as much CPU per change as the server, so it
measures the two together. This replay (``--load replay``, the default) moves the client's work
out of the timed phases without making the server's any lighter:

* Before a phase, each device makes its edits in its own ``MemoryState`` (two new meetings and an
  edit of its own record per round, as before), and the changes are built, hashed and signed with
  the device key exactly as the engine builds them (``MemoryState.pending_changes``), serialized
  once as the ``"push"`` part of a request and gzip-compressed up to a full flush.
* In the phase, a device thread sends round after round on its own keep-alive HTTP connection. The
  rest of the request (client, cursor from the previous reply, HLC, limits) is serialized then and
  compressed by a fresh deflate stream that continues the pre-compressed part: after a full flush
  a deflate stream references nothing before it, so ``header + prefix + tail + crc + size`` is one
  ordinary gzip member — head office inflates and parses the whole body as it would any client's.
* Every request is a distinct, valid, signed sync of three new changes; head office verifies,
  hashes, validates and stores each, and returns the branch-mate's changes since the cursor,
  which the device reads (the JSON is parsed, every push result must be ``accepted``, and a
  ``has_more`` reply is followed by further pulls) but does not verify or apply: that is client
  CPU, which the client benchmarks measure.

A device that runs out of pre-built rounds during a phase builds more on the spot (counted in the
load generator's CPU and reported as ``built_in_phase``).
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import uuid
import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pydantic import TypeAdapter

from sync.protocol import compact, compression
from sync.protocol.versions import COMPACT_HEADER, IDEMPOTENCY_HEADER, JSON_CONTENT_TYPE
from sync.protocol.wire import Change, ClientInfo, Limits, SyncRequest

_PUSH = TypeAdapter(list[Change])
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, mtime 0, unknown OS
PAGE_BYTES = 1024 * 1024
PAGE_ITEMS = 500


@dataclass
class Prepared:
    """One round's push, ready to send: the JSON ``{"push":[…],`` compressed to a full flush."""

    deflated: bytes  # raw deflate of ``text`` ending on a full flush (no final block)
    crc: int
    size: int
    changes: int


def gzip_parts(prefix: Prepared, tail: bytes) -> bytes:
    """One gzip member of ``prefix``'s text followed by ``tail``."""
    finisher = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    rest = finisher.compress(tail) + finisher.flush(zlib.Z_FINISH)
    crc = zlib.crc32(tail, prefix.crc)
    size = (prefix.size + len(tail)) & 0xFFFFFFFF
    return _GZIP_HEADER + prefix.deflated + rest + crc.to_bytes(4, "little") + size.to_bytes(4, "little")


def prepare_push(changes: list[Change]) -> Prepared:
    text = b'{"push":' + _PUSH.dump_json(changes, exclude_none=True) + b","
    deflater = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    deflated = deflater.compress(text) + deflater.flush(zlib.Z_FULL_FLUSH)
    return Prepared(deflated, zlib.crc32(text), len(text), len(changes))


@dataclass
class ReplayLoad:
    latencies: list[float] = field(default_factory=list)
    accepted: int = 0
    pulled: int = 0
    requests: int = 0
    built_in_phase: int = 0
    errors: list[str] = field(default_factory=list)


class ReplayDevice:
    """One enrolled device (its replica and token) sending pre-built syncs over one connection."""

    def __init__(self, state: Any, token: str, own_record: str, bodies: list[dict[str, Any]], base_url: str,
                 cursor: str | None, compact_bodies: bool, app_version: str = "bench") -> None:
        self.state, self.token, self.own_record, self.bodies = state, token, own_record, bodies
        self.cursor = cursor
        self.compact_bodies = compact_bodies
        self.app_version = app_version
        self.rounds = 0
        self.ready: deque[Prepared] = deque()
        parts = urlsplit(base_url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._conn: http.client.HTTPConnection | None = None
        self._accept = ", ".join(c for c in compression.REPLY_PREFERENCE if c in compression.spoken())

    # ------------------------------------------------------------------ building (outside the timed phase)

    def build(self, rounds: int) -> None:
        """Make ``rounds`` more rounds of edits and sign their changes, as the device would."""
        from bench.sync import edited

        for _ in range(rounds):
            pool, r = self.bodies, self.rounds
            self.state.create("meeting", pool[r % len(pool)])
            self.state.create("meeting", pool[(r + 1) % len(pool)])
            record = self.state.records[self.own_record]
            self.state.update(self.own_record, edited(record.body, random.Random(r)))
            self.rounds += 1
            changes = self.state.pending_changes(PAGE_ITEMS, 64 * 1024 * 1024)
            self.state.outbox.clear()  # handed to the replay: it is sent exactly once
            self.ready.append(prepare_push([self._wire(c) for c in changes]))

    def _wire(self, change: Change) -> Change:
        """The change as the engine sends it (a compact body when head office announced compact)."""
        if not self.compact_bodies or change.body is None:
            return change
        small = compact.strip(change.kind, change.body)
        return change if small is None else change.model_copy(update={"body": small,
                                                                      "body_schema": compact.schema_id()})

    # ------------------------------------------------------------------ sending (the timed phase)

    def _tail(self) -> bytes:
        """Everything after the push, serialized as the engine does (``SyncEngine._payload``)."""
        request = SyncRequest(
            client=ClientInfo(device_id=self.state.device_id, app_version=self.app_version),
            cursor=self.cursor,
            hlc=self.state.hlc_now(),
            limits=Limits(max_bytes=PAGE_BYTES, max_items=PAGE_ITEMS),
            compact=compact.schema_id(),
        )
        return request.model_dump_json(exclude_none=True, exclude={"push"}).encode()[1:]

    def _post(self, body: bytes) -> dict[str, Any]:
        headers = {"Content-Type": JSON_CONTENT_TYPE, "Content-Encoding": compression.GZIP,
                   "Accept-Encoding": self._accept, "Authorization": f"Bearer {self.token}",
                   IDEMPOTENCY_HEADER: uuid.uuid4().hex}
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self._host, self._port, timeout=120)
            try:
                self._conn.request("POST", "/v1/sync", body, headers)
                response = self._conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                self._conn.close()
                self._conn = None
                if attempt == 2:
                    raise
                continue
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}: {data[:200]!r}")
            coding = (response.getheader("Content-Encoding") or "").strip().lower()
            if coding:
                data = compression.decode(data, coding, 64 * 1024 * 1024)
            self.compact_bodies = response.getheader(COMPACT_HEADER) == compact.schema_id()
            reply: dict[str, Any] = json.loads(data)
            return reply
        raise AssertionError("unreachable")

    def sync_round(self, load: ReplayLoad) -> None:
        """Send the next round's push with the current cursor; pull until the branch is caught up."""
        if not self.ready:
            self.build(1)
            load.built_in_phase += 1
        prepared = self.ready.popleft()
        reply = self._post(gzip_parts(prepared, self._tail()))
        load.requests += 1
        results = reply.get("results", [])
        if len(results) != prepared.changes or any(r.get("status") != "accepted" for r in results):
            raise RuntimeError(f"push not accepted: {[(r.get('status'), r.get('code')) for r in results]}")
        load.accepted += len(results)
        while True:
            load.pulled += len(reply.get("changes", []))
            self.cursor = reply["cursor"]
            if not reply.get("has_more"):
                return
            reply = self._post(compression.encode(b"{" + self._tail(), compression.GZIP))
            load.requests += 1

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def rounds(start: float, offset: float, interval: float | None, duration: float) -> Iterator[float]:
    """Yield the moment each round begins until ``duration`` is up: back to back (``interval``
    None) or once per ``interval`` seconds from ``start + offset``, sleeping until each is due."""
    due = start + offset
    while True:
        now = time.perf_counter()
        if interval is not None:
            if due >= start + duration:
                return
            if due > now:
                time.sleep(due - now)
            due = max(due + interval, time.perf_counter())
        elif now >= start + duration:
            return
        yield time.perf_counter()


def run_phase(devices: list[ReplayDevice], duration: float, interval: float | None, seed: int,
              before_start: Any) -> tuple[list[ReplayLoad], float, Any]:
    """Every device syncs until ``duration`` is up: back to back (``interval`` None) or once per
    ``interval`` seconds from a random phase. ``before_start()`` is called just before the start
    (the caller's CPU snapshot); returns the loads, the wall time and its result."""
    loads = [ReplayLoad() for _ in devices]
    barrier = threading.Barrier(len(devices) + 1)
    start_box: list[float] = [0.0]
    rng = random.Random(seed)
    offsets = [rng.uniform(0, interval) if interval else 0.0 for _ in devices]

    def worker(d: int) -> None:
        device, load = devices[d], loads[d]
        barrier.wait()
        for t in rounds(start_box[0], offsets[d], interval, duration):
            try:
                device.sync_round(load)
            except Exception as exc:  # counted and shown, as the engine load's SyncError is
                load.errors.append(f"{type(exc).__name__}: {exc}"[:200])
                time.sleep(0.2)
                continue
            load.latencies.append(time.perf_counter() - t)

    threads = [threading.Thread(target=worker, args=(d,), daemon=True) for d in range(len(devices))]
    for thread in threads:
        thread.start()
    snapshot = before_start()
    start_box[0] = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    return loads, time.perf_counter() - start_box[0], snapshot


def rounds_needed(changes_per_s: float, duration: float, devices: int, changes_per_round: int = 3) -> int:
    """Rounds per device to pre-build for a phase expected to run at about ``changes_per_s``."""
    return max(1, int(changes_per_s * duration / changes_per_round / max(devices, 1)) + 1)

