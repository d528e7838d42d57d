"""No record text ever reaches the disk in plaintext, even when the writer is killed mid-transaction.

A child process writes records containing 20 known strings, checkpoints, then starts another
transaction with more of them and is killed with SIGKILL before committing (so the WAL and any
journal are left behind exactly as a power cut would leave them). Every file in the data
directory is then searched for each string in UTF-8 and UTF-16.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

KNOWN = [
    "森林防火值班记录", "毕拉河保护区", "巡护路线第七段", "接收张卫国为预备党员", "瞭望塔值守",
    "退化林修复方案", "党员先锋岗挂牌", "民主评议优秀", "组织生活会整改清单", "党费收缴",
    "SECRET-ALPHA-7731", "Bilahe-Ranger-Station", "checkpoint-registry-42", "vote-tally-XK19",
    "minutes-body-QQ88", "王建华同志发言", "李秀英请假原因", "林场党员活动室", "卡口检查登记",
    "PLAINTEXT-CANARY-0042",
]

CHILD = textwrap.dedent(
    """
    import os, sys, time
    from desktop_app.store import KdfParams, Store
    strings = sys.argv[2].split("|")
    store, _ = Store.create(__import__("pathlib").Path(sys.argv[1]), "passphrase-123", kdf=KdfParams.fast_for_tests())
    member = store.records.create("member", {"name": strings[15], "note": strings[16]}, author="t")
    for i, s in enumerate(strings[:10]):
        store.records.create("meeting", {
            "meeting_type": "party_congress", "title": s, "starts_at": "2026-11-0%dT09:00" % (i % 9 + 1),
            "place": strings[17], "discussion": strings[10 + i % 5] + " " + s,
            "attendance": [{"member_id": member.record_id, "status": "leave", "reason": strings[16]}],
        }, author="t")
    store.buffers.save("draft", "meeting", {"title": strings[18]}, record_id=None, base_rev=None)
    store.checkpoint()
    # An uncommitted transaction with big writes so pages spill to the WAL before the kill.
    store.conn.execute("BEGIN IMMEDIATE")
    for i in range(300):
        store.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("k%d" % i, '"' + strings[19] * 20 + '"'))
    print("READY", flush=True)
    time.sleep(60)
    """
)


def test_no_known_string_in_any_file_after_kill(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data_dir), "|".join(KNOWN)], stdout=subprocess.PIPE, env=env
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == b"READY", line
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)

    files = [p for p in data_dir.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert "ledger.db" in names and "ledger.keys" in names
    assert any(n.endswith("-wal") for n in names), names  # the kill left a WAL behind
    leaks = []
    for path in files:
        blob = path.read_bytes()
        for s in KNOWN:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                if s.encode(encoding) in blob:
                    leaks.append((path.name, s, encoding))
    assert leaks == []

    # And the data is all there for the right passphrase; the killed transaction is gone.
    from desktop_app.store import Store

    store = Store.open(data_dir, "passphrase-123")
    try:
        titles = {s.title for s in store.records.query()}
        assert set(KNOWN[:10]) <= titles
        assert store.meta.get("k0") is None
        assert store.records.search("巡护路线")[0].title == "巡护路线第七段"
    finally:
        store.close()
