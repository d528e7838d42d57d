"""The headless CLI, run as a real subprocess against a real store."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(data_dir: Path, *args: str, passphrase: str | None = "cli-passphrase", stdin: str | None = None
        ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("BRANCH_LEDGER_PASSPHRASE", None)
    if passphrase is not None:
        env["BRANCH_LEDGER_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", "--data-dir", str(data_dir), *args],
        capture_output=True, text=True, env=env, input=stdin, timeout=120,
    )


@pytest.fixture
def data_dir(created_ledger: Path, tmp_path: Path) -> Path:
    """This test's copy of the ledger ``create`` made (tests/cli/conftest.py)."""
    d = tmp_path / "data"
    shutil.copytree(created_ledger, d)
    return d


def _import_file(tmp_path: Path, records: list[dict[str, object]]) -> Path:
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"format": "branch-ledger-records", "version": 1, "records": records},
                               ensure_ascii=False), encoding="utf-8")
    return path


MEMBER_ID = "0190a0a0-0000-7000-8000-000000000001"
RECORDS: list[dict[str, object]] = [
    {"kind": "meeting", "body": {"meeting_type": "party_congress", "title": "2026年第三季度支部党员大会",
                                 "starts_at": "2026-09-10T09:00", "place": "林场党员活动室",
                                 "chair_member_id": MEMBER_ID, "attendance": [{"member_id": MEMBER_ID}],
                                 "discussion": "部署秋季森林防火工作"}},
    {"kind": "member", "id": MEMBER_ID, "body": {"name": "王建华", "posts": ["secretary"]}},
]


def test_import_export_search(data_dir: Path, tmp_path: Path) -> None:
    result = run(data_dir, "import", str(_import_file(tmp_path, RECORDS)))
    assert result.returncode == 0, result.stderr
    assert "已导入 2 条记录" in result.stdout

    result = run(data_dir, "search", "秋季森林")
    assert result.returncode == 0 and "2026年第三季度支部党员大会" in result.stdout

    out = tmp_path / "out.json"
    assert run(data_dir, "export", "--out", str(out)).returncode == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    kinds = sorted(r["kind"] for r in exported["records"])
    assert kinds == ["branch_profile", "meeting", "member"]
    assert any(r["id"] == MEMBER_ID for r in exported["records"])


def test_import_is_all_or_nothing_with_a_report(data_dir: Path, tmp_path: Path) -> None:
    bad = [*RECORDS, {"kind": "meeting", "body": {"meeting_type": "party_congress", "title": "",
                                                   "starts_at": "not a time"}}]
    result = run(data_dir, "import", "--json", str(_import_file(tmp_path, bad)))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["imported"] == 0
    [problem] = report["problems"]
    assert problem["index"] == 2
    assert {v["field"] for v in problem["violations"]} == {"title", "starts_at"}
    result = run(data_dir, "search", "秋季森林")
    assert "2026年第三季度" not in result.stdout  # nothing half-imported


def test_wrong_passphrase_and_missing_passphrase(data_dir: Path) -> None:
    result = run(data_dir, "unlock", passphrase="wrong-one-here")
    assert result.returncode == 1 and "密码不正确" in result.stderr
    result = run(data_dir, "unlock", passphrase=None, stdin="")
    assert result.returncode == 1 and "需要密码" in result.stderr
    assert run(data_dir, "unlock").returncode == 0


def test_passphrase_file(data_dir: Path, tmp_path: Path) -> None:
    pw = tmp_path / "pw"
    pw.write_text("cli-passphrase\n", encoding="utf-8")
    result = run(data_dir, "--passphrase-file", str(pw), "unlock", passphrase=None)
    assert result.returncode == 0, result.stderr


def test_bad_import_file(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{broken", encoding="utf-8")
    result = run(data_dir, "import", str(path))
    assert result.returncode == 1 and "无法读取导入文件：不是有效的 JSON（第 1 行" in result.stderr
    assert "Expecting" not in result.stderr  # the parser's English stays out
    missing = run(data_dir, "import", str(tmp_path / "nowhere.json"))
    assert missing.returncode == 1 and "文件不存在" in missing.stderr and "Errno" not in missing.stderr
    no_pw = run(data_dir, "--passphrase-file", str(tmp_path / "nope"), "unlock", passphrase=None)
    assert no_pw.returncode == 1 and "无法读取密码文件：文件或文件夹不存在" in no_pw.stderr
    assert "Errno" not in no_pw.stderr


def help_text(*args: str, lang_env: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    env["PYTHONPATH"] = str(ROOT)
    if lang_env:
        env["LANG"] = lang_env
    return subprocess.run([sys.executable, "-m", "desktop_app.cli", *args], capture_output=True, text=True,
                          env=env, timeout=60)


def test_help_is_chinese_by_default_and_english_on_request() -> None:
    zh = help_text("--help")
    assert zh.returncode == 0 and "用法：branch-ledger" in zh.stdout and "显示本帮助并退出" in zh.stdout
    assert "新建加密台账并显示恢复密钥" in zh.stdout and "usage:" not in zh.stdout
    assert "show this help" not in zh.stdout
    sub = help_text("print", "--help")
    assert "要写出的 PDF 文件" in sub.stdout and "options" not in sub.stdout
    for english in (help_text("--lang", "en", "--help"), help_text("--help", lang_env="en_US.UTF-8")):
        assert english.returncode == 0 and english.stdout.startswith("usage: branch-ledger")
        assert "create a new encrypted store" in english.stdout
    assert "新建加密台账" in help_text("--help", lang_env="zh_CN.UTF-8").stdout
    # argparse's own complaints too.
    error = help_text("print")
    assert error.returncode == 2 and "错误：缺少必需的参数" in error.stderr
    assert "the following arguments are required" in help_text("--lang", "en", "print").stderr


def test_search_shows_kind_names_not_codes(data_dir: Path, tmp_path: Path) -> None:
    assert run(data_dir, "import", str(_import_file(tmp_path, RECORDS))).returncode == 0
    result = run(data_dir, "search", "王建华")
    assert "党员" in result.stdout and " member " not in result.stdout
    bad = [{"kind": "post_log", "body": {"post_id": "", "date": "2026-05", "description": ""}}]
    report = run(data_dir, "import", str(_import_file(tmp_path, bad)))
    assert "（履岗记录）" in report.stderr and "post_log" not in report.stderr
    assert "日期不完整" in report.stderr


def test_help_lists_subcommands() -> None:
    result = subprocess.run([sys.executable, "-m", "desktop_app.cli", "--help"], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    for command in ("create", "unlock", "import", "export", "search", "compliance"):
        assert command in result.stdout


def test_compliance_text_and_json(data_dir: Path, tmp_path: Path) -> None:
    assert run(data_dir, "import", str(_import_file(tmp_path, RECORDS))).returncode == 0
    result = run(data_dir, "compliance", "--period", "2026-Q3", "--today", "2026-10-15", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    by_label = {r["label"]: r for r in report["requirements"]} if "label" in report["requirements"][0] else {}
    congress = next(r for r in report["requirements"] if "党员大会" in json.dumps(r, ensure_ascii=False))
    assert congress["done"] == 1 and congress["state"] == "done", (by_label, congress)
    theme_day = next(r for r in report["requirements"] if "主题党日" in json.dumps(r, ensure_ascii=False))
    assert theme_day["state"] == "overdue"  # none held in Jul-Sep, and the quarter is over
    text = run(data_dir, "compliance", "--period", "2026-Q3", "--today", "2026-10-15")
    assert text.returncode == 0 and "支部党员大会" in text.stdout
    bad = run(data_dir, "compliance", "--period", "2026-Q9")
    assert bad.returncode == 1 and "期间格式不正确" in bad.stderr


def test_import_reports_the_rules_warnings_too(data_dir: Path, tmp_path: Path) -> None:
    """优秀 over ⅓ does not stop an import, but the clerk is told, in words and in ``--json``."""
    ids = [f"0190a0a0-0000-7000-8000-00000000001{n}" for n in range(3)]
    members = [{"kind": "member", "id": mid, "body": {"name": name}} for mid, name in zip(ids, ["甲", "乙", "丙"],
                                                                                           strict=True)]
    appraisal = {"kind": "meeting", "body": {
        "meeting_type": "appraisal", "title": "2026年度民主评议党员", "starts_at": "2026-12-10T09:00",
        "attendance": [{"member_id": mid} for mid in ids],
        "appraisal": [{"member_id": ids[0], "grade": "excellent"}, {"member_id": ids[1], "grade": "excellent"},
                      {"member_id": ids[2], "grade": "qualified"}]}}
    path = _import_file(tmp_path, [*members, appraisal])
    result = run(data_dir, "import", "--json", str(path))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["imported"] == 4 and report["problems"] == []
    [warned] = [w for w in report["warnings"] if w["kind"] == "meeting"]
    assert warned["index"] == 3
    codes = {v["code"] for v in warned["violations"]}
    assert "appraisal.too_many_excellent" in codes
    assert all(v["severity"] == "warning" for v in warned["violations"])

    fresh = tmp_path / "fresh"
    assert run(fresh, "create", "--branch-name", "测试支部").returncode == 0
    result = run(fresh, "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "已导入 4 条记录" in result.stdout
    assert "请注意：1 条记录有提醒（不影响导入）" in result.stderr
    too_many = "评为优秀2人，超过评定等次党员（3人）的1/3"
    assert any(line.strip().startswith("第 4 条（会议记录）：提醒：") and too_many in line
               for line in result.stderr.splitlines())
