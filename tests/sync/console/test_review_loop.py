"""The review loop and receipts between real encrypted stores and a real head office, over HTTP.

已审核 / 退回修改 travel down in the normal sync reply; the clerk's store lists the returned record
with the comment; the amendment travels up and head office links it to the return. A notice that
asks for acknowledgement gets a receipt that head office shows per branch.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from desktop_app.reviews import acknowledge_notice, open_returns, receipt_of, returned_records, review_of
from domain.enums import ReviewDecision
from sync.server.console import indexer
from sync.server.console.notices import list_notices, notice_detail
from sync.server.console.scope import scope_of
from sync.server.console.users import user_by_name
from tests.sync.console.conftest import Laptop
from tests.sync.hq import HeadOfficeFixture

ROSTER = [("王书记", ["secretary"]), ("李组织", ["organization"]), ("赵宣传", ["propaganda"]), ("钱党员", []),
          ("周党员", [])]


def branch_with_meeting(laptop: Laptop) -> tuple[str, dict[str, str]]:
    records = laptop.store.records
    ids = {name: records.create("member", {"name": name, "posts": posts, "join_date": "2010-07-01"},
                                author="李组织").record_id for name, posts in ROSTER}
    meeting = records.create("meeting", {
        "meeting_type": "party_congress", "title": "第四季度支部党员大会", "starts_at": "2026-10-15T09:00:00",
        "ends_at": "2026-10-15T11:00:00", "place": "林场党员活动室", "chair_member_id": ids["王书记"],
        "recorder_member_id": ids["李组织"], "attendance": [{"member_id": i} for i in ids.values()],
        "votes": [{"subject": "秋防工作方案", "yes": 5}],
        "resolutions": [{"text": "通过秋防工作方案", "vote_index": 0}],
    }, author="李组织").record_id
    records.finalize(meeting, author="李组织")
    return meeting, ids


def test_return_travels_down_and_the_correction_comes_back(console: HeadOfficeFixture, new_laptop: Any,
                                                           user: Any) -> None:
    laptop = new_laptop(profile={"name": "第一支部"})
    meeting, _ids = branch_with_meeting(laptop)
    laptop.sync()
    reviewer = user("shen")
    page = reviewer.get(f"/console/branches/b1/records/{meeting}")
    assert page.status_code == 200 and "第四季度支部党员大会" in page.text
    # Head office findings were judged with the roster: no false "应到会有表决权人数为0".
    assert "为0" not in page.text and "会议有效" in page.text
    # A return needs a comment.
    empty = reviewer.post(f"/console/branches/b1/records/{meeting}/review", {"decision": "returned", "comment": ""})
    assert empty.status_code == 400 and "退回意见" in empty.text
    back = reviewer.post(f"/console/branches/b1/records/{meeting}/review",
                         {"decision": "returned", "comment": "缺少缺席人员的请假原因，请补充后更正。"})
    assert back.status_code == 200 and "已退回修改" in back.text

    stats = laptop.sync()
    assert stats.pulled >= 1
    info = review_of(laptop.store, meeting)
    assert info is not None and info.decision is ReviewDecision.RETURNED
    assert info.comment == "缺少缺席人员的请假原因，请补充后更正。" and info.reviewer == "审核员沈"
    assert [r.record_id for r in returned_records(laptop.store)] == [meeting] and open_returns(laptop.store) == 1

    original = laptop.store.records.get(meeting)
    amendment = laptop.store.records.amend(meeting, original.body, reason="按总部意见补充请假原因", author="李组织")
    laptop.store.records.finalize(amendment.record_id, author="李组织")
    assert open_returns(laptop.store) == 0 and returned_records(laptop.store)[0].amendment_final
    laptop.sync()

    page = reviewer.get(f"/console/branches/b1/records/{meeting}")
    assert "支部已提交更正记录" in page.text and amendment.record_id in page.text
    fixed = reviewer.get(f"/console/branches/b1/records/{amendment.record_id}")
    assert "原记录曾被总部退回修改" in fixed.text and "缺少缺席人员的请假原因" in fixed.text
    queue = reviewer.get("/console/reviews?status=unreviewed")
    assert amendment.record_id in queue.text and f'data-record="{meeting}"' not in queue.text
    # Head office never edited the branch's record: its only revisions are the clerk's.
    with console.office.engine.begin() as conn:
        from sqlalchemy import select

        from sync.server.tables import revisions

        authors = conn.execute(select(revisions.c.device_id).where(revisions.c.record_id == meeting)).scalars().all()
    assert authors and all(a is not None for a in authors)
    approved = reviewer.post(f"/console/branches/b1/records/{amendment.record_id}/review", {"decision": "approved"})
    assert approved.status_code == 200
    laptop.sync()
    assert review_of(laptop.store, amendment.record_id).decision is ReviewDecision.APPROVED  # type: ignore[union-attr]


def test_notice_receipt_syncs_up_and_shows_per_branch(console: HeadOfficeFixture, new_laptop: Any, user: Any) -> None:
    one = new_laptop("b1", profile={"name": "第一支部"})
    two = new_laptop("b2", profile={"name": "第二支部"})
    reviewer = user("shen")
    sent = reviewer.post("/console/notices", {"target": "c", "title": "关于冬季防火检查的通知",
                                              "body": "12月10日前完成。", "issuer": "集团党委组织部",
                                              "issued_on": "2026-11-25", "requires_ack": "1"})
    assert sent.status_code == 200 and "通知已发布" in sent.text
    one.sync()
    two.sync()
    notice_id = next(s.record_id for s in one.store.records.query() if s.kind == "notice")
    receipt = acknowledge_notice(one.store, notice_id, author="李组织")
    assert receipt_of(one.store, notice_id) == receipt
    assert acknowledge_notice(one.store, notice_id, author="李组织") == receipt  # once per branch
    one.sync()
    indexer.refresh(console.office.engine)
    with console.office.engine.begin() as conn:
        scope = scope_of(conn, user_by_name(conn, "shen"))  # type: ignore[arg-type]
        [summary] = list_notices(conn, scope)
        detail = notice_detail(conn, scope, summary.key)
    assert (summary.branches, summary.read) == (2, 1)
    assert [(row[0], row[3]) for row in detail.rows] == [("b2", ""), ("b1", "李组织")]
    page = reviewer.get(f"/console/notices/{summary.key}")
    assert re.search(r'data-branch="b1".*?已读.*?李组织', page.text, re.S)
    assert re.search(r'data-branch="b2".*?未读', page.text, re.S)
    assert dt.date.fromisoformat(summary.issued_on) == dt.date(2026, 11, 25)
