"""Retry timing: exponential back-off with full jitter, honouring the server's Retry-After.

Full jitter (sleep a uniform random time in ``[0, min(cap, base·2^n)]``) spreads the retries of
many branches that lost the link at the same moment (AWS architecture blog, "Exponential Backoff
And Jitter"). A server hint is obeyed but capped, so a bad header cannot park a client for days.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # tries per request, including the first
    base: float = 0.5  # seconds
    cap: float = 300.0  # seconds, also the cap on Retry-After
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (1 = first retry)."""
        if retry_after is not None and retry_after >= 0:
            return min(retry_after, self.cap)
        return self.rng.uniform(0, min(self.cap, self.base * (2 ** (attempt - 1))))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
