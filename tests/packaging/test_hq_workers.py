"""``branch-ledger-hq serve --workers 2`` on PostgreSQL: two processes, and both answer."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
import requests
from sqlalchemy.engine import make_url

from tests.packaging.conftest import SAMPLE_RECORDS
from tests.packaging.hq_process import HqProcess, hq_cli, hq_ok
from tests.packaging.test_version import client


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
        # Both workers sign with head office's one key (the key file the parent handed them): a
        # device verifies every reply against the key it learnt at enrolment, whichever worker answers.
        data = tmp_path / "laptop"
        client(data, "create", "--branch-name", "毕拉河林场党支部")
        client(data, "import", str(SAMPLE_RECORDS))
        client(data, "enrol", "--server", server.base_url, "--code", server.enrol_code())
        for _ in range(4):
            assert "同步完成" in client(data, "sync").stdout
    finally:
        server.stop()
    assert server.proc.returncode == 0, server.log.read_text()


def test_workers_refuse_an_unmigrated_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sync.server.app import create_app_from_env
    from sync.server.db import ENV_DB_URL

    monkeypatch.setenv(ENV_DB_URL, f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with pytest.raises(RuntimeError, match="migrate"):
        create_app_from_env()


def test_several_workers_leave_tls_to_nginx(tmp_path: Path) -> None:
    result = hq_cli(f"sqlite:///{tmp_path / 'hq.sqlite3'}", "serve", "--workers", "2",
                    "--ssl-certfile", "cert.pem", "--ssl-keyfile", "key.pem")
    assert result.returncode == 1 and "nginx" in result.stderr
