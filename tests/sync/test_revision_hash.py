"""The revision hash serializes a body once; it must give the very ids the dict-of-payload recipe gave.

Revision ids are content addresses stored on every device and at head office: a change in even
one byte of the hashed form would make every existing record look tampered with.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.protocol.canonical import _normalize, canonical_json, canonical_text_checked
from sync.protocol.revisions import compute_rev, rev_and_body_text


def reference_rev(kind: str, body: Any, parents: list[str], deleted: bool, status: str, schema_version: int) -> str:
    """The recipe as first written: canonical JSON of the whole payload dict."""
    generation = max((int(p.split("-")[0]) for p in parents), default=0) + 1
    payload = {"kind": kind, "parents": sorted(parents), "deleted": deleted, "status": status,
               "schema_version": schema_version, "body": body}
    text = json.dumps(_normalize(payload), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return f"{generation}-{hashlib.sha256(text.encode()).hexdigest()[:32]}"


# Text with combining marks, CJK, escapes and astral characters, so both the fast and slow paths run.
texts = st.lists(st.sampled_from([*"abcAZ09 \"\\\n\t/", "e\u0301", "\u0301", "\u00e9", "会议", "𠀀", "\u0000",
                                  "\u212b", "\ufb01"]), max_size=8).map("".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)
revs = st.builds(lambda g, h: f"{g}-{h}", st.integers(1, 40), st.text("0123456789abcdef", min_size=32, max_size=32))


@settings(suppress_health_check=[HealthCheck.too_slow])  # large bodies; slow only on a loaded machine
@given(body=st.none() | st.dictionaries(texts, json_values, max_size=6), parents=st.lists(revs, max_size=3),
       deleted=st.booleans(), status=st.sampled_from(["draft", "final"]), schema_version=st.integers(1, 10_000),
       kind=texts.filter(bool))
def test_revision_ids_are_unchanged(body: Any, parents: list[str], deleted: bool, status: str,
                                    schema_version: int, kind: str) -> None:
    expected = reference_rev(kind, body, parents, deleted, status, schema_version)
    assert compute_rev(kind=kind, body=body, parents=parents, deleted=deleted, status=status,
                       schema_version=schema_version) == expected
    rev, stored = rev_and_body_text(kind=kind, body=body, parents=parents, deleted=deleted, status=status,
                                    schema_version=schema_version)
    assert rev == expected
    if stored is not None:  # offered only when it is exactly head office's stored form
        assert stored == json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values)
def test_canonical_text_matches_the_normalizing_encoder(value: Any) -> None:
    text, already = canonical_text_checked(value)
    assert text.encode() == canonical_json(value)
    assert text == json.dumps(_normalize(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if already:
        assert text == json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        # "already" speaks of the value's strings, not of the JSON text: a newline followed by a
        # combining mark is NFC as a string, while its escape "\\n" + U+0301 composes in the text.
        assert all(unicodedata.is_normalized("NFC", s) for s in _strings(value))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_strings(v)]]
    return []
