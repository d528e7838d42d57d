"""The laptop's 概览 / ``branch-ledger compliance`` and head office count evidence alike (issue 14).

A real head office (uvicorn, SQLite) requires a photo and the 签到表 for a 主题党日. A laptop (a real
encrypted store) records a quarter — a 主题党日 with both files, one with the photo only, a 党课 (for
which nothing is required) — finalizes them and runs the app's sync (``SyncOps.sync``), which uploads
the files and brings the setting down. Then both ends judge the same records the same way: the same
report, the same meeting counted and the same one 缺少佐证材料.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from desktop_app.operations.compliance import compliance_report, lacking_evidence
from desktop_app.operations.overview import gather_overview
from desktop_app.operations.records import finalize_record, save_record
from desktop_app.operations.sync_blobs import evidence_policy, unsent_attachments
from domain.attachments import AttachmentRole
from domain.compliance.evidence import EvidencePolicy
from domain.enums import MeetingType
from sync.server import evidence
from sync.server.compliance import branch_compliance, parse_period
from tests.operations.test_conflicts import _device, hq  # noqa: F401  (fixture: a real head office on SQLite)
from tests.sync.blobsupport import noisy_jpeg
from tests.sync.conftest import hq_sqlite  # noqa: F401  (the fixture ``hq`` builds on)
from tests.sync.hq import HeadOfficeFixture
from testsupport import attachment_samples as samples

TODAY = dt.date(2026, 12, 20)
PERIOD = "2026-Q4"


def _meeting(kind: str, day: str, title: str, members: list[str], **extra: Any) -> dict[str, Any]:
    return {"meeting_type": kind, "title": title, "starts_at": f"{day}T09:00", "ends_at": f"{day}T11:00",
            "place": "林场党员活动室", "chair_member_id": members[0], "recorder_member_id": members[1],
            "attendance": [{"member_id": m} for m in members], **extra}


def test_the_laptop_and_head_office_agree_on_missing_evidence(hq: HeadOfficeFixture,  # noqa: F811
                                                               tmp_path: Path) -> None:
    hq.office.call(evidence.set_policy, EvidencePolicy(
        {MeetingType.THEME_DAY: frozenset({AttachmentRole.PHOTO, AttachmentRole.SIGN_IN_SHEET})}))
    laptop = _device(hq, tmp_path / "laptop", "林场")
    ledger = laptop.ledger
    save_record(ledger, "branch_profile", {"name": "毕拉河林场党支部", "records_since": "2026-01-01"}, author="t")
    members = [save_record(ledger, "member", {"name": name, "posts": posts}, author="t").envelope.record_id
               for name, posts in [("王书记", ["secretary"]), ("李组织", ["organization"]), ("赵宣传", [])]]
    with ledger.guard() as store:
        photo = store.blobs.put_bytes(noisy_jpeg(120_000, seed=31), "植树.jpg", downscale=False,
                                      role=AttachmentRole.PHOTO)
        scan = store.blobs.put_bytes(samples.pdf("签到表"), "签到表.pdf", role=AttachmentRole.SIGN_IN_SHEET)
    refs = [photo.model_dump(mode="json"), scan.model_dump(mode="json")]
    bodies = {
        "complete": _meeting("theme_day", "2026-10-12", "主题党日：义务植树", members, attachments=refs),
        "photo_only": _meeting("theme_day", "2026-11-12", "主题党日：清理林道", members, attachments=refs[:1]),
        "lecture": _meeting("lecture", "2026-11-20", "党课：森林防火", members,
                            lecture={"lecturer": "王书记", "topic": "森林防火与党员责任"}),
    }
    ids = {}
    for key, body in bodies.items():
        ids[key] = save_record(ledger, "meeting", body, author="t").envelope.record_id
        finalize_record(ledger, ids[key], author="t")
    before = compliance_report(ledger, PERIOD, TODAY)  # nothing sent down yet: the laptop requires nothing
    assert lacking_evidence(ledger, PERIOD) == []

    laptop.sync()
    assert evidence_policy(ledger).meeting_types == ["theme_day"]  # the setting came down
    assert unsent_attachments(ledger) == set()  # head office holds both files

    office = hq.office.call(branch_compliance, "b1", parse_period(PERIOD), TODAY)
    mine = compliance_report(ledger, PERIOD, TODAY)
    assert mine.to_json() == office["report"]  # the same report, requirement by requirement
    assert mine.to_json() != before.to_json()  # and it changed on the laptop when the setting arrived
    assert office["not_counted"] == {"no_evidence": 1} and office["counts"] == {"theme_day": 1, "lecture": 1}
    assert [(s.record_id, [r.value for r in s.missing]) for s in lacking_evidence(ledger, PERIOD)] == [
        (ids["photo_only"], ["sign_in_sheet"])]
    overview = gather_overview(ledger, TODAY)  # what the 概览 page runs
    assert overview.quarter is not None and overview.quarter.to_json() == office["report"]
    assert [s.record_id for s in overview.lacking_evidence] == [ids["photo_only"]]
    ledger.close()
