"""Protocol primitives without a server: canonical bytes, revisions, signatures, cursors, gzip,
checksums, versions and the wire models."""

from __future__ import annotations

import gzip
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from sync.protocol.canonical import NonCanonicalValue, canonical_json
from sync.protocol.checksum import branch_checksum, from_signed64, replace_term, to_signed64
from sync.protocol.compression import (
    GZIP_THRESHOLD,
    BadCompressedBody,
    DecompressedTooLarge,
    gunzip_capped,
    maybe_gzip,
)
from sync.protocol.cursor import BadCursor, Cursor, decode_cursor, encode_cursor, peek_cursor
from sync.protocol.revisions import BadRevision, compute_rev, rev_generation
from sync.protocol.signatures import BadKey, BadSignature, SigningKey, signing_bytes, verify
from sync.protocol.versions import MIN_PROTOCOL, PROTOCOL_VERSION, is_supported, upgrade_required_body
from sync.protocol.wire import Change, Limits, SyncRequest


def test_canonical_json_is_order_and_normalization_independent() -> None:
    composed, decomposed = "党支部\u00e9", "党支部e\u0301"
    assert canonical_json({"b": 1, "a": composed}) == canonical_json({"a": decomposed, "b": 1})
    assert canonical_json({"x": Decimal("1.50")}) == b'{"x":"1.50"}'
    with pytest.raises(NonCanonicalValue):
        canonical_json({"x": 1.5})


def test_revisions_are_content_derived() -> None:
    body = {"title": "支部党员大会"}
    first = compute_rev(kind="meeting", body=body, parents=[])
    assert rev_generation(first) == 1
    assert compute_rev(kind="meeting", body=dict(body), parents=[]) == first, "identical edits, identical revs"
    edit = compute_rev(kind="meeting", body={"title": "改"}, parents=[first])
    assert rev_generation(edit) == 2
    other = compute_rev(kind="meeting", body={"title": "另改"}, parents=[first])
    merge_ab = compute_rev(kind="meeting", body=body, parents=[edit, other])
    assert merge_ab == compute_rev(kind="meeting", body=body, parents=[other, edit]), "parents are sorted"
    assert rev_generation(merge_ab) == 3
    assert compute_rev(kind="meeting", body=body, parents=[], status="final") != first
    assert compute_rev(kind="meeting", body=body, parents=[], deleted=True) != first
    with pytest.raises(BadRevision):
        rev_generation("x-123")


def test_signatures_cover_identity_fields() -> None:
    key = SigningKey.generate()
    fields: dict[str, Any] = {"record_id": "r1", "rev": "1-" + "a" * 32, "parents": [], "device_id": "d1",
                              "author": "王", "hlc": "0000000000001-0000-d1", "kind": "meeting"}
    sig = key.sign(signing_bytes(**fields))
    verify(key.public_key_b64(), signing_bytes(**fields), sig)
    for name, value in [("record_id", "r2"), ("device_id", "d2"), ("author", "李"), ("kind", "member"),
                        ("parents", ["1-" + "b" * 32]), ("hlc", "0000000000002-0000-d1")]:
        with pytest.raises(BadSignature):
            verify(key.public_key_b64(), signing_bytes(**{**fields, name: value}), sig)
    with pytest.raises(BadSignature):
        verify(SigningKey.generate().public_key_b64(), signing_bytes(**fields), sig)
    assert SigningKey.from_bytes(key.to_bytes()).sign(signing_bytes(**fields)) == sig, "deterministic"
    with pytest.raises(BadKey):
        verify("bm90IGEga2V5", signing_bytes(**fields), sig)


def test_cursor_is_macd_and_bound_to_branch_and_epoch() -> None:
    secret = b"k" * 32
    text = encode_cursor(Cursor("epoch-1", "b1", 42), secret)
    assert decode_cursor(text, secret) == Cursor("epoch-1", "b1", 42)
    with pytest.raises(BadCursor):
        decode_cursor(text, b"other-secret")
    payload, mac = text.split(".")
    forged = encode_cursor(Cursor("epoch-1", "b1", 999), b"guess")
    with pytest.raises(BadCursor):
        decode_cursor(forged.split(".")[0] + "." + mac, secret)
    assert peek_cursor(forged).seq == 999  # peeking is only for the epoch check
    for junk in ("", "abc", "e30.", "!!.!!"):
        with pytest.raises(BadCursor):
            decode_cursor(junk, secret)
    assert payload


def test_gzip_threshold_and_zip_bomb_guard() -> None:
    small, compressed = maybe_gzip(b"{}")
    assert (small, compressed) == (b"{}", False)
    data = b"x" * (GZIP_THRESHOLD * 4)
    packed, compressed = maybe_gzip(data)
    assert compressed and len(packed) < len(data)
    assert packed == maybe_gzip(data)[0], "deterministic, so a retry sends identical bytes"
    assert gunzip_capped(packed, len(data)) == data
    bomb = gzip.compress(b"\0" * 50_000_000)
    assert len(bomb) < 100_000
    with pytest.raises(DecompressedTooLarge):
        gunzip_capped(bomb, 1_000_000)
    with pytest.raises(BadCompressedBody):
        gunzip_capped(b"\x1f\x8b garbage", 1000)
    with pytest.raises(BadCompressedBody):
        gunzip_capped(packed[: len(packed) // 2], len(data))
    with pytest.raises(BadCompressedBody):
        gunzip_capped(packed + b"trailing", len(data))


@given(st.lists(st.tuples(st.text(min_size=1, max_size=8), st.text(min_size=1, max_size=8), st.booleans()),
                max_size=20, unique_by=lambda t: t[0]))
def test_checksum_is_additive(heads: list[tuple[str, str, bool]]) -> None:
    total = 0
    for head in heads:
        total = replace_term(total, None, head)
    assert total == branch_checksum(heads)
    if heads:
        record_id, rev, flag = heads[0]
        moved = replace_term(total, heads[0], (record_id, rev + "x", not flag))
        assert moved == branch_checksum([(record_id, rev + "x", not flag), *heads[1:]])
    assert from_signed64(to_signed64(total)) == total and -(2**63) <= to_signed64(total) < 2**63


def test_version_window_and_upgrade_body() -> None:
    assert is_supported(PROTOCOL_VERSION) and is_supported(MIN_PROTOCOL)
    assert not is_supported(PROTOCOL_VERSION + 1) and not is_supported(MIN_PROTOCOL - 1)
    body = upgrade_required_body()
    assert body["code"] == "upgrade_required" and "升级" in str(body["message"])


def test_wire_models_bound_their_inputs() -> None:
    change = {"change_id": "c1", "counter": 1, "record_id": "r1", "kind": "meeting", "rev": "1-" + "a" * 32,
              "hlc": "h", "sig": "s"}
    Change.model_validate(change)
    for bad in ({"counter": 0}, {"record_id": "有空格 的id"}, {"rev": "nope"}, {"status": "approved"}):
        with pytest.raises(ValidationError):
            Change.model_validate({**change, **bad})
    with pytest.raises(ValidationError):
        Limits(max_bytes=10**9)
    with pytest.raises(ValidationError):
        SyncRequest.model_validate({"client": {"device_id": "d"}, "push": [change] * 501})
    # Unknown fields from a newer peer are ignored, not fatal.
    assert SyncRequest.model_validate({"client": {"device_id": "d"}, "future": 1}).cursor is None


def test_record_ids_of_only_dots_are_refused_by_the_wire_and_the_store() -> None:
    """"." and ".." would name a folder in the console's record URLs, where they can never be
    opened: the id alphabet needs one character that is not a dot (dots inside stay allowed)."""
    from pydantic import TypeAdapter, ValidationError

    from desktop_app.store.record_ids import is_valid_record_id
    from sync.protocol.wire import Id

    adapter: TypeAdapter[str] = TypeAdapter(Id)
    for bad in (".", "..", "...", "", "a/b", "x" * 65):
        with pytest.raises(ValidationError):
            adapter.validate_python(bad)
        assert not is_valid_record_id(bad)
    for good in ("a", "1.2", ".a", "a..", "0190a0a0-0000-7000-8000-000000000001", "m:1_2-3"):
        assert adapter.validate_python(good) == good and is_valid_record_id(good)
