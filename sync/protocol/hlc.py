"""Hybrid logical clocks (Kulkarni et al. 2014) for ordering history across devices.

Field clocks are wrong, so an HLC keeps the physical time when it is sane and a counter when it
is not. The timestamp encodes as a fixed-width string that sorts lexicographically in time order:
``{millis:013d}-{counter:04x}-{node}``. Clocks never cause rejection of data (sync-notes.md §6.10).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_COUNTER = 0xFFFF


class BadTimestamp(ValueError):
    """Text that is not an encoded HLC timestamp."""


@dataclass(frozen=True, order=True, slots=True)
class HLCTimestamp:
    millis: int
    counter: int
    node: str

    def encode(self) -> str:
        return f"{self.millis:013d}-{self.counter:04x}-{self.node}"

    @classmethod
    def decode(cls, text: str) -> HLCTimestamp:
        parts = text.split("-", 2)
        if len(parts) != 3 or not parts[0].isdigit():
            raise BadTimestamp(text)
        try:
            counter = int(parts[1], 16)
        except ValueError as exc:
            raise BadTimestamp(text) from exc
        return cls(int(parts[0]), counter, parts[2])


class HybridLogicalClock:
    """A thread-safe HLC for one node (a device or the server)."""

    def __init__(
        self, node: str, last: HLCTimestamp | None = None, wall_ms: Callable[[], int] | None = None
    ) -> None:
        self.node = node
        self._wall_ms = wall_ms or (lambda: time.time_ns() // 1_000_000)
        self._millis = last.millis if last else 0
        self._counter = last.counter if last else 0
        self._lock = threading.Lock()

    def now(self) -> HLCTimestamp:
        """A timestamp for a local event, strictly greater than every earlier one of this clock."""
        with self._lock:
            wall = self._wall_ms()
            if wall > self._millis:
                self._millis, self._counter = wall, 0
            else:
                self._counter += 1
                if self._counter > MAX_COUNTER:
                    self._millis, self._counter = self._millis + 1, 0
            return HLCTimestamp(self._millis, self._counter, self.node)

    def observe(self, remote: HLCTimestamp, max_ahead_ms: int | None = None) -> HLCTimestamp:
        """Merge a timestamp received from elsewhere (the HLC receive rule).

        ``max_ahead_ms`` clamps a remote physical part that runs far ahead of our wall clock, so
        one device with a clock set to 2099 cannot poison everyone's ordering.
        """
        with self._lock:
            wall = self._wall_ms()
            remote_millis = remote.millis
            if max_ahead_ms is not None:
                remote_millis = min(remote_millis, wall + max_ahead_ms)
            top = max(wall, self._millis, remote_millis)
            if top == self._millis == remote_millis:
                counter = max(self._counter, remote.counter) + 1
            elif top == self._millis:
                counter = self._counter + 1
            elif top == remote_millis:
                counter = remote.counter + 1
            else:
                counter = 0
            if counter > MAX_COUNTER:
                top, counter = top + 1, 0
            self._millis, self._counter = top, counter
            return HLCTimestamp(top, counter, self.node)

    @property
    def last(self) -> HLCTimestamp:
        with self._lock:
            return HLCTimestamp(self._millis, self._counter, self.node)
