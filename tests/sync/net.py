"""Network helpers for the sync tests: free ports, a uvicorn server in a thread, the cutting proxy."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerThread:
    """A real uvicorn server on a loopback port, run in a background thread."""

    def __init__(self, app: Any, **config: Any) -> None:
        # proto=IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted sockets only then, and
        # without it every reply on a kept-alive connection waits ~40 ms for a delayed ACK.
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        options = {"log_level": "warning", "lifespan": "off", "timeout_keep_alive": 30,
                   "timeout_graceful_shutdown": 1, **config}
        self.server = uvicorn.Server(uvicorn.Config(app, **options))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


class CuttingProxy:
    """The project's one fault proxy (bench/proxy.py) in front of ``target_port``, as the sync tests use it.

    :meth:`arm` sets how many more bytes may pass client→server (``up``) or server→client
    (``down``), counted from now on whatever connection carries them (keep-alive included);
    then that connection is cut. One cut disarms the proxy, so the retry goes through unless the
    test arms it again. ``proxy`` gives the other faults (reset, stall, delay).
    """

    def __init__(self, target_port: int) -> None:
        from bench.proxy import LinkProfile, ShapingProxy

        self.proxy = ShapingProxy(target_port, LinkProfile(handshake=False)).start()
        self.port = self.proxy.port

    def arm(self, *, up: int | None = None, down: int | None = None) -> None:
        if up is None and down is None:
            self.proxy.disarm()
        else:
            self.proxy.arm_drop(up=up, down=down)

    @property
    def cuts(self) -> int:
        return self.proxy.stats().drops

    @property
    def connections(self) -> int:
        return self.proxy.stats().connections

    def close(self) -> None:
        self.proxy.stop()


@contextlib.contextmanager
def running(app: Any, **config: Any) -> Iterator[ServerThread]:
    server = ServerThread(app, **config).start()
    try:
        yield server
    finally:
        server.stop()
