"""``branch-ledger-hq`` admin commands, on both databases (in-process, real database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sync.server.cli import main


def run(db: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--db", db, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_admin_workflow(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db_url, capsys, "init")[0] == 0
    assert run(db_url, capsys, "org", "add", "集团党委", "--kind", "group", "--id", "g")[0] == 0
    assert run(db_url, capsys, "org", "add", "第一党总支", "--kind", "general_branch", "--parent", "集团党委",
               "--id", "z")[0] == 0
    assert run(db_url, capsys, "org", "add", "第一支部", "--kind", "branch", "--parent", "z", "--id", "b1")[0] == 0
    code, _, err = run(db_url, capsys, "org", "add", "错层", "--kind", "branch", "--parent", "b1")
    assert code == 1 and "不能设在支部下" in err
    code, out, _ = run(db_url, capsys, "org", "list")
    assert out.splitlines() == ["集团党委  [集团党委 g]", "    第一党总支  [党总支 z]", "        第一支部  [支部 b1]"]
    code, out, _ = run(db_url, capsys, "enrol-code", "--branch", "第一支部", "--ttl-hours", "2", "--json")
    assert code == 0 and len(json.loads(out)["code"]) == 19
    assert run(db_url, capsys, "enrol-code", "--branch", "z")[0] == 1, "codes are for branches only"
    token_code, token, _ = run(db_url, capsys, "admin-token", "create", "--name", "审计")
    assert token_code == 0 and len(token.strip()) > 30
    assert run(db_url, capsys, "notice", "publish", "--org", "g", "--title", "通知", "--body", "内容")[0] == 0
    roster = tmp_path / "roster.json"
    roster.write_text(json.dumps({"members": [{"name": "王书记", "posts": ["secretary"]}, {"name": "李四"}]},
                                 ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(db_url, capsys, "roster", "push", "--branch", "b1", "--file", str(roster))
    assert code == 0 and "2 条更新" in out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"name": ""}]), encoding="utf-8")
    code, _, err = run(db_url, capsys, "roster", "push", "--branch", "b1", "--file", str(bad))
    assert code == 1 and "第 1 条" in err
    code, out, _ = run(db_url, capsys, "records", "list", "--branch", "b1", "--json")
    assert sorted(r["kind"] for r in json.loads(out)) == ["member", "member", "notice"]
    export = tmp_path / "b1.json"
    assert run(db_url, capsys, "records", "export", "--branch", "b1", "--out", str(export))[0] == 0
    assert len(json.loads(export.read_text(encoding="utf-8"))["records"]) == 3
    code, out, _ = run(db_url, capsys, "compliance", "--period", "2026-Q4", "--today", "2027-01-05", "--json")
    report = json.loads(out)
    assert code == 0 and report["behind"] == ["b1"]
    assert run(db_url, capsys, "compliance", "--period", "2026-Q9")[0] == 1
    code, out, _ = run(db_url, capsys, "devices", "list")
    assert "没有已注册的设备" in out
    assert run(db_url, capsys, "devices", "revoke", "nope")[0] == 1


def test_serve_refuses_plain_http_off_loopback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "hq.sqlite3")
    code, _, err = run(db, capsys, "serve", "--host", "0.0.0.0")
    assert code == 1 and "--behind-proxy" in err
    code, _, err = run(db, capsys, "serve", "--host", "0.0.0.0", "--ssl-certfile", "x.pem")
    assert code == 1 and "同时提供" in err
