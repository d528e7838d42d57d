"""The fault proxy's other faults — clean cut, reset, stall, delay — each on real loopback sockets."""

from __future__ import annotations

import socket
import time

import pytest

from bench.proxy import ShapingProxy
from tests.bench.test_proxy import blast_port

__all__ = ["blast_port"]


def _recv_until_end(sock: socket.socket) -> tuple[bytes, str]:
    out = bytearray()
    try:
        while data := sock.recv(65536):
            out += data
    except ConnectionResetError:
        return bytes(out), "reset"
    except TimeoutError:
        return bytes(out), "timeout"
    return bytes(out), "eof"


@pytest.mark.parametrize("kind, ending", [("cut", "eof"), ("reset", "reset")])
def test_cut_and_reset_after_n_bytes(blast_port: int, kind: str, ending: str) -> None:
    with ShapingProxy(blast_port) as proxy:
        proxy.arm_fault(kind, "down", 1200)
        with socket.create_connection(("127.0.0.1", proxy.port)) as sock:
            sock.sendall(b"ping")
            data, how = _recv_until_end(sock)
        assert len(data) == 1200 and how == ending
        assert proxy.stats().faults == {kind: 1}


def test_stall_holds_the_rest_until_the_client_gives_up(blast_port: int) -> None:
    with ShapingProxy(blast_port) as proxy:
        proxy.arm_fault("stall", "down", 700)
        with socket.create_connection(("127.0.0.1", proxy.port)) as sock:
            sock.settimeout(0.5)
            sock.sendall(b"ping")
            started = time.monotonic()
            data, how = _recv_until_end(sock)
        assert len(data) == 700 and how == "timeout" and time.monotonic() - started >= 0.45


def test_delay_holds_then_delivers_everything(blast_port: int) -> None:
    with ShapingProxy(blast_port) as proxy:
        proxy.arm_fault("delay", "down", 1000, seconds=0.4)
        with socket.create_connection(("127.0.0.1", proxy.port)) as sock:
            started = time.monotonic()
            sock.sendall(b"ping")
            data, how = _recv_until_end(sock)
        assert len(data) == 5000 and how == "eof" and time.monotonic() - started >= 0.38


def test_unknown_fault_is_refused() -> None:
    proxy = ShapingProxy(1)
    with pytest.raises(ValueError):
        proxy.arm_fault("melt", "up", 1)
