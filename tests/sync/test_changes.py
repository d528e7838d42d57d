"""Byte-bounded push batches (sync.client.changes)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sync.client.changes import build_change, change_wire_size, fit_batch
from sync.protocol.signatures import SigningKey
from sync.protocol.wire import Change

KEY = SigningKey.generate()


def _change(n: int, text_len: int = 1000) -> Change:
    return build_change(
        signing_key=KEY, device_id="dev-1", change_id=f"c{n:04d}", counter=n + 1, record_id=f"r{n:04d}",
        kind="meeting", rev=f"1-{n:032x}", parents=[], deleted=False, status="draft", schema_version=1,
        body={"minutes": "林" * text_len}, hlc=f"0000000001{n:06d}-0000-dev-1", device_time="2026-11-23T08:00:00Z",
        author="clerk",
    )


def test_batch_stops_at_the_byte_budget() -> None:
    changes = [_change(n) for n in range(10)]
    size = change_wire_size(changes[0])
    batch = fit_batch(changes, max_bytes=size * 3 + size // 2)
    assert [c.change_id for c in batch] == ["c0000", "c0001", "c0002"]


def test_an_oversized_change_still_travels_alone() -> None:
    big = _change(0, text_len=50_000)
    assert fit_batch([big, _change(1)], max_bytes=1000) == [big]


def test_nothing_after_the_first_misfit_is_built() -> None:
    """Building a change signs it; a lazy source must not be drained past the budget."""
    built: list[int] = []

    def source() -> Iterator[Change]:
        for n in range(100):
            built.append(n)
            yield _change(n)

    size = change_wire_size(_change(0))
    batch = fit_batch(source(), max_bytes=size * 2 + 10)
    assert len(batch) == 2
    assert built == [0, 1, 2]


@pytest.mark.parametrize("count", [0, 1])
def test_small_inputs(count: int) -> None:
    changes = [_change(n) for n in range(count)]
    assert fit_batch(changes, max_bytes=10) == changes
