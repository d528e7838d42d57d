"""Migration 0003_console on a database made by the previous version (0002), SQLite and PostgreSQL.

The previous version's database has data in every table — org units, branch states, an unused
enrolment code, devices, an admin token, revisions and heads (two branches holding the same
record id with different content, as 0002 allows), a refused change and the epoch — made through
the real code paths of that version. The upgrade keeps every row, and the console then indexes
each branch's record under its own branch.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic import command
from sqlalchemy import Connection, func, inspect, select

from sync.protocol.wire import ClientInfo, EnrolRequest, SyncRequest
from sync.server import admin_tokens, orgs
from sync.server import devices as device_store
from sync.server.compliance import branch_compliance, parse_period
from sync.server.console import indexer
from sync.server.console.search import search_hits
from sync.server.console.tables import console_records
from sync.server.db import alembic_config, make_engine, migrate
from sync.server.identity import ensure_identity
from sync.server.service import HeadOffice
from sync.server.tables import metadata
from testsupport.memory_state import MemoryState

PREVIOUS_TABLES = ("server_meta", "org_units", "branch_state", "devices", "enrol_codes", "admin_tokens",
                   "revisions", "heads", "rejections")
SHARED_ID = "rec-shared-001"


def _counts(conn: Connection) -> dict[str, int]:
    return {name: int(conn.execute(select(func.count()).select_from(metadata.tables[name])).scalar_one())
            for name in PREVIOUS_TABLES}


def _branch_laptop(office: HeadOffice, branch: str, author: str) -> tuple[MemoryState, device_store.Device]:
    code, _, _ = office.call(device_store.create_enrol_code, branch, 1.0)
    state = MemoryState(author=author)
    office.enrol(EnrolRequest(code=code, device_id=state.device_id, device_name=f"{branch}电脑",
                              public_key=state.signing_key().public_key_b64()))
    found = next(d for d in office.call(device_store.list_devices, branch))
    return state, device_store.Device(found.device_id, branch, found.name, state.signing_key().public_key_b64(),
                                      False, 0)


def _push(office: HeadOffice, state: MemoryState, device: device_store.Device, *,
          forge_last: bool = False) -> list[str]:
    changes = state.pending_changes(100, 1 << 20)
    if forge_last:  # a change whose signature does not verify: refused and kept in ``rejections``
        changes[-1] = changes[-1].model_copy(update={"sig": changes[0].sig})
    reply = office.sync(device, SyncRequest(client=ClientInfo(device_id=state.device_id), push=changes))
    return [r.status for r in reply.results]


def test_upgrade_from_0002_keeps_data_and_indexes_it(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    try:
        command.upgrade(alembic_config(engine), "0002")
        assert "console_users" not in inspect(engine).get_table_names()
        office = HeadOffice(engine=engine, identity=ensure_identity(engine, tmp_path / "hq.keys"))
        office.call(orgs.add_unit, "集团党委", "group", None, "g")
        office.call(orgs.add_unit, "第一支部", "branch", "g", "b1")
        office.call(orgs.add_unit, "第二支部", "branch", "g", "b2")
        office.call(device_store.create_enrol_code, "b1", 24.0)  # issued, never used
        office.call(admin_tokens.create_admin_token, "旧令牌")

        first, first_device = _branch_laptop(office, "b1", "李组织")
        member = first.create("member", {"name": "王书记", "posts": ["secretary"]})
        lecture = first.create("meeting", {"meeting_type": "lecture", "title": "森林防火党课",
                                           "starts_at": "2026-10-20T15:00:00", "discussion": "学习森林防火条例"},
                               record_id=SHARED_ID)
        first.finalize(lecture)
        first.create("meeting", {"meeting_type": "committee", "title": "被拒收的记录",
                                 "starts_at": "2026-10-21T15:00:00"})
        assert _push(office, first, first_device, forge_last=True) == ["accepted"] * 3 + ["rejected"]

        # Branch 2 uses the same record id for a record of its own (allowed since 0002).
        second, second_device = _branch_laptop(office, "b2", "赵宣传")
        second.create("meeting", {"meeting_type": "theme_day", "title": "矿区主题党日",
                                  "starts_at": "2026-11-05T09:00:00", "discussion": "矿井安全生产"},
                      record_id=SHARED_ID)
        assert _push(office, second, second_device) == ["accepted"]

        with engine.begin() as conn:
            before = _counts(conn)
        assert all(before.values()), f"the previous version's database has data in every table: {before}"

        migrate(engine)  # to head: 0003_console
        tables = set(inspect(engine).get_table_names())
        assert {"console_users", "console_sessions", "console_audit", "console_records", "console_index_state",
                "console_search"} <= tables
        with engine.begin() as conn:
            assert _counts(conn) == before, "the upgrade keeps every row of the previous version"
        assert indexer.refresh(engine) == 2
        with engine.begin() as conn:
            shared = {r.branch_id: (r.title, r.meeting_type, r.status) for r in conn.execute(
                select(console_records).where(console_records.c.record_id == SHARED_ID)).all()}
            assert shared == {"b1": ("森林防火党课", "lecture", "final"), "b2": ("矿区主题党日", "theme_day", "draft")}
            report = branch_compliance(conn, "b1", parse_period("2026-Q4"), dt.date(2026, 12, 1))
            assert report["counts"] == {"lecture": 1}
            assert branch_compliance(conn, "b2", parse_period("2026-Q4"), dt.date(2026, 12, 1))["counts"] == {}
            assert search_hits(conn, "防火", ["b1", "b2"]) == [("b1", SHARED_ID)]
            assert search_hits(conn, "矿井", None) == [("b2", SHARED_ID)]
            assert search_hits(conn, "王书记", ["b1"]) == [("b1", member)]
        assert indexer.refresh(engine) == 0, "nothing changed: nothing re-indexed"
    finally:
        engine.dispose()
