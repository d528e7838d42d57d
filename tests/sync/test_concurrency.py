"""Concurrent devices of one branch: sequence order equals visibility order (sync-notes F17).

Writers push while a reader pulls continuously; the reader must end with every record exactly
once and an agreeing checksum, which fails if a page ever stepped over a late commit.
"""

from __future__ import annotations

import threading

import pytest

from tests.sync.hq import HeadOfficeFixture, meeting

# Every scenario runs on the in-memory replica and on the encrypted store's (tests/sync/conftest.py).
pytestmark = pytest.mark.usefixtures("replica_kind")


def test_concurrent_writers_and_a_polling_reader(hq: HeadOfficeFixture) -> None:
    writers = [hq.device(name=f"W{i}") for i in range(3)]
    reader = hq.device(name="R", page_items=5)
    errors: list[BaseException] = []
    done = threading.Event()

    def write(index: int) -> None:
        try:
            dev = writers[index]
            for n in range(8):
                dev.state.create("meeting", meeting(f"W{index}-{n}"), record_id=f"w{index}-{n}")
                dev.sync()
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    def read() -> None:
        try:
            while not done.is_set():
                reader.sync()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(3)]
    poller = threading.Thread(target=read)
    poller.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    poller.join()
    assert not errors, errors
    final = reader.sync()
    assert final.checksum_ok
    assert sorted(reader.state.records) == sorted(f"w{i}-{n}" for i in range(3) for n in range(8))
    assert len(reader.state.revisions) == 24
