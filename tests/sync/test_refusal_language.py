"""What head office refuses reaches the clerk in the clerk's language (issue 12), against a real
head office (uvicorn on 127.0.0.1, SQLite).

Head office's replies carry a stable ``code``, the message's key when it is more precise
(``reason``) and its values (``params``); the client renders the message from its own catalog.
The Chinese ``message`` stays in every reply for clients older than these keys, and is what a
client shows for a key it does not know (a newer head office).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from domain import i18n
from sync.client import errors
from sync.server import devices as device_store
from tests.sync.hq import HeadOfficeFixture, meeting

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def test_a_revoked_device_is_told_in_english(hq_sqlite: HeadOfficeFixture) -> None:
    dev = hq_sqlite.device()
    hq_sqlite.office.call(device_store.revoke_device, dev.state.device_id, "笔记本丢失")
    dev.state.create("meeting", meeting())
    i18n.set_language("en")
    with pytest.raises(errors.DeviceRevoked) as caught:
        dev.sync()
    assert caught.value.code == "device_revoked"
    assert "head office" in caught.value.message.lower() and not CJK.search(caught.value.message), caught.value.message
    i18n.set_language("zh_CN")
    with pytest.raises(errors.DeviceRevoked) as again:
        dev.sync()
    assert "停用" in again.value.message
    assert dev.state.pending_count() == 1


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_refused_changes_are_kept_with_reasons_in_the_shown_language(hq_sqlite: HeadOfficeFixture, lang: str) -> None:
    """A change head office cannot store (NUL in a title, a number past 64 bits) and one too deeply
    nested for its parser (refused as a whole request, then isolated by halving): each is kept on
    the device with head office's reason, in the clerk's language; the others go through."""
    dev = hq_sqlite.device()
    ok = dev.state.create("meeting", meeting("会议"))
    nul = dev.state.create("meeting", meeting("含\u0000的标题"))
    big = dev.state.create("meeting", meeting("数字过大", attendance_total=10**30))
    nested: Any = "底"
    for _ in range(60):
        nested = {"x": nested}
    deep = dev.state.create("meeting", meeting("嵌套过深", extra=nested))
    i18n.set_language(lang)
    stats = dev.sync()
    assert stats.accepted == 1 and stats.rejected == 3
    kept = {e.record_id: e for e in dev.state.rejected()}
    assert set(kept) == {nul, big, deep} and ok not in kept
    for entry in kept.values():
        message = entry.message or ""
        if lang == "en":
            assert message and not CJK.search(message), (entry.code, message)
        else:
            assert CJK.search(message), (entry.code, message)
    if lang == "en":
        assert "NUL" in (kept[nul].message or "") and "nested" in (kept[deep].message or "").lower()
    else:
        assert "空字符" in (kept[nul].message or "") and "嵌套" in (kept[deep].message or "")


def test_replies_keep_chinese_text_for_old_clients_beside_the_code_and_reason(hq_sqlite: HeadOfficeFixture) -> None:
    dev = hq_sqlite.device()
    auth = {"Authorization": f"Bearer {dev.engine.transport.token}", "Content-Type": "application/json"}
    reply = requests.post(hq_sqlite.base_url + "/v1/sync", data=b"{not json", headers=auth, timeout=10)
    body = reply.json()
    assert reply.status_code == 400 and body["code"] == "invalid_request" and body["reason"] == "bad_json"
    assert body["message"] == "请求不是有效的 JSON。"
    i18n.set_language("en")
    assert errors.shown_reply(body) == "The request is not valid JSON."
    # An attachment head office does not know: a reason of its own, under the plain code not_found.
    blob = requests.patch(hq_sqlite.base_url + "/v1/blobs/" + "0" * 64, data=b"x", timeout=10, headers={
        **auth, "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0", "Tus-Resumable": "1.0.0"})
    answer = blob.json()
    assert blob.status_code == 404 and answer["code"] == "not_found" and answer["reason"] == "blob_unknown"
    assert "总部没有这个附件" in answer["message"]
    assert errors.shown_reply(answer) == ("Head office does not have this attachment, or no record of this branch "
                                          "refers to it.")


def test_an_unknown_code_from_a_newer_head_office_shows_its_text() -> None:
    i18n.set_language("en")
    newer = {"code": "vote_locked", "reason": "vote_locked_by_reviewer", "params": {"who": "王"},
             "message": "该表决已被审核员锁定。"}
    assert errors.shown_reply(newer) == "该表决已被审核员锁定。"
    # Parameters that do not fit this client's template: head office's text, never a crash.
    assert errors.shown_reply({"code": "invalid_request", "reason": "bad_header", "params": {},
                               "message": "缺少或无效的 X 头。"}) == "缺少或无效的 X 头。"
    assert errors.shown_reply({"code": "invalid_request", "reason": "bad_header", "params": {"header": "Upload-Offset"},
                               "message": "缺少或无效的 Upload-Offset 头。"}) == \
        "The Upload-Offset header is missing or invalid."
    # In Chinese, head office's own text is shown (an older head office's may say more than its code).
    i18n.set_language("zh_CN")
    assert errors.shown_reply({"code": "invalid_request", "message": "请求应为 JSON 对象。"}) == "请求应为 JSON 对象。"
    # An old head office (no reason): the code's message, in English.
    i18n.set_language("en")
    assert errors.shown_reply({"code": "device_revoked", "message": "此设备已被总部停用"}) == \
        i18n.t("此设备已被总部停用，无法同步。如有疑问请联系总部管理员。")
