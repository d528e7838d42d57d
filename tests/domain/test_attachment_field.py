"""The ``attachments`` field on every body leaves every existing revision id as it was.

Revision ids hash the canonical body; a body without attachments must therefore dump exactly as it
did before the field existed. The proof runs over the revisions a real previous release (0.1.0) wrote
into its SQCipher store, over its export, and over every kind's sample body.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from desktop_app.store import Store
from desktop_app.store.codec import unpack
from domain.attachments import AttachmentRef, AttachmentRole
from domain.records import RECORD_KINDS, Meeting, body_schema_version
from sync.protocol import compact
from sync.protocol.canonical import canonical_json
from sync.protocol.revisions import compute_rev
from testsupport import print_samples

RELEASE = Path(__file__).parents[1] / "packaging" / "fixtures" / "release-0.1.0"
PHOTO = AttachmentRef(sha256="ab" * 32, size=123_456, mime="image/jpeg", name="主题党日合影.jpg",
                      role=AttachmentRole.PHOTO, caption="重温入党誓词", width=2000, height=1500)


def _release_revisions(tmp_path: Path) -> list[dict[str, Any]]:
    data = tmp_path / "release"
    shutil.copytree(RELEASE / "data", data)
    passphrase = (RELEASE / "passphrase.txt").read_text(encoding="utf-8")
    with Store.open(data, passphrase) as store:
        rows = store.conn.execute(
            "SELECT rev, parents, kind, status, deleted, schema_version, body FROM revisions").fetchall()
    return [{"rev": r[0], "parents": json.loads(r[1]), "kind": r[2], "status": r[3], "deleted": bool(r[4]),
             "schema_version": r[5], "body": unpack(r[6]) if r[6] is not None else None} for r in rows]


def test_previous_release_revisions_keep_their_ids(tmp_path: Path) -> None:
    revisions = _release_revisions(tmp_path)
    assert len(revisions) >= 7
    redumped = 0
    for r in revisions:
        assert compute_rev(kind=r["kind"], body=r["body"], parents=r["parents"], deleted=r["deleted"],
                           status=r["status"], schema_version=r["schema_version"]) == r["rev"]
        if r["body"] is None:
            continue
        model = RECORD_KINDS[r["kind"]].model_validate(r["body"])
        dumped = model.model_dump(mode="json")
        assert "attachments" not in dumped
        assert body_schema_version(dumped) == 1
        # Fields added since 0.1.0 with their defaults are the only permitted difference.
        added = {k: v for k, v in dumped.items() if k not in r["body"]}
        assert all(v in (None, "", [], False) for v in added.values()), added
        trimmed = {k: v for k, v in dumped.items() if k in r["body"]}
        assert canonical_json(trimmed) == canonical_json(r["body"])
        if not added:
            redumped += 1
            assert compute_rev(kind=r["kind"], body=dumped, parents=r["parents"], deleted=r["deleted"],
                               status=r["status"], schema_version=body_schema_version(dumped)) == r["rev"]
    assert redumped >= 5, "most of the release's bodies must re-dump to the very same revision id"


def test_release_export_bodies_dump_without_the_field() -> None:
    export = json.loads((RELEASE / "export.json").read_text(encoding="utf-8"))
    for record in export["records"]:
        dumped = RECORD_KINDS[record["kind"]].model_validate(record["body"]).model_dump(mode="json")
        assert "attachments" not in dumped
        assert {k: v for k, v in dumped.items() if k in record["body"]} == record["body"]


@pytest.mark.parametrize("body", [*print_samples.all_meetings(), print_samples.post(), print_samples.BRANCH],
                         ids=lambda b: f"{b.KIND}-{getattr(b, 'meeting_type', '')}")
def test_every_kind_without_attachments_is_unchanged_and_compacts(body: Any) -> None:
    dumped = body.model_dump(mode="json")
    assert "attachments" not in dumped
    assert "attachments" not in json.loads(body.model_dump_json())
    stripped = compact.strip(body.KIND, dumped)
    assert stripped is not None and "attachments" not in stripped
    assert compact.expand(body.KIND, stripped) == dumped


def test_a_body_with_attachments_carries_them_in_its_hash_and_schema_version() -> None:
    base = print_samples.theme_day()
    with_photo = base.model_copy(update={"attachments": [PHOTO]})
    dumped = with_photo.model_dump(mode="json")
    assert dumped["attachments"][0]["sha256"] == "ab" * 32
    assert body_schema_version(dumped) == 2
    assert Meeting.model_validate(dumped) == with_photo
    plain = base.model_dump(mode="json")
    other = with_photo.model_copy(update={"attachments": [PHOTO.model_copy(update={"sha256": "cd" * 32})]})
    revs = {compute_rev(kind="meeting", body=b, parents=[], status="final", schema_version=body_schema_version(b))
            for b in (plain, dumped, other.model_dump(mode="json"))}
    assert len(revs) == 3, "the digests are hashed with the body"
    stripped = compact.strip("meeting", dumped)
    assert stripped is not None and "caption" in stripped["attachments"][0]
    assert compact.expand("meeting", stripped) == dumped


def test_bad_references_are_refused_by_the_schema() -> None:
    from pydantic import ValidationError

    good = PHOTO.model_dump(mode="json")
    for bad in ({"sha256": "AB" * 32}, {"sha256": "ab"}, {"size": 0}, {"mime": "text/html"},
                {"name": "../../etc/passwd.jpg"}, {"name": "a/b.jpg"}, {"name": "a\\b.jpg"}, {"name": "a\x00.jpg"},
                {"name": "x" * 201 + ".jpg"}, {"name": ""}, {"role": "selfie"}, {"extra": 1}):
        with pytest.raises(ValidationError):
            AttachmentRef.model_validate({**good, **bad})


def test_search_text_has_the_file_name_and_caption_not_the_digest() -> None:
    from domain.text import human_strings

    words = human_strings(print_samples.theme_day().model_copy(update={"attachments": [PHOTO]}))
    assert "主题党日合影.jpg" in words and "重温入党誓词" in words
    assert PHOTO.sha256 not in words and "image/jpeg" not in words
