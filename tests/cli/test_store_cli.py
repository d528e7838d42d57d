"""``backup``, ``restore``, ``recovery-key``, ``salvage``: real subprocesses against a real store."""

from __future__ import annotations

import json
from pathlib import Path

from desktop_app.store.attempts import UnlockAttempts
from desktop_app.store.vault import KeyFile
from tests.cli.test_cli import run


def _create(d: Path) -> str:
    result = run(d, "create", "--branch-name", "毕拉河林场党支部")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def _import(d: Path, tmp_path: Path, names: list[str]) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps([{"kind": "member", "body": {"name": n}} for n in names], ensure_ascii=False),
                    encoding="utf-8")
    result = run(d, "import", str(path))
    assert result.returncode == 0, result.stderr


def _names(d: Path) -> set[str]:
    result = run(d, "export", "--kind", "member")
    assert result.returncode == 0, result.stderr
    return {r["body"]["name"] for r in json.loads(result.stdout)["records"]}


def test_backup_list_and_restore(tmp_path: Path) -> None:
    d, usb = tmp_path / "data", tmp_path / "usb"
    _create(d)
    missing = run(d, "backup", "config", "--location", str(usb))
    assert missing.returncode == 1 and "不存在" in missing.stderr and "Traceback" not in missing.stderr
    usb.mkdir()
    assert run(d, "backup", "config", "--location", str(usb), "--keep", "5").returncode == 0
    _import(d, tmp_path, ["张三"])  # closing after the import backs up to the stick
    listed = run(d, "backup", "list", "--json", passphrase=None)  # no passphrase needed to list
    assert listed.returncode == 0, listed.stderr
    backups = json.loads(listed.stdout)["backups"]
    assert backups and backups[0]["reason"] == "close" and backups[0]["path"].startswith(str(usb))
    name = backups[0]["name"]
    _import(d, tmp_path, ["李四"])
    assert _names(d) == {"张三", "李四"}
    refused = run(d, "restore", name)  # no terminal to ask: confirmation required
    assert refused.returncode == 1 and "--yes" in refused.stderr
    restored = run(d, "restore", name, "--yes")
    assert restored.returncode == 0, restored.stderr and "已恢复" in restored.stdout
    assert _names(d) == {"张三"}


def test_recovery_key_reissue(tmp_path: Path) -> None:
    d = tmp_path / "data"
    first = _create(d)
    result = run(d, "recovery-key", "reissue")
    assert result.returncode == 0, result.stderr
    second = result.stdout.strip().splitlines()[-1]
    assert len(second) == 39 and second != first
    assert "没有尚未确认" in run(d, "recovery-key", "show").stdout


def test_damaged_data_is_refused_in_chinese_and_salvaged(tmp_path: Path) -> None:
    d = tmp_path / "data"
    _create(d)
    _import(d, tmp_path, [f"党员{i}" for i in range(200)])
    db = d / "ledger.db"
    raw = bytearray(db.read_bytes())
    raw[len(raw) // 2] ^= 0x20
    db.write_bytes(bytes(raw))
    result = run(d, "unlock")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "已损坏" in result.stderr and "salvage export" in result.stderr and "aside" in result.stderr
    out = tmp_path / "readable.json"
    exported = run(d, "salvage", "export", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert len(json.loads(out.read_text())["records"]) >= 150
    backups = json.loads(run(d, "backup", "list", "--json", passphrase=None).stdout)["backups"]
    restored = run(d, "restore", backups[0]["name"], "--yes")
    assert restored.returncode == 0, restored.stderr
    assert len(_names(d)) == 200


def test_unlock_back_off_and_bad_ids_at_import(tmp_path: Path) -> None:
    d = tmp_path / "data"
    _create(d)
    wrong = run(d, "unlock", passphrase="wrong passphrase")
    assert wrong.returncode == 1 and "密码不正确" in wrong.stderr
    attempts = UnlockAttempts(d, key_id=KeyFile.load(d / "ledger.keys").key_id)
    assert attempts.state().failures == 1  # the CLI counts, in the file the GUI reads too
    for _ in range(8):
        attempts.record_failure()  # 9 in a row: 128 s (8 s ran out while a loaded machine started the CLI)
    waited = run(d, "unlock")
    assert waited.returncode == 1 and "请等待" in waited.stderr and "Traceback" not in waited.stderr
    attempts.record_success()
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"kind": "member", "id": "党员-001", "body": {"name": "王书记"}}],
                               ensure_ascii=False), encoding="utf-8")
    result = run(d, "import", str(path))
    assert result.returncode == 1 and "党员-001" in result.stderr and "不符合同步格式" in result.stderr
