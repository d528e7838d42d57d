"""``branch-ledger attachments``, run as a real subprocess against a real encrypted store."""

from __future__ import annotations

import json
from pathlib import Path

from testsupport import attachment_samples as samples

from .test_cli import _import_file, data_dir, run  # noqa: F401 — data_dir is a fixture

MEETING_ID = "0190a0a0-0000-7000-8000-0000000000a1"


def _with_meeting(data_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    records = [{"kind": "meeting", "id": MEETING_ID,
                "body": {"meeting_type": "theme_day", "title": "十一月主题党日", "starts_at": "2026-11-05T09:00"}}]
    result = run(data_dir, "import", str(_import_file(tmp_path, records)))
    assert result.returncode == 0, result.stderr


def test_add_list_export_verify_remove(data_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    _with_meeting(data_dir, tmp_path)
    clerk = tmp_path / "clerk"
    clerk.mkdir()
    photo = samples.jpeg(2600, 1700, marker=samples.MARKER)
    (clerk / "合影.jpg").write_bytes(photo)
    (clerk / "签到表.pdf").write_bytes(samples.pdf("签到"))
    (clerk / "假照片.jpg").write_bytes(samples.plain_zip())

    added = run(data_dir, "attachments", "add", MEETING_ID, str(clerk / "合影.jpg"), str(clerk / "签到表.pdf"),
                str(clerk / "假照片.jpg"))
    assert added.returncode == 1, "one file was refused"
    assert "已添加：合影.jpg（活动照片" in added.stdout and "已添加：签到表.pdf（其他" in added.stdout
    assert "附件“假照片.jpg”未添加：文件类型与内容不符" in added.stderr

    listed = run(data_dir, "attachments", "list", MEETING_ID, "--json")
    entries = json.loads(listed.stdout)
    assert [(e["name"], e["state"], e["width"]) for e in entries] == [("合影.jpg", "local", 2000),
                                                                      ("签到表.pdf", "local", None)]

    out = tmp_path / "exported"
    out.mkdir()
    exported = run(data_dir, "attachments", "export", MEETING_ID, "--out", str(out))
    assert exported.returncode == 0 and "没有加密" in exported.stdout
    assert sorted(p.name for p in out.iterdir()) == ["合影.jpg", "签到表.pdf"]
    assert (out / "签到表.pdf").read_bytes() == (clerk / "签到表.pdf").read_bytes()
    one = run(data_dir, "attachments", "export", MEETING_ID, entries[1]["sha256"][:10], "--out",
              str(tmp_path / "one.pdf"))
    assert one.returncode == 0 and (tmp_path / "one.pdf").read_bytes() == (clerk / "签到表.pdf").read_bytes()

    assert "全部完好" in run(data_dir, "attachments", "verify", MEETING_ID).stdout
    for path in (data_dir / "blobs").rglob("*"):
        if path.is_file():
            assert samples.MARKER not in path.read_bytes()

    removed = run(data_dir, "attachments", "remove", MEETING_ID, "合影.jpg")
    assert removed.returncode == 0 and "已从草稿中移除：合影.jpg" in removed.stdout
    text = run(data_dir, "attachments", "list", MEETING_ID).stdout
    assert "签到表.pdf" in text and "合影.jpg" not in text and "本机已有" in text
    missing = run(data_dir, "--lang", "en", "attachments", "list", "0190a0a0-0000-7000-8000-0000000000ff")
    assert missing.returncode == 1 and missing.stderr == "error: The record was not found\n"
    missing = run(data_dir, "attachments", "list", "0190a0a0-0000-7000-8000-0000000000ff")
    assert missing.returncode == 1 and missing.stderr == "错误：没有找到该记录\n"


def test_a_damaged_attachment_is_reported(data_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    _with_meeting(data_dir, tmp_path)
    (tmp_path / "讲稿.docx").write_bytes(samples.ooxml("docx"))
    assert run(data_dir, "attachments", "add", MEETING_ID, str(tmp_path / "讲稿.docx")).returncode == 0
    [blob] = [p for p in (data_dir / "blobs").rglob("*") if p.is_file()]
    raw = bytearray(blob.read_bytes())
    raw[40] ^= 0xFF
    blob.write_bytes(bytes(raw))
    verify = run(data_dir, "attachments", "verify", MEETING_ID)
    assert verify.returncode == 1 and "附件“讲稿.docx”已损坏" in verify.stderr
    export = run(data_dir, "attachments", "export", MEETING_ID, "--out", str(tmp_path / "x.docx"))
    assert export.returncode == 1 and "已损坏" in export.stderr and not (tmp_path / "x.docx").exists()
