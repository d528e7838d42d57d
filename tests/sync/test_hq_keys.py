"""Head office's secrets and files (issue 11): 0600 files, the key file outside the database,
migration 0002 on a database made by the previous version, and key rotation that devices follow."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select, text

from sync.client import errors
from sync.client.engine import SyncEngine
from sync.client.state import Credentials
from sync.protocol.signatures import SigningKey, b64encode, rotation_bytes
from sync.server import admin_tokens, reports, secrets_util
from sync.server.db import alembic_config, make_engine
from sync.server.identity import ensure_identity
from sync.server.keyfile import KeyFileError, load_keys, save_keys
from sync.server.service import HeadOffice
from sync.server.tables import server_meta
from tests.sync.hq import FAST_RETRY, HeadOfficeFixture, meeting
from tests.sync.test_verify import AlteringTransport
from testsupport.memory_state import MemoryState


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_and_key_file_are_created_0600(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        db = tmp_path / "data" / "hq.sqlite3"
        office = HeadOffice.open(make_engine(f"sqlite:///{db}"))
        with office.engine.begin() as conn:
            conn.execute(text("SELECT 1"))
        keys = db.with_name("hq.sqlite3.keys")
        assert _mode(db) == 0o600 and _mode(keys) == 0o600
        for side in ("-wal", "-shm"):
            assert _mode(db.with_name(db.name + side)) == 0o600
        office.engine.dispose()
        # A database left world-readable by an older version is narrowed when opened.
        os.chmod(db, 0o644)
        os.chmod(keys, 0o644)
        HeadOffice.open(make_engine(f"sqlite:///{db}")).engine.dispose()
        assert _mode(db) == 0o600 and _mode(keys) == 0o600
    finally:
        os.umask(old_umask)


def _previous_version_database(url: str) -> dict[str, Any]:
    """A database as version 0001 left it: data in every table, secrets in ``server_meta``."""
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0001")
    device_key, hq_key = SigningKey.generate(), SigningKey.generate()
    token, admin = secrets_util.new_token(), secrets_util.new_token()
    t = "2026-11-01T08:00:00.000000Z"
    with engine.begin() as conn:
        for key, value in (("epoch", "old-epoch"), ("cursor_secret", "ab" * 32),
                           ("signing_key", b64encode(hq_key.to_bytes()))):
            conn.execute(text("INSERT INTO server_meta VALUES (:k, :v)"), {"k": key, "v": value})
        conn.execute(text("INSERT INTO org_units VALUES ('g', '集团党委', 'group', NULL, :t),"
                          " ('b1', '第一支部', 'branch', 'g', :t), ('b2', '第二支部', 'branch', 'g', :t)"), {"t": t})
        conn.execute(text("INSERT INTO branch_state VALUES ('b1', 0, 0), ('b2', 0, 0)"))
        conn.execute(text(
            "INSERT INTO devices (device_id, branch_id, name, public_key, token_hash, app_version, enrolled_at,"
            " last_counter, counter_gaps) VALUES ('old-laptop', 'b1', '旧电脑', :pk, :th, '0.1', :t, 1, 0)"),
            {"pk": device_key.public_key_b64(), "th": secrets_util.digest(token), "t": t})
        conn.execute(text("INSERT INTO admin_tokens (name, token_hash, created_at) VALUES ('旧令牌', :h, :t)"),
                     {"h": secrets_util.digest(admin), "t": t})
        conn.execute(text("INSERT INTO rejections VALUES ('c-old', 'old-laptop', 1, 'r-x', '1-ab', 'bad_rev', 'm',"
                          " :t)"), {"t": t})
    engine.dispose()
    return {"device_key": device_key, "hq_key": hq_key, "token": token, "admin": admin}


def test_migration_0002_on_a_database_made_by_the_previous_version(db_url: str, tmp_path: Path) -> None:
    old = _previous_version_database(db_url)
    key_file = tmp_path / "hq.keys"
    hq = HeadOfficeFixture.start(db_url, backend=db_url.split(":")[0], key_file=key_file, org_tree=False)
    try:
        # The secrets moved out of the database into the key file (0600), unchanged.
        with hq.db.begin() as conn:
            keys = set(conn.execute(select(server_meta.c.key)).scalars())
        assert keys == {"epoch"}
        assert _mode(key_file) == 0o600
        assert hq.office.identity.signing_key.public_key_b64() == old["hq_key"].public_key_b64()
        assert hq.office.identity.epoch == "old-epoch"
        # The old admin token keeps every scope and no expiry; the old device token keeps working.
        [token] = hq.office.call(admin_tokens.list_admin_tokens)
        assert token.scopes == ("*",) and token.expires_at is None
        state = MemoryState("old-laptop", signing_key=old["device_key"])
        state._counter = 1  # the laptop used counter 1 before the upgrade (the refused change below)
        state.creds = Credentials(hq.base_url, "old-laptop", old["token"], "b1", "第一支部",
                                  old["hq_key"].public_key_b64())
        device = SyncEngine(state, hq.base_url, token=old["token"], retry=FAST_RETRY)
        rid = state.create("meeting", meeting("升级后的第一次会议"))
        assert device.sync_once().accepted == 1
        hq.publish_notice("b1")
        device.sync_once()
        assert any(r.kind == "notice" for r in state.records.values()), "signed with the migrated key"
        # Ids are per branch now: branch 2 may use the same record id without touching branch 1.
        other = hq.device("b2")
        other.state.create("meeting", meeting("二支部"), record_id=rid)
        assert other.sync().accepted == 1
        titles = {b: {r["record_id"]: r["title"] for r in hq.office.call(reports.list_records, b)}
                  for b in ("b1", "b2")}
        assert titles["b1"][rid] == "升级后的第一次会议" and titles["b2"][rid] == "二支部"
        with hq.db.begin() as conn:  # the old refusal kept, now with its branch
            assert conn.execute(text("SELECT branch_id FROM rejections WHERE change_id = 'c-old'")).scalar() == "b1"
    finally:
        hq.stop()


def test_a_key_file_that_disagrees_with_the_database_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hq.sqlite3'}"
    _previous_version_database(url)
    other = tmp_path / "other.keys"
    HeadOffice.open(make_engine(f"sqlite:///{tmp_path / 'second.sqlite3'}"), key_file=other).engine.dispose()
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "head")
    with pytest.raises(KeyFileError):
        ensure_identity(engine, other)
    with engine.begin() as conn:  # nothing was deleted from the database
        assert conn.execute(select(server_meta.c.value).where(server_meta.c.key == "signing_key")).first()


def _rotate(hq: HeadOfficeFixture, key_file: Path) -> None:
    keys = load_keys(key_file)
    assert keys is not None
    save_keys(key_file, keys.rotated())
    hq.office.identity = ensure_identity(hq.db, key_file)  # as after a restart


def test_devices_follow_a_key_rotation_signed_by_the_old_key(hq: HeadOfficeFixture) -> None:
    assert hq.key_dir is not None
    key_file = hq.key_dir / "hq.keys"
    dev = hq.device()
    old_key = dev.state.creds.server_public_key  # type: ignore[union-attr]
    hq.publish_notice("b1", "轮换前的通知")
    dev.sync()
    _rotate(hq, key_file)
    _rotate(hq, key_file)  # two rotations while the laptop was offline
    hq.publish_notice("b1", "轮换后的通知")
    dev.state.create("meeting", meeting())
    stats = dev.sync()
    assert stats.accepted == 1
    new_key = hq.office.identity.signing_key.public_key_b64()
    assert new_key != old_key and dev.state.creds.server_public_key == new_key  # type: ignore[union-attr]
    assert dev.engine.server_public_key == new_key
    assert sorted(r.body["title"] for r in dev.state.records.values() if r.kind == "notice") == [
        "轮换前的通知", "轮换后的通知"]
    # A device enrolled after the rotation trusts the new key from the start.
    assert hq.device(name="新电脑").sync().pulled == 3


def test_a_rotation_chain_not_signed_by_the_trusted_key_is_refused(hq: HeadOfficeFixture) -> None:
    dev = hq.device()
    trusted = dev.state.creds.server_public_key  # type: ignore[union-attr]
    hq.publish_notice("b1")
    rogue = SigningKey.generate()

    def hijack(data: dict[str, Any]) -> None:
        # A rogue server claims head office rotated to its own key, with a link it signed itself.
        at = "2026-12-01T00:00:00Z"
        link = {"previous": trusted, "next": rogue.public_key_b64(), "at": at,
                "sig": rogue.sign(rotation_bytes(previous=trusted, next_key=rogue.public_key_b64(), at=at))}
        data["server_keys"] = {"current": rogue.public_key_b64(), "chain": [link]}

    creds = dev.state.credentials()
    assert creds is not None
    engine = SyncEngine(dev.state, transport=AlteringTransport(hq.base_url, token=creds.token, retry=FAST_RETRY,
                                                               alter=hijack))
    with pytest.raises(errors.TamperedReply):
        engine.sync_once()
    assert dev.state.creds.server_public_key == trusted and dev.state.records == {}  # type: ignore[union-attr]
