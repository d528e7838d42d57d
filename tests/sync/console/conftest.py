"""Fixtures for the console: a running head office (both databases), accounts, a logged-in HTTP
session, and branch laptops that are real encrypted stores syncing over HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from desktop_app.store import KdfParams, Store
from desktop_app.store.sync_state import StoreSyncState, enrol_store
from sync.client.engine import SyncEngine, SyncStats
from sync.server.console.users import add_user
from tests.sync.hq import FAST_RETRY, HeadOfficeFixture

PASSWORD = "林场-审核-2026"
PASSPHRASE = "林场党支部2026"


class Laptop:
    """A branch clerk's laptop: a real SQLCipher store, enrolled, synced by the real engine."""

    def __init__(self, hq: HeadOfficeFixture, path: Path, branch: str = "b1", *, profile: dict[str, Any] | None = None,
                 name: str = "办公室电脑") -> None:
        self.store, _ = Store.create(path, PASSPHRASE, kdf=KdfParams.fast_for_tests())
        self.store.meta.set("clerk_name", "李组织")
        if profile is not None:
            self.store.records.create("branch_profile", profile, author="李组织")
        enrol_store(self.store, hq.base_url, hq.enrol_code(branch), device_name=name, app_version="0.1.0")
        self.state = StoreSyncState(self.store)

    def sync(self) -> SyncStats:
        engine = SyncEngine(self.state, retry=FAST_RETRY)
        try:
            return engine.sync_once()
        finally:
            engine.close()

    def close(self) -> None:
        self.store.close()


class Browserless:
    """An HTTP session of one console user (requests; the browser tests drive Chromium)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.csrf = ""

    def login(self, name: str, password: str = PASSWORD) -> requests.Response:
        page = self.http.get(self.base_url + "/")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token is not None
        reply = self.http.post(self.base_url + "/login", data={"csrf": token[1], "name": name, "password": password,
                                                               "next": ""}, allow_redirects=True)
        found = re.search(r'name="csrf" value="([^"]+)"', reply.text)
        self.csrf = found[1] if found else ""
        return reply

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.http.get(self.base_url + path, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> requests.Response:
        payload = {"csrf": self.csrf, **(data or {})}
        return self.http.post(self.base_url + path, data=payload, **kw)


@pytest.fixture
def console(hq: HeadOfficeFixture) -> HeadOfficeFixture:
    """``hq`` (both databases) with a second committee c2 → branch b3, and three accounts:
    admin (everything), reviewer scoped to c (b1, b2), viewer2 scoped to c2 (b3)."""
    from sync.server import orgs

    hq.office.call(orgs.add_unit, "矿区二级党委", "committee", "g", "c2")
    hq.office.call(orgs.add_unit, "第三支部", "branch", "c2", "b3")
    hq.office.call(add_user, "admin", "admin", PASSWORD, display_name="组织部管理员")
    hq.office.call(add_user, "shen", "reviewer", PASSWORD, org="c", display_name="审核员沈")
    hq.office.call(add_user, "kan", "viewer", PASSWORD, org="c2", display_name="查看员阚")
    return hq


@pytest.fixture
def laptops(console: HeadOfficeFixture, tmp_path: Path) -> Iterator[list[Laptop]]:
    made: list[Laptop] = []

    def make(branch: str = "b1", **kw: Any) -> Laptop:
        laptop = Laptop(console, tmp_path / f"laptop-{len(made)}", branch, **kw)
        made.append(laptop)
        return laptop

    yield made  # tests call laptops_factory instead; kept for cleanup
    for laptop in made:
        laptop.close()


@pytest.fixture
def new_laptop(console: HeadOfficeFixture, tmp_path: Path, laptops: list[Laptop]) -> Any:
    def make(branch: str = "b1", **kw: Any) -> Laptop:
        laptop = Laptop(console, tmp_path / f"laptop-{len(laptops)}", branch, **kw)
        laptops.append(laptop)
        return laptop

    return make


@pytest.fixture
def user(console: HeadOfficeFixture) -> Any:
    def login(name: str) -> Browserless:
        session = Browserless(console.base_url)
        reply = session.login(name)
        assert reply.status_code == 200 and "/console/matrix" in reply.url, reply.text[:500]
        return session

    return login
