"""Every ``branch-ledger`` command speaks the run's language: Chinese by default, English with
``--lang en`` (or an English locale). Run as real subprocesses against a real encrypted store; in
English nothing but the clerk's own data (names, titles, places) may be Chinese, in Chinese the
Chinese text is there. ``--json`` keeps its keys whatever the language.

Also the guard: a Chinese string literal that bypasses the catalog in a command-line module fails
``build.py --check`` (and so this file and tests/ui/test_translations.py).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app import cli_text
from desktop_app.cli import main
from domain import i18n
from tests.cli.test_cli import run
from testsupport.catalog_build import build_module

SECRETARY = "0190a0a0-0000-7000-8000-0000000000c1"
CLERK = "0190a0a0-0000-7000-8000-0000000000c2"
ABSENT = "0190a0a0-0000-7000-8000-0000000000c3"
MEETING = "0190a0a0-0000-7000-8000-0000000000d1"
DRAFT = "0190a0a0-0000-7000-8000-0000000000d2"
BRANCH = "毕拉河林场党支部"
# The clerk's own data, which stays as typed in either language.
USER_DATA = (BRANCH, "王建华", "李秀英", "赵晓东", "孙立平", "周红梅", "2026年第三季度支部党员大会", "林场党员活动室",
             "部署秋季森林防火工作", "通过秋季防火方案", "同意秋季防火方案", "未写完的会议", "外出护林")




BUILD = build_module()


def chinese_left(text: str) -> list[str]:
    """The Chinese that is not the clerk's data: what an English run must not show."""
    for data in USER_DATA:
        text = text.replace(data, "")
    return [line for line in text.splitlines() if BUILD.CJK.search(line)]


def _records() -> list[dict[str, object]]:
    people = [(SECRETARY, "王建华", ["secretary"]), (CLERK, "李秀英", ["organization"]), (ABSENT, "赵晓东", [])]
    records: list[dict[str, object]] = [
        {"kind": "member", "id": mid, "body": {"name": name, "posts": posts, "join_date": "2001-07-01"}}
        for mid, name, posts in people
    ]
    records.append({"kind": "meeting", "id": MEETING, "body": {
        "meeting_type": "party_congress", "title": "2026年第三季度支部党员大会",
        "starts_at": "2026-09-10T09:00", "ends_at": "2026-09-10T11:00", "place": "林场党员活动室",
        "chair_member_id": SECRETARY, "recorder_member_id": CLERK,
        "attendance": [{"member_id": SECRETARY}, {"member_id": CLERK},
                       {"member_id": ABSENT, "status": "absent", "reason": "外出护林"}],
        "agenda": [{"title": "部署秋季森林防火工作"}],
        "votes": [{"subject": "通过秋季防火方案", "yes": 2, "no": 0, "abstain": 0}],
        "resolutions": [{"text": "同意秋季防火方案", "vote_index": 0}]}})
    return records


def _write_json(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("inputs")
    bad_meeting = {"kind": "meeting", "body": {"meeting_type": "party_congress", "title": "",
                                               "starts_at": "not a time"}}
    roster_bad = folder / "roster-bad.csv"
    roster_bad.write_text("姓名,党员类别,入党日期\n孙立平,正式党员,2001-07-01\n,正式党员,2001-07-01\n",
                          encoding="utf-8")
    roster = folder / "roster.csv"
    roster.write_text("姓名,党员类别,入党日期\n孙立平,正式党员,2001-07-01\n周红梅,预备党员,2026-03-01\n",
                      encoding="utf-8")
    broken = folder / "broken.json"
    broken.write_text("{broken", encoding="utf-8")
    empty = folder / "empty.jpg"
    empty.write_bytes(b"")
    notes = folder / "notes.txt"
    notes.write_text("讲稿", encoding="utf-8")
    new_pw = folder / "new-pw"
    new_pw.write_text("cli-passphrase\n", encoding="utf-8")
    draft = {"kind": "meeting", "id": DRAFT,
             "body": {"meeting_type": "party_congress", "title": "未写完的会议", "starts_at": "2026-09-11T09:00"}}
    return {
        "records": _write_json(folder / "records.json",
                               {"format": "branch-ledger-records", "version": 1, "records": _records()}),
        "bad": _write_json(folder / "bad.json", [bad_meeting, {"kind": "meeting", "id": MEETING, "body": {}}]),
        "draft": _write_json(folder / "draft.json", [draft]),
        "roster_bad": roster_bad, "roster": roster, "broken": broken, "new_pw": new_pw, "folder": folder,
        "empty": empty, "notes": notes,
    }


# (arguments, exit code, Chinese expected, English expected): one clerk's session, command by command.
# "{folder}" / "{...}" are filled from the files fixture; "OUT" is a fresh path in the run's folder.
STEPS: list[tuple[tuple[str, ...], int, str, str]] = [
    (("unlock",), 0, "密码正确。记录数：1", "Passphrase correct. Records: 1"),
    (("import", "{broken}"), 1, "不是有效的 JSON（第 1 行", "not valid JSON (error near line 1"),
    (("import", "{bad}"), 1, "导入失败，未写入任何记录。共 2 条记录有问题",
     "Import failed; nothing was written. 2 records"),
    (("import", "{records}"), 0, "已导入 4 条记录", "Imported 4 records."),
    (("import", "{draft}"), 0, "请注意", "Please note"),
    (("search", "王建华"), 0, "党员", "member"),
    (("export", "--out", "OUT.json"), 0, "已导出 6 条记录到", "Exported 6 records to"),
    (("export", "--out", "{folder}"), 1, "这是一个文件夹，请写上文件名", "it is a folder; give a file name"),
    (("compliance", "--period", "2026-Q3", "--today", "2026-09-20"), 0, "组织生活完成情况", "organisational life"),
    (("compliance", "--period", "2026-13"), 1, "期间格式不正确", "Not a valid period"),
    # --json: the same keys and codes; the labels in the language of the run
    (("compliance", "--period", "2026-Q3", "--today", "2026-09-20", "--json"), 0, '"period_label": "2026年第三季度"',
     '"period_label": "Q3 2026"'),
    (("show", MEETING), 0, "会议有效", "meeting valid"),
    (("show", MEETING, "--json"), 0, '"denominator_label": "应到会有表决权的党员"',
     '"denominator_label": "members entitled'),
    (("finalize", MEETING), 0, "已定稿", "finalized:"),
    (("finalize", DRAFT), 1, "错误：", "error: "),
    (("history", MEETING), 0, "定稿", "finalized"),
    (("lapses", "--today", "2027-06-15"), 0, "赵晓东", "赵晓东"),
    (("lapses", "--today", "2027-06-15", "--json"), 0, "未参加组织生活", "has not taken part in organisational life"),
    (("lapses", "--today", "2026-13-01"), 1, "日期格式不正确", "not a date"),
    (("conflicts", "list"), 0, "没有冲突的记录", "no conflicted records"),
    (("conflicts", "resolve", MEETING, "--keep", "1-abc"), 1, "没有冲突", "is not in conflict"),
    (("roster", "import", "{roster_bad}"), 1, "第 3 行", "row 3"),
    (("roster", "import", "{roster}"), 0, "已导入 2 名党员", "imported 2 members"),
    (("print", "minutes", MEETING, "--out", "OUT.pdf"), 0, "已生成", "Written:"),
    (("print", "minutes", MEETING, "--out", "{folder}/no/such/dir/x.pdf"), 1, "不存在", "does not exist"),
    (("print", "signin", SECRETARY, "--out", "OUT.pdf"), 1, "签到表只能由会议记录生成", "sign-in sheet can only"),
    (("attachments", "add", DRAFT, "{empty}", "{notes}"), 1, "文件是空的", "the file is empty"),
    (("attachments", "add", MEETING, "{notes}"), 1, "已定稿的记录附件不能再改动", "finalized record cannot change"),
    (("attachments", "list", MEETING), 0, "这条记录没有附件", "the record has no attachments"),
    (("backup", "now"), 0, "已备份", "Backed up"),
    (("backup", "list"), 0, "备份位置", "Backup location"),
    (("backup", "config", "--keep", "5"), 0, "关闭时备份：是", "back up on close: yes"),
    (("backup", "config", "--location", "{folder}/usb-stick"), 1, "U 盘", "USB stick"),
    (("recovery-key", "show"), 0, "没有尚未确认的恢复密钥", "No unconfirmed recovery key"),
    (("recovery-key", "reissue"), 0, "旧的恢复密钥已不能使用", "the old recovery key no longer works"),
    (("refused", "list"), 0, "没有被拒绝或无法同步的修改", "No refused or unsendable changes"),
    (("refused", "amend", "nope"), 1, "请用 --reason 说明更正原因", "Give the reason for the amendment"),
    (("sync-status",), 0, "本设备尚未注册", "not enrolled"),
    (("sync",), 1, "错误：", "error: "),
    (("enrol", "--server", "http://127.0.0.1:9", "--code", "x"), 1, "注册码格式不正确", "enrolment code is not valid"),
    (("salvage", "export", "--out", "OUT.json"), 1, "错误：", "error: "),
    (("change-passphrase", "--new-passphrase-file", "{new_pw}"), 0, "密码已修改", "Passphrase changed"),
    (("restore", "nonexistent-backup", "--yes"), 1, "错误：", "error: "),
]


def _fill(args: tuple[str, ...], files: dict[str, Path], out_dir: Path, n: int) -> list[str]:
    filled = []
    for arg in args:
        if arg.startswith("OUT"):
            filled.append(str(out_dir / f"out{n}{arg[3:]}"))
        else:
            filled.append(arg.format(**{k: str(v) for k, v in files.items()}))
    return filled


@pytest.fixture
def restore_language() -> Iterator[None]:
    yield
    cli_text.install("zh")
    i18n.set_language(i18n.CHINESE)


@pytest.mark.usefixtures("restore_language")
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_every_command_speaks_the_run_language(lang: str, files: dict[str, Path], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's ``main`` (what the ``branch-ledger`` script runs), in this process so that 40
    commands in two languages stay quick; test_cli.py runs the same commands as subprocesses."""
    monkeypatch.setenv("BRANCH_LEDGER_PASSPHRASE", "cli-passphrase")
    data = tmp_path / "data"

    def call(*args: str) -> tuple[int, str]:
        code = main(["--data-dir", str(data), "--lang", lang, *args])
        said = capsys.readouterr()
        return code, said.out + said.err

    code, said = call("create", "--branch-name", BRANCH, "--records-since", "2026-01-01")
    assert code == 0, said
    outputs = [("create", said)]
    wrong: list[tuple[str, int, str]] = []  # every step is run, and every wrong one named
    for n, (args, expected_code, zh, en) in enumerate(STEPS):
        code, said = call(*_fill(args, files, tmp_path, n))
        if code != expected_code or (en if lang == "en" else zh) not in said:
            wrong.append((" ".join(args), code, said))
        outputs.append((" ".join(args), said))
    assert wrong == []
    if lang == "en":
        leaks = {name: left for name, said in outputs if (left := chinese_left(said))}
        assert leaks == {}
        assert "Recovery key (shown only this once" in outputs[0][1]
    else:
        assert "恢复密钥（只显示这一次" in outputs[0][1]
        # The Chinese run shows no English sentence: only commands, codes, paths and ids are Latin.
        for name, said in outputs:
            for english in ("error:", "Error:", "Note:", "Imported", "Exported", "Backed up", "not valid",
                            "Passphrase"):
                assert english not in said, (name, said)


def test_json_keeps_its_keys_in_english(files: dict[str, Path], tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run(data, "create", "--branch-name", BRANCH).returncode == 0
    by_flag = run(data, "--lang", "en", "import", "--json", str(files["bad"]))
    by_default = run(data, "--lang", "zh_CN", "import", "--json", str(files["bad"]))
    english, chinese = json.loads(by_flag.stdout), json.loads(by_default.stdout)
    assert by_flag.returncode == by_default.returncode == 1

    def shape(value: object) -> object:
        if isinstance(value, dict):
            return {k: shape(v) for k, v in value.items() if k != "message"}
        return [shape(v) for v in value] if isinstance(value, list) else value

    assert shape(english) == shape(chinese)  # the same keys and codes; only the messages differ
    messages = [v["message"] for p in english["problems"] for v in p["violations"]]
    assert messages and not any(BUILD.CJK.search(m) for m in messages), messages
    assert all(BUILD.CJK.search(v["message"]) for p in chinese["problems"] for v in p["violations"])


@pytest.mark.usefixtures("restore_language")
def test_the_locale_chooses_the_language_and_the_flag_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRANCH_LEDGER_PASSPHRASE", "cli-passphrase")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "create"]) == 0
    assert "Encrypted ledger created" in capsys.readouterr().out
    assert main(["--data-dir", data, "unlock"]) == 0
    assert capsys.readouterr().out.startswith("Passphrase correct.")
    assert main(["--data-dir", data, "--lang", "zh_CN", "unlock"]) == 0
    assert capsys.readouterr().out.startswith("密码正确。")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert main(["--data-dir", data, "unlock"]) == 0
    assert capsys.readouterr().out.startswith("密码正确。")


def test_the_help_of_a_subcommand_in_a_real_run() -> None:
    """Every help text in both languages: tests/packaging/test_cli_help.py. Here argparse's own
    complaint, whose Chinese now comes from the catalog (context ``argparse``)."""
    english = run(Path("unused"), "--lang", "en", "backup", "config", "--help", passphrase=None)
    assert english.returncode == 0 and english.stdout.startswith("usage: branch-ledger")
    assert not BUILD.CJK.search(english.stdout), english.stdout
    chinese = run(Path("unused"), "--lang", "zh_CN", "backup", "config", "--help", passphrase=None)
    assert "用法：" in chinese.stdout and "保留最近几个备份" in chinese.stdout
    wrong = run(Path("unused"), "--lang", "en", "backup", "config", "--on-close", "maybe", passphrase=None)
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr and not BUILD.CJK.search(wrong.stderr)
    wrong = run(Path("unused"), "--lang", "zh_CN", "backup", "config", "--on-close", "maybe", passphrase=None)
    assert wrong.returncode == 2 and "无效的选择" in wrong.stderr


def test_the_check_names_a_chinese_literal_outside_the_catalog(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    assert BUILD.guarded_problems() == []
    root = tmp_path / "root"
    for where in BUILD.GUARDED:
        (root / where).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(BUILD.ROOT) / where, root / where)
    module = root / "desktop_app" / "sync_cli.py"
    module.write_text(module.read_text(encoding="utf-8") + '\n\ndef _late() -> None:\n    print(f"同步完成：{1}")\n',
                      encoding="utf-8")
    monkeypatch.setattr(BUILD, "ROOT", root)
    [problem] = BUILD.guarded_problems()
    assert "desktop_app/sync_cli.py" in problem and "同步完成" in problem
    # What the catalog calls carry, and docstrings, are fine.
    assert BUILD.literals_outside_catalog(Path(BUILD.ROOT) / "desktop_app" / "cli.py") == []
    sample = tmp_path / "sample.py"
    sample.write_text('"""模块说明。"""\nfrom domain.i18n import N_, pt, t\n'
                      'A = t("好")\nB = pt("cli", "坏{x}", x=1)\nC = N_("标签")\nD = {"k": "漏网"}\n',
                      encoding="utf-8")
    assert [text for _line, text in BUILD.literals_outside_catalog(sample)] == ["漏网"]


def test_record_kind_names_follow_the_language(restore_language: None) -> None:
    cli_text.install("en")
    assert [cli_text.kind_label(k) for k in ("member", "post_log", "notice")] == ["member", "post log entry", "notice"]
    cli_text.install("zh")
    assert [cli_text.kind_label(k) for k in ("member", "post_log", "notice")] == ["党员", "履岗记录", "上级通知"]
    assert re.fullmatch("unknown_kind", cli_text.kind_label("unknown_kind"))
