"""A push page is applied as if its changes came one request each (issue 15's per-page work).

Head office reads what a page needs in a few ``IN (…)`` queries and writes it with one
``executemany`` per table, keeping the lookups current in memory. These tests push the same
signed changes to two fresh head offices — as one page to the first, one change per request to
the second — and require the same answer for every change and the same rows in every table:
replays inside the page, a counter reused, a record created and edited in one page, identical
revisions, forks and merges, tampered revisions and signatures, invalid bodies.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from sync.client.changes import build_change
from sync.protocol.revisions import compute_rev
from sync.protocol.signatures import SigningKey
from sync.protocol.wire import Change, ClientInfo, SyncRequest
from sync.server import devices as device_store
from sync.server.tables import branch_state, devices, heads, rejections, revisions
from tests.sync.hq import HeadOfficeFixture, meeting

DEVICE = "dev-page-1"


class Writer:
    """Signed changes of one device, built by hand so a test can fork, replay and tamper."""

    def __init__(self) -> None:
        self.key = SigningKey.generate()
        self.counter = 0
        self.revs: dict[str, list[str]] = {}  # record id -> revisions in the order made
        self.made: list[Change] = []

    def change(self, record_id: str, body: dict[str, Any] | None, parents: list[str], *,
               status: str = "draft", deleted: bool = False, counter: int | None = None,
               change_id: str | None = None, kind: str = "meeting") -> Change:
        if counter is None:
            self.counter += 1
            counter = self.counter
        rev = compute_rev(kind=kind, body=body, parents=parents, deleted=deleted, status=status)
        made = build_change(
            signing_key=self.key, device_id=DEVICE, change_id=change_id or f"chg-{counter}-{len(self.made)}",
            counter=counter, record_id=record_id, kind=kind, rev=rev, parents=parents, deleted=deleted,
            status=status, schema_version=1, body=body, hlc=f"1763888888{counter:03d}-0000-{DEVICE}",
            device_time="2026-11-23T09:00:00+08:00", author="王书记",
        )
        self.revs.setdefault(record_id, []).append(rev)
        self.made.append(made)
        return made


def program_changes(writer: Writer, ops: list[tuple[Any, ...]]) -> list[Change]:
    """Turn a list of operations into the changes of one page, in counter order."""
    out: list[Change] = []
    for op in ops:
        name = op[0]
        record = f"rec-{op[1]}"
        known = writer.revs.get(record, [])
        if name == "create" or not known:
            out.append(writer.change(record, meeting(f"会议{op[1]}"), []))
        elif name == "edit":  # on the newest revision (a fast-forward)
            out.append(writer.change(record, meeting(f"会议{op[1]}修订{len(known)}"), [known[-1]]))
        elif name == "fork":  # on the oldest revision (a conflict once another edit exists)
            out.append(writer.change(record, meeting(f"会议{op[1]}另改{len(known)}"), [known[0]]))
        elif name == "merge":
            out.append(writer.change(record, meeting(f"会议{op[1]}合并"), sorted(set(known[-2:]))))
        elif name == "finalize":
            out.append(writer.change(record, meeting(f"会议{op[1]}定稿"), [known[-1]], status="final"))
        elif name == "replay" and writer.made:  # the very same change again
            out.append(writer.made[op[2] % len(writer.made)])
        elif name == "reuse_counter" and writer.made:  # a new change id on a used counter
            old = writer.made[op[2] % len(writer.made)]
            out.append(writer.change(record, meeting("重复计数"), [], counter=old.counter,
                                     change_id=f"reuse-{len(writer.made)}"))
        elif name == "same_rev" and writer.made:  # identical content under a new change id
            old = writer.made[op[2] % len(writer.made)]
            out.append(writer.change(old.record_id, old.body, list(old.parents), status=old.status,
                                     change_id=f"same-{len(writer.made)}"))
        elif name == "bad_sig":
            made = writer.change(record, meeting("签名被改"), [])
            out.append(made.model_copy(update={"sig": writer.made[0].sig}))
        elif name == "bad_rev":
            made = writer.change(record, meeting("内容被改"), [])
            out.append(made.model_copy(update={"body": meeting("内容被改了")}))
        elif name == "bad_body":
            out.append(writer.change(record, {"meeting_type": "party_congress"}, []))
        else:
            out.append(writer.change(record, meeting(f"会议{op[1]}"), []))
    return sorted(out, key=lambda c: c.counter)


def enrolled(hq: HeadOfficeFixture, key: SigningKey) -> device_store.Device:
    code = hq.enrol_code("b1")
    with hq.office.engine.begin() as conn:
        _, token, _ = device_store.enrol_device(conn, code=code, device_id=DEVICE, device_name="测试电脑",
                                                public_key=key.public_key_b64(), app_version="")
        device = device_store.device_by_token(conn, token)
    assert device is not None
    return device


def push(hq: HeadOfficeFixture, device: device_store.Device, changes: list[Change]) -> list[dict[str, Any]]:
    request = SyncRequest(client=ClientInfo(device_id=DEVICE), push=changes)
    reply = hq.office.sync(device, request)
    return [r.model_dump() for r in reply.results]


def table_rows(hq: HeadOfficeFixture) -> dict[str, list[tuple[Any, ...]]]:
    """Every row a push writes, minus wall-clock times."""
    skip = {"received_at", "updated_at", "id", "last_sync_at"}
    out = {}
    with hq.office.engine.connect() as conn:
        for table in (revisions, heads, rejections, branch_state, devices):
            cols = [c for c in table.c if c.name not in skip and c.name not in ("token_hash", "enrolled_at",
                                                                                 "token_expires_at")]
            out[table.name] = sorted(tuple(row) for row in conn.execute(select(*cols)))
    return out


def compare(ops: list[tuple[Any, ...]], paged: HeadOfficeFixture, single: HeadOfficeFixture) -> None:
    writer = Writer()
    changes = program_changes(writer, ops)
    dev_paged, dev_single = enrolled(paged, writer.key), enrolled(single, writer.key)
    as_page = push(paged, dev_paged, changes)
    one_by_one = [result for change in changes for result in push(single, dev_single, [change])]
    assert as_page == one_by_one
    assert table_rows(paged) == table_rows(single)


@pytest.fixture
def two_offices(db_url: str, tmp_path: Path) -> Iterator[tuple[HeadOfficeFixture, HeadOfficeFixture]]:
    """Two fresh head offices on the same backend (the second always on SQLite beside it)."""
    first = HeadOfficeFixture.start(db_url, backend=db_url.split(":", 1)[0])
    second = HeadOfficeFixture.start(f"sqlite:///{tmp_path / 'single.sqlite3'}", backend="sqlite")
    try:
        yield first, second
    finally:
        first.stop()
        second.stop()


EVERY_CASE = [
    ("create", 1), ("edit", 1), ("edit", 1), ("replay", 1, 1), ("create", 2), ("fork", 1),
    ("reuse_counter", 3, 0), ("same_rev", 2, 4), ("merge", 1), ("bad_sig", 4), ("replay", 4, 8),
    ("bad_rev", 5), ("bad_body", 6), ("replay", 6, 11), ("finalize", 2), ("edit", 2), ("create", 1),
]


def test_a_page_equals_its_changes_one_by_one(two_offices: tuple[HeadOfficeFixture, HeadOfficeFixture]) -> None:
    paged, single = two_offices
    compare(EVERY_CASE, paged, single)
    with paged.office.engine.connect() as conn:
        statuses = {r.record_id: r.conflicted for r in conn.execute(select(heads))}
    assert statuses  # the program really stored records


ops = st.lists(
    st.tuples(
        st.sampled_from(["create", "edit", "edit", "fork", "merge", "finalize", "replay", "reuse_counter",
                         "same_rev", "bad_sig", "bad_rev", "bad_body"]),
        st.integers(0, 3),
        st.integers(0, 30),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=ops)
def test_any_page_equals_its_changes_one_by_one(program: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paged = HeadOfficeFixture.start(f"sqlite:///{Path(tmp) / 'paged.sqlite3'}", backend="sqlite")
        single = HeadOfficeFixture.start(f"sqlite:///{Path(tmp) / 'single.sqlite3'}", backend="sqlite")
        try:
            compare(program, paged, single)
        finally:
            paged.stop()
            single.stop()
