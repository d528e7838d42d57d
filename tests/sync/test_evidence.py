"""Head office's "needs photo / needs 签到表" setting: set with the admin CLI, sent down on sync,
counted by compliance and shown on the record page (real uvicorn, SQLite and PostgreSQL).

A finalized 主题党日 with only its photo uploaded does not count while head office requires the
签到表 too (缺少佐证材料); once the scan is uploaded completely it counts. A 党课, for which nothing is
required, counts without attachments.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from sync.server.compliance import branch_compliance, parse_period
from tests.sync.blobsupport import Tus, missing_of, noisy_jpeg, ref_for
from tests.sync.console.conftest import Browserless
from tests.sync.hq import HeadOfficeFixture, meeting
from testsupport import attachment_samples as samples

PERIOD = parse_period("2026-Q4")
TODAY = dt.date(2026, 12, 1)


def _cli(hq: HeadOfficeFixture, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "sync.server.cli", "--db", hq.url, *args], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _states(hq: HeadOfficeFixture) -> dict[str, int]:
    return dict(hq.office.call(branch_compliance, "b1", PERIOD, TODAY)["not_counted"])


def test_required_evidence_decides_whether_a_meeting_counts(hq: HeadOfficeFixture) -> None:
    assert "未要求" in _cli(hq, "evidence", "show")
    said = _cli(hq, "evidence", "set", "theme_day", "photo", "sign_in_sheet")
    assert "主题党日须附" in said and "签到表" in said
    assert "签到表" in _cli(hq, "evidence", "show")

    device = hq.device("b1")
    photo, scan = noisy_jpeg(80_000, seed=21), samples.pdf("签到表")
    refs = [ref_for(photo, "植树.jpg"), ref_for(scan, "签到表.pdf", role="sign_in_sheet")]
    day = device.state.create("meeting", meeting("主题党日：义务植树", meeting_type="theme_day",
                                                 starts_at="2026-11-20T09:00:00", attachments=refs))
    device.state.finalize(day)
    lecture = device.state.create("meeting", meeting("党课：森林防火", meeting_type="lecture",
                                                     starts_at="2026-11-21T09:00:00"))
    device.state.finalize(lecture)
    device.sync()
    assert _states(hq).get("no_evidence") == 1  # the 党课 counts; the 主题党日 lacks both files

    tus = Tus.of(hq, device)
    assert tus.upload(refs[0]["sha256"], photo).status_code == 204
    assert _states(hq).get("no_evidence") == 1  # the photo alone is not enough
    reviewer = Browserless(hq.base_url)
    from sync.server.console.users import add_user
    from tests.sync.console.conftest import PASSWORD

    hq.office.call(add_user, "shen", "reviewer", PASSWORD, org="c", display_name="审核员沈")
    reviewer.login("shen")
    page = reviewer.get(f"/console/branches/b1/records/{day}").text
    assert "缺少佐证材料" in page and "签到表" in page.split("缺少佐证材料", 1)[1][:200]

    assert tus.upload(refs[1]["sha256"], scan).status_code == 204
    assert "no_evidence" not in _states(hq)
    assert "缺少佐证材料" not in reviewer.get(f"/console/branches/b1/records/{day}").text
    report = hq.office.call(branch_compliance, "b1", PERIOD, TODAY)
    assert report["counts"] == {"theme_day": 1, "lecture": 1}


def test_the_setting_travels_down_with_the_sync_reply(hq_sqlite: HeadOfficeFixture) -> None:
    hq = hq_sqlite
    _cli(hq, "evidence", "set", "lecture", "lecture", "photo")
    device = hq.device("b1")
    assert missing_of(hq, device) == []
    from sync.client.blobs import BlobQueue

    class Nothing:  # a laptop that holds no blob yet: the queue has nothing to send
        def has(self, sha256: str) -> bool:
            return False

    device.engine.blobs = BlobQueue(Nothing())  # type: ignore[arg-type]
    device.sync()
    assert device.engine.evidence_policy == {"lecture": ["lecture", "photo"]}
