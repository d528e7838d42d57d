"""A link-shaping, request-counting TCP proxy in pure Python (asyncio), for the sync benchmark.

Why a userspace proxy: ``tc netem`` needs CAP_NET_ADMIN, which CI and most developer machines
lack, and both systems under comparison (our head office and pouchdb-server) must see *the same*
link. The proxy sits in front of one server and models one slow link (sync-notes §7):

* **Propagation delay** — RTT/2 one way, in each direction.
* **TCP handshake** — a new connection may not carry data until one RTT after it was opened
  (SYN → SYN-ACK → data), so a client that opens a connection per request pays for it, as it
  would on the real link. TCP slow start is *not* modelled (that would penalise new connections
  further, so leaving it out favours the side that opens more of them).
* **Bandwidth cap** — a token bucket per direction, shared by every connection through the
  proxy (a branch office has one uplink, not one per socket). With the default depth of 0 the
  bucket is a plain serialising link: a segment leaves ``len/rate`` seconds after the previous
  one finished. Data is forwarded in segments of at most :data:`SEGMENT` bytes, store-and-forward
  like a router hop.
* **Counting** — bytes delivered each way (headers included: what the wire carries), TCP
  connections, and HTTP/1.1 requests. Requests are counted by *parsing* the client→server stream
  (request line, headers, then exactly the body announced by Content-Length or chunked framing),
  so keep-alive and bodies that happen to contain ``POST /`` are handled honestly.
* **Faults** — :meth:`ShapingProxy.arm_fault` acts on the connection carrying the N-th byte (up
  or down, counted from the arming): ``cut`` (a clean close: FIN both ways), ``reset`` (an abortive
  close: RST), ``stall`` (nothing more moves that way for a while, by default until the client
  gives up) or ``delay`` (that byte and the rest wait a given time, then flow again). One fault
  disarms the proxy. :meth:`ShapingProxy.arm_drop` is the abortive cut the benchmark uses. The
  reliability suite and the sync tests use this one proxy (tests/sync/net.py wraps it).

Two ways to run it: :class:`ShapingProxy` in a background thread of the calling process (tests),
or :class:`ProxyProcess`, which runs ``python -m bench.proxy`` as a child process controlled over
stdin/stdout. The benchmark uses the child process so that neither side's client CPU work (ours
runs in the benchmark's own interpreter) can delay the proxy's timers through the GIL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import socket
import struct
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

SEGMENT = 4096  # bytes per forwarded segment: 16 ms at 2 Mbit/s
READ_SIZE = 65536
MAX_QUEUED = 4 * 1024 * 1024  # per connection and direction: stop reading beyond this (memory bound)
MAX_HEADER = 64 * 1024
METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "COPY"})
_LONG_SEGMENT = re.compile(r"^[^/]{25,}$")


@dataclass(frozen=True)
class LinkProfile:
    """The simulated link. ``None`` bandwidth means unlimited; ``rtt_s=0`` adds no delay."""

    rtt_s: float = 0.0
    up_bps: float | None = None  # client → server, bits per second
    down_bps: float | None = None  # server → client
    burst_bytes: int = 0  # token-bucket depth; 0 = a serialising link
    handshake: bool = True  # a new connection costs one RTT before its first byte

    @classmethod
    def slow(cls, rtt_ms: float = 600, mbit: float = 2.0) -> LinkProfile:
        return cls(rtt_s=rtt_ms / 1000, up_bps=mbit * 1e6, down_bps=mbit * 1e6)

    def describe(self) -> str:
        if self.rtt_s == 0 and self.up_bps is None and self.down_bps is None:
            return "loopback, no shaping"
        up = f"{self.up_bps / 1e6:g} Mbit/s up" if self.up_bps else "unlimited up"
        down = f"{self.down_bps / 1e6:g} Mbit/s down" if self.down_bps else "unlimited down"
        handshake = "new TCP connection costs 1 RTT" if self.handshake else "TCP handshake not charged"
        return f"RTT {self.rtt_s * 1000:g} ms, {up}, {down}, {handshake}"


FAULT_KINDS = ("cut", "reset", "stall", "delay")


@dataclass(frozen=True)
class Fault:
    """What happens to the connection carrying the byte after the next ``after`` bytes."""

    kind: str  # one of FAULT_KINDS
    after: int
    seconds: float = 0.0  # stall / delay: how long (stall default: an hour, i.e. until the client gives up)


@dataclass
class ProxyStats:
    """Counters since the last :meth:`ShapingProxy.reset`."""

    connections: int = 0
    requests: int = 0
    bytes_up: int = 0
    bytes_down: int = 0
    drops: int = 0  # faults that fired (any kind)
    request_kinds: dict[str, int] = field(default_factory=dict)  # "POST /db/_bulk_docs" → count
    faults: dict[str, int] = field(default_factory=dict)  # kind → how many fired

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class TokenBucket:
    """Virtual-time token bucket (GCRA): ``reserve`` says when ``n`` bytes have crossed the link.

    Reservations are made in arrival order, so segments from several connections queue at the
    bottleneck exactly as they would at a router's output port.
    """

    def __init__(self, bits_per_second: float | None, burst_bytes: int = 0) -> None:
        self.rate = bits_per_second / 8 if bits_per_second else None
        self.burst = burst_bytes
        self.tat = 0.0  # theoretical arrival time of the next byte

    def reserve(self, n: int, now: float) -> float:
        if self.rate is None:
            return now
        start = max(self.tat, now - self.burst / self.rate)
        self.tat = start + n / self.rate
        return max(self.tat, now)


def normalise_target(target: str) -> str:
    """``/db/_local/3f…?x=1`` → ``/db/_local/*``: groups requests by kind without ids/queries."""
    path = target.split("?", 1)[0]
    return "/".join("*" if _LONG_SEGMENT.match(part) else part for part in path.split("/"))


class HttpRequestParser:
    """Incremental HTTP/1.1 request framing for one client→server byte stream.

    :meth:`feed` returns the request lines (``"METHOD target"``) that *start* in the data fed.
    A request without Content-Length or chunked Transfer-Encoding has no body (RFC 9112 §6.3).
    If the stream stops looking like HTTP (a header block over 64 KiB, a bad chunk size), the
    parser gives up for this connection instead of guessing.
    """

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.state = "head"  # head | body | chunk_size | chunk_data | chunk_crlf | trailers | lost
        self.remaining = 0

    def feed(self, data: bytes) -> list[str]:
        found: list[str] = []
        if self.state == "lost":
            return found
        self.buffer += data
        while self.buffer:
            if self.state == "head":
                end = self.buffer.find(b"\r\n\r\n")
                if end < 0:
                    if len(self.buffer) > MAX_HEADER:
                        self.state = "lost"
                    return found
                head = bytes(self.buffer[:end]).decode("latin-1")
                del self.buffer[: end + 4]
                line, *header_lines = head.split("\r\n")
                parts = line.split(" ")
                if len(parts) == 3 and parts[0] in METHODS and parts[2].startswith("HTTP/"):
                    found.append(f"{parts[0]} {parts[1]}")
                headers = {}
                for header in header_lines:
                    name, _, value = header.partition(":")
                    headers[name.strip().lower()] = value.strip()
                if "chunked" in headers.get("transfer-encoding", "").lower():
                    self.state = "chunk_size"
                elif headers.get("content-length", "0").isdigit() and int(headers.get("content-length", "0")) > 0:
                    self.state, self.remaining = "body", int(headers["content-length"])
            elif self.state in ("body", "chunk_data"):
                take = min(self.remaining, len(self.buffer))
                del self.buffer[:take]
                self.remaining -= take
                if self.remaining:
                    return found
                self.state = "head" if self.state == "body" else "chunk_crlf"
            elif self.state == "chunk_crlf":
                if len(self.buffer) < 2:
                    return found
                del self.buffer[:2]
                self.state = "chunk_size"
            else:  # chunk_size | trailers
                end = self.buffer.find(b"\r\n")
                if end < 0:
                    if len(self.buffer) > MAX_HEADER:
                        self.state = "lost"
                    return found
                line_bytes = bytes(self.buffer[:end])
                del self.buffer[: end + 2]
                if self.state == "trailers":
                    if not line_bytes:
                        self.state = "head"
                    continue
                try:
                    size = int(line_bytes.split(b";", 1)[0].strip() or b"x", 16)
                except ValueError:
                    self.state = "lost"
                    return found
                if size == 0:
                    self.state = "trailers"
                else:
                    self.state, self.remaining = "chunk_data", size
        return found


class _Pipe:
    """One direction of one connection: read, stamp each segment with its delivery time, write."""

    def __init__(self, proxy: ShapingProxy, conn: _Connection, direction: str,
                 reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.proxy, self.conn, self.direction = proxy, conn, direction
        self.reader, self.writer = reader, writer
        self.queue: asyncio.Queue[tuple[float, bytes | None]] = asyncio.Queue()
        self.queued = 0
        self.last_due = 0.0
        self.parser = HttpRequestParser() if direction == "up" else None

    async def read_loop(self) -> None:
        loop = asyncio.get_running_loop()
        profile = self.proxy.profile
        bucket = self.proxy.buckets[self.direction]
        one_way = profile.rtt_s / 2
        try:
            while True:
                while self.queued > MAX_QUEUED:
                    await asyncio.sleep(0.005)
                data = await self.reader.read(READ_SIZE)
                now = loop.time()
                if not data:
                    self.last_due = max(self.last_due, now + one_way)
                    self.queue.put_nowait((self.last_due, None))
                    return
                if self.parser is not None:
                    self.proxy._count_requests(self.parser.feed(data))
                ready = max(now, self.conn.data_from if self.direction == "up" else now)
                for i in range(0, len(data), SEGMENT):
                    segment = data[i : i + SEGMENT]
                    due = bucket.reserve(len(segment), ready) + one_way
                    self.last_due = max(self.last_due, due)
                    self.queued += len(segment)
                    self.queue.put_nowait((self.last_due, segment))
        except (ConnectionError, OSError):
            self.queue.put_nowait((0.0, None))

    async def write_loop(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                due, segment = await self.queue.get()
                delay = due - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                if segment is None:
                    if self.writer.can_write_eof():
                        self.writer.write_eof()
                    return
                self.queued -= len(segment)
                hit = self.proxy._fault_budget(self.direction, len(segment))
                if hit is not None:
                    allowed, fault = hit
                    if allowed:
                        self.proxy._count_bytes(self.direction, allowed)
                        self.writer.write(segment[:allowed])
                        with contextlib.suppress(ConnectionError, OSError):
                            await self.writer.drain()
                    if fault.kind in ("stall", "delay"):
                        await self.conn.wait_closed(fault.seconds or (3600.0 if fault.kind == "stall" else 0.0))
                        if self.conn.is_closed:
                            return
                        self.proxy._count_bytes(self.direction, len(segment) - allowed)
                        self.writer.write(segment[allowed:])
                        await self.writer.drain()
                        continue
                    if fault.kind == "cut":
                        self.conn.close_gracefully()
                    else:
                        self.conn.abort(reset=True)
                    return
                # Counted before it is written: a reader of the stats never sees fewer bytes than a
                # peer already received (the stats are read from another thread).
                self.proxy._count_bytes(self.direction, len(segment))
                self.writer.write(segment)
                await self.writer.drain()
        except (ConnectionError, OSError):
            self.conn.abort()


class _Connection:
    def __init__(self, data_from: float) -> None:
        self.data_from = data_from  # the handshake's end: no client data moves before this
        self.writers: list[asyncio.StreamWriter] = []
        self.closed = asyncio.Event()

    @property
    def is_closed(self) -> bool:
        return self.closed.is_set()

    async def wait_closed(self, seconds: float) -> None:
        """Sleep ``seconds``, or less if the connection goes away meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.closed.wait(), timeout=seconds)

    def abort(self, *, reset: bool = False) -> None:
        """Close at once; with ``reset`` the peers get an RST (SO_LINGER 0), not a FIN."""
        self.closed.set()
        for writer in self.writers:
            transport = writer.transport
            if reset:
                sock = transport.get_extra_info("socket")
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            if not transport.is_closing():
                transport.abort()

    def close_gracefully(self) -> None:
        """A clean cut: both peers see the stream end (FIN), nothing more is forwarded."""
        self.closed.set()
        for writer in self.writers:
            with contextlib.suppress(OSError, RuntimeError):
                if writer.can_write_eof():
                    writer.write_eof()
            writer.transport.close()


class ShapingProxy:
    """The proxy, running its own event loop in a daemon thread of this process.

    Use as a context manager or call :meth:`start`/:meth:`stop`. Counters are read with
    :meth:`stats` and zeroed with :meth:`reset` from any thread.
    """

    def __init__(self, target_port: int, profile: LinkProfile | None = None, *, target_host: str = "127.0.0.1",
                 listen_host: str = "127.0.0.1", listen_port: int = 0) -> None:
        self.target = (target_host, target_port)
        self.listen = (listen_host, listen_port)
        self.profile = profile or LinkProfile()
        self.buckets = {"up": TokenBucket(self.profile.up_bps, self.profile.burst_bytes),
                        "down": TokenBucket(self.profile.down_bps, self.profile.burst_bytes)}
        self.port = 0
        self._lock = threading.Lock()
        self._stats = ProxyStats()
        self._kinds: Counter[str] = Counter()
        self._faults: Counter[str] = Counter()
        self._fault: dict[str, Fault | None] = {"up": None, "down": None}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[_Connection] = set()

    # ------------------------------------------------------------------ control (any thread)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ShapingProxy:
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._handle, self.listen[0], self.listen[1], backlog=256))
                self.port = int(self._server.sockets[0].getsockname()[1])
            except BaseException as exc:
                errors.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(target=run, name="shaping-proxy", daemon=True)
        self._thread.start()
        ready.wait(10)
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is None or self._thread is None:
            return

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            for conn in list(self._connections):
                conn.abort()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(RuntimeError, TimeoutError):
            asyncio.run_coroutine_threadsafe(shutdown(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(5)
        self._loop = None

    def __enter__(self) -> ShapingProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stats(self) -> ProxyStats:
        with self._lock:
            snap = ProxyStats(**{k: v for k, v in asdict(self._stats).items() if k not in ("request_kinds", "faults")})
            snap.request_kinds = dict(sorted(self._kinds.items()))
            snap.faults = dict(sorted(self._faults.items()))
            return snap

    def reset(self) -> None:
        with self._lock:
            self._stats = ProxyStats()
            self._kinds = Counter()
            self._faults = Counter()

    def arm_drop(self, *, up: int | None = None, down: int | None = None) -> None:
        """Cut (abortively) the connection that carries the byte after the next ``up``/``down`` bytes.

        One cut disarms both directions, so a client's retry goes through unless re-armed.
        """
        with self._lock:
            self._fault = {"up": Fault("reset", up) if up is not None else None,
                           "down": Fault("reset", down) if down is not None else None}

    def arm_fault(self, kind: str, direction: str, after: int, seconds: float = 0.0) -> None:
        """One fault (see the module docstring) on the next connection to pass ``after`` more
        bytes in ``direction`` ("up": client → server, "down": server → client)."""
        if kind not in FAULT_KINDS or direction not in ("up", "down"):
            raise ValueError(f"unknown fault {kind!r} {direction!r}")
        with self._lock:
            self._fault = {"up": None, "down": None}
            self._fault[direction] = Fault(kind, after, seconds)

    def disarm(self) -> None:
        with self._lock:
            self._fault = {"up": None, "down": None}

    # ------------------------------------------------------------------ loop thread

    def _count_requests(self, lines: list[str]) -> None:
        if not lines:
            return
        with self._lock:
            self._stats.requests += len(lines)
            for line in lines:
                method, _, target = line.partition(" ")
                self._kinds[f"{method} {normalise_target(target)}"] += 1

    def _count_bytes(self, direction: str, n: int) -> None:
        with self._lock:
            if direction == "up":
                self._stats.bytes_up += n
            else:
                self._stats.bytes_down += n

    def _fault_budget(self, direction: str, n: int) -> tuple[int, Fault] | None:
        """None: deliver all ``n`` bytes. Else how many to deliver before the fault, and the fault."""
        with self._lock:
            fault = self._fault[direction]
            if fault is None:
                return None
            if n <= fault.after:
                self._fault[direction] = Fault(fault.kind, fault.after - n, fault.seconds)
                return None
            self._fault = {"up": None, "down": None}
            self._stats.drops += 1
            self._faults[fault.kind] += 1
            return fault.after, fault

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        with self._lock:
            self._stats.connections += 1
        conn = _Connection(loop.time() + (self.profile.rtt_s if self.profile.handshake else 0.0))
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        conn.writers = [client_writer, server_writer]
        self._connections.add(conn)
        up = _Pipe(self, conn, "up", client_reader, server_writer)
        down = _Pipe(self, conn, "down", server_reader, client_writer)
        try:
            await asyncio.gather(up.read_loop(), up.write_loop(), down.read_loop(), down.write_loop())
        except asyncio.CancelledError:
            pass  # the proxy is stopping; end quietly (asyncio logs a cancelled handler as an error)
        finally:
            conn.closed.set()
            self._connections.discard(conn)
            for writer in conn.writers:
                with contextlib.suppress(Exception):
                    writer.close()


# ---------------------------------------------------------------------------------- child process


class ProxyProcess:
    """:class:`ShapingProxy` in a child process (``python -m bench.proxy``), driven over stdin/stdout.

    Commands are single lines (``stats``, ``reset``, ``arm UP DOWN`` with ``-`` for none, ``quit``);
    every reply is one JSON line.
    """

    def __init__(self, target_port: int, profile: LinkProfile) -> None:
        self.profile = profile
        cmd = [sys.executable, "-m", "bench.proxy", "--target-port", str(target_port),
               "--rtt-ms", str(profile.rtt_s * 1000), "--burst-bytes", str(profile.burst_bytes)]
        if profile.up_bps:
            cmd += ["--up-bps", str(profile.up_bps)]
        if profile.down_bps:
            cmd += ["--down-bps", str(profile.down_bps)]
        if not profile.handshake:
            cmd.append("--no-handshake")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.port = int(self._read()["port"])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("proxy process exited")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def _ask(self, command: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._read()

    def stats(self) -> ProxyStats:
        return ProxyStats(**self._ask("stats"))

    def reset(self) -> None:
        self._ask("reset")

    def arm_drop(self, *, up: int | None = None, down: int | None = None) -> None:
        """Cut the connection after ``up``/``down`` more bytes (as :meth:`ShapingProxy.arm_drop`)."""
        self._ask(f"arm {up if up is not None else '-'} {down if down is not None else '-'}")

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(OSError, RuntimeError, ValueError):
                self._ask("quit")
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def __enter__(self) -> ProxyProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextlib.contextmanager
def proxy_process(target_port: int, profile: LinkProfile) -> Iterator[ProxyProcess]:
    proc = ProxyProcess(target_port, profile)
    try:
        yield proc
    finally:
        proc.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.proxy", description=__doc__.split("\n")[0])
    parser.add_argument("--target-port", type=int, required=True)
    parser.add_argument("--target-host", default="127.0.0.1")
    parser.add_argument("--listen-port", type=int, default=0)
    parser.add_argument("--rtt-ms", type=float, default=0.0)
    parser.add_argument("--up-bps", type=float)
    parser.add_argument("--down-bps", type=float)
    parser.add_argument("--burst-bytes", type=int, default=0)
    parser.add_argument("--no-handshake", action="store_true")
    args = parser.parse_args(argv)
    profile = LinkProfile(rtt_s=args.rtt_ms / 1000, up_bps=args.up_bps, down_bps=args.down_bps,
                          burst_bytes=args.burst_bytes, handshake=not args.no_handshake)
    proxy = ShapingProxy(args.target_port, profile, target_host=args.target_host,
                         listen_port=args.listen_port).start()
    print(json.dumps({"port": proxy.port}), flush=True)
    try:
        for line in sys.stdin:
            command = line.strip()
            if command == "stats":
                print(json.dumps(proxy.stats().as_dict()), flush=True)
            elif command == "reset":
                proxy.reset()
                print(json.dumps({"ok": True}), flush=True)
            elif command.startswith("arm "):
                up, down = (None if v == "-" else int(v) for v in command.split()[1:3])
                proxy.arm_drop(up=up, down=down)
                print(json.dumps({"ok": True}), flush=True)
            elif command == "quit":
                print(json.dumps({"ok": True}), flush=True)
                break
            else:
                print(json.dumps({"error": f"unknown command {command!r}"}), flush=True)
    finally:
        proxy.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
