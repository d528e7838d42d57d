from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.store import RecordFilter, RecordFinalized, StaleRevision, Store
from desktop_app.store.errors import ReadOnlyKind
from domain.enums import RecordStatus
from domain.violations import RuleViolation


def _meeting(roster: dict[str, str], **extra: object) -> dict[str, object]:
    return {
        "meeting_type": "party_congress",
        "title": "2026年第四季度支部党员大会",
        "starts_at": "2026-11-03T09:00",
        "ends_at": "2026-11-03T11:00",
        "place": "林场党员活动室",
        "chair_member_id": roster["王书记"],
        "recorder_member_id": roster["李组织"],
        "attendance": [{"member_id": mid} for mid in roster.values()],
        "discussion": "传达上级关于森林防火的部署。",
        **extra,
    }


def _counts(store: Store) -> tuple[int, int, int, int]:
    c = store.conn
    return tuple(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
                 for t in ("records", "revisions", "history", "outbox"))


def test_every_write_appends_revision_history_and_outbox(store: Store, roster: dict[str, str]) -> None:
    before = _counts(store)
    env = store.records.create("meeting", _meeting(roster), author="李组织")
    assert _counts(store) == (before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1)
    updated = store.records.update(env.record_id, _meeting(roster, place="场部会议室"), author="李组织",
                                   base_rev=env.rev)
    assert updated.rev.startswith("2-") and updated.rev != env.rev
    history = store.records.history(env.record_id)
    assert [(h.op, h.before_rev, h.after_rev) for h in history] == [
        ("create", None, env.rev), ("update", env.rev, updated.rev)]
    assert history[0].device_id == store.device_id and history[0].author == "李组织"
    assert history[0].hlc < history[1].hlc
    body = store.records.revision_body(env.record_id, env.rev)
    assert body is not None and body.place == "林场党员活动室"  # type: ignore[attr-defined]


def test_saving_identical_content_writes_nothing(store: Store, roster: dict[str, str]) -> None:
    env = store.records.create("meeting", _meeting(roster), author="t")
    before = _counts(store)
    same = store.records.update(env.record_id, _meeting(roster), author="t")
    assert same.rev == env.rev
    assert _counts(store) == before


def test_meeting_time_is_kept_apart_from_recorded_time(store: Store, roster: dict[str, str]) -> None:
    env = store.records.create("meeting", _meeting(roster, starts_at="2025-06-06T09:00"), author="t")
    got = store.records.get(env.record_id)
    assert got.body.starts_at == dt.datetime(2025, 6, 6, 9, 0)  # type: ignore[attr-defined]
    assert got.created_at.startswith(str(dt.datetime.now(dt.UTC).year))
    assert got.synced_at is None


def test_invalid_record_is_refused_and_nothing_is_half_saved(store: Store, roster: dict[str, str]) -> None:
    before = _counts(store)
    with pytest.raises(RuleViolation) as info:
        store.records.create("meeting", _meeting(roster, title="", starts_at="2026-13-40"), author="t")
    fields = {v.field for v in info.value.violations}
    assert {"title", "starts_at"} <= fields
    assert all(v.message for v in info.value.violations)
    assert "会议名称" in str(info.value)
    assert _counts(store) == before


def test_finalized_records_are_immutable_and_amended(store: Store, roster: dict[str, str]) -> None:
    env = store.records.create("meeting", _meeting(roster), author="t")
    final = store.records.finalize(env.record_id, author="t")
    assert final.status is RecordStatus.FINAL
    with pytest.raises(RecordFinalized):
        store.records.update(env.record_id, _meeting(roster, place="别处"), author="t")
    with pytest.raises(RecordFinalized):
        store.records.delete(env.record_id, author="t")
    with pytest.raises(RecordFinalized):
        store.records.finalize(env.record_id, author="t")
    amendment = store.records.amend(env.record_id, _meeting(roster, place="场部会议室"), reason="地点记错", author="t")
    body = amendment.body
    assert body.amends_record_id == env.record_id and body.amends_rev == final.rev  # type: ignore[attr-defined]
    assert store.records.get(env.record_id).body.place == "林场党员活动室"  # type: ignore[attr-defined]
    assert [a.record_id for a in store.records.amendments_of(env.record_id)] == [amendment.record_id]


def test_stale_base_revision_is_refused(store: Store, roster: dict[str, str]) -> None:
    env = store.records.create("meeting", _meeting(roster), author="t")
    store.records.update(env.record_id, _meeting(roster, place="A"), author="t")
    with pytest.raises(StaleRevision):
        store.records.update(env.record_id, _meeting(roster, place="B"), author="t", base_rev=env.rev)


def test_delete_draft_leaves_a_tombstone_that_syncs(store: Store, roster: dict[str, str]) -> None:
    env = store.records.create("meeting", _meeting(roster), author="t")
    pending = store.outbox_pending_count()
    store.records.delete(env.record_id, author="t")
    assert store.outbox_pending_count() == pending + 1
    assert store.records.count(RecordFilter(kind="meeting")) == 0
    assert store.records.search("森林防火") == []


def test_notices_from_head_office_are_read_only(store: Store) -> None:
    with pytest.raises(ReadOnlyKind):
        store.records.create("notice", {"title": "通知", "issued_on": "2026-11-01"}, author="t")


@pytest.mark.parametrize("query", ["森林防火", "防火", "火", "上级关于", "FIRE-ext"])
def test_search_finds_chinese_substrings(store: Store, roster: dict[str, str], query: str) -> None:
    store.records.create("meeting", _meeting(roster, open_issues="FIRE-extinguisher check"), author="t")
    store.records.create("meeting", _meeting(roster, title="党课：学习党章", meeting_type="lecture",
                                             discussion="学习党章第一章"), author="t")
    hits = store.records.search(query)
    assert [h.title for h in hits] == ["2026年第四季度支部党员大会"]


def test_search_finds_people_by_name(store: Store, roster: dict[str, str]) -> None:
    env = store.records.create("meeting", _meeting(roster), author="t")
    hits = store.records.query(RecordFilter(kind="meeting", text="王书记"))
    assert [h.record_id for h in hits] == [env.record_id]
    assert {h.kind for h in store.records.search("孙预备")} == {"member", "meeting"}


def test_search_terms_are_literal_and_combined(store: Store, roster: dict[str, str]) -> None:
    store.records.create("meeting", _meeting(roster), author="t")
    assert store.records.search('森林" OR "x') == []
    assert len(store.records.search("森林防火 林场党员")) == 1
    assert store.records.search("森林防火 不存在的词") == []
    assert store.records.search("100%") == []
    store.records.create("meeting", _meeting(roster, title="完成率100%_A"), author="t")
    assert [h.title for h in store.records.search("100%_")] == ["完成率100%_A"]
    assert store.records.search("100x_") == []


def test_filters(store: Store, roster: dict[str, str]) -> None:
    a = store.records.create("meeting", _meeting(roster), author="t")
    store.records.create("meeting", _meeting(roster, meeting_type="committee", title="支委会",
                                             starts_at="2026-10-05T09:00"), author="t")
    store.records.finalize(a.record_id, author="t")
    r = store.records
    assert r.count(RecordFilter(kind="meeting")) == 2
    assert r.count(RecordFilter(kind="meeting", subtype="committee")) == 1
    assert r.count(RecordFilter(kind="meeting", status=RecordStatus.FINAL)) == 1
    assert r.count(RecordFilter(kind="meeting", date_from=dt.date(2026, 11, 1))) == 1
    assert [s.title for s in r.query(RecordFilter(kind="meeting"))] == ["2026年第四季度支部党员大会", "支委会"]
    assert r.query(RecordFilter(kind="meeting"), offset=1, limit=1)[0].title == "支委会"


def test_attendance_index_follows_edits(store: Store, roster: dict[str, str]) -> None:
    env = store.records.create("meeting", _meeting(roster), author="t")
    rows = store.conn.execute("SELECT count(*) FROM attendance WHERE record_id = ?", (env.record_id,)).fetchone()
    assert rows[0] == len(roster)
    store.records.update(env.record_id, _meeting(roster, attendance=[{"member_id": roster["王书记"]}]), author="t")
    rows = store.conn.execute("SELECT member_id FROM attendance WHERE record_id = ?", (env.record_id,)).fetchall()
    assert rows == [(roster["王书记"],)]


def test_editor_buffers_survive_reopen(store_dir, roster: dict[str, str], store: Store) -> None:  # type: ignore[no-untyped-def]
    store.buffers.save("new-meeting", "meeting", {"title": "半截的记录"}, record_id=None, base_rev=None)
    store.close()
    from tests.store.conftest import PASSPHRASE

    reopened = Store.open(store_dir, PASSPHRASE)
    try:
        [buf] = reopened.buffers.all()
        assert buf.data == {"title": "半截的记录"} and buf.kind == "meeting"
        reopened.buffers.discard("new-meeting")
        assert reopened.buffers.all() == []
    finally:
        reopened.conn.close()


def test_incomplete_draft_saves_with_warnings_but_cannot_be_finalized(store: Store, roster: dict[str, str]) -> None:
    draft = _meeting(roster, meeting_type="lecture", title="党课", chair_member_id="", lecture=None)
    env = store.records.create("meeting", draft, author="t")
    assert env.status is RecordStatus.DRAFT
    assert any(w.code.endswith("missing") for w in env.warnings)
    with pytest.raises(RuleViolation) as info:
        store.records.finalize(env.record_id, author="t")
    assert all(v.code.endswith("missing") for v in info.value.violations)
    assert store.records.get(env.record_id).status is RecordStatus.DRAFT
