"""The ordering gate for pipelined pages (protocol 3, issue 15).

A device on a slow link sends page n+1 while it still waits for page n's reply, so head office may
hold both at once — in one process or in two ``--workers``. Pages must still be applied in the
device's order (a record edited in both pages needs page n's revision first), so page n+1 names
its predecessor by the highest outbox counter of page n (``after_counter``), and is applied only
once the device's ``last_counter`` — written in the same transaction that commits a page — has
reached it. The wait reads the database, not process memory, so it holds across workers.

The wait is bounded: the device sends page n+1 only after page n's body has been fully written,
so page n needs only head office's own time. If page n never commits (it was refused, the link
cut its body, its last change was unreadable) the gate answers 409 ``pipeline_order`` and the
device sends the page again in order, without pipelining.
"""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import select
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from sync.server.errors import ApiError
from sync.server.tables import devices

GATE_TIMEOUT_S = 10.0
POLL_S = 0.02  # the first look is immediate; usually page n is committed before n+1 has arrived
MAX_POLL_S = 0.2


def last_counter(engine: Engine, device_id: str) -> int:
    """The highest outbox counter of ``device_id`` head office has committed (0: none)."""
    with engine.connect() as conn:
        value = conn.execute(select(devices.c.last_counter).where(devices.c.device_id == device_id)).scalar()
    return int(value or 0)


async def wait_for_predecessor(engine: Engine, device_id: str, after_counter: int, *,
                               timeout: float = GATE_TIMEOUT_S) -> float:
    """Return once the device's page ending at ``after_counter`` is committed (the seconds waited);
    raise 409 ``pipeline_order`` after ``timeout``. Sleeps on the event loop, reads in a thread."""
    started = time.monotonic()
    pause = POLL_S
    while True:
        if await run_in_threadpool(last_counter, engine, device_id) >= after_counter:
            return time.monotonic() - started
        if time.monotonic() - started >= timeout:
            raise ApiError(409, "pipeline_order", details=f"the page ending at counter {after_counter} "
                                                          "is not committed")
        await asyncio.sleep(pause)
        pause = min(MAX_POLL_S, pause * 1.5)
