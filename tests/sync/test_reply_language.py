"""The reasons the device keeps with a change it cannot take are written in the clerk's language at
the moment it happens (they are stored and shown as stored), not always in Chinese."""

from __future__ import annotations

import pytest

from domain.i18n import language, set_language
from sync.client.reply import parse_reply


def _reply(change: dict[str, object]) -> dict[str, object]:
    return {"server_time": "2026-12-01T20:00:00Z", "hlc": "0", "epoch": "e1", "cursor": "", "changes": [change]}


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_malformed_pulled_change_is_quarantined_with_a_reason_in_the_shown_language(lang: str) -> None:
    before = language()
    set_language(lang)
    try:
        reply, [bad] = parse_reply(_reply({"record_id": "r-1", "kind": "meeting"}))
    finally:
        set_language(before)
    assert reply.changes == [] and bad.code == "invalid_change" and bad.record_id == "r-1"
    if lang == "en":
        assert "malformed" in bad.message and not any("\u4e00" <= ch <= "\u9fff" for ch in bad.message)
    else:
        assert "格式不正确" in bad.message
