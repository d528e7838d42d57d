"""Network helpers for the sync tests: free ports, a uvicorn server in a thread, a cutting proxy."""

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
    """A TCP proxy that forwards to ``target_port`` and cuts the link after a byte budget.

    :meth:`arm` sets how many more bytes may pass client→server (``up``) or server→client
    (``down``), counted from now on whatever connection carries them (keep-alive included);
    then both sockets of that connection are closed. One cut disarms the proxy, so the retry
    goes through unless the test arms it again.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = int(self.listener.getsockname()[1])
        self.cut_up: int | None = None
        self.cut_down: int | None = None
        self.cuts = 0
        self.connections = 0
        self._stop = False
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def arm(self, *, up: int | None = None, down: int | None = None) -> None:
        with self._lock:
            self.cut_up, self.cut_down = up, down

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            state = {"closed": False}
            for src, dst, direction in ((client, upstream, "up"), (upstream, client, "down")):
                threading.Thread(target=self._pump, args=(src, dst, direction, state, client, upstream),
                                 daemon=True).start()

    def _budget(self, direction: str, size: int) -> int | None:
        """How many of ``size`` bytes may pass before the cut (None: all, no cut armed)."""
        with self._lock:
            left = self.cut_up if direction == "up" else self.cut_down
            if left is None:
                return None
            if size < left or (size == left == 0):
                left -= size
                if direction == "up":
                    self.cut_up = left
                else:
                    self.cut_down = left
                return None
            self.cut_up = self.cut_down = None
            self.cuts += 1
            return left

    def _pump(self, src: socket.socket, dst: socket.socket, direction: str, state: dict[str, bool],
              *both: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                allowed = self._budget(direction, len(data))
                if allowed is not None:
                    dst.sendall(data[:allowed])
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            if not state["closed"]:
                state["closed"] = True
                for sock in both:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                    with contextlib.suppress(OSError):
                        sock.close()

    def close(self) -> None:
        self._stop = True
        with contextlib.suppress(OSError):
            self.listener.close()


@contextlib.contextmanager
def running(app: Any, **config: Any) -> Iterator[ServerThread]:
    server = ServerThread(app, **config).start()
    try:
        yield server
    finally:
        server.stop()
