"""The admin CLI under hostile data (issue 11): escape sequences neutralised, passwords never echoed,
admin tokens listed and revoked, key rotation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sync.client.enrol import enrol
from sync.server import orgs
from sync.server.cli import main
from sync.server.db import make_engine
from sync.server.service import HeadOffice
from tests.sync.hq import HeadOfficeFixture, meeting
from testsupport.memory_state import MemoryState

CONTROL = ("\x1b", "\x07", "\x9b", "\u202e")


def run(db: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--db", db, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_escape_sequences_from_branches_never_reach_the_terminal(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "hq.sqlite3")
    hq = HeadOfficeFixture.start(f"sqlite:///{db}", backend="sqlite", key_file=Path(db + ".keys"))
    try:
        hq.office.call(orgs.add_unit, "\x1b[8m隐藏支部", "branch", "c", "b3")
        state = MemoryState()
        creds, _ = enrol(hq.base_url, hq.enrol_code(), device_id=state.device_id,
                         device_name="\x1b]0;pwned\x07\x1b[2J电脑\u202e", signing_key=state.signing_key())
        dev = hq.device()
        dev.state.create("meeting", meeting("\x1b[31m红色标题\x9b2J"))
        dev.sync()
    finally:
        hq.stop()
    assert creds.token
    for args in (("devices", "list"), ("records", "list", "--branch", "b1"), ("org", "list"),
                 ("devices", "list", "--json"), ("records", "list", "--branch", "b1", "--json")):
        code, out, _ = run(db, capsys, *args)
        assert code == 0
        assert not any(c in out for c in CONTROL), (args, out)
        if "--json" in args:
            json.loads(out)
    _, out, _ = run(db, capsys, "devices", "list")
    assert "\\x1b]0;pwned\\x07" in out and "电脑" in out
    _, out, _ = run(db, capsys, "devices", "list", "--json")
    assert "\\u001b]0;pwned" in out


def test_a_malformed_database_url_never_echoes_its_password(capsys: pytest.CaptureFixture[str]) -> None:
    for url in ("postgresql+psycopg://hq:s3cret-pass@dbhost:notaport/branchledger",
                "postgresql+psycopg://hq:s3cret-pass@127.0.0.1:1/branchledger",
                "nosuchdb://hq:s3cret-pass@dbhost/x"):
        code, out, err = run(url, capsys, "org", "list")
        assert code == 1 and err.startswith(("错误", "数据库错误"))
        assert "s3cret-pass" not in out + err, err


def test_admin_tokens_and_key_rotation_from_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "hq.sqlite3")
    code, token, err = run(db, capsys, "admin-token", "create", "--name", "值班", "--scope", "devices:revoke",
                           "--ttl-days", "7")
    assert code == 0 and len(token.strip()) > 30 and "devices:revoke" in err
    code, out, _ = run(db, capsys, "admin-token", "list", "--json")
    [listed] = json.loads(out)
    assert listed["scopes"] == ["devices:revoke"] and listed["active"] and listed["expires_at"]
    assert run(db, capsys, "admin-token", "revoke", str(listed["id"]))[0] == 0
    code, out, _ = run(db, capsys, "admin-token", "list")
    assert "已吊销" in out
    assert run(db, capsys, "admin-token", "revoke", "999")[0] == 1
    code, before, _ = run(db, capsys, "keys", "show")
    assert code == 0 and "已轮换次数：0" in before
    assert run(db, capsys, "keys", "rotate")[0] == 0
    code, after, _ = run(db, capsys, "keys", "show")
    assert "已轮换次数：1" in after and before.splitlines()[1] != after.splitlines()[1]
    office = HeadOffice.open(make_engine(f"sqlite:///{db}"))
    assert len(office.identity.chain) == 1
    office.engine.dispose()
