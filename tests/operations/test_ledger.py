"""The ledger handle: the guard refuses once closed, change sets combine."""

from __future__ import annotations

import threading

import pytest

from desktop_app.operations import Ledger, OpChanges, StoreLocked
from desktop_app.operations.records import members


def test_guard_refuses_after_close(ledger: Ledger) -> None:
    assert members(ledger) == {}
    guard = ledger.guard()
    with guard as store:  # reusable: taken twice
        assert store.records.count() == 0
    with guard:
        pass
    ledger.close()
    assert ledger.closed
    with pytest.raises(StoreLocked), ledger.guard():
        pass
    with pytest.raises(StoreLocked):
        members(ledger)


def test_guard_serializes_threads(ledger: Ledger) -> None:
    """A second thread waits for the lock the first holds (one unit of work at a time)."""
    inside, released, order = threading.Event(), threading.Event(), []

    def hold() -> None:
        with ledger.guard():
            inside.set()
            released.wait(5)
            order.append("first")

    thread = threading.Thread(target=hold)
    thread.start()
    assert inside.wait(5)

    def second() -> None:
        with ledger.guard():
            order.append("second")

    other = threading.Thread(target=second)
    other.start()
    other.join(0.2)
    assert order == []  # still waiting
    released.set()
    thread.join(5)
    other.join(5)
    assert order == ["first", "second"]


def test_changes_combine() -> None:
    a = OpChanges.of("member", "m1")
    b = OpChanges.of("branch_profile", "p1")
    both = a | b
    assert both.record_ids == {"m1", "p1"} and both.kinds == {"member", "branch_profile"}
    assert both.touches("member") and not both.touches("meeting")
    assert not OpChanges() and OpChanges.all().touches("meeting")
    assert (a | OpChanges.all()).everything
