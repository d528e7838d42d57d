"""Migration 0003_console on a database made by the previous version (0001), SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import inspect

from sync.client.memory_state import MemoryState
from sync.protocol.wire import ClientInfo, EnrolRequest, SyncRequest
from sync.server import devices as device_store
from sync.server import orgs
from sync.server.compliance import branch_compliance, parse_period
from sync.server.console import indexer
from sync.server.console.search import search_record_ids
from sync.server.db import alembic_config, make_engine, migrate
from sync.server.identity import ensure_identity
from sync.server.service import HeadOffice


def test_upgrade_from_0001_keeps_data_and_indexes_it(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        command.upgrade(alembic_config(engine), "0001")
        assert "console_users" not in inspect(engine).get_table_names()
        office = HeadOffice(engine=engine, identity=ensure_identity(engine))
        office.call(orgs.add_unit, "集团党委", "group", None, "g")
        office.call(orgs.add_unit, "第一支部", "branch", "g", "b1")
        code, _, _ = office.call(device_store.create_enrol_code, "b1", 1.0)
        state = MemoryState(author="李组织")
        office.enrol(EnrolRequest(code=code, device_id=state.device_id, device_name="旧电脑",
                                  public_key=state.signing_key().public_key_b64()))
        member = state.create("member", {"name": "王书记", "posts": ["secretary"]})
        meeting = state.create("meeting", {"meeting_type": "lecture", "title": "森林防火党课",
                                           "starts_at": "2026-10-20T15:00:00", "discussion": "学习森林防火条例"})
        state.finalize(meeting)
        found = office.call(device_store.list_devices)[0]
        enrolled = device_store.Device(found.device_id, "b1", found.name, state.signing_key().public_key_b64(),
                                       False, 0)
        reply = office.sync(enrolled, SyncRequest(client=ClientInfo(device_id=state.device_id),
                                                  push=state.pending_changes(100, 1 << 20)))
        assert [r.status for r in reply.results] == ["accepted"] * 3

        migrate(engine)  # to head: 0003_console
        tables = set(inspect(engine).get_table_names())
        assert {"console_users", "console_sessions", "console_audit", "console_records", "console_index_state",
                "console_search"} <= tables
        assert indexer.refresh(engine) == 1
        with engine.begin() as conn:
            report = branch_compliance(conn, "b1", parse_period("2026-Q4"), dt.date(2026, 12, 1))
            assert report["counts"] == {"lecture": 1}
            assert search_record_ids(conn, "防火", ["b1"]) == [meeting]
            assert search_record_ids(conn, "王书记", ["b1"]) == [member]
        assert indexer.refresh(engine) == 0, "nothing changed: nothing re-indexed"
    finally:
        engine.dispose()
