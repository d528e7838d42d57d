from __future__ import annotations

from desktop_app.store import Store
from desktop_app.store.bigrams import cjk_bigrams, is_cjk_bigram
from desktop_app.store.repository import RecordFilter


def test_bigrams_of_cjk_runs_only_and_distinct() -> None:
    assert cjk_bigrams("党员学习，党员") == "党员 员学 学习"
    assert cjk_bigrams("abc 王芳 x") == "王芳"
    assert cjk_bigrams("𠀾𪚥名") == "𠀾𪚥 𪚥名"  # Extension B characters in rare names
    assert is_cjk_bigram("王芳") and not is_cjk_bigram("ab") and not is_cjk_bigram("王")


def test_two_character_terms_use_the_bigram_index(store: Store, roster: dict[str, str]) -> None:
    store.records.create("member", {"name": "王芳"}, author="t")
    store.records.create("member", {"name": "芳王"}, author="t")
    hits = store.records.query(RecordFilter(kind="member", text="王芳"))
    assert [h.title for h in hits] == ["王芳"]
    where, params = store.records._where(RecordFilter(text="王芳"))
    plan = " ".join(str(r) for r in store.conn.execute(f"EXPLAIN QUERY PLAN SELECT r.id FROM records r{where}", params))
    assert "search_bigrams" in plan and "content LIKE" not in where


def test_verify_passphrase(store: Store) -> None:
    from tests.store.conftest import PASSPHRASE

    assert store.verify_passphrase(PASSPHRASE)
    assert not store.verify_passphrase("not the passphrase")
