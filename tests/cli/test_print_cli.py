"""``branch-ledger print`` end to end: a real store, real PDFs read back with pdftotext."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from tests.cli.test_cli import data_dir, run  # noqa: F401  (fixture)

SECRETARY = "0190a0a0-0000-7000-8000-0000000000a1"
CLERK = "0190a0a0-0000-7000-8000-0000000000a2"
PROBATIONER = "0190a0a0-0000-7000-8000-0000000000a3"
MEETING = "0190a0a0-0000-7000-8000-0000000000b1"
POST = "0190a0a0-0000-7000-8000-0000000000c1"


def _records() -> list[dict[str, object]]:
    return [
        {"kind": "member", "id": SECRETARY, "body": {"name": "王建华", "posts": ["secretary"]}},
        {"kind": "member", "id": CLERK, "body": {"name": "李秀英", "posts": ["organization"]}},
        {"kind": "member", "id": PROBATIONER, "body": {"name": "赵晓东", "status": "probationary",
                                                       "join_date": "2026-03-01"}},
        {"kind": "meeting", "id": MEETING, "status": "final", "body": {
            "meeting_type": "party_congress", "title": "2026年第三季度支部党员大会",
            "starts_at": "2026-09-10T09:00", "ends_at": "2026-09-10T11:00", "place": "林场党员活动室",
            "chair_member_id": SECRETARY, "recorder_member_id": CLERK,
            "attendance": [{"member_id": SECRETARY}, {"member_id": CLERK},
                           {"member_id": PROBATIONER, "status": "leave", "reason": "森林防火值班"}],
            "agenda": [{"title": "部署秋季森林防火工作"}],
            "votes": [{"subject": "通过秋季防火方案", "yes": 2, "no": 0, "abstain": 0}],
            "resolutions": [{"text": "同意秋季防火方案", "vote_index": 0}]}},
        {"kind": "pioneer_post", "id": POST, "body": {"name": "毕拉河防火先锋岗", "category": "fire_prevention",
                                                     "holder_member_ids": [SECRETARY]}},
        {"kind": "post_log", "body": {"post_id": POST, "member_id": SECRETARY, "date": "2026-09-12",
                                      "category": "patrol", "hours": "4", "description": "巡护北线三号林班"}},
    ]


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_print_minutes_signin_ledger_post(data_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    src = tmp_path / "in.json"
    src.write_text(json.dumps({"format": "branch-ledger-records", "version": 1, "records": _records()},
                              ensure_ascii=False), encoding="utf-8")
    result = run(data_dir, "import", str(src))
    assert result.returncode == 0, result.stderr

    minutes = tmp_path / "minutes.pdf"
    result = run(data_dir, "print", "minutes", MEETING, "--out", str(minutes))
    assert result.returncode == 0, result.stderr
    text = _text(minutes)
    for expected in ("2026年第三季度支部党员大会", "林场党员活动室", "王建华", "李秀英", "森林防火值班", "散会"):
        assert expected in text, expected
    assert re.search(r"第\s*1\s*页\s*共\s*\d+\s*页", text)
    assert "草稿" not in text  # final record: no watermark

    signin = tmp_path / "signin.pdf"
    assert run(data_dir, "print", "signin", MEETING, "--out", str(signin)).returncode == 0
    text = _text(signin)
    assert "签到" in text and "赵晓东" in text and "预备党员" in text

    ledger = tmp_path / "ledger.pdf"
    result = run(data_dir, "print", "ledger", "2026-Q3", "--today", "2026-10-15", "--out", str(ledger))
    assert result.returncode == 0, result.stderr
    text = _text(ledger)
    assert "台账" in text and "2026年第三季度支部党员大会" in text and "毕拉河防火先锋岗" in text

    post = tmp_path / "post.pdf"
    assert run(data_dir, "print", "post", POST, "--out", str(post)).returncode == 0
    assert "巡护北线三号林班" in _text(post)


def test_print_errors_are_clear(data_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    result = run(data_dir, "print", "minutes", "no-such-record", "--out", str(tmp_path / "x.pdf"))
    assert result.returncode == 1 and "没有找到该记录" in result.stderr
    result = run(data_dir, "print", "ledger", "2026-Q9", "--out", str(tmp_path / "x.pdf"))
    assert result.returncode == 1 and "参数不正确" in result.stderr
    assert not (tmp_path / "x.pdf").exists()
