"""Migration 0004_blob_refs on a database made by the previous version (0003_console), SQLite and PostgreSQL.

The previous version kept bodies it did not understand verbatim, so a newer client could already
have pushed revisions listing attachments. Such a database is made through the real push path with
the ledger's reference hook switched off (the previous version had none); the upgrade keeps every
revision and fills in the references, which the next sync then reports as missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, inspect, select

from sync.protocol.wire import ClientInfo, EnrolRequest, SyncRequest
from sync.server import devices as device_store
from sync.server import ledger, orgs
from sync.server.db import alembic_config, make_engine, migrate, schema_is_current
from sync.server.identity import ensure_identity
from sync.server.service import HeadOffice
from sync.server.tables import blob_refs, revisions
from tests.sync.blobsupport import noisy_jpeg, ref_for
from tests.sync.hq import meeting
from testsupport import attachment_samples as samples
from testsupport.memory_state import MemoryState


def test_upgrade_from_0003_fills_references_of_existing_revisions(
        db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(db_url)
    try:
        command.upgrade(alembic_config(engine), "0003_console")
        assert "blob_refs" not in inspect(engine).get_table_names()
        office = HeadOffice(engine=engine, identity=ensure_identity(engine, tmp_path / "hq.keys"))
        office.call(orgs.add_unit, "集团党委", "group", None, "g")
        office.call(orgs.add_unit, "第一支部", "branch", "g", "b1")
        office.call(orgs.add_unit, "第二支部", "branch", "g", "b2")
        photo, scan = ref_for(noisy_jpeg(20_000, seed=9), "植树.jpg"), ref_for(samples.pdf(), "签到表.pdf")
        pushed = {}
        # The previous version's ledger: no references written.
        monkeypatch.setattr(ledger, "refs_in_body", lambda body: [])
        for branch, refs in (("b1", [photo, scan]), ("b2", [photo])):
            code, _, _ = office.call(device_store.create_enrol_code, branch, 1.0)
            state = MemoryState(author=f"{branch}的组织委员")
            office.enrol(EnrolRequest(code=code, device_id=state.device_id, device_name="电脑",
                                      public_key=state.signing_key().public_key_b64()))
            found = next(d for d in office.call(device_store.list_devices, branch))
            device = device_store.Device(found.device_id, branch, found.name,
                                         state.signing_key().public_key_b64(), False, 0)
            state.create("meeting", meeting("主题党日", attachments=refs))
            state.create("meeting", meeting("没有附件的会议"))
            reply = office.sync(device, SyncRequest(client=ClientInfo(device_id=state.device_id),
                                                    push=state.pending_changes(100, 1 << 20)))
            assert [r.status for r in reply.results] == ["accepted", "accepted"]
            pushed[branch] = device
        monkeypatch.undo()
        with engine.connect() as conn:
            before = conn.execute(select(func.count()).select_from(revisions)).scalar_one()

        migrate(engine)
        assert schema_is_current(engine)
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(revisions)).scalar_one() == before
            rows = {(r.branch_id, r.sha256): r for r in conn.execute(select(blob_refs))}
        assert set(rows) == {("b1", photo["sha256"]), ("b1", scan["sha256"]), ("b2", photo["sha256"])}
        assert rows[("b1", scan["sha256"])].name == "签到表.pdf" and rows[("b1", scan["sha256"])].size == scan["size"]
        assert all(r.completed_at is None for r in rows.values())
        for branch, expected in (("b1", {photo["sha256"], scan["sha256"]}), ("b2", {photo["sha256"]})):
            device = pushed[branch]
            reply = office.sync(device, SyncRequest(client=ClientInfo(device_id=device.device_id), blobs=True))
            assert set(reply.missing_blobs) == expected
    finally:
        engine.dispose()
