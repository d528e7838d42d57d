"""``branch-ledger-hq serve --workers 2`` on PostgreSQL: two processes, and both answer."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
import requests
from sqlalchemy.engine import make_url

from tests.packaging.hq_process import HqProcess, hq_ok


def _children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


@pytest.mark.postgres
def test_two_workers_both_answer(pg_url: str, tmp_path: Path) -> None:
    hq_ok(pg_url, "init")
    token = hq_ok(pg_url, "admin-token", "create", "--name", "workers-test").strip()
    server = HqProcess.start(pg_url, tmp_path / "hq.log", workers=2)
    try:
        # Fresh connections each time, so the kernel hands them to whichever worker is waiting.
        for _ in range(60):
            with requests.Session() as http:
                reply = http.get(f"{server.base_url}/v1/admin/orgs", headers={
                    "Authorization": f"Bearer {token}", "Connection": "close"}, timeout=10)
                assert reply.status_code == 200 and "毕拉河林场党支部" in reply.text
        workers = _children(server.proc.pid)
        url = make_url(pg_url)
        with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database) as conn:
            names = {row[0] for row in conn.execute(
                "SELECT DISTINCT application_name FROM pg_stat_activity"
                " WHERE application_name LIKE 'branch-ledger-hq/%'")}
        answered = {int(name.rsplit("/", 1)[1]) for name in names}
        assert len(workers) >= 2, f"uvicorn started {workers}"
        assert len(answered) == 2 and answered <= set(workers), (answered, workers)
    finally:
        server.stop()
    assert server.proc.returncode == 0, server.log.read_text()


def test_workers_refuse_an_unmigrated_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sync.server.app import create_app_from_env
    from sync.server.db import ENV_DB_URL

    monkeypatch.setenv(ENV_DB_URL, f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with pytest.raises(RuntimeError, match="migrate"):
        create_app_from_env()
