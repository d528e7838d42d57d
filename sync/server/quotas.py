"""Per-device quotas: requests per minute (token bucket) and total storage at head office.

Bytes per request are capped by the body reader (body.py: wire and inflated size, values, depth).
The request rate is limited per device (and enrolment per client address) in this process: with
several server processes each keeps its own buckets, so the effective limit is per process —
a reverse proxy's limits (packaging/nginx-branch-ledger.conf) sit in front of all of them. The
storage quota is checked inside the sync transaction against ``devices.stored_bytes``; a device
at its quota can still pull, and its pending changes wait on the device, never dropped.

Attachment bytes are outside the database and have their own quota per *branch* (its devices share
the files, deduplicated): ``ServerLimits.max_branch_blob_bytes``, checked by ``/v1/blobs`` before any
byte of a new upload is written (routes_blobs.py) — a 507 ``blob_quota_exceeded``; records keep
syncing and the files wait on the laptop.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_REQUESTS_PER_MINUTE = 120
DEFAULT_BURST = 60
DEFAULT_ENROL_PER_MINUTE = 10
DEFAULT_MAX_STORED_BYTES = 1024 * 1024 * 1024  # 1 GiB per device: decades of minutes
# Attachment bytes per branch (issue 14), apart from the records' quota above: 30 photos of ~1 MB
# a month (downscaled on attach) for 25 years is ~9 GB. ``serve --blob-quota-mb`` or
# ``$BRANCH_LEDGER_HQ_BLOB_QUOTA_MB``; 0 = no limit.
DEFAULT_MAX_BRANCH_BLOB_BYTES = 10 * 1024 * 1024 * 1024
ENV_BLOB_QUOTA_MB = "BRANCH_LEDGER_HQ_BLOB_QUOTA_MB"


@dataclass(frozen=True)
class QuotaSettings:
    requests_per_minute: float = DEFAULT_REQUESTS_PER_MINUTE
    burst: int = DEFAULT_BURST
    enrol_per_minute: float = DEFAULT_ENROL_PER_MINUTE
    max_stored_bytes: int = DEFAULT_MAX_STORED_BYTES


class RateLimiter:
    """Token buckets keyed by device id (or client address); ``check`` returns seconds to wait or 0."""

    def __init__(
        self, per_minute: float, burst: int, *, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1, burst)
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, key: str) -> float:
        """Take one token for ``key``; 0 if allowed, else the seconds until one is available."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                tokens -= 1.0
                wait = 0.0
            else:
                wait = (1.0 - tokens) / self.rate
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return wait


def retry_after_header(wait: float) -> str:
    return str(max(1, math.ceil(wait)))
