"""A throwaway PostgreSQL cluster: initdb + pg_ctl in a temp dir, run as an unprivileged user.

PostgreSQL refuses to run as root, and CI runs tests as root, so the cluster belongs to a system
user (created on first use). Its socket directory lives in the temp dir, it listens on a free
loopback port, and fsync is off: the data is thrown away after the session.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.sync.net import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_USER = "branchledger-pg"


@dataclass
class PgCluster:
    base: Path
    port: int
    user: str = "postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user=self.user, dbname="postgres", autocommit=True)

    def create_database(self, name: str) -> str:
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _ensure_user() -> None:
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER], check=True
        )


def _as_pg_user(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", PG_USER, "--", *args]
    return args


def start_cluster() -> PgCluster:
    if os.geteuid() == 0:
        _ensure_user()
    base = Path(tempfile.mkdtemp(prefix="branchledger-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        entry = pwd.getpwnam(PG_USER)
        for path in (base, sock):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    subprocess.run(
        _as_pg_user([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                     "--locale=C", "--no-sync"]),
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    port = free_port()
    options = (
        f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        _as_pg_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "server.log"),
                     "-w", "-t", "60", "start"]),
        check=True, stdout=subprocess.DEVNULL,
    )
    return PgCluster(base, port)


def stop_cluster(cluster: PgCluster) -> None:
    subprocess.run(
        _as_pg_user([str(PG_BIN / "pg_ctl"), "-D", str(cluster.base / "data"), "-m", "fast", "-w", "stop"]),
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    shutil.rmtree(cluster.base, ignore_errors=True)
