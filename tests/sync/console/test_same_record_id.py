"""Record ids are per branch (migration 0002): the console shows and acts on the right branch's record.

Three branches hold a record under the same id, each with different content: 第一支部 (b1) and
第二支部 (b2) in the same subtree (林业二级党委), 第三支部 (b3) in another (矿区二级党委). Their
rosters use the same member ids for different people, and one member record is byte-identical in
b1 and b2 (so its revision id is the same in both ledgers). Real encrypted stores sync over HTTP
to a real head office on SQLite and PostgreSQL; every page is read back as a reviewer gets it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from desktop_app.print_jobs import minutes_input as client_minutes_input
from desktop_app.reviews import acknowledge_notice, review_of
from domain.enums import ReviewDecision
from printing import render_minutes
from sync.server.console.users import add_user
from tests.printing.pdf import norm, pdf_text
from tests.sync.console.conftest import PASSWORD, Browserless, Laptop
from tests.sync.hq import HeadOfficeFixture

SHARED = "hy-2026-q4-01"  # the meeting id all three branches use
TWIN = {"name": "同名党员", "join_date": "2012-07-01"}  # identical member record in b1 and b2
BRANCHES: dict[str, dict[str, Any]] = {
    "b1": {"names": ["王一", "王二", "王三", "王四", "王五", "王六"], "present": 7,
           "title": "第一支部四季度党员大会", "text": "研究林区秋季防火"},
    "b2": {"names": ["赵一", "赵二", "赵三", "赵四", "赵五", "赵六"], "present": 2,
           "title": "第二支部四季度党员大会", "text": "苗圃冬季育苗"},
    "b3": {"names": ["孙一", "孙二", "孙三", "孙四", "孙五", "孙六"], "present": 6,
           "title": "第三支部四季度党员大会", "text": "矿井通风安全"},
}


def _branch(laptop: Laptop, branch: str, *, final: bool = True) -> None:
    """The roster (member ids m-0 … m-5, the same in every branch) and the shared meeting."""
    spec = BRANCHES[branch]
    records = laptop.store.records
    ids = []
    for i, name in enumerate(spec["names"]):
        ids.append(records.create("member", {"name": name, "join_date": "2010-07-01",
                                             "posts": ["secretary"] if i == 0 else []},
                                  author="李组织", record_id=f"m-{i}").record_id)
    if branch != "b3":
        ids.append(records.create("member", TWIN, author="李组织", record_id="m-twin").record_id)
    attendance = [{"member_id": m} if i < spec["present"] else {"member_id": m, "status": "absent", "reason": "巡护"}
                  for i, m in enumerate(ids)]
    records.create("meeting", {
        "meeting_type": "party_congress", "title": spec["title"], "starts_at": "2026-10-15T09:00:00",
        "ends_at": "2026-10-15T11:00:00", "place": "活动室", "chair_member_id": "m-0", "recorder_member_id": "m-1",
        "attendance": attendance, "discussion": spec["text"],
    }, author="李组织", record_id=SHARED)
    if final:
        records.finalize(SHARED, author="李组织")


def _rows(html: str, table: str) -> list[tuple[str, str, str]]:
    """(record id, branch id, row html) of the record table ``table`` of a console page."""
    found = re.search(rf'<table class="grid" id="{table}">(.*?)</table>', html, re.S)
    assert found is not None, f"no table {table}"
    return re.findall(r'<tr data-record="([^"]+)" data-branch="([^"]+)">(.*?)</tr>', found[1], re.S)


def _row_of(branch_page: str) -> str:
    """The shared record's row on a branch page."""
    return next(row for rid, _branch, row in _rows(branch_page, "records") if rid == SHARED)


def _matrix_cell(html: str, branch: str) -> str:
    """The 党员大会 cell of ``branch``'s matrix row."""
    row = re.search(rf'<tr data-branch="{branch}">(.*?)</tr>', html, re.S)
    assert row is not None, branch
    return re.findall(r"<td class=\"cell[^>]*>(.*?)</td>", row[1], re.S)[0]


def _revision_count(html: str) -> int:
    body = re.search(r'<table class="grid" id="revisions">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body is not None
    return body[1].count('<tr><td class="small nowrap">')


def _url(branch: str, action: str = "") -> str:
    return f"/console/branches/{branch}/records/{SHARED}" + (f"/{action}" if action else "")


def test_same_record_id_in_several_branches(console: HeadOfficeFixture, new_laptop: Any, user: Any,
                                            tmp_path: Path) -> None:
    console.office.call(add_user, "lin", "reviewer", PASSWORD, org="c2", display_name="审核员林")
    laptops = {b: new_laptop(b, profile={"name": {"b1": "第一支部", "b2": "第二支部", "b3": "第三支部"}[b]})
               for b in BRANCHES}
    for branch, laptop in laptops.items():
        _branch(laptop, branch, final=branch != "b3")
        laptop.sync()
    # b3's record is a draft two laptops of b3 edited at once: a conflict in b3 only.
    second = new_laptop("b3", name="书记笔记本")
    second.sync()
    first_body = laptops["b3"].store.records.get(SHARED).body.model_dump(mode="json")
    laptops["b3"].store.records.update(SHARED, {**first_body, "place": "一号井口"}, author="李组织")
    second.store.records.update(SHARED, {**first_body, "place": "二号井口"}, author="孙书记")
    laptops["b3"].sync()
    second.sync()

    shen, lin, admin = user("shen"), user("lin"), user("admin")  # shen: b1, b2 · lin: b3 · admin: all

    # Matrix: b1's valid 党员大会 counts, b2's (2 of 7 present, 会议无效) does not.
    matrix = admin.get("/console/matrix?period=2026-Q4").text
    assert "1/1" in _matrix_cell(matrix, "b1") and "0/1" in _matrix_cell(matrix, "b2")

    # Branch pages list each branch's own record under the shared id.
    for branch, other in (("b1", "b2"), ("b2", "b1")):
        page = shen.get(f"/console/branches/{branch}").text
        [(_rid, shown_branch, row)] = [r for r in _rows(page, "records") if r[0] == SHARED]
        assert shown_branch == branch and BRANCHES[branch]["title"] in row and _url(branch) in row
        assert BRANCHES[other]["title"] not in page
        assert ("会议无效" in row) is (branch == "b2")

    # Record pages: the branch's content, members' names, its own revisions, its own conflict state.
    for branch in ("b1", "b2"):
        page = shen.get(_url(branch)).text
        spec = BRANCHES[branch]
        assert spec["title"] in page and spec["text"] in page and spec["names"][0] in page
        for other in BRANCHES:
            if other != branch:
                assert BRANCHES[other]["title"] not in page and BRANCHES[other]["names"][0] not in page
        assert _revision_count(page) == 2, "created and finalized in this branch; no other branch's revisions"
        assert 'id="conflict"' not in page
        assert ("会议无效" in page) is (branch == "b2")
        assert _url(branch, "pdf") in page and _url(branch, "review") in page
    b3_page = lin.get(_url("b3")).text
    assert BRANCHES["b3"]["text"] in b3_page and 'id="conflict"' in b3_page and _revision_count(b3_page) == 3

    # PDFs: each the PDF that branch's clerk prints, byte for byte.
    for branch in ("b1", "b2"):
        reply = shen.get(_url(branch, "pdf"))
        assert reply.status_code == 200
        assert reply.content == render_minutes(client_minutes_input(laptops[branch].store, SHARED)).data
        text = norm(pdf_text(reply.content, tmp_path))
        assert BRANCHES[branch]["title"] in text and BRANCHES["b2" if branch == "b1" else "b1"]["title"] not in text

    # Search: hits name their branch; the other subtree's record is never found.
    for term, branch in (("秋季防火", "b1"), ("苗圃", "b2")):
        hits = _rows(shen.get("/console/search", params={"q": term}).text, "hits")
        assert [(r, b) for r, b, _ in hits] == [(SHARED, branch)] and _url(branch) in hits[0][2]
    assert _rows(shen.get("/console/search", params={"q": "矿井通风"}).text, "hits") == []
    everywhere = _rows(admin.get("/console/search", params={"q": "四季度党员大会"}).text, "hits")
    assert sorted((r, b) for r, b, _ in everywhere) == [(SHARED, "b1"), (SHARED, "b2"), (SHARED, "b3")]
    for _rid, branch, row in everywhere:
        assert _url(branch) in row and BRANCHES[branch]["title"] in row

    # A reviewer of the other subtree gets nothing of b1's record by URL — and can write nothing.
    for path in (_url("b1"), _url("b1", "pdf")):
        reply = lin.get(path)
        assert reply.status_code == 404 and BRANCHES["b1"]["text"] not in reply.text
    assert lin.post(_url("b1", "review"), {"decision": "returned", "comment": "越权退回"}).status_code == 404
    for path in (_url("b3"), _url("b3", "pdf")):
        reply = shen.get(path)
        assert reply.status_code == 404 and BRANCHES["b3"]["text"] not in reply.text
    assert shen.post(_url("b3", "review"), {"decision": "approved"}).status_code == 404

    # 退回修改 on b1's record: b1's record is returned, b2's is not; only b1's laptop gets it.
    assert shen.post(_url("b1", "review"), {"decision": "returned", "comment": "请补充防火责任人"}).status_code == 200
    returned = _rows(shen.get("/console/reviews?status=returned").text, "queue")
    assert [(r, b) for r, b, _ in returned] == [(SHARED, "b1")]
    waiting = _rows(shen.get("/console/reviews?status=unreviewed").text, "queue")
    assert [(r, b) for r, b, _ in waiting] == [(SHARED, "b2")]
    assert "已退回修改" not in _row_of(shen.get("/console/branches/b2").text)
    assert "请补充防火责任人" not in shen.get(_url("b2")).text
    assert "0/1" in _matrix_cell(admin.get("/console/matrix?period=2026-Q4").text, "b1"), "a returned record"
    for laptop in [*laptops.values(), second]:
        laptop.sync()  # the real engine checks head office's attestation (hq_sig) of every change
    info = review_of(laptops["b1"].store, SHARED)
    assert info is not None and info.decision is ReviewDecision.RETURNED and info.comment == "请补充防火责任人"
    assert review_of(laptops["b2"].store, SHARED) is None and review_of(laptops["b3"].store, SHARED) is None
    assert review_of(second.store, SHARED) is None

    # 已审核 on b2's record reaches b2 only; b1's stays returned.
    assert shen.post(_url("b2", "review"), {"decision": "approved"}).status_code == 200
    for laptop in laptops.values():
        laptop.sync()
    approved = review_of(laptops["b2"].store, SHARED)
    assert approved is not None and approved.decision is ReviewDecision.APPROVED
    assert review_of(laptops["b1"].store, SHARED).decision is ReviewDecision.RETURNED  # type: ignore[union-attr]
    assert review_of(laptops["b3"].store, SHARED) is None

    # b1 corrects its record: the correction is linked on b1's record page only.
    b1_records = laptops["b1"].store.records
    amendment = b1_records.amend(SHARED, b1_records.get(SHARED).body, reason="补充防火责任人", author="李组织")
    b1_records.finalize(amendment.record_id, author="李组织")
    laptops["b1"].sync()
    assert "支部已提交更正记录" in shen.get(_url("b1")).text
    assert "支部已提交更正记录" not in shen.get(_url("b2")).text
    b2_row = _row_of(shen.get("/console/branches/b2").text)
    assert "已更正" not in b2_row and "已审核" in b2_row
    matrix = admin.get("/console/matrix?period=2026-Q4").text
    assert "1/1" in _matrix_cell(matrix, "b1") and "0/1" in _matrix_cell(matrix, "b2")

    # Exports: the branch's rows, each naming branch and record.
    csv = shen.get("/console/branches/b2/records.csv").content.decode("utf-8-sig")
    assert BRANCHES["b2"]["title"] in csv and BRANCHES["b1"]["title"] not in csv
    assert f",b2,{SHARED}" in csv

    # Receipts: b2 files a receipt under b1's notice id; it marks neither copy as read.
    assert admin.post("/console/notices", {"target": "g", "title": "关于冬季防火检查的通知", "body": "请确认已读。",
                                           "issued_on": "2026-11-25", "requires_ack": "1"}).status_code == 200
    for laptop in laptops.values():
        laptop.sync()
    notice_of = {b: next(rid for rid, _ in laptops[b].store.records.iter_bodies("notice")) for b in BRANCHES}
    laptops["b2"].store.records.create("notice_receipt", {
        "notice_id": notice_of["b1"], "acknowledged_by": "赵一", "acknowledged_at": "2026-11-26T08:00:00+00:00"},
        author="赵一")
    laptops["b2"].sync()
    key = re.search(r'/console/notices/([0-9a-f]{32})">关于冬季防火检查的通知', admin.get("/console/notices").text)
    assert key is not None
    assert _receipts(admin, key[1]) == {"b1": False, "b2": False, "b3": False}
    acknowledge_notice(laptops["b1"].store, notice_of["b1"], author="王一")
    laptops["b1"].sync()
    assert _receipts(admin, key[1]) == {"b1": True, "b2": False, "b3": False}
    assert "王一" in admin.get(f"/console/notices/{key[1]}").text and "赵一" not in admin.get(
        f"/console/notices/{key[1]}").text

    # Roster upload to b2 updates b2's member m-4 (赵五) only; b1's m-4 (王五) is untouched.
    upload = "姓名,职务\n赵五,纪检委员\n".encode("utf-8-sig")
    assert shen.post("/console/roster", {"branch": "b2"}, files={"file": ("名册.csv", upload)}).status_code == 200
    for branch in ("b1", "b2"):
        laptops[branch].sync()
    assert [p.value for p in laptops["b2"].store.records.members()["m-4"].posts] == ["discipline"]
    b1_member = laptops["b1"].store.records.members()["m-4"]
    assert b1_member.name == "王五" and list(b1_member.posts) == []


def _receipts(admin: Browserless, key: str) -> dict[str, bool]:
    page = admin.get(f"/console/notices/{key}").text
    rows = re.findall(r'<tr data-branch="([^"]+)">(.*?)</tr>', page, re.S)
    return {branch: "已读" in row and "未读" not in row for branch, row in rows}
