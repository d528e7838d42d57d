"""A throwaway PostgreSQL cluster: initdb + pg_ctl in a temp dir, run as an unprivileged user.

The tests, the sync benchmark and a developer trying the server on PostgreSQL all need a real
server that nobody installed as a service. PostgreSQL refuses to run as root and CI runs as root,
so the cluster belongs to a system user (created on first use). Its socket directory lives in the
temp dir, it listens on a free loopback port, and fsync is off: the data is thrown away afterwards.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

PG_USER = "branchledger-pg"
"""The system user that owns throwaway clusters when the caller is root."""


def pg_bin() -> Path:
    """The newest Debian-packaged PostgreSQL's bin directory (``/usr/lib/postgresql/N/bin``)."""
    candidates = sorted(
        (path for path in Path("/usr/lib/postgresql").glob("*/bin") if (path / "initdb").exists()),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    if not candidates:
        raise RuntimeError("PostgreSQL binaries not found under /usr/lib/postgresql (apt-get install postgresql)")
    return candidates[-1]


@dataclass
class PgCluster:
    base: Path
    port: int
    user: str = "postgres"

    def url(self, database: str) -> str:
        """A SQLAlchemy URL for one database of this cluster."""
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


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ensure_user() -> None:
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        made = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
            stderr=subprocess.PIPE, text=True,
        )
        # Parallel test workers start their clusters at once: another may have made the user first
        # (useradd then exits 9, "already exists"), which is as good.
        if made.returncode != 0:
            try:
                pwd.getpwnam(PG_USER)
            except KeyError:
                raise RuntimeError(f"useradd {PG_USER} failed: {made.stderr.strip()}") from None


def _as_pg_user(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", PG_USER, "--", *args]
    return args


def start_cluster(*, max_connections: int = 200, prefix: str = "branchledger-pg-") -> PgCluster:
    """Create and start a cluster; the caller must :func:`stop_cluster` it."""
    bin_dir = pg_bin()
    if os.geteuid() == 0:
        _ensure_user()
    base = Path(tempfile.mkdtemp(prefix=prefix))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        entry = pwd.getpwnam(PG_USER)
        for path in (base, sock):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    try:
        subprocess.run(
            _as_pg_user([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                         "--locale=C", "--no-sync"]),
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        port = _free_port()
        # fsync off: what is measured and tested is the server's code and locking, not the disk.
        options = (
            f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            f"-c full_page_writes=off -c max_connections={max_connections}"
        )
        subprocess.run(
            _as_pg_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "server.log"),
                         "-w", "-t", "60", "start"]),
            check=True, stdout=subprocess.DEVNULL,
        )
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise
    return PgCluster(base, port)


def stop_cluster(cluster: PgCluster) -> None:
    subprocess.run(
        _as_pg_user([str(pg_bin() / "pg_ctl"), "-D", str(cluster.base / "data"), "-m", "fast", "-w", "stop"]),
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    shutil.rmtree(cluster.base, ignore_errors=True)
