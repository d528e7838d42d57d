"""A head office for tests: real database, real uvicorn, plus helpers to enrol simulated devices."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from sync.client.backoff import RetryPolicy
from sync.client.engine import SyncEngine, SyncStats
from sync.client.enrol import enrol
from sync.server import devices as device_store
from sync.server import orgs
from sync.server.app import AppSettings, create_app
from sync.server.blobs import Blobs
from sync.server.blobstore import BlobStorage
from sync.server.db import make_engine
from sync.server.identity import ServerIdentity
from sync.server.publish import Publisher
from sync.server.service import HeadOffice
from tests.sync.net import ServerThread
from testsupport.memory_state import MemoryState
from testsupport.store_replica import StoreReplica

FAST_RETRY = RetryPolicy(attempts=4, base=0.01, cap=0.05)


def meeting(title: str = "第四季度支部党员大会", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"meeting_type": "party_congress", "title": title, "starts_at": "2026-10-15T09:00:00"}
    body.update(extra)
    return body


Replica = MemoryState | StoreReplica
REPLICAS = ("memory", "store")


def new_replica(kind: str, author: str) -> Replica:
    """A device replica: the in-memory one or the encrypted store's (the same test surface)."""
    return StoreReplica(author=author) if kind == "store" else MemoryState(author=author)


def finalizable_meeting(state: Any, title: str = "第四季度支部党员大会", **extra: Any) -> dict[str, Any]:
    """A meeting the store lets the clerk finalize (定稿): a chair, a recorder and the roll, with
    the two members created on ``state`` first (they travel with the meeting)."""
    chair = state.create("member", {"name": "王书记", "posts": ["secretary"]})
    recorder = state.create("member", {"name": "李组织", "posts": ["organization"]})
    return meeting(title, ends_at="2026-10-15T11:00:00", place="林场党员活动室", chair_member_id=chair,
                   recorder_member_id=recorder, attendance=[{"member_id": chair}, {"member_id": recorder}],
                   **extra)


@dataclass
class Device:
    state: Replica
    engine: SyncEngine
    branch_id: str

    def sync(self) -> SyncStats:
        return self.engine.sync_once()


@dataclass
class HeadOfficeFixture:
    url: str
    backend: str
    db: Engine
    office: HeadOffice
    server: ServerThread
    settings: AppSettings = field(default_factory=AppSettings)
    key_dir: Path | None = None
    replica_kind: str = "memory"  # set by the ``replica_kind`` fixture in the scenario tests
    replicas: list[Replica] = field(default_factory=list)

    @classmethod
    def start(cls, url: str, *, backend: str, settings: AppSettings | None = None,
              key_file: Path | None = None, org_tree: bool = True,
              storage: BlobStorage | None = None) -> HeadOfficeFixture:
        engine = make_engine(url)
        key_dir = None if key_file else Path(tempfile.mkdtemp(prefix="hq-keys-"))
        office = HeadOffice.open(engine, key_file=key_file or (key_dir / "hq.keys"))  # type: ignore[operator]
        if storage is not None:  # else create_app uses the directory beside the database
            office.blobs = Blobs(engine, storage)
        # Tests enrol and sync far faster than clerks: rate limits are tested on servers of their own.
        settings = settings or AppSettings(requests_per_minute=0, enrol_per_minute=0)
        server = ServerThread(create_app(office, settings)).start()
        fixture = cls(url, backend, engine, office, server, settings, key_dir)
        if not org_tree:
            return fixture
        fixture.office.call(orgs.add_unit, "集团党委", "group", None, "g")
        fixture.office.call(orgs.add_unit, "林业二级党委", "committee", "g", "c")
        fixture.office.call(orgs.add_unit, "第一支部", "branch", "c", "b1")
        fixture.office.call(orgs.add_unit, "第二支部", "branch", "c", "b2")
        return fixture

    def stop(self) -> None:
        for replica in self.replicas:
            replica.close()
        self.server.stop()
        self.db.dispose()
        if self.key_dir is not None:
            shutil.rmtree(self.key_dir, ignore_errors=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def enrol_code(self, branch: str = "b1", ttl_hours: float = 1.0) -> str:
        code, _, _ = self.office.call(device_store.create_enrol_code, branch, ttl_hours)
        return str(code)

    def device(self, branch: str = "b1", *, name: str = "办公室电脑", base_url: str | None = None,
               **engine_options: Any) -> Device:
        state = new_replica(self.replica_kind, f"clerk-{name}")
        self.replicas.append(state)
        creds, reply = enrol(self.base_url, self.enrol_code(branch), device_id=state.device_id, device_name=name,
                             signing_key=state.signing_key())
        state.save_enrolment(creds, reply)
        engine_options.setdefault("retry", FAST_RETRY)
        engine = SyncEngine(state.sync, base_url or self.base_url, token=creds.token, **engine_options)
        return Device(state, engine, branch)

    def backup(self, to: Path) -> Path:
        """Copy the (SQLite) head-office database to ``to``, as a nightly backup would."""
        with sqlite3.connect(self.url.removeprefix("sqlite:///")) as live, sqlite3.connect(to) as copy:
            live.backup(copy)
        return to

    def restore(self, backup: Path, epoch: str = "restored-epoch") -> None:
        """Put ``backup`` back as the live database and renew the epoch (`branch-ledger-hq epoch`)."""
        with sqlite3.connect(backup) as copy, sqlite3.connect(self.url.removeprefix("sqlite:///")) as live:
            copy.backup(live)
        identity = self.office.identity
        self.office.identity = ServerIdentity(epoch, b"r" * 32, identity.signing_key)

    def publisher(self) -> Publisher:
        return Publisher(self.office.engine, self.office.identity.signing_key, self.office.clock)

    def publish_notice(self, target: str, title: str = "关于开展主题党日活动的通知") -> None:
        self.publisher().publish_notice(target=target, title=title, body="请各支部按时开展。",
                                        issued_on=dt.date(2026, 11, 1), issuer="集团党委组织部",
                                        requires_ack=False, author="总部:test")
