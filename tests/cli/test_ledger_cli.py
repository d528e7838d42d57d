"""``show`` / ``history`` / ``finalize`` / ``lapses`` / ``conflicts`` / ``roster import`` as real
subprocesses against a real encrypted store — the same operations the window's buttons run."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.cli.test_cli import data_dir, run  # noqa: F401  (fixture)

SECRETARY = "0190a0a0-0000-7000-8000-0000000000a1"
CLERK = "0190a0a0-0000-7000-8000-0000000000a2"
ABSENT = "0190a0a0-0000-7000-8000-0000000000a3"
MEETING = "0190a0a0-0000-7000-8000-0000000000b1"


def _import(data_dir: Path, tmp_path: Path, present: int = 3) -> None:  # noqa: F811
    people = [(SECRETARY, "王建华", ["secretary"]), (CLERK, "李秀英", ["organization"]), (ABSENT, "赵晓东", [])]
    records: list[dict[str, object]] = [
        {"kind": "member", "id": mid, "body": {"name": name, "posts": posts, "join_date": "2001-07-01"}}
        for mid, name, posts in people
    ]
    attendance = [{"member_id": mid} if n < present else {"member_id": mid, "status": "absent"}
                  for n, (mid, _name, _posts) in enumerate(people)]
    records.append({"kind": "meeting", "id": MEETING, "body": {
        "meeting_type": "party_congress", "title": "2026年第三季度支部党员大会",
        "starts_at": "2026-09-10T09:00", "ends_at": "2026-09-10T11:00", "place": "林场党员活动室",
        "chair_member_id": SECRETARY, "recorder_member_id": CLERK, "attendance": attendance,
        "agenda": [{"title": "部署秋季森林防火工作"}],
        "votes": [{"subject": "通过秋季防火方案", "yes": present, "no": 0, "abstain": 0}],
        "resolutions": [{"text": "同意秋季防火方案", "vote_index": 0}]}})
    src = tmp_path / "in.json"
    src.write_text(json.dumps({"format": "branch-ledger-records", "version": 1, "records": records},
                              ensure_ascii=False), encoding="utf-8")
    result = run(data_dir, "import", str(src))
    assert result.returncode == 0, result.stderr


def test_show_history_finalize(data_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    _import(data_dir, tmp_path)
    result = run(data_dir, "show", MEETING)
    assert result.returncode == 0, result.stderr
    assert "2026年第三季度支部党员大会" in result.stdout
    assert "会议有效" in result.stdout and "表决 1" in result.stdout and "通过" in result.stdout

    result = run(data_dir, "show", MEETING, "--json")
    shown = json.loads(result.stdout)
    validity = shown["validity"]
    assert validity["valid"] is True and (validity["present"], validity["entitled"]) == (3, 3)
    assert shown["votes"][0]["passed"] is True and shown["votes"][0]["yes"] == 3
    assert shown["status"] == "draft"

    result = run(data_dir, "--author", "李秀英", "finalize", MEETING)
    assert result.returncode == 0 and "已定稿" in result.stdout, result.stderr
    assert json.loads(run(data_dir, "show", MEETING, "--json").stdout)["status"] == "final"

    history = json.loads(run(data_dir, "history", MEETING, "--json").stdout)
    assert [e["op"] for e in history] == ["create", "finalize"]
    assert history[-1]["author"] == "李秀英"
    result = run(data_dir, "show", "no-such-record")
    assert result.returncode == 1 and "没有找到该记录" in result.stderr


def test_invalid_meeting_lapses_and_conflicts(data_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    _import(data_dir, tmp_path, present=1)  # only 王建华 came: no quorum; 赵晓东 was absent
    shown = json.loads(run(data_dir, "show", MEETING, "--json").stdout)
    assert shown["validity"]["valid"] is False
    assert shown["votes"][0]["passed"] is False
    assert any("会议无效" in v["message"] for v in shown["violations"])

    result = run(data_dir, "lapses", "--today", "2026-12-15", "--json")
    assert result.returncode == 0, result.stderr
    names = {w["member_name"] for w in json.loads(result.stdout)}
    assert "赵晓东" in names and "王建华" not in names  # 王建华 attended in September
    bad = run(data_dir, "lapses", "--today", "2026-13-01")
    assert bad.returncode == 1 and "日期格式不正确" in bad.stderr

    result = run(data_dir, "conflicts", "list", "--json")
    assert result.returncode == 0 and json.loads(result.stdout) == []
    result = run(data_dir, "conflicts", "resolve", MEETING, "--keep", "1-abc")
    assert result.returncode == 1 and "没有冲突" in result.stderr


def test_roster_import(data_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("姓名,党员类别,入党日期\n王建华,正式党员,2001-07-01\n,正式党员,2001-07-01\n", encoding="utf-8")
    result = run(data_dir, "roster", "import", str(wrong), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["imported"] == 0 and report["problems"][0]["line"] == 3

    sheet = tmp_path / "roster.csv"
    sheet.write_text("姓名,党员类别,入党日期\n王建华,正式党员,2001-07-01\n李秀英,预备党员,2026-03-01\n",
                     encoding="utf-8")
    result = run(data_dir, "roster", "import", str(sheet))
    assert result.returncode == 0, result.stderr
    assert "已导入 2 名党员" in result.stdout
    found = json.loads(run(data_dir, "search", "李秀英", "--json").stdout)
    assert [hit["kind"] for hit in found] == ["member"]


def test_a_refusal_is_told_by_its_user_message(data_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    """A refused 定稿 (a RuleViolation, a LedgerError) prints 错误： and each rule's message; the
    field paths come only with --verbose. An unknown record (a store error) prints its message."""
    draft = {"kind": "meeting", "id": MEETING, "body": {"meeting_type": "party_congress", "title": "未写完的会议",
                                                         "starts_at": "2026-09-10T09:00"}}
    src = tmp_path / "draft.json"
    src.write_text(json.dumps([draft], ensure_ascii=False), encoding="utf-8")
    assert run(data_dir, "import", str(src)).returncode == 0
    result = run(data_dir, "finalize", MEETING)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and lines and all(line.startswith("错误：") for line in lines), result.stderr
    assert not re.search(r"[A-Za-z]", result.stderr)  # no field path such as place or recorder_member_id
    verbose = run(data_dir, "--verbose", "finalize", MEETING).stderr.strip().splitlines()
    assert verbose[:len(lines)] == lines and len(verbose) == len(lines) + 1
    assert verbose[-1].startswith("（") and "place: " in verbose[-1]
    assert json.loads(run(data_dir, "show", MEETING, "--json").stdout)["status"] == "draft"  # nothing written
